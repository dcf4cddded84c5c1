/**
 * `lambench bench` measures correctly: against test servers with known behaviour the percentiles
 * land where they must, counts reconcile exactly, the open loop shows a stall the closed loop
 * hides, and sync vs async against the local stack accounts for every accepted event.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { slotOffsetMs } from '../../src/load/openLoop.js';
import { runBench } from '../../src/run/runBench.js';
import type { PhaseReport } from '../../src/report/reportDocument.js';
import { renderReportTable } from '../../src/report/table.js';
import { closeServer, delayServer, listen, runLambench, useTestStack } from '../support/helpers.js';

const quiet = { note: () => {} };

function assertReconciles(phase: PhaseReport, expected: number): void {
  assert.equal(phase.requests, expected);
  const outcomes = Object.entries(phase.outcomes).filter(([name]) => name !== 'dropped').reduce((sum, [, count]) => sum + count, 0);
  assert.equal(outcomes, phase.requests, 'every completed call has exactly one outcome');
  assert.equal(Object.values(phase.status).reduce((a, b) => a + b, 0), phase.requests, 'every response has its status counted');
  assert.equal(phase.latencyUs?.count, phase.requests);
  assert.equal((phase.latencyUs?.count ?? 0) + phase.unsent!, phase.requests, 'latency count + unsent = calls');
}

describe('bench against servers with known behaviour', () => {
  it('a fixed 40 ms delay gives p50 within 40 ms + 25 ms, and counts that reconcile', async () => {
    const fixed = delayServer(() => 40);
    const url = await listen(fixed.server);
    try {
      const report = await runBench({ ...quiet, target: url, concurrency: 4, requests: 80 });
      const phase = report.phases[0]!;
      assertReconciles(phase, 80);
      assert.equal(fixed.count(), 80, 'the server saw exactly the calls lambench counted');
      assert.deepEqual(phase.status, { 200: 80 });
      assert.ok(phase.latencyUs!.p50 >= 40_000 && phase.latencyUs!.p50 <= 65_000, `p50 ${phase.latencyUs!.p50} µs`);
      assert.ok(phase.latencyUs!.min >= 39_000, `min ${phase.latencyUs!.min} µs`);
    } finally {
      await closeServer(fixed.server);
    }
  });

  it('a 90% fast / 10% slow mix puts p50 with the fast ones and p99 with the slow ones', async () => {
    const mix = delayServer((n) => (n % 10 === 9 ? 200 : 5));
    const url = await listen(mix.server);
    try {
      const report = await runBench({ ...quiet, target: url, concurrency: 1, requests: 100 });
      const phase = report.phases[0]!;
      assertReconciles(phase, 100);
      assert.ok(phase.latencyUs!.p50 < 60_000, `p50 ${phase.latencyUs!.p50} µs`);
      assert.ok(phase.latencyUs!.p99 >= 195_000, `p99 ${phase.latencyUs!.p99} µs`);
    } finally {
      await closeServer(mix.server);
    }
  });

  it('an open loop never measures a call from a time before it was sent', async () => {
    const quick = delayServer(() => 2);
    const url = await listen(quick.server);
    const dir = await mkdtemp(join(tmpdir(), 'lambench-early-'));
    try {
      const rawPath = join(dir, 'raw.ndjson');
      const phase = (await runBench({ ...quiet, target: url, rate: 400, durationMs: 500, rawPath })).phases[0]!;
      const lines = (await readFile(rawPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { latencyMs: number; serviceTimeMs: number });
      assert.equal(lines.length, phase.requests);
      for (const line of lines) assert.ok(line.latencyMs >= line.serviceTimeMs, `latency ${line.latencyMs} ms below its service time ${line.serviceTimeMs} ms`);
    } finally {
      await closeServer(quick.server);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an open loop above what the client can send still reads answers as it goes, and says it fell behind', async () => {
    const quick = delayServer(() => 0);
    const url = await listen(quick.server);
    try {
      const phase = (await runBench({ ...quiet, target: url, rate: 100_000, requests: 8000, maxInFlight: 8000 })).phases[0]!;
      assert.equal(phase.requests + phase.dropped, 8000);
      assert.ok(phase.sentLate > 0, 'no machine here sends 100,000 calls/s from one thread: the report must say the client fell behind');
      // Before the fix the loop sent all 8000 before reading one answer: every service time was seconds.
      assert.ok(phase.serviceTimeUs!.min < 200_000, `min service time ${phase.serviceTimeUs!.min} µs: answers were read while sending`);
    } finally {
      await closeServer(quick.server);
    }
  });

  it('a one-second stall shows in the open loop (from intended send times) and hides in the closed loop', async () => {
    const stalled = delayServer(() => 2);
    const url = await listen(stalled.server);
    try {
      const stallSoon = () => setTimeout(() => stalled.stall(1000), 800);
      stallSoon();
      const open = (await runBench({ ...quiet, target: url, rate: 50, durationMs: 3000 })).phases[0]!;
      stallSoon();
      const closed = (await runBench({ ...quiet, target: url, concurrency: 1, durationMs: 3000 })).phases[0]!;
      // Open loop: ~50 calls were due during the stall; each waited from its intended time.
      assert.equal(open.requests + open.dropped, 150, `open loop sent on schedule: ${open.requests} + ${open.dropped} dropped`);
      assert.ok(open.latencyUs!.p90 >= 300_000, `open p90 ${open.latencyUs!.p90} µs shows the stall`);
      // The rate offered is the schedule's, whatever the stall did to completions.
      assert.ok(open.offeredPerSecond! >= 48 && open.offeredPerSecond! <= 52, `offered ${open.offeredPerSecond}/s`);
      // Closed loop: one call waited; the rest of the run hides it.
      assert.ok(closed.latencyUs!.max >= 900_000, `closed max ${closed.latencyUs!.max} µs`);
      assert.ok(closed.latencyUs!.p90 < 100_000, `closed p90 ${closed.latencyUs!.p90} µs hides the stall`);
      assert.match(closed.loadNote, /queueing does not show in the latency/);
      assert.match(open.loadNote, /intended send time/);
    } finally {
      await closeServer(stalled.server);
    }
  });
});

describe('connections', () => {
  it('counts the connections the measured run opened, and says their set-up is in the latency unless a warm-up opened them', async () => {
    const fixed = delayServer(() => 5);
    const url = await listen(fixed.server);
    try {
      const cold = await runBench({ ...quiet, target: url, concurrency: 3, requests: 30 });
      assert.equal(cold.phases[0]!.connectionsOpened, 3, 'one per closed-loop worker');
      assert.match(renderReportTable(cold), /connections opened +3\n[\s\S]*sync: the measured run opened 3 connections: the calls that waited for them carry their set-up time/);
      const warm = await runBench({ ...quiet, target: url, concurrency: 3, requests: 30, warmupMs: 200 });
      assert.equal(warm.phases[0]!.connectionsOpened, 0, 'the warm-up opened them');
      assert.doesNotMatch(renderReportTable(warm), /the measured run opened/);
    } finally {
      await closeServer(fixed.server);
    }
  });
});

describe('ramping up', () => {
  it('open loop: slot i is due where the linear climb has sent i calls, then at the full rate', () => {
    // 100/s reached after 1 s: 50 slots in the ramp, slot 12.5 at 0.5 s (a quarter of the ramp's calls by half its time).
    assert.equal(slotOffsetMs(0, 100, 1000), 0);
    assert.ok(Math.abs(slotOffsetMs(12.5, 100, 1000) - 500) < 1e-9);
    assert.ok(Math.abs(slotOffsetMs(50, 100, 1000) - 1000) < 1e-9);
    assert.ok(Math.abs(slotOffsetMs(150, 100, 1000) - 2000) < 1e-9);
    for (let index = 1; index < 300; index += 1) assert.ok(slotOffsetMs(index, 100, 1000) > slotOffsetMs(index - 1, 100, 1000), 'due times only grow');
  });

  it('open loop: a 1 s ramp to 200/s in a 2 s phase sends 100 + 200 calls, the first second far fewer than the second', async () => {
    const fast = delayServer(() => 1);
    const url = await listen(fast.server);
    try {
      const phase = (await runBench({ ...quiet, target: url, rate: 200, durationMs: 2000, rampMs: 1000 })).phases[0]!;
      assertReconciles(phase, 300);
      assert.equal(fast.count(), 300);
      assert.deepEqual(phase.load, { kind: 'open', rate: 200, maxInFlight: 400, rampMs: 1000 });
      const [first, second] = phase.perSecond;
      assert.ok(first! >= 85 && first! <= 115 && second! >= 185, `calls per second ${phase.perSecond.join(', ')}: about 100 while ramping, then 200`);
      assert.match(phase.loadNote, /over the first 1 s the rate climbed linearly from 0/);
    } finally {
      await closeServer(fast.server);
    }
  });

  for (const workers of [1, 2]) {
    it(`closed loop: workers join one by one over the ramp, each on its own connection (${workers} thread${workers > 1 ? 's' : ''})`, async () => {
      const connections: { port: number; at: number }[] = [];
      const server = createServer((req, res) => {
        req.resume();
        if (!connections.some(({ port }) => port === req.socket.remotePort)) connections.push({ port: req.socket.remotePort!, at: Date.now() });
        setTimeout(() => res.end('{}'), 5);
      });
      const url = await listen(server);
      try {
        const phase = (await runBench({ ...quiet, target: url, concurrency: 4, durationMs: 1500, rampMs: 1000, workers })).phases[0]!;
        assertReconciles(phase, phase.requests);
        assert.equal(connections.length, 4, 'one connection per worker');
        // Measured from the ramp's origin (the phase's start), not from the first connection: the
        // first call of a fresh thread carries its own set-up (tens of ms on Node 24), which made
        // the later workers look early when the first arrival was the reference.
        const joined = connections.map(({ at }) => at - Date.parse(phase.startedAt!));
        // The run's worker k joins at k × 250 ms, whichever thread it runs on.
        for (let k = 1; k < 4; k += 1) assert.ok(joined[k]! >= k * 250 - 20, `worker ${k} joined ${Math.round(joined[k]!)} ms after the first`);
        assert.ok(joined[3]! < 1000 + 500, `the last worker joined within the ramp (${Math.round(joined[3]!)} ms)`);
      } finally {
        await closeServer(server);
      }
    });
  }

  it('closed loop: a ramp cut short by --requests ends the phase when the calls are done, not when the ramp is', async () => {
    const fast = delayServer(() => 1);
    const url = await listen(fast.server);
    try {
      const phase = (await runBench({ ...quiet, target: url, concurrency: 10, requests: 20, rampMs: 5000 })).phases[0]!;
      assertReconciles(phase, 20);
      assert.ok(phase.durationMs < 2000, `the phase took ${phase.durationMs} ms`);
    } finally {
      await closeServer(fast.server);
    }
  });
});

describe('bench as a process', () => {
  it('Ctrl-C lets the calls already in flight answer (within the grace period) instead of cutting them', async () => {
    const slow = delayServer(() => 700);
    const url = await listen(slow.server);
    const dir = await mkdtemp(join(tmpdir(), 'lambench-grace-'));
    try {
      const out = join(dir, 'report.json');
      const result = await runLambench(['bench', url, '-c', '3', '-d', '60s', '--out', out], { interruptWhen: () => slow.count() >= 3 });
      assert.equal(result.code, 130, result.stderr);
      const phase = JSON.parse(await readFile(out, 'utf8')).phases[0];
      assert.equal(phase.outcomes.timeout, 0);
      assert.equal(phase.outcomes.ok, slow.count(), 'every call sent was answered and counted');
      assert.ok(phase.serviceTimeUs.min >= 690_000, `min ${phase.serviceTimeUs.min} µs: no call was cut short`);
    } finally {
      await closeServer(slow.server);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Ctrl-C stops sending, writes the partial report and the .hgrm files, and exits 130', async () => {
    const steady = delayServer(() => 5);
    const url = await listen(steady.server);
    const dir = await mkdtemp(join(tmpdir(), 'lambench-bench-'));
    try {
      const out = join(dir, 'report.json');
      const result = await runLambench(['bench', url, '--rate', '20', '--duration', '60s', '--out', out, '--hgrm', join(dir, 'hgrm'), '--raw', join(dir, 'raw.ndjson')], { interruptWhen: () => steady.count() >= 12 });
      assert.equal(result.code, 130, result.stderr);
      // Where the partial files went, then why the exit code is 130: nothing else (no stack, no warning).
      const files = [out, join(dir, 'hgrm', 'sync-latency.hgrm'), join(dir, 'hgrm', 'sync-service-time.hgrm')];
      assert.equal(result.stderr, `lambench: wrote ${files.join(', ')}\nlambench: interrupted: the report covers what was measured before Ctrl-C\n`);
      assert.match(result.stdout, /^lambench bench http:\/\/127\.0\.0\.1:\d+\/ {2}\(interrupted: partial figures\)\n/);
      const report = JSON.parse(await readFile(out, 'utf8'));
      assert.equal(report.interrupted, true);
      const phase = report.phases[0];
      assert.ok(phase.requests >= 12 && phase.requests < 100, `${phase.requests} calls: stopped soon after the 12th, long before the 60 s end`);
      assert.equal(phase.requests, steady.count(), 'every call the server saw is in the report');
      const raw = (await readFile(join(dir, 'raw.ndjson'), 'utf8')).trim().split('\n');
      assert.equal(raw.length, phase.requests, 'and in the raw file');
      assert.equal(phase.outcomes.timeout, 0, 'calls in flight at Ctrl-C were let finish, not cut and counted as timeouts');
      const hgrm = await readFile(join(dir, 'hgrm', 'sync-latency.hgrm'), 'utf8');
      assert.match(hgrm, /^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
      assert.match(hgrm, new RegExp(`#\\[Mean\\s+=\\s+[\\d.]+, StdDeviation\\s+=\\s+[\\d.]+\\]`));
      assert.match(hgrm, new RegExp(`#\\[Max\\s+=\\s+[\\d.]+, Total count\\s+=\\s+${phase.requests}\\]`));
    } finally {
      await closeServer(steady.server);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bench sync vs async on the local stack', () => {
  const local = useTestStack();

  it('runs both phases in one run; the async phase accounts for every accepted event', async () => {
    const report = await runBench({
      ...quiet,
      target: 'square',
      payload: '{"number": 4}',
      endpointUrl: local.stack.lambdaUrl,
      region: local.stack.region,
      types: 'sync,async',
      concurrency: 5,
      requests: 40,
      verifyDelivery: true,
      destinationQueue: local.stack.queues['lambench-success']!,
      dlq: local.stack.queues['lambench-dlq']!,
      settleMs: 15_000,
      thresholds: ['delivered>=100%', 'sync:errors<1%'],
    });
    const [sync, async] = report.phases;
    assert.equal(report.schemaVersion, 1);
    assert.equal(sync!.invocationType, 'RequestResponse');
    assertReconciles(sync!, 40);
    assert.deepEqual(sync!.status, { 200: 40 });
    assert.equal(async!.invocationType, 'Event');
    assertReconciles(async!, 40);
    assert.deepEqual(async!.status, { 202: 40 });
    const delivery = async!.delivery!;
    assert.equal(delivery.accepted, 40);
    assert.equal(delivery.succeeded + delivery.failed + delivery.missing, delivery.accepted);
    assert.equal(delivery.succeeded, 40);
    assert.equal(delivery.endToEnd?.count, 40);
    assert.deepEqual(report.thresholds.map((result) => [result.threshold, result.phase, result.passed]), [
      ['delivered>=100%', 'async', true],
      ['sync:errors<1%', 'sync', true],
    ]);
  });

  it('cleans up the warm-up events records too, reporting only the measured ones', async () => {
    const success = local.stack.queues['lambench-success']!;
    const report = await runBench({
      ...quiet,
      target: 'square',
      payload: '{"number": 5}',
      endpointUrl: local.stack.lambdaUrl,
      region: local.stack.region,
      types: 'async',
      concurrency: 2,
      durationMs: 500,
      warmupMs: 300,
      verifyDelivery: true,
      destinationQueue: success,
      dlq: local.stack.queues['lambench-dlq']!,
      settleMs: 10_000,
    });
    const delivery = report.phases[0]!.delivery!;
    assert.equal(delivery.accepted, report.phases[0]!.requests, 'warm-up events are not in the report');
    assert.equal(delivery.succeeded, delivery.accepted);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const left = await runLambench(['poll', success, local.stack.queues['lambench-dlq']!, '--json'], { env: { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region } });
    assert.equal(left.code, 0, left.stderr);
    assert.equal(left.stdout, '', 'no record of this run, warm-up included, is left in the queues');
  });

  it('bad input: one line, exit 2, nothing sent', async () => {
    const env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_REGION: local.stack.region };
    const cases: [string[], RegExp][] = [
      [['bench', 'square'], /say how to load: --concurrency N .* or --rate R/],
      [['bench', 'square', '-c', '2', '-r', '5'], /give --concurrency N \(closed loop\) or --rate R \(open loop\), not both/],
      [['bench', 'square', '-r', '-3'], /--rate -3 must be above 0/],
      [['bench', 'square', '-c', '1', '--threshold', 'p99 below 3'], /--threshold 'p99 below 3' does not parse/],
      [['bench', 'square', '-c', '1', '--out', '/nonexistent/dir/report.json'], /--out '\/nonexistent\/dir\/report\.json' cannot be written: its folder does not exist/],
      [['bench', 'square', '-c', '1', '--hgrm', '/dev/null/sub'], /--hgrm '\/dev\/null\/sub' cannot be used as a folder/],
      [['bench', 'square', '-c', '1', '--threshold', 'async:p99<1ms'], /names phase 'async', which this run does not have \(it runs sync\)/],
      [['bench', 'square', '-c', '1', '-t', 'async', '--threshold', 'delivered>=100%'], /needs --verify-delivery/],
      [['bench', 'square', '-c', '2', '--max-in-flight', '5'], /--max-in-flight applies to the open loop/],
      [['bench', 'square', '-c', '1', '-t', 'sync', '--verify-delivery', '--destination-queue', 'http://x/q'], /--verify-delivery needs an async phase/],
      [['bench', 'square', '-r', '10', '-d', '5s', '--ramp', '5s'], /the ramp \(5s\) must be shorter than each phase's duration \(5s\): the ramp is part of it/],
      [['bench', 'square', '-r', '10', '--ramp', 'soon'], /--ramp/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runLambench(args, { env });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, '');
    }
  });

  it('verified delivery with events unaccounted for is "delivery incomplete": exit 1, named, after the report', async () => {
    // Runs last here: the late completion records land on the queue after this run has given up on them.
    const dir = await mkdtemp(join(tmpdir(), 'lambench-missing-'));
    try {
      const out = join(dir, 'report.json');
      const env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region };
      const result = await runLambench(
        ['bench', 'sleep', '-t', 'async', '-c', '2', '-n', '2', '--payload', '{"ms": 2500}', '--verify-delivery', '--destination-queue', local.stack.queues['lambench-success']!, '--settle', '1s', '--out', out],
        { env },
      );
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /delivery incomplete: 2 of 2 accepted events of the async phase were found on no queue \(raise --settle/);
      const delivery = JSON.parse(await readFile(out, 'utf8')).phases[0].delivery;
      assert.deepEqual([delivery.accepted, delivery.missing], [2, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
