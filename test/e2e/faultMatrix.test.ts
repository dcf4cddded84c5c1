/**
 * The fault matrix: `lambench bench` as a user runs it (a child process, --out, --raw, --json)
 * against the local stack with one fault switched on per case. For every case: the counts
 * reconcile exactly (calls = outcomes = statuses + calls without a status = raw lines, outcome by
 * outcome), the run ends within its duration + settle + the stated grace (+ generous slack, never a
 * tight timing), the report is written to --out and stdout alike, and the verdict (exit code, the
 * stderr line) names what happened.
 *
 * One table, one row per fault: to adjust an expectation, edit its row. Cases that do not share
 * state run at once; every child is killed at its bound.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IN_FLIGHT_GRACE_MS } from '../../src/config/load.js';
import type { LocalStack } from '../../src/local/index.js';
import { runLambench, startTestStack, type CliResult } from '../support/helpers.js';

/** How long a phase's calls still out may run on after its duration (the product's stated grace). */
const PHASE_END_GRACE_MS = IN_FLIGHT_GRACE_MS;
/** Cases on the shared stack running at once. */
const SHARED_AT_ONCE = 4;
/** Slack on every time bound: a busy 2-core machine must not fail a case on timing alone. */
const SLACK_MS = 15_000;

type OutcomeName = 'ok' | 'functionError' | 'throttled' | 'httpError' | 'networkError' | 'timeout';

interface Expected {
  code: number;
  /** The verdict line on stderr; undefined: no verdict line at all (only notes and "wrote"). */
  verdict?: RegExp;
  /** The outcome every call of the (first) phase has. */
  outcome: OutcomeName;
  /** The error type the report gives those calls (its `errors` list), when they failed. */
  errorType?: string;
  /** The status every answered call has; undefined: no call got a status. */
  status?: number;
  /** More checks on the report's phase. */
  check?: (phase: Phase) => void;
}

interface MatrixCase {
  name: string;
  /** The fault, as --fault writes it. SQS faults get a stack of their own; the others share one. */
  fault: string;
  bench: (stack: LocalStack) => string[];
  /** The run's own length: phase durations plus --settle. */
  runMs: number;
  expect: Expected;
}

interface Phase {
  name: string;
  requests: number;
  dropped: number;
  status: Record<string, number>;
  outcomes: Record<OutcomeName | 'dropped', number>;
  latencyUs: { min: number; count: number } | null;
  errors?: { type: string; count: number }[];
  cutAtEnd?: number;
  delivery?: { accepted: number; succeeded: number; failed: number; missing: number; unverified?: number };
}

interface RawLine {
  phase: string;
  outcome: OutcomeName | 'dropped';
  statusCode?: number;
}

const SQS_WINDOW = '4s..';
/** The async phase of the SQS cases: SQS goes away 4 s after the stack started, while events are being verified. */
const asyncVerified = (stack: LocalStack) => [
  'square',
  '-t',
  'async',
  '-r',
  '20',
  '-d',
  '6s',
  '--payload',
  '{"number": 3}',
  '--verify-delivery',
  '--destination-queue',
  stack.queues['lambench-success']!,
  '--dlq',
  stack.queues['lambench-dlq']!,
  '--settle',
  '2s',
];
const sqsExpectation: Expected = {
  code: 3,
  verdict: /^lambench: delivery unverified: \d+ of \d+ accepted events of the async phase could not be looked for/,
  outcome: 'ok',
  status: 202,
  check: (phase) => {
    const delivery = phase.delivery!;
    assert.equal(delivery.accepted, phase.requests, 'every call was an accepted event');
    assert.equal(delivery.succeeded + delivery.failed + delivery.missing + (delivery.unverified ?? 0), delivery.accepted, 'accepted = succeeded + failed + missing + unverified');
    assert.equal(delivery.missing, 0, 'no event is called missing while its queue could not be read');
    assert.ok((delivery.unverified ?? 0) > 0, 'the events not read before SQS went away are unverified');
  },
};

