/**
 * CloudWatch Logs as completion evidence: `bench --verify-delivery` on functions wired to no
 * destination at all reconciles from their REPORT lines alone, each event as the stack really
 * settled it (its own completion hook is the ground truth: condition and attempts per request ID),
 * in the text format (a failure known by the runtime's `Invoke Error` line or a retry) and the JSON
 * format (each REPORT's status). Where an on-failure destination exists but no on-success one, the
 * logs settle the successes and the queue the failures, whichever is read first, none counted twice.
 * An event whose retry is still to come when the settle time ends is unverified, not missing; for
 * `invoke --wait`, on a stack whose retries come as late as AWS's (a minute), it is said to be
 * awaiting that retry after its failed attempt, exit 1, rather than lost.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AsyncCompletion } from '../../src/local/index.js';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { mergeReports } from '../../src/report/merge.js';
import { runLambench, useTestStack } from '../support/helpers.js';

type Delivery = NonNullable<ReportDocument['phases'][0]['delivery']>;

const NO_DESTINATIONS = { onSuccess: null, onFailure: null, deadLetterQueue: null };

function envOf(stack: { lambdaUrl: string; logsUrl: string; sqsUrl: string; region: string }): Record<string, string> {
  return { AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: stack.logsUrl, AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_REGION: stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
}

/** What the stack says became of each event: succeeded and failed counts, and attempts → events. */
function truth(completions: AsyncCompletion[], functionName: string) {
  const mine = completions.filter((one) => one.functionName === functionName);
  const attempts: Record<string, number> = {};
  for (const one of mine) attempts[one.attempts] = (attempts[one.attempts] ?? 0) + 1;
  return { succeeded: mine.filter((one) => one.condition === 'Success').length, failed: mine.filter((one) => one.condition === 'RetriesExhausted').length, attempts };
}

