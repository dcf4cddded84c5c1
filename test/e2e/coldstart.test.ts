/**
 * `lambench coldstart` against the local stack, whose UpdateFunctionConfiguration retires the warm
 * environments as Lambda does: every forced call is cold (an Init Duration), the warm ones are not,
 * and the function's environment is what it was afterwards, also after Ctrl-C mid-run (read back).
 * `--type event` makes each call an Event invocation and reads its REPORT from the stack's
 * CloudWatch Logs (a 300 ms ingestion delay), checked against the log the stack itself wrote for
 * that request ID. The one stand-in: a Logs endpoint that refuses (AccessDenied) or has no such
 * log group (support/refusingLogs.ts).
 */
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseReportLine, type ReportFigures } from '../../src/aws/lambdaLog.js';
import { runLambench, useTestStack } from '../support/helpers.js';
import { startRefusingLogs } from '../support/refusingLogs.js';

describe('coldstart: cold starts on demand, the configuration put back', { timeout: 240_000 }, () => {
  /** Every REPORT the stack wrote, by request ID: what the logs must give back. */
  const written = new Map<string, ReportFigures>();
  const local = useTestStack({
    logsDelayMs: 300,
    onLog: (_name, log) => {
      const report = parseReportLine(log);
      if (report?.requestId) written.set(report.requestId, report);
    },
  });
  let env: Record<string, string>;
  const ORIGINAL = { TEAM: 'payments', MODE: 'test' };
  before(async () => {
    env = {
      AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl,
      AWS_REGION: local.stack.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    await local.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'square', Environment: { Variables: ORIGINAL } }));
    for (let round = 0; round < 100; round += 1) {
      if ((await local.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }))).LastUpdateStatus === 'Successful') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  const variables = async () => (await local.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }))).Environment?.Variables;
  const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('-n 5: five cold calls each with an init duration, five warm ones without; the environment as it was', async () => {
    const run = await runLambench(['coldstart', 'square', '-n', '5', '-p', '{"number":4}', '--json'], { env, timeoutMs: 120_000 });
    assert.equal(run.code, 0, run.stderr);
    const events = lines(run.stdout);
    const summary = events.pop()!;
    const cold = events.filter((event) => event.kind === 'cold');
    const warm = events.filter((event) => event.kind === 'warm');
    assert.equal(cold.length, 5);
    assert.equal(warm.length, 5);
    assert.ok(cold.every((call) => typeof call.initDurationMs === 'number'), JSON.stringify(cold));
    assert.ok(warm.every((call) => call.initDurationMs === undefined), JSON.stringify(warm));
    assert.equal((summary.initDurationUs as { count: number }).count, 5);
    assert.equal(summary.notCold, 0);
    assert.equal(summary.restored, true);
    assert.deepEqual(await variables(), ORIGINAL);
  });

  it('Ctrl-C mid-run, once the configuration was changed: exit 130, the environment put back (read back)', async () => {
    // Interrupted once the function shows lambench's variable: the change is under way, the restore must follow.
    let changed = false;
    const watch = setInterval(() => void variables().then((now) => (changed ||= now?.LAMBENCH_COLDSTART !== undefined)), 50);
    try {
      const run = await runLambench(['coldstart', 'square', '-n', '50', '--json'], { env, timeoutMs: 120_000, interruptWhen: () => changed });
      assert.equal(run.code, 130, run.stderr);
      assert.ok(changed, 'the run was interrupted after it changed the configuration');
    } finally {
      clearInterval(watch);
    }
    assert.deepEqual(await variables(), ORIGINAL);
  });

  it('--type event -n 3: three cold Event calls (202) each with the init duration the stack logged for it, warm ones without; the environment as it was', async () => {
    const run = await runLambench(['coldstart', 'square', '--type', 'event', '-n', '3', '-p', '{"number":3}', '--json'], { env, timeoutMs: 120_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /each call's REPORT is looked up by request ID in \/aws\/lambda\/square \(Text format\), waiting up to 30 s/);
    const events = lines(run.stdout);
    const summary = events.pop()!;
    const cold = events.filter((event) => event.kind === 'cold');
    const warm = events.filter((event) => event.kind === 'warm');
    assert.equal(cold.length, 3);
    assert.equal(warm.length, 3);
    for (const call of [...cold, ...warm]) {
      assert.equal(call.statusCode, 202);
      assert.equal(call.reportFound, true, JSON.stringify(call));
      const logged = written.get(call.requestId as string);
      assert.ok(logged, `the stack ran ${call.requestId as string}`);
      assert.deepEqual([call.durationMs, call.billedDurationMs, call.initDurationMs], [logged.durationMs, logged.billedDurationMs, logged.initDurationMs]);
    }
    assert.ok(cold.every((call) => typeof call.initDurationMs === 'number'), JSON.stringify(cold));
    assert.ok(warm.every((call) => call.initDurationMs === undefined), JSON.stringify(warm));
    assert.equal(new Set([...cold, ...warm].map((call) => call.requestId)).size, 6);
    assert.equal(summary.invocationType, 'Event');
    assert.equal(summary.firstCallLatency, 'accepted (202)');
    assert.deepEqual(summary.logs, { logGroup: '/aws/lambda/square', format: 'Text', settleMs: 30_000 });
    assert.deepEqual([summary.coldCalls, summary.warmCalls, summary.notCold], [3, 3, 0]);
    assert.deepEqual(summary.reportsNotFound, { cold: 0, warm: 0 });
    assert.deepEqual([(summary.initDurationUs as { count: number }).count, (summary.firstCallLatencyUs as { count: number }).count, (summary.warmDurationUs as { count: number }).count], [3, 3, 3]);
    assert.equal(summary.restored, true);
    assert.deepEqual(await variables(), ORIGINAL);
  });

  it('--type event, Ctrl-C while a call\'s REPORT is awaited: exit 130, the environment put back (read back)', async () => {
    // Interrupted once the stack ran an Event call under lambench's variable: lambench is then waiting for its REPORT (300 ms late).
    const before = written.size;
    let changed = false;
    const watch = setInterval(() => void variables().then((now) => (changed ||= now?.LAMBENCH_COLDSTART !== undefined)), 50);
    try {
      const run = await runLambench(['coldstart', 'square', '-t', 'async', '-n', '50', '--json'], { env, timeoutMs: 120_000, interruptWhen: () => changed && written.size > before });
      assert.equal(run.code, 130, run.stderr);
      assert.match(run.stderr, /interrupted: the configuration was put back/);
    } finally {
      clearInterval(watch);
    }
    assert.deepEqual(await variables(), ORIGINAL);
  });

  describe('--type event with every CloudWatch Logs answer 1 s late (logs:latency 1s)', () => {
    const slow = useTestStack({ faults: ['logs:latency 1s'] });
    it('Ctrl-C while a FilterLogEvents for a call\'s REPORT is in flight: exit 130 with the summary, never "cannot read the log group"; the environment put back', async () => {
      const slowEnv = { ...env, AWS_ENDPOINT_URL_LAMBDA: slow.stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: slow.stack.logsUrl };
      const read = async () => (await slow.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }))).Environment?.Variables;
      const original = await read();
      // The probe is the first Logs request, the first call's lookup the second: Ctrl-C while that one waits its second out.
      const run = await runLambench(['coldstart', 'square', '-t', 'event', '-n', '5', '--json'], { env: slowEnv, timeoutMs: 120_000, interruptWhen: () => slow.stack.faultsFired()[0]! >= 2 });
      assert.equal(run.code, 130, run.stderr);
      assert.doesNotMatch(run.stderr, /cannot read|AbortError/);
      assert.match(run.stderr, /interrupted: the configuration was put back/);
      const summary = lines(run.stdout).pop()!;
      assert.deepEqual([summary.type, summary.interrupted, summary.restored, summary.coldCalls], ['summary', true, true, 1]);
      assert.deepEqual(summary.reportsNotFound, { cold: 0, warm: 0 }, 'a lookup stopped by Ctrl-C is neither found nor not found');
      assert.deepEqual(await read(), original);
    });
  });

  it('--type event, logs that cannot be read: refused (exit 3) before anything changed; a log group that never appears: exit 3 after the call, the environment put back', async () => {
    const fake = await startRefusingLogs('AccessDeniedException');
    const logsUrl = fake.url;
    try {
      const changes = async () => (await local.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }))).RevisionId;
      const revision = await changes();
      const denied = await runLambench(['coldstart', 'square', '--type', 'event', '-n', '1'], { env: { ...env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logsUrl } });
      assert.equal(denied.code, 3, denied.stderr);
      assert.equal(denied.stderr.trim().split('\n').at(-1), 'lambench: cannot read the log group /aws/lambda/square, which coldstart --type event needs (not allowed: logs:FilterLogEvents denied): grant logs:FilterLogEvents on /aws/lambda/square to the identity lambench runs as');
      assert.equal(await changes(), revision, 'nothing changed');
      fake.answer('ResourceNotFoundException');
      const missing = await runLambench(['coldstart', 'square', '--type', 'event', '-n', '1', '--settle', '1s'], { env: { ...env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logsUrl }, timeoutMs: 60_000 });
      assert.equal(missing.code, 3, missing.stderr);
      assert.match(missing.stderr, /^lambench: the log group \/aws\/lambda\/square does not exist 1 s after the call: the function logs elsewhere/m);
      assert.deepEqual(await variables(), ORIGINAL);
    } finally {
      await fake.stop();
    }
  });

  it('refusals: a version (immutable) and a function that does not exist, nothing changed', async () => {
    const version = await runLambench(['coldstart', 'square:1', '-n', '1'], { env });
    assert.equal(version.code, 2, version.stderr);
    assert.match(version.stderr, /a published version's configuration cannot be changed/);
    const missing = await runLambench(['coldstart', 'nope', '-n', '1'], { env });
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /function nope not found/);
    for (const [flags, message] of [
      [['--type', 'dry-run'], /--type dry-run runs nothing/],
      [['--type', 'later'], /--type 'later' is not an invocation type/],
      [['--settle', '5s'], /--settle applies to --type event/],
      [['--type', 'event', '--settle', 'soon'], /--settle/],
    ] as const) {
      const run = await runLambench(['coldstart', 'square', '-n', '1', ...flags], { env });
      assert.equal(run.code, 2, `${flags.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.deepEqual(await variables(), ORIGINAL);
  });
});