const CASES: MatrixCase[] = [
  {
    name: 'latency: every call answered, each at least the added 100 ms',
    fault: 'lambda:sleep:latency 100ms',
    bench: () => ['sleep', '-c', '2', '-d', '1s', '--payload', '{"ms": 0}'],
    runMs: 1000,
    expect: { code: 0, outcome: 'ok', status: 200, check: (phase) => assert.ok(phase.latencyUs!.min >= 99_000, `min latency ${phase.latencyUs!.min} µs`) },
  },
  {
    name: 'function error: every call a function error (InjectedFault) with a 200, exit 0',
    fault: 'lambda:square:error',
    bench: () => ['square', '-c', '2', '-d', '1s', '--payload', '{"number": 3}'],
    runMs: 1000,
    expect: { code: 0, outcome: 'functionError', errorType: 'InjectedFault', status: 200 },
  },
  {
    name: 'throttle: every call throttled (429 TooManyRequestsException), exit 0',
    fault: 'lambda:echo:throttle',
    bench: () => ['echo', '-c', '2', '-d', '1s'],
    runMs: 1000,
    expect: { code: 0, outcome: 'throttled', errorType: 'TooManyRequestsException', status: 429 },
  },
  {
    name: '5xx from the Invoke API: every call an HTTP error (503), exit 0',
    fault: 'lambda:counter:status 503',
    bench: () => ['counter', '-c', '2', '-d', '1s'],
    runMs: 1000,
    expect: { code: 0, outcome: 'httpError', errorType: 'ServiceException', status: 503 },
  },
  {
    name: '5xx from the api front: every call an HTTP error (502), exit 0',
    fault: 'api:slowEcho:status 502',
    bench: (stack) => [`${stack.apiUrl}/run/sync?function=slowEcho`, '-c', '2', '-d', '1s', '--payload', '{}'],
    runMs: 1000,
    expect: { code: 0, outcome: 'httpError', status: 502 },
  },
  {
    name: 'throttle from the api front: every call throttled (429), exit 0',
    fault: 'api:flaky:throttle',
    bench: (stack) => [`${stack.apiUrl}/run/sync?function=flaky`, '-c', '2', '-d', '1s', '--payload', '{}'],
    runMs: 1000,
    expect: { code: 0, outcome: 'throttled', status: 429 },
  },
  {
    name: 'connection reset by the api front: every call a network error (ECONNRESET), exit 3 naming it',
    fault: 'api:sleep:reset',
    bench: (stack) => [`${stack.apiUrl}/run/sync?function=sleep`, '-c', '2', '-d', '1s', '--payload', '{"ms": 0}'],
    runMs: 1000,
    expect: { code: 3, verdict: /^lambench: no call of the sync phase .*ECONNRESET/, outcome: 'networkError', errorType: 'ECONNRESET' },
  },
  {
    name: 'connection reset: every call a network error (ECONNRESET), exit 3 naming it',
    fault: 'lambda:flaky:reset',
    bench: () => ['flaky', '-c', '2', '-d', '1s'],
    runMs: 1000,
    expect: { code: 3, verdict: /^lambench: no call of the sync phase .*ECONNRESET/, outcome: 'networkError', errorType: 'ECONNRESET' },
  },
  {
    name: 'never answers (Invoke API): the calls out are cut 3 s after the phase and counted as timeout, exit 3',
    fault: 'lambda:slow:hang',
    bench: () => ['slow', '-c', '2', '-d', '1s'],
    runMs: 1000,
    expect: {
      code: 3,
      verdict: /^lambench: no call of the sync phase .*(answer|CutAtPhaseEnd|timeout)/i,
      outcome: 'timeout',
      errorType: 'CutAtPhaseEnd',
      check: (phase) => assert.equal(phase.cutAtEnd, phase.requests, 'the report says how many were cut'),
    },
  },
  {
    name: 'never answers (api front): the calls out are cut 3 s after the phase and counted as timeout, exit 3',
    fault: 'api:echo:hang',
    bench: (stack) => [`${stack.apiUrl}/run/sync?function=echo`, '-c', '2', '-d', '1s', '--payload', '{}'],
    runMs: 1000,
    expect: {
      code: 3,
      verdict: /^lambench: no call of the sync phase .*(answer|CutAtPhaseEnd|timeout)/i,
      outcome: 'timeout',
      errorType: 'CutAtPhaseEnd',
      check: (phase) => assert.equal(phase.cutAtEnd, phase.requests, 'the report says how many were cut'),
    },
  },
  { name: 'SQS refuses connections during --verify-delivery: report written, delivery unverified, exit 3', fault: `sqs:refuse ${SQS_WINDOW}`, bench: asyncVerified, runMs: 8000, expect: sqsExpectation },
  { name: 'SQS calls hang during --verify-delivery: report written, delivery unverified, exit 3', fault: `sqs:hang ${SQS_WINDOW}`, bench: asyncVerified, runMs: 8000, expect: sqsExpectation },
  { name: 'SQS throttles during --verify-delivery: report written, delivery unverified, exit 3', fault: `sqs:throttle ${SQS_WINDOW}`, bench: asyncVerified, runMs: 8000, expect: sqsExpectation },
];