describe('--verify-delivery from the logs alone: no destination', { timeout: 240_000 }, () => {
  const completions: AsyncCompletion[] = [];
  const local = useTestStack({
    logsDelayMs: 300,
    onAsyncCompletion: (completion) => completions.push(completion),
    functionConfig: { flaky: NO_DESTINATIONS, square: { ...NO_DESTINATIONS, logFormat: 'JSON' }, sleep: { ...NO_DESTINATIONS, onFailure: 'lambench-failure' } },
    // sleep fails some attempts: its failures go to the on-failure queue and show in its logs.
    faults: ['lambda:sleep:error p=0.7'],
  });
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-logs-delivery-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function verify(args: string[], name: string) {
    const out = join(dir, `${name}.json`);
    const run = await runLambench(['bench', ...args, '-t', 'async', '--verify-delivery', '--settle', '40s', '--out', out], { env: envOf(local.stack), timeoutMs: 150_000 });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(await readFile(out, 'utf8')) as ReportDocument;
    return { delivery: report.phases[0]!.delivery as Delivery, stderr: run.stderr, stdout: run.stdout };
  }

  it('text format: every event settled as the stack settled it, failures known by their Invoke Error lines and retries', async () => {
    const { delivery, stderr, stdout } = await verify(['flaky', '-n', '30', '-c', '5', '-p', '{"failRate":0.7}'], 'text');
    const expected = truth(completions, 'flaky');
    assert.equal(expected.succeeded + expected.failed, 30, 'the stack settled every event');
    assert.ok(expected.failed > 0 && expected.succeeded > 0, `a mix of outcomes: ${JSON.stringify(expected)}`);
    assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing, delivery.unverified ?? 0], [30, expected.succeeded, expected.failed, 0, 0]);
    assert.deepEqual(delivery.attempts, expected.attempts, 'attempts per event are the REPORTs per request ID');
    assert.equal(delivery.duplicates, 0);
    assert.deepEqual(delivery.seenIn, { 'logs:/aws/lambda/flaky': 30 });
    assert.equal(delivery.failedVia.logs, expected.failed);
    assert.equal(delivery.conditions.RetriesExhausted, expected.failed);
    assert.equal(delivery.inferredSuccesses, expected.succeeded, 'text-format successes are inferred, and said so');
    assert.ok(delivery.endToEnd && delivery.endToEnd.max > 0);
    assert.match(stderr, /^lambench: note: {3}success: no on-success destination \(read from the logs\)$/m);
    assert.match(stderr, /^lambench: note: {3}logs: \/aws\/lambda\/flaky \(Text format\): every attempt's REPORT/m);
    assert.match(stdout, /successes are read from text-format logs/);
  });

  it('JSON format: each attempt\'s status from its REPORT, nothing inferred', async () => {
    const { delivery } = await verify(['square', '-n', '12', '-c', '4', '-p', '{"number":3}'], 'json');
    assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing], [12, 12, 0, 0]);
    assert.deepEqual(delivery.attempts, { 1: 12 });
    assert.equal(delivery.inferredSuccesses, undefined);
    assert.deepEqual(delivery.seenIn, { 'logs:/aws/lambda/square': 12 });
  });

  it('an on-failure destination and no on-success one: the logs settle the successes, the queue the failures, nothing counted twice', async () => {
    const before = completions.length;
    const { delivery, stderr } = await verify(['sleep', '-n', '20', '-c', '4', '-p', '{"ms":1}'], 'mixed');
    const expected = truth(completions.slice(before), 'sleep');
    assert.ok(expected.failed > 0 && expected.succeeded > 0, `a mix of outcomes: ${JSON.stringify(expected)}`);
    assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing, delivery.duplicates], [20, expected.succeeded, expected.failed, 0, 0]);
    assert.deepEqual(delivery.attempts, expected.attempts);
    assert.equal(delivery.failedVia.onFailureDestination, expected.failed);
    // The logs are read for pending events only: a failure the queue reported first is not looked for there.
    assert.ok((delivery.failedVia.logs ?? 0) <= expected.failed);
    const [[failureQueue, failuresSeen]] = Object.entries(delivery.seenIn ?? {}).filter(([where]) => where.includes('lambench-failure')) as [[string, number]];
    assert.ok(failureQueue);
    assert.equal(failuresSeen, expected.failed);
    assert.ok((delivery.seenIn?.['logs:/aws/lambda/sleep'] ?? 0) >= expected.succeeded, JSON.stringify(delivery.seenIn));
    assert.match(stderr, /^lambench: note: {3}failure: sqs .*lambench-failure: read directly/m);
  });

  it('invoke --wait on a function with no destination: the completion read from the logs, its attempts and when', async () => {
    const failed = await runLambench(['invoke', 'flaky', '-t', 'event', '-p', '{"fail":true}', '--wait', '--wait-timeout', '40s', '--json'], { env: envOf(local.stack), timeoutMs: 60_000 });
    const document = JSON.parse(failed.stdout) as { requestId: string; completion: { kind: string; condition: string; attempts: number; seenIn: string; completedAt: number } };
    assert.deepEqual([document.completion.kind, document.completion.condition, document.completion.attempts, document.completion.seenIn], ['logs', 'RetriesExhausted', 3, 'logs:/aws/lambda/flaky']);
    assert.equal(failed.code, 1, 'the event failed: exit 1, as a destination record saying so gives');
    const stack = completions.find((one) => one.requestId === document.requestId);
    assert.deepEqual([stack?.condition, stack?.attempts], ['RetriesExhausted', 3]);
    const ok = await runLambench(['invoke', 'square', '-t', 'event', '-p', '{"number":4}', '--wait', '--wait-timeout', '40s'], { env: envOf(local.stack), timeoutMs: 60_000 });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /completion +Success \(the logs, seen in logs:\/aws\/lambda\/square\)/);
  });

  it('--no-logs on a function with no destination: exit 2, saying how to verify', async () => {
    const run = await runLambench(['bench', 'flaky', '-n', '1', '-c', '1', '-t', 'async', '--verify-delivery', '--no-logs'], { env: envOf(local.stack) });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^lambench: flaky has no on-success or on-failure destination and no DLQ and --no-logs leaves its logs unread: nothing to verify delivery on; drop --no-logs/m);
  });
});

