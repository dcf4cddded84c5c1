/**
 * `bench --logs` against the local stack's CloudWatch Logs (its real REPORT lines, a 500 ms
 * ingestion delay): a sync,async run in which every invocation of both phases is found by request
 * ID, in the text and the JSON log format; a failing async event shows the stack's attempts (its 2
 * retries: 3 REPORTs); cold starts per phase are the REPORTs with an Init Duration, which the async
 * phase now has figures and a cost for; a URL target is refused. A queue phase's invocations (the
 * mapping's batches, whose request IDs lambench never sees) are every REPORT of its window.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { runLambench, useTestStack } from '../support/helpers.js';
import { BatchLog, createQueue, waitFor } from '../support/esm.js';
import { CreateEventSourceMappingCommand, GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';

describe('bench --logs: each invocation looked up in CloudWatch Logs', { timeout: 180_000 }, () => {
  const local = useTestStack({ logsDelayMs: 500, functionConfig: { sleep: { logFormat: 'JSON' } } });
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-logs-'));
    env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function bench(args: string[], name: string): Promise<{ report: ReportDocument; stdout: string }> {
    const out = join(dir, `${name}.json`);
    const run = await runLambench(['bench', ...args, '--logs', '--settle', '30s', '--out', out], { env, timeoutMs: 120_000 });
    assert.equal(run.code, 0, run.stderr);
    return { report: JSON.parse(await readFile(out, 'utf8')) as ReportDocument, stdout: run.stdout };
  }

  it('text format: every sync and async invocation found; each failing async event with 3 attempts; async durations, cold starts and cost from the logs', async () => {
    const { report, stdout } = await bench(['flaky', '-t', 'sync,async', '-n', '12', '-c', '3', '-p', '{"fail":true}'], 'text');
    const [sync, async] = report.phases as [NonNullable<ReportDocument['phases'][0]>, NonNullable<ReportDocument['phases'][0]>];
    assert.deepEqual([sync.logs!.found, sync.logs!.invocations, sync.logs!.notFound], [12, 12, 0]);
    assert.deepEqual(sync.logs!.attempts, { 1: 12 });
    assert.deepEqual([async.logs!.found, async.logs!.invocations, async.logs!.notFound], [12, 12, 0]);
    assert.deepEqual(async.logs!.attempts, { 3: 12 }, 'the stack retries a failing event twice');
    assert.equal(async.logs!.figuresFrom, 'logs');
    assert.equal(async.lambda!.reports, 36, 'one REPORT per attempt');
    assert.equal(async.lambda!.coldStarts, async.logs!.coldStarts);
    assert.equal(async.cost!.invocations, 36, 'each attempt billed');
    assert.match(stdout, /^found in logs +12\/12 +12\/12$/m);
    assert.match(stdout, /^attempts \(logs\) +1×12 +3×12$/m);
  });

  it('JSON format, on two worker threads: every invocation found, its figures read from platform.report', async () => {
    const { report } = await bench(['sleep', '-t', 'sync,async', '-n', '8', '-c', '2', '-w', '2', '-p', '{"ms":5}'], 'json');
    for (const phase of report.phases) {
      assert.equal(phase.logs!.format, 'JSON');
      assert.deepEqual([phase.logs!.found, phase.logs!.notFound], [8, 0], phase.name);
      assert.deepEqual(phase.logs!.attempts, { 1: 8 });
      // A 5 ms sleep measures a hair under 5 ms at times (setTimeout and the runtime's clock differ): 4 ms says the figures are the function's.
      assert.ok(phase.lambda!.reports >= 8 && phase.lambda!.durationUs!.p50 >= 4000, JSON.stringify(phase.lambda));
    }
  });

  it('refused before anything is sent: a URL target (its answers carry no Lambda request ID)', async () => {
    const run = await runLambench(['bench', `${local.stack.apiUrl}/run`, '-n', '1', '-c', '1', '--logs'], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--logs applies to function and queue targets/);
  });
});

describe('bench <queue> --logs: the mapping\'s invocations read from the logs', { timeout: 180_000 }, () => {
  const log = new BatchLog();
  const local = useTestStack({ logsDelayMs: 300, onEventSourceBatch: log.add });

  it('a queue phase\'s invocations in the logs are the batches the stack ran, each with its REPORT; peak concurrency from their times', async () => {
    // A queue of its own, mapped to `sleep` (100 ms a batch, a 60 s timeout): every batch succeeds, however busy the machine.
    const { url, arn } = await createQueue(local.sqs, 'logs-queue', { VisibilityTimeout: '360' });
    const { UUID } = await local.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'sleep', BatchSize: 10 }));
    await waitFor('the mapping enabled', async () => (await local.lambda.send(new GetEventSourceMappingCommand({ UUID }))).State === 'Enabled');
    const dir = await mkdtemp(join(tmpdir(), 'lambench-logs-queue-'));
    try {
      const env = { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
      const out = join(dir, 'queue.json');
      const run = await runLambench(['bench', url, '-n', '120', '-r', '60', '--template', '-p', '{"order":{{seq}}}', '--verify-delivery', '--settle', '60s', '--logs', '--out', out], { env, timeoutMs: 150_000 });
      assert.equal(run.code, 0, run.stderr);
      const phase = (JSON.parse(await readFile(out, 'utf8')) as ReportDocument).phases[0]!;
      assert.equal(phase.queue!.delivery!.processed, 120);
      const batches = log.invoked(UUID).length;
      assert.ok(batches > 0 && log.settled(UUID).length === batches, 'every batch settled');
      assert.equal(phase.logs!.mapped, true);
      assert.equal(phase.logs!.found, batches, `the stack ran ${batches} batches`);
      assert.equal(phase.lambda!.reports, batches);
      assert.ok(phase.logs!.peakConcurrency! >= 1);
      // SQS requests: the batches lambench sent (120 messages, at most 10 a request), priced as standard-queue requests.
      assert.ok(phase.requestsSent! >= 12 && phase.requestsSent! <= 120, String(phase.requestsSent));
      assert.equal(phase.cost!.sqsRequests, phase.requestsSent);
      assert.ok(Math.abs(phase.cost!.sqsUsd! - (phase.requestsSent! / 1e6) * 0.4) < 1e-15);
      assert.match(run.stdout, new RegExp(`^found in logs +${batches} \\(the mapping's\\)$`, 'm'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
