/**
 * Open-loop rates are read over the schedule's window (its slots × their period), not from the
 * start to the last send: `-r 1 -d 3s` offered 1/s, not 1.5/s; one send at 0.5/s is 0.5/s, not
 * hundreds. `rps` thresholds judge that figure; worker threads and shards agree with one thread.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slotsBefore, slotOffsetMs } from '../../../src/load/openLoop.js';
import { runBench } from '../../../src/run/runBench.js';
import { mergeReports } from '../../../src/report/merge.js';
import { closeServer, delayServer, listen } from '../../support/helpers.js';

const quiet = { note: () => {} };

describe('open-loop throughput and offered rate', () => {
  const target = delayServer();
  let url = '';
  before(async () => {
    url = await listen(target.server);
  });
  after(() => closeServer(target.server));

  it('-r 1 -d 3s: 3 sends over a 3 s window are 1.0/s offered and 1.0/s through, and rps>=0.95 passes', async () => {
    const report = await runBench({ ...quiet, target: url, rate: 1, durationMs: 3000, thresholds: ['rps>=0.95'] });
    const phase = report.phases[0]!;
    assert.equal(phase.requests, 3);
    assert.equal(phase.sendWindowMs, 3000);
    assert.equal(phase.offeredPerSecond, 1);
    assert.equal(phase.throughputPerSecond, 1);
    assert.equal(report.thresholds[0]!.passed, true);
  });

  it('-r 0.5 -d 1s: one send owns a 2 s slot: 0.5/s, not a rate over the milliseconds it took', async () => {
    const report = await runBench({ ...quiet, target: url, rate: 0.5, durationMs: 1000, thresholds: ['rps<=0.5'] });
    const phase = report.phases[0]!;
    assert.equal(phase.requests, 1);
    assert.equal(phase.sendWindowMs, 2000);
    assert.equal(phase.offeredPerSecond, 0.5);
    assert.equal(phase.throughputPerSecond, 0.5);
    assert.equal(report.thresholds[0]!.passed, true, 'rps judges the true figure');
  });

  it('--requests 10 -r 20: the window is the schedule\'s span, 10 / 20 = 0.5 s', async () => {
    const phase = (await runBench({ ...quiet, target: url, rate: 20, requests: 10 })).phases[0]!;
    assert.equal(phase.requests, 10);
    assert.equal(phase.sendWindowMs, 500);
    assert.equal(phase.offeredPerSecond, 20);
    assert.equal(phase.throughputPerSecond, 20);
  });

  it('two worker threads report the one schedule\'s window: -r 4 -d 1s is 4.0/s', async () => {
    const phase = (await runBench({ ...quiet, target: url, rate: 4, durationMs: 1000, workers: 2 })).phases[0]!;
    assert.equal(phase.requests, 4);
    assert.equal(phase.sendWindowMs, 1000);
    assert.equal(phase.offeredPerSecond, 4);
    assert.equal(phase.throughputPerSecond, 4);
  });

  it('shards each know the whole window, so the merged offer is the schedule\'s: 4 shards of -r 4 -d 1s are 4.0/s', async () => {
    const shards = [];
    for (let index = 1; index <= 4; index += 1) shards.push(await runBench({ ...quiet, target: url, rate: 4, durationMs: 1000, shard: { index, of: 4 } }));
    for (const shard of shards) assert.equal(shard.phases[0]!.sendWindowMs, 1000);
    const merged = mergeReports(shards.map((report, index) => ({ source: `shard${index + 1}.json`, report })), () => {});
    assert.equal(merged.phases[0]!.requests, 4);
    assert.equal(merged.phases[0]!.offeredPerSecond, 4);
    assert.equal(merged.phases[0]!.throughputPerSecond, 4);
  });

  it('slotsBefore counts the slots due before a duration exactly as the loop does, with and without a ramp', () => {
    assert.equal(slotsBefore(3000, 1, undefined), 3);
    assert.equal(slotsBefore(1000, 0.5, undefined), 1);
    assert.equal(slotsBefore(1500, 3, undefined), 5);
    assert.equal(slotsBefore(1000, 1000, undefined), 1000);
    for (const [duration, rate, ramp] of [[5000, 100, 2000], [1000, 7, 500], [10_000, 1000, 9000]] as const) {
      const slots = slotsBefore(duration, rate, ramp);
      assert.ok(slotOffsetMs(slots - 1, rate, ramp) < duration && slotOffsetMs(slots, rate, ramp) >= duration, `${slots} slots before ${duration} ms at ${rate}/s, ramp ${ramp} ms`);
    }
  });
});