interface Run {
  result: CliResult;
  elapsedMs: number;
  dir: string;
}

/** Runs one case's bench against `stack`, killed at its bound (+ 10 s, so an overrun is seen as one, not as a kill). */
async function runCase(testCase: MatrixCase, stack: LocalStack, dir: string): Promise<Run> {
  const boundMs = testCase.runMs + PHASE_END_GRACE_MS + SLACK_MS;
  const started = performance.now();
  const result = await runLambench(
    ['bench', ...testCase.bench(stack), '--out', join(dir, 'report.json'), '--raw', join(dir, 'raw.ndjson'), '--json'],
    { env: { AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_REGION: stack.region }, timeoutMs: boundMs + 10_000 },
  );
  return { result, elapsedMs: performance.now() - started, dir };
}

async function checkCase(testCase: MatrixCase, run: Run): Promise<void> {
  const { result, elapsedMs, dir } = run;
  const boundMs = testCase.runMs + PHASE_END_GRACE_MS + SLACK_MS;
  const context = `exit ${result.code} after ${Math.round(elapsedMs)} ms; stderr:\n${result.stderr}`;
  assert.ok(elapsedMs <= boundMs, `the run outlived its duration + grace + slack (${boundMs} ms): ${context}`);
  assert.equal(result.code, testCase.expect.code, context);

  // Nothing but lambench's own one-line messages on stderr: no stack trace, no SDK warning.
  const lines = result.stderr.split('\n').filter(Boolean);
  for (const line of lines) assert.match(line, /^lambench: /, `a stray line on stderr: ${context}`);
  const verdicts = lines.filter((line) => !/^lambench: (note: |wrote |warning: )/.test(line));
  if (testCase.expect.verdict) {
    assert.equal(verdicts.length, 1, `one verdict line: ${context}`);
    assert.match(verdicts[0]!, testCase.expect.verdict);
  } else assert.deepEqual(verdicts, [], context);

  // The report, in --out and on stdout alike.
  const written = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { phases: Phase[] };
  const printed = JSON.parse(result.stdout) as { phases: Phase[] };
  assert.deepEqual(
    printed.phases.map(({ requests, outcomes, status }) => ({ requests, outcomes, status })),
    written.phases.map(({ requests, outcomes, status }) => ({ requests, outcomes, status })),
    '--json and --out hold the same figures',
  );
  const raw = (await readFile(join(dir, 'raw.ndjson'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as RawLine);
  for (const phase of written.phases) reconcile(phase, raw.filter((line) => line.phase === phase.name));
  assert.equal(raw.length, written.phases.reduce((sum, phase) => sum + phase.requests + phase.dropped, 0), 'every raw line belongs to a phase');

  const phase = written.phases[0]!;
  assert.ok(phase.requests > 0, 'calls were made');
  assert.equal(phase.outcomes[testCase.expect.outcome], phase.requests, `every call is ${testCase.expect.outcome}: ${JSON.stringify(phase.outcomes)}`);
  if (testCase.expect.status === undefined) assert.deepEqual(phase.status, {}, 'no call got a status');
  else assert.deepEqual(phase.status, { [testCase.expect.status]: phase.requests });
  if (testCase.expect.errorType) assert.deepEqual(phase.errors?.map((kind) => [kind.type, kind.count]), [[testCase.expect.errorType, phase.requests]]);
  testCase.expect.check?.(phase);
}

/** calls = outcomes = statuses + calls without a status = raw lines, and the raw lines agree outcome by outcome. */
function reconcile(phase: Phase, raw: RawLine[]): void {
  const { dropped, ...completed } = phase.outcomes;
  assert.equal(Object.values(completed).reduce((a, b) => a + b, 0), phase.requests, `${phase.name}: calls = sum of outcomes`);
  const withStatus = raw.filter((line) => line.outcome !== 'dropped' && line.statusCode !== undefined).length;
  const withoutStatus = raw.filter((line) => line.outcome !== 'dropped' && line.statusCode === undefined).length;
  assert.equal(Object.values(phase.status).reduce((a, b) => a + b, 0), withStatus, `${phase.name}: status counts = calls answered with a status`);
  assert.equal(withStatus + withoutStatus, phase.requests, `${phase.name}: statuses + calls without a status = calls = raw lines`);
  assert.equal(raw.filter((line) => line.outcome === 'dropped').length, dropped, `${phase.name}: dropped sends are raw lines too`);
  const rawOutcomes: Record<string, number> = {};
  for (const line of raw) if (line.outcome !== 'dropped') rawOutcomes[line.outcome] = (rawOutcomes[line.outcome] ?? 0) + 1;
  assert.deepEqual(rawOutcomes, Object.fromEntries(Object.entries(completed).filter(([, count]) => count > 0)), `${phase.name}: raw lines by outcome = the report's outcomes`);
  const rawStatus: Record<string, number> = {};
  for (const line of raw) if (line.statusCode !== undefined) rawStatus[line.statusCode] = (rawStatus[line.statusCode] ?? 0) + 1;
  assert.deepEqual(rawStatus, phase.status, `${phase.name}: raw lines by status = the report's status counts`);
}

describe('fault matrix: lambench bench against each of the local stack\'s fault switches', { timeout: 120_000 }, () => {
  let shared: LocalStack;
  let root: string;
  const runs = new Map<MatrixCase, Promise<Run>>();
  const sqsStacks: LocalStack[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'lambench-matrix-'));
    const sqsCases = CASES.filter((testCase) => testCase.fault.startsWith('sqs:'));
    const sharedCases = CASES.filter((testCase) => !testCase.fault.startsWith('sqs:'));
    // The SQS cases first, each on its own stack (SQS is one front per stack), started right
    // before its run: the fault's window counts from the stack's start.
    const sending: boolean[] = [];
    for (const [index, testCase] of sqsCases.entries()) {
      sending[index] = false;
      const stack = await startTestStack({ faults: [testCase.fault], onAsyncCompletion: () => (sending[index] = true) });
      sqsStacks.push(stack);
      runs.set(testCase, runCase(testCase, stack, await caseDir(root, `sqs-${index}`)));
    }
    // The other cases start once the SQS runs are past their setup (their first events are done),
    // so a crowd of starting processes does not push that setup into the fault's window.
    await waitUntil(() => sending.every(Boolean), 8000);
    shared = await startTestStack({ faults: sharedCases.map((testCase) => testCase.fault) });
    // At most SHARED_AT_ONCE of them at a time: enough to keep the matrix short, few enough that
    // the load of it does not slow the other test files that run beside it.
    const queue = [...sharedCases.entries()];
    const lanes = Array.from({ length: SHARED_AT_ONCE }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [index, testCase] = next;
        const run = runCase(testCase, shared, await caseDir(root, `shared-${index}`));
        runs.set(testCase, run);
        await run;
      }
    });
    await Promise.all(lanes);
    // Every run settles here (none rejects: a failed expectation is the case's own test).
    await Promise.allSettled(runs.values());
  });

  after(async () => {
    await Promise.allSettled([shared?.stop(), ...sqsStacks.map((stack) => stack.stop())]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const testCase of CASES) {
    it(`${testCase.fault} — ${testCase.name}`, async () => {
      await checkCase(testCase, await runs.get(testCase)!);
    });
  }
});

async function caseDir(root: string, name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  return dir;
}

/** Resolves once `ready()` holds, or after `maxMs` (a bounded wait, not an assertion). */
async function waitUntil(ready: () => boolean, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  for (let round = 0; round < 1000 && !ready() && performance.now() < deadline; round += 1) await new Promise((resolve) => setTimeout(resolve, 25));
}