describe('--verify-delivery from the logs: a retry still to come when the settle time ends', { timeout: 120_000 }, () => {
  // Retries 30 s after a failed attempt (AWS's 1 min, halved): a 4 s settle ends before any.
  const local = useTestStack({ timeScale: 0.5, logsDelayMs: 100, functionConfig: { flaky: NO_DESTINATIONS } });

  it('each failing event is unverified (awaiting a retry), not missing; the succeeded ones are settled; shards merged say the sum once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-logs-retry-'));
    try {
      const out = join(dir, 'r.json');
      const run = await runLambench(['bench', 'flaky', '-t', 'async', '-n', '6', '-c', '2', '-p', '{"fail":true}', '--verify-delivery', '--settle', '4s', '--out', out], { env: envOf(local.stack), timeoutMs: 60_000 });
      const report = JSON.parse(await readFile(out, 'utf8')) as ReportDocument;
      const delivery = report.phases[0]!.delivery as Delivery;
      assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing, delivery.unverified, delivery.awaitingRetry], [6, 0, 0, 0, 6, 6], run.stderr);
      assert.deepEqual(delivery.unverifiedReasons, ["6 events had failed an attempt and waited for Lambda's retry (about 1, then 2 minutes later) when the settle time ran out: a longer --settle sees them end"]);
      assert.equal(run.code, 1, 'delivery incomplete (exit 1): every unverified event waits for a retry');
      assert.match(run.stderr, /^lambench: delivery incomplete: 6 of 6 accepted events of the async phase had failed an attempt/m);
      const shard = (index: number) => ({ source: `shard${index}`, report: { ...report, shard: { index, of: 2 }, config: { ...report.config!, shard: { index, of: 2 } } } });
      const merged = mergeReports([shard(1), shard(2)]).phases[0]!.delivery!;
      assert.deepEqual([merged.unverified, merged.awaitingRetry, merged.unverifiedReasons?.length], [12, 12, 1]);
      assert.match(merged.unverifiedReasons![0]!, /^12 events had failed an attempt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('invoke --wait while Lambda\'s retry is still to come: no destination, retries a minute apart', { timeout: 120_000 }, () => {
  // timeScale 1: the stack retries a failed event 1 minute later, then 2, as AWS does; the wait below is 6 s.
  const local = useTestStack({ logsDelayMs: 300, timeScale: 1, functionConfig: { flaky: NO_DESTINATIONS } });
  const awaiting = "attempt 1 failed and Lambda's retry is still to come (about 1, then 2 minutes later): a longer --wait-timeout sees the event end";

  it('says attempt 1 failed and the retry is to come (not lost), in the result and on stderr; exit 1', async () => {
    const args = ['invoke', 'flaky', '-t', 'event', '-p', '{"fail":true}', '--wait', '--wait-timeout', '6s'];
    const json = await runLambench([...args, '--json'], { env: envOf(local.stack), timeoutMs: 60_000 });
    assert.equal(json.code, 1, json.stderr);
    const document = JSON.parse(json.stdout) as { completion: unknown; completionUnverified?: string; awaitingRetry?: { failedAttempts?: number } };
    assert.deepEqual([document.completion, document.completionUnverified, document.awaitingRetry], [null, undefined, { failedAttempts: 1 }]);
    assert.equal(json.stderr.split('\n').filter((line) => /completion/.test(line)).join('\n'), `lambench: no completion yet: ${awaiting}`);
    assert.doesNotMatch(json.stderr, /lost/);

    const human = await runLambench(args, { env: envOf(local.stack), timeoutMs: 60_000 });
    assert.equal(human.code, 1, human.stderr);
    assert.ok(human.stdout.includes(`  completion        not yet: ${awaiting}\n`), human.stdout);
    assert.doesNotMatch(human.stdout, /no completion record arrived/);
  });
});
