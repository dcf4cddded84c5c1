/**
 * A phase ends near its duration: a target that accepts connections and never answers (or answers
 * at a drip) gets the stated grace (3 s) after sending stops, then its calls still out are cut and
 * counted as timeout (CutAtPhaseEnd), in the report, the table and the raw file; closed and open
 * loop, one thread and worker threads.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IN_FLIGHT_GRACE_MS, runBench, type BenchOptions } from '../../../src/run/runBench.js';
import type { PhaseReport } from '../../../src/report/reportDocument.js';
import { renderReportTable } from '../../../src/report/table.js';
import { closeServer, listen, startTestStack } from '../../support/helpers.js';

const quiet = { note: () => {} };
/** Generous: a busy 2-core machine is slow, but nowhere near the 300 s idle limit this replaces. */
const SLACK_MS = 5000;

describe('calls still out at the end of a phase', () => {
  let server: Server;
  let url = '';
  let dir = '';
  let received = 0;
  before(async () => {
    // Reads every request and never answers.
    server = createServer((req) => {
      received += 1;
      req.resume();
    });
    url = await listen(server);
    dir = await mkdtemp(join(tmpdir(), 'lambench-phase-end-'));
  });
  after(async () => {
    server.closeAllConnections();
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, Partial<BenchOptions>][] = [
    ['closed loop -c 4', { concurrency: 4 }],
    ['open loop -r 10', { rate: 10 }],
    ['closed loop -c 4 on 2 worker threads', { concurrency: 4, workers: 2 }],
    ['open loop -r 10 on 2 worker threads', { rate: 10, workers: 2 }],
  ];
  for (const [name, load] of cases) {
    it(`${name}, -d 1s against a target that never answers: ends within duration + grace, every call a CutAtPhaseEnd timeout`, async () => {
      const rawPath = join(dir, `${name.replace(/\W+/g, '-')}.ndjson`);
      const before = received;
      const started = performance.now();
      const report = await runBench({ ...quiet, target: url, durationMs: 1000, rawPath, ...load });
      const tookMs = performance.now() - started;
      assert.ok(tookMs < 1000 + IN_FLIGHT_GRACE_MS + SLACK_MS, `the run took ${Math.round(tookMs)} ms`);
      const phase = report.phases[0]!;
      const expected = load.rate !== undefined ? 10 : 4;
      assert.equal(phase.requests, expected, 'closed loop: each worker sent one call and waited; open loop: the 10 slots of 1 s');
      assert.equal(received - before, expected, 'the server saw every call');
      assert.equal(phase.outcomes.timeout, expected);
      assert.equal(sumOutcomes(phase), phase.requests, 'calls = sum of outcomes');
      assert.equal(phase.cutAtEnd, expected);
      assert.deepEqual(phase.errors?.map((kind) => [kind.outcome, kind.type, kind.count]), [['timeout', 'CutAtPhaseEnd', expected]]);
      assert.match(phase.errors![0]!.example, /no answer within 3 s of the phase's end/);
      const lines = (await readFile(rawPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { outcome: string; errorType?: string });
      assert.equal(lines.length, phase.requests, 'raw lines = calls');
      assert.ok(lines.every((line) => line.outcome === 'timeout' && line.errorType === 'CutAtPhaseEnd'));
      assert.equal(report.interrupted, false);
      assert.match(renderReportTable(report), new RegExp(`${expected} calls were still unanswered 3 s after the phase's duration was over`));
    });
  }

  it('a warm-up against a target that never answers is cut too: -d 1s --warmup 1s ends within both + two graces', async () => {
    const started = performance.now();
    const report = await runBench({ ...quiet, target: url, concurrency: 2, durationMs: 1000, warmupMs: 1000 });
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 2000 + 2 * IN_FLIGHT_GRACE_MS + SLACK_MS, `the run took ${Math.round(tookMs)} ms`);
    assert.equal(report.phases[0]!.requests, 2);
    assert.equal(report.phases[0]!.cutAtEnd, 2, 'only the measured calls are counted');
  });
});

describe('a target answering at a drip', () => {
  it('headers then a byte every 200 ms, forever: -d 1s still ends within duration + grace, each call cut', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 200);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    });
    const url = await listen(server);
    try {
      const started = performance.now();
      const report = await runBench({ ...quiet, target: url, concurrency: 2, durationMs: 1000 });
      const tookMs = performance.now() - started;
      assert.ok(tookMs < 1000 + IN_FLIGHT_GRACE_MS + SLACK_MS, `the run took ${Math.round(tookMs)} ms`);
      const phase = report.phases[0]!;
      assert.equal(phase.requests, 2);
      assert.equal(phase.outcomes.timeout, 2);
      assert.equal(phase.cutAtEnd, 2);
      assert.equal(sumOutcomes(phase), 2);
    } finally {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await closeServer(server);
    }
  });
});

describe('calls to the Invoke API still out at the end of a phase', () => {
  for (const sdk of [false, true]) {
    it(`${sdk ? 'through the SDK client' : 'on the direct signed path'}: a function sleeping past the phase's end is cut and counted as CutAtPhaseEnd`, async () => {
      const stack = await startTestStack();
      try {
        const started = performance.now();
        const report = await runBench({ ...quiet, target: 'sleep', payload: '{"ms": 9000}', concurrency: 2, durationMs: 1000, endpointUrl: stack.lambdaUrl, region: stack.region, ...(sdk && { sdk: true }) });
        const tookMs = performance.now() - started;
        assert.ok(tookMs < 1000 + IN_FLIGHT_GRACE_MS + SLACK_MS, `the run took ${Math.round(tookMs)} ms`);
        const phase = report.phases[0]!;
        assert.equal(phase.requests, 2);
        assert.equal(phase.outcomes.timeout, 2);
        assert.equal(phase.cutAtEnd, 2);
        assert.deepEqual(phase.errors?.map((kind) => [kind.type, kind.count]), [['CutAtPhaseEnd', 2]]);
      } finally {
        await stack.stop();
      }
    });
  }
});

function sumOutcomes(phase: PhaseReport): number {
  return Object.entries(phase.outcomes)
    .filter(([name]) => name !== 'dropped')
    .reduce((sum, [, count]) => sum + count, 0);
}
