/**
 * `bench --logs` when CloudWatch Logs gets in the way, against the local stack's `logs` faults:
 * FilterLogEvents throttled half the time slows the reading down and loses nothing (every
 * invocation and every retry's REPORT found, as without the fault, and the throttled calls counted;
 * the retries 3 and 6 s after a failed attempt, so they land after the first read whatever the
 * machine's speed);
 * FilterLogEvents denied, or a log group that does not exist, leaves the run's report standing,
 * exit 0, with one clear line on stderr. Ctrl-C while a FilterLogEvents is in flight (every answer
 * 1 s late) is an interruption, exit 130, never "cannot read". Counts only: nothing here depends on
 * the machine's speed.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalStack, LocalStackOptions } from '../../src/local/index.js';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { CREDENTIALS, runLambench, startTestStack } from '../support/helpers.js';

type PhaseLogs = NonNullable<ReportDocument['phases'][number]['logs']>;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambench-logs-faults-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A stack for one test, stopped after it; `reports` counts the REPORT lines each function's invocations wrote. */
async function withStack(options: LocalStackOptions, body: (stack: LocalStack, reports: Map<string, number>) => Promise<void>): Promise<void> {
  const reports = new Map<string, number>();
  const onLog = (name: string, log: string) => reports.set(name, (reports.get(name) ?? 0) + (log.match(/^REPORT RequestId: /gm)?.length ?? 0));
  const stack = await startTestStack({ ...options, onLog });
  try {
    await body(stack, reports);
  } finally {
    await stack.stop();
  }
}

