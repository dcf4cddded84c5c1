/**
 * `bench --workers N`: the threads' shares add up to exactly the single-thread run (counts, slots,
 * IDs), their histograms merge exactly, and one delivery tracker still accounts for every event.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBench } from '../../../src/run/runBench.js';
import { splitEvenly, workerPhases } from '../../../src/load/split.js';
import { createHistogram, recordMs } from '../../../src/metrics/histogram.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { epochAt } from '../../../src/time.js';
import { closeServer, listen, useTestStack } from '../../support/helpers.js';

const quiet = { note: () => {} };

describe('splitting the load', () => {
  it('splits counts into near-equal whole shares that add up', () => {
    assert.deepEqual(splitEvenly(10, 4), [3, 3, 2, 2]);
    assert.deepEqual(splitEvenly(3, 3), [1, 1, 1]);
    assert.deepEqual(splitEvenly(2, 3), [1, 1, 0]);
  });

  it('gives each thread its concurrency and requests (closed) or every Nth slot (open)', () => {
    const closed = workerPhases({ name: 'sync', invocationType: 'RequestResponse', load: { kind: 'closed', concurrency: 5 }, requests: 101 }, 2);
    assert.deepEqual(closed.map((phase) => [phase.load, phase.requests]), [[{ kind: 'closed', concurrency: 3 }, 51], [{ kind: 'closed', concurrency: 2 }, 50]]);
    const open = workerPhases({ name: 'sync', invocationType: 'RequestResponse', load: { kind: 'open', rate: 300, maxInFlight: 100 }, requests: 90 }, 3);
    assert.deepEqual(open.map((phase) => [phase.share, phase.requests, phase.load]), [0, 1, 2].map((index) => [{ index, of: 3 }, 90, { kind: 'open', rate: 300, maxInFlight: 34 - (index === 0 ? 0 : 1) }]));
  });
});

describe('recorder intervals', () => {
  it('a call that never went out (not signed, interrupted first) counts under its outcome but has no latency', () => {
    const recorder = new Recorder();
    recorder.record({ class: 'ok', statusCode: 200, sentAt: 1, serviceTimeMs: 40, endedAt: 41, attempts: 1 });
    recorder.record({ class: 'networkError', sentAt: 2, serviceTimeMs: 0, endedAt: 2, attempts: 0, errorType: 'CredentialsProviderError' });
    recorder.record({ class: 'timeout', sentAt: 3, serviceTimeMs: 0.01, endedAt: 3.01, attempts: 0, errorType: 'Interrupted' });
    assert.equal(recorder.completed, 3);
    assert.deepEqual([recorder.outcomes.ok, recorder.outcomes.networkError, recorder.outcomes.timeout], [1, 1, 1]);
    assert.deepEqual([recorder.latency.totalCount, recorder.serviceTime.totalCount], [1, 1]);
    assert.equal(recorder.unsent, 2, 'latency count + unsent = completed');
    const merged = new Recorder();
    merged.absorb(recorder.takeInterval());
    assert.deepEqual([merged.completed, merged.unsent, merged.latency.totalCount], [3, 2, 1], 'threads carry the count');
    assert.ok(recorder.latency.minNonZeroValue >= 39_000, 'the 0 ms of the unsent calls is not a latency');
  });

  it('open loop: a call\'s latency runs from its intended start to its end (endedAt), not to when it is recorded', async () => {
    const lines: string[] = [];
    const recorder = new Recorder((text) => lines.push(text));
    const intendedAt = performance.now();
    // Sent 5 ms late, answered 20 ms after its intended start; recorded 30 ms later still.
    const outcome = { class: 'ok', statusCode: 200, sentAt: Date.now(), serviceTimeMs: 15, endedAt: epochAt(intendedAt + 20), attempts: 1 } as const;
    await new Promise((resolve) => setTimeout(resolve, 50));
    recorder.record(outcome, intendedAt);
    const line = JSON.parse(lines[0]!) as { latencyMs: number; serviceTimeMs: number };
    assert.deepEqual([line.latencyMs, line.serviceTimeMs], [20, 15]);
    const p100 = recorder.latency.getValueAtPercentile(100);
    assert.ok(p100 >= 20_000 && p100 < 20_020, `the histogram holds 20 ms too (3 significant digits): ${p100} µs`);
  });

  it('intervals added together equal one recorder that saw every call', () => {
    const whole = new Recorder();
    const sender = new Recorder();
    const merged = new Recorder();
    whole.start(0);
    sender.start(0);
    for (let index = 0; index < 5000; index += 1) {
      const outcome = { class: index % 50 === 0 ? 'throttled' : 'ok', statusCode: index % 50 === 0 ? 429 : 200, sentAt: 0, serviceTimeMs: 0.2 + ((index * 7919) % 3000) / 7, endedAt: 0, attempts: 1 } as const;
      whole.record(outcome, undefined, index);
      sender.record(outcome, undefined, index);
      if (index % 700 === 0) merged.absorb(sender.takeInterval());
    }
    merged.absorb(sender.takeInterval());
    assert.equal(merged.completed, 5000);
    assert.deepEqual(merged.outcomes, whole.outcomes);
    assert.deepEqual([...merged.status].sort(), [...whole.status].sort());
    assert.deepEqual(merged.perSecond, whole.perSecond);
    for (const name of ['latency', 'serviceTime'] as const) {
      assert.equal(merged[name].totalCount, whole[name].totalCount);
      for (const percentile of [0, 50, 90, 99, 99.9, 100]) assert.equal(merged[name].getValueAtPercentile(percentile), whole[name].getValueAtPercentile(percentile), `${name} p${percentile}`);
    }
    // And a histogram built afresh from the same values agrees too.
    const fresh = createHistogram();
    for (let index = 0; index < 5000; index += 1) recordMs(fresh, 0.2 + ((index * 7919) % 3000) / 7);
    assert.equal(merged.serviceTime.getValueAtPercentile(99), fresh.getValueAtPercentile(99));
  });
});

describe('bench --workers against a counting server', () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(String(req.headers['x-client-request-id']));
    req.resume();
    setTimeout(() => res.end('{}'), 2);
  });
  let url: string;
  let dir: string;
  before(async () => {
    url = await listen(server);
    dir = await mkdtemp(join(tmpdir(), 'lambench-workers-'));
  });
  after(async () => {
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('closed loop over 2 threads: exactly the requests asked for, each raw line once', async () => {
    seen.length = 0;
    const rawPath = join(dir, 'closed.ndjson');
    const report = await runBench({ ...quiet, target: url, payload: '{}', concurrency: 5, requests: 101, workers: 2, rawPath });
    const phase = report.phases[0]!;
    assert.equal(phase.requests, 101);
    assert.deepEqual(phase.status, { 200: 101 });
    assert.equal(phase.latencyUs?.count, 101);
    assert.equal(phase.perSecond.reduce((a, b) => a + b, 0), 101);
    assert.equal(seen.length, 101, 'the server saw exactly the calls counted');
    const lines = (await readFile(rawPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { clientRequestId: string });
    assert.equal(lines.length, 101);
    assert.deepEqual(new Set(lines.map((line) => line.clientRequestId)), new Set(seen), 'the raw file names each call the server saw');
  });

  it('open loop over 3 threads keeps the one schedule: every slot sent once, IDs unique', async () => {
    seen.length = 0;
    const report = await runBench({ ...quiet, target: url, payload: '{}', rate: 300, requests: 90, workers: 3 });
    const phase = report.phases[0]!;
    assert.equal(phase.requests + phase.dropped, 90);
    assert.equal(seen.length, phase.requests);
    assert.equal(new Set(seen).size, seen.length, 'no two threads sent the same ID');
    assert.ok(phase.durationMs >= 280 && phase.durationMs < 2000, `90 slots at 300/s take about 300 ms, took ${phase.durationMs} ms`);
  });
});

describe('bench --workers with delivery verification', () => {
  const local = useTestStack();

  it('one tracker in the main thread accounts for the events every thread sent', async () => {
    const report = await runBench({
      ...quiet,
      target: 'square',
      payload: '{"number": 6}',
      endpointUrl: local.stack.lambdaUrl,
      region: local.stack.region,
      types: 'sync,async',
      concurrency: 4,
      requests: 30,
      workers: 2,
      verifyDelivery: true,
      destinationQueue: local.stack.queues['lambench-success']!,
      settleMs: 15_000,
    });
    const [sync, async] = report.phases;
    assert.deepEqual(sync!.status, { 200: 30 });
    assert.deepEqual(async!.status, { 202: 30 });
    assert.equal(async!.delivery!.accepted, 30);
    assert.equal(async!.delivery!.succeeded, 30);
    assert.equal(async!.delivery!.missing, 0);
  });
});
