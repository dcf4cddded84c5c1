/**
 * `lambench invoke --logs` against the local stack's CloudWatch Logs (a 300 ms ingestion delay):
 * each attempt's REPORT found by request ID and checked against the log the stack itself wrote for
 * that invocation. A sync call (with its Tail too), a failing event (the stack's 2 retries, at its
 * scaled delays: 3 attempts), an event in the JSON format that --wait saw succeed (its one attempt,
 * found without waiting out --settle), Ctrl-C during the look (the result still printed, exit 130),
 * and bad inputs. The one stand-in is a Logs endpoint that
 * refuses, or has no such group (support/refusingLogs.ts).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseReportLine, type ReportFigures } from '../../src/aws/lambdaLog.js';
import type { InvokeResultDocument } from '../../src/run/invokeOnce.js';
import { runLambench, useTestStack } from '../support/helpers.js';
import { startRefusingLogs } from '../support/refusingLogs.js';

describe('invoke --logs: this invocation\'s attempts from CloudWatch Logs', { timeout: 180_000 }, () => {
  /** Every REPORT the stack wrote, per request ID, one per attempt in order. */
  const written = new Map<string, ReportFigures[]>();
  const local = useTestStack({
    logsDelayMs: 300,
    functionConfig: { sleep: { logFormat: 'JSON' } },
    onLog: (_name, log) => {
      const report = parseReportLine(log);
      if (report?.requestId) written.set(report.requestId, [...(written.get(report.requestId) ?? []), report]);
    },
  });
  let env: Record<string, string>;
  before(() => {
    env = {
      AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl,
      AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl,
      AWS_REGION: local.stack.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
  });

  async function invoke(args: string[], code = 0, timeoutMs = 60_000): Promise<InvokeResultDocument> {
    const run = await runLambench(['invoke', ...args, '--logs', '--json'], { env, timeoutMs });
    assert.equal(run.code, code, run.stderr);
    return JSON.parse(run.stdout) as InvokeResultDocument;
  }
  /** The figures the stack logged for a request, as --logs gives them (no request ID; the time apart). */
  const figures = ({ requestId: _id, ...rest }: ReportFigures & { timestamp?: number }) => {
    const { timestamp: _time, ...kept } = rest;
    return kept;
  };

  it('sync, with --log-type Tail too: the one attempt, as the stack logged it and as the tail says', async () => {
    const document = await invoke(['square', '-p', '{"number":6}', '--log-type', 'Tail']);
    assert.deepEqual(document.payload, { square: 36 });
    const logs = document.logs!;
    assert.deepEqual([logs.logGroup, logs.format, logs.found, logs.attempts.length, logs.settleMs], ['/aws/lambda/square', 'Text', true, 1, 30_000]);
    assert.deepEqual(figures(logs.attempts[0]!), figures(written.get(document.requestId!)![0]!));
    assert.deepEqual(figures(logs.attempts[0]!), figures(document.report!));
    assert.ok(logs.attempts[0]!.timestamp >= document.sentAt - 1000 && logs.attempts[0]!.timestamp <= Date.now(), 'logged after the send');

    const human = await runLambench(['invoke', 'square', '-p', '{"number":2}', '--logs'], { env });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /\n {2}logs {14}1 attempt in \/aws\/lambda\/square \(Text format\)\n {4}attempt 1 {7}\d{4}-\d\d-\d\dT[\d:.]+Z {2}duration [\d.]+ ms · billed \d+ ms · memory \d+ of 128 MB · (init [\d.]+ ms \(cold start\)|warm start)\n/);
  });

  it('an event that fails: its 3 attempts (2 retries), each as the stack logged it, at least the scaled retry delays apart', async () => {
    // No --wait, Text format: nothing says the attempts are over, so they are looked for until --settle.
    const document = await invoke(['flaky', '--type', 'event', '-p', '{"fail":true}', '--settle', '5s']);
    assert.equal(document.statusCode, 202);
    const logs = document.logs!;
    assert.equal(logs.found, true);
    assert.equal(logs.attempts.length, 3, JSON.stringify(logs));
    assert.deepEqual(logs.attempts.map(figures), written.get(document.requestId!)!.map(figures));
    // The stack's retry delays, 60 s and 120 s scaled by 0.001: each REPORT at least that long after the one before.
    const [first, second, third] = logs.attempts.map((attempt) => attempt.timestamp) as [number, number, number];
    assert.ok(second - first >= 55 && third - second >= 115, `${first} ${second} ${third}`);
  });

  it('an event --wait saw succeed (JSON format): its one attempt, status success, found without waiting out --settle', async () => {
    // --settle 120s and a 60 s limit on the run: waiting it out would fail the test.
    const document = await invoke(['sleep', '--type', 'event', '-p', '{"ms":5}', '--wait', '--settle', '120s'], 0, 60_000);
    assert.equal(document.completion?.condition, 'Success');
    assert.equal(document.completion?.attempts, 1);
    const logs = document.logs!;
    assert.deepEqual([logs.format, logs.found, logs.attempts.length, logs.attempts[0]!.status], ['JSON', true, 1, 'success']);
    assert.deepEqual(figures(logs.attempts[0]!), figures(written.get(document.requestId!)![0]!));
  });

  it('Ctrl-C while the log lines are looked for (no --wait): the call\'s result printed with what was found until then, exit 130', async () => {
    const ran = written.size;
    // Text format, no --wait: nothing says the attempts are over, so the look would last the whole 60 s --settle.
    const run = await runLambench(['invoke', 'square', '--type', 'event', '-p', '{"number":4}', '--logs', '--settle', '60s', '--json'], { env, timeoutMs: 40_000, interruptWhen: () => written.size > ran });
    assert.equal(run.code, 130, run.stderr);
    const document = JSON.parse(run.stdout) as InvokeResultDocument;
    assert.equal(document.statusCode, 202);
    assert.ok(written.has(document.requestId!), 'the request ID of the call that ran');
    assert.equal(document.interrupted, 'while looking for the log lines');
    const logs = document.logs!;
    assert.deepEqual([logs.logGroup, logs.settleMs, logs.unreadable], ['/aws/lambda/square', 60_000, undefined]);
    // Found or not yet, by when the Ctrl-C came: what was found is the attempt the stack logged.
    assert.deepEqual(logs.attempts.map(figures), logs.found ? written.get(document.requestId!)!.map(figures) : []);
    assert.equal(run.stderr, "lambench: interrupted while looking for the log lines: the call's result is shown with what was found until then\n");
  });

  it('bad inputs: one line, exit 2, nothing sent', async () => {
    const before = written.size;
    const cases: [string[], RegExp][] = [
      [[`${local.stack.apiUrl}/square`, '--logs'], /^lambench: --logs applies to function targets: behind a URL, Lambda's request ID is not known/],
      [[local.stack.queues['lambench-orders']!, '--logs'], /^lambench: --logs applies to function targets: a queue's message reaches the function in a batch/],
      [['square', '--type', 'dry-run', '--logs'], /^lambench: --logs needs a call that runs the function: a dry run runs nothing/],
      [['square', '--settle', '5s'], /^lambench: --settle applies to --logs/],
      [['square', '--logs', '--settle', 'a while'], /^lambench: --settle/],
    ];
    for (const [args, message] of cases) {
      const run = await runLambench(['invoke', ...args], { env });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, message);
    }
    assert.equal(written.size, before, 'no function ran');
  });

  it('logs not allowed: exit 3 before the call; a log group that never appears: the call shown, then exit 3', async () => {
    const fake = await startRefusingLogs('AccessDeniedException');
    try {
      const logsEnv = { ...env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fake.url };
      const ran = written.size;
      const denied = await runLambench(['invoke', 'square', '-p', '{"number":1}', '--logs'], { env: logsEnv });
      assert.equal(denied.code, 3, denied.stderr);
      assert.equal(denied.stderr, 'lambench: cannot read the log group /aws/lambda/square, which --logs needs (not allowed: logs:FilterLogEvents denied): grant logs:FilterLogEvents on /aws/lambda/square to the identity lambench runs as\n');
      assert.equal(denied.stdout, '');
      assert.equal(written.size, ran, 'nothing was sent');

      fake.answer('ResourceNotFoundException');
      const missing = await runLambench(['invoke', 'square', '-p', '{"number":3}', '--logs', '--settle', '1s', '--json'], { env: logsEnv });
      assert.equal(missing.code, 3, missing.stderr);
      const document = JSON.parse(missing.stdout) as InvokeResultDocument;
      assert.deepEqual(document.payload, { square: 9 });
      assert.deepEqual([document.logs!.found, document.logs!.attempts], [false, []]);
      assert.match(document.logs!.unreadable!, /^the log group \/aws\/lambda\/square does not exist 1 s after the call/);
      assert.equal(missing.stderr, `lambench: ${document.logs!.unreadable}\n`);
    } finally {
      await fake.stop();
    }
  });
});