async function bench(stack: LocalStack, name: string, args: string[]): Promise<{ code: number | null; stderr: string; report: ReportDocument }> {
  const out = join(dir, `${name}.json`);
  const env = { AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: stack.logsUrl, AWS_REGION: stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const run = await runLambench(['bench', ...args, '--logs', '--out', out], { env, timeoutMs: 150_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  return { code: run.code, stderr: run.stderr, report: JSON.parse(await readFile(out, 'utf8')) as ReportDocument };
}

const logsOf = (report: ReportDocument): PhaseLogs[] => report.phases.map((phase) => phase.logs!);
/** What a phase's logs say was found: the figures that must not depend on throttling. */
const foundOf = (logs: PhaseLogs) => ({ invocations: logs.invocations, found: logs.found, notFound: logs.notFound, attempts: logs.attempts, unreadable: logs.unreadable, groupMissing: logs.groupMissing });

describe('bench --logs with FilterLogEvents throttled', { timeout: 240_000 }, () => {
  it('p=0.5: every invocation and every retry found, as without the fault; the throttled calls counted and backed off from', async () => {
    // flaky with {"fail":true}: each async event is retried twice by the stack (3 REPORTs); 6 callers make 6 log streams, so many pages.
    const args = ['flaky', '-t', 'sync,async', '-n', '18', '-c', '6', '-p', '{"fail":true}', '--settle', '60s'];
    let baseline: PhaseLogs[] = [];
    // timeScale 0.05: each retry 3 s, then 6 s, after a failed attempt (AWS: 1 and 2 minutes), so it is ingested after the first read.
    await withStack({ logsDelayMs: 500, timeScale: 0.05 }, async (stack) => {
      baseline = logsOf((await bench(stack, 'unthrottled', args)).report);
    });
    assert.deepEqual(baseline.map(foundOf), [
      { invocations: 18, found: 18, notFound: 0, attempts: { 1: 18 }, unreadable: undefined, groupMissing: undefined },
      { invocations: 18, found: 18, notFound: 0, attempts: { 3: 18 }, unreadable: undefined, groupMissing: undefined },
    ]);
    await withStack({ logsDelayMs: 500, timeScale: 0.05, faults: ['logs:throttle p=0.5'] }, async (stack, reports) => {
      const { report, stderr } = await bench(stack, 'throttled', args);
      const throttled = logsOf(report);
      assert.deepEqual(throttled.map(foundOf), baseline.map(foundOf), 'nothing lost to the throttling');
      const found = throttled.reduce((sum, logs) => sum + Object.entries(logs.attempts).reduce((n, [attempts, count]) => n + Number(attempts) * count, 0), 0);
      assert.equal(found, reports.get('flaky'), 'every REPORT the stack wrote was read');
      // Some 14 or more FilterLogEvents calls each drew the throttle with p=0.5: none throttled has odds under 1 in 10,000.
      const throttledCalls = throttled.reduce((sum, logs) => sum + logs.throttled, 0);
      assert.ok(throttledCalls > 0, JSON.stringify(throttled));
      assert.equal(throttledCalls, stack.faultsFired()[0], 'each throttle the stack answered was counted, and retried');
      for (const logs of throttled) assert.ok(logs.calls > logs.throttled, 'each throttled call was tried again');
      assert.doesNotMatch(stderr, /not allowed|could not read|does not exist/, 'a throttle is no trouble to report');
    });
  });
});

describe('bench --logs when the logs cannot be read', { timeout: 120_000 }, () => {
  it('FilterLogEvents denied: exit 0 with the report, each phase unreadable naming the permission, one line on stderr', async () => {
    await withStack({ faults: ['logs:deny logs:FilterLogEvents'] }, async (stack) => {
      const { report, stderr } = await bench(stack, 'denied', ['square', '-t', 'sync,async', '-n', '6', '-c', '2', '-p', '{"number":3}', '--settle', '5s']);
      assert.equal(report.phases.length, 2);
      for (const phase of report.phases) {
        assert.equal(phase.requests, 6);
        assert.deepEqual([phase.logs!.found, phase.logs!.notFound, phase.logs!.unreadable], [0, 6, 'not allowed: logs:FilterLogEvents denied'], phase.name);
      }
      assert.deepEqual(stack.faultsFired(), [2], 'one refused call a phase: a denial is not retried');
      const lines = stderr.split('\n').filter((line) => /FilterLogEvents|not allowed/.test(line));
      assert.deepEqual(lines, [
        "lambench: note: --logs: cannot read /aws/lambda/square (not allowed: logs:FilterLogEvents denied): grant logs:FilterLogEvents on /aws/lambda/square to the identity lambench runs as; the report has the calls' own figures only",
      ]);
    });
  });

  it('a log group that does not exist (the configuration unreadable, the function logging to another group): found 0, groupMissing, one line, exit 0', async () => {
    const options = { functionConfig: { sleep: { logGroup: '/custom/sleep' } }, faults: ['lambda:sleep:deny GetFunctionConfiguration'] };
    await withStack(options, async (stack, reports) => {
      const { report, stderr } = await bench(stack, 'missing', ['sleep', '-t', 'sync,async', '-n', '4', '-c', '2', '-p', '{"ms":1}', '--settle', '3s']);
      for (const logs of logsOf(report)) {
        assert.deepEqual([logs.logGroup, logs.invocations, logs.found, logs.notFound, logs.groupMissing, logs.unreadable], ['/aws/lambda/sleep', 4, 0, 4, true, undefined]);
      }
      const lines = stderr.split('\n').filter((line) => /does not exist/.test(line));
      assert.deepEqual(lines, [
        "lambench: note: --logs: the log group /aws/lambda/sleep does not exist: nothing has logged to it, so no invocation was found in it (it is the default: the function's LoggingConfig could not be read and may name another)",
      ]);
      // The premise: the invocations did log, to the group the function is configured with.
      assert.equal(reports.get('sleep'), 8);
      const logs = new CloudWatchLogsClient({ region: stack.region, endpoint: stack.logsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
      try {
        let events = 0;
        let nextToken: string | undefined;
        for (let page = 0; page === 0 || (nextToken && page < 50); page += 1) {
          const answer = await logs.send(new FilterLogEventsCommand({ logGroupName: '/custom/sleep', filterPattern: '"REPORT RequestId"', ...(nextToken && { nextToken }) }));
          events += answer.events?.length ?? 0;
          nextToken = answer.nextToken;
        }
        assert.equal(events, 8);
      } finally {
        logs.destroy();
      }
    });
  });
});

describe('Ctrl-C while a FilterLogEvents is in flight (logs:latency 1s)', { timeout: 120_000 }, () => {
  const envOf = (stack: LocalStack) => ({ AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: stack.logsUrl, AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_REGION: stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

  it('bench --logs, during the phase\'s lookup: exit 130, the report written, its logs interrupted, not unreadable', async () => {
    await withStack({ faults: ['logs:latency 1s'] }, async (stack, reports) => {
      const out = join(dir, 'interrupted.json');
      // bench --logs reads nothing before sending: the first Logs request is the sync phase's lookup.
      const run = await runLambench(['bench', 'square', '-t', 'sync', '-n', '4', '-c', '2', '-p', '{"number":2}', '--logs', '--out', out], { env: envOf(stack), timeoutMs: 60_000, interruptWhen: () => stack.faultsFired()[0]! >= 1 });
      assert.equal(run.code, 130, run.stderr);
      assert.doesNotMatch(run.stderr, /cannot read|could not read|AbortError/);
      const report = JSON.parse(await readFile(out, 'utf8')) as ReportDocument;
      assert.equal(report.interrupted, true);
      const [logs] = logsOf(report);
      assert.deepEqual([logs!.interrupted, logs!.unreadable, logs!.invocations], [true, undefined, 4]);
      assert.equal(reports.get('square'), 4, 'the phase ran whole');
    });
  });

  it('bench --verify-delivery --logs, during the check that the logs can be read: exit 130, nothing sent', async () => {
    await withStack({ faults: ['logs:latency 1s'] }, async (stack, reports) => {
      const run = await runLambench(['bench', 'square', '-t', 'async', '-n', '4', '-c', '2', '-p', '{"number":2}', '--verify-delivery', '--logs'], { env: envOf(stack), timeoutMs: 60_000, interruptWhen: () => stack.faultsFired()[0]! >= 1 });
      assert.equal(run.code, 130, run.stderr);
      assert.doesNotMatch(run.stderr, /cannot read|AbortError/);
      assert.match(run.stderr, /^lambench: interrupted while checking that \/aws\/lambda\/square can be read: nothing was sent or changed$/m);
      assert.equal(reports.get('square'), undefined, 'no function ran');
    });
  });
});
