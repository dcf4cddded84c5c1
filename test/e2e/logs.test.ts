/**
 * `bench --logs` against the local stack's CloudWatch Logs (its real REPORT lines, a 500 ms
 * ingestion delay): a sync,async run in which every invocation of both phases is found by request
 * ID, in the text and the JSON log format; a failing async event shows the stack's attempts (its 2
 * retries: 3 REPORTs, the retries 3 and 6 s apart, so landing after the first read: each event is
 * read until its attempts are over, and no longer, under a 10-minute --settle); cold starts per phase are the REPORTs with an Init Duration, which the async
 * phase now has figures and a cost for; a URL target is refused. A queue phase's invocations (the
 * mappings' batches, whose request IDs lambench never sees) are every REPORT of its window, per
 * function when the queue's mappings invoke several; their concurrency per second stays within
 * the mappings' MaximumConcurrency.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PhaseReport, ReportDocument } from '../../src/report/reportDocument.js';
import { functionNameOf } from '../../src/aws/arn.js';
import { CREDENTIALS, runLambench, useTestStack } from '../support/helpers.js';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchLog, createQueue, waitFor } from '../support/esm.js';
import { CreateEventSourceMappingCommand, GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';

describe('bench --logs: each invocation looked up in CloudWatch Logs', { timeout: 180_000 }, () => {
  // timeScale 0.05: a failed attempt is retried 3 s later, then 6 s later (AWS: 1 and 2 minutes).
  const local = useTestStack({ logsDelayMs: 500, timeScale: 0.05, functionConfig: { sleep: { logFormat: 'JSON' } } });
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-logs-'));
    env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const logsClient = () => new CloudWatchLogsClient({ region: local.stack.region, endpoint: local.stack.logsUrl, credentials: CREDENTIALS, maxAttempts: 1 });

  /** A --settle far longer than the test may take: only each invocation's attempts being found ends the reading. */
  async function bench(args: string[], name: string): Promise<{ report: ReportDocument; stdout: string }> {
    const out = join(dir, `${name}.json`);
    const run = await runLambench(['bench', ...args, '--logs', '--settle', '10m', '--out', out], { env, timeoutMs: 120_000 });
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
    // Cold starts per phase are the environments the stack created in it: one log stream each, by when it first logged.
    const logs = logsClient();
    const { logStreams = [] } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/flaky' })).finally(() => logs.destroy());
    const asyncFrom = Date.parse(async.startedAt!);
    const created = (inAsync: boolean) => logStreams.filter((stream) => (stream.firstEventTimestamp! >= asyncFrom) === inAsync).length;
    assert.ok(logStreams.length >= 1);
    assert.deepEqual([sync.logs!.coldStarts, async.logs!.coldStarts], [created(false), created(true)], JSON.stringify(logStreams.map((stream) => stream.firstEventTimestamp)));
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

describe('bench <queue> --logs: the mappings\' invocations read from the logs', { timeout: 240_000 }, () => {
  const log = new BatchLog();
  // echo logs in JSON, sleep in text: one queue phase reads both formats.
  const local = useTestStack({ logsDelayMs: 300, onEventSourceBatch: log.add, functionConfig: { echo: { logFormat: 'JSON' } } });
  let env: Record<string, string>;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-logs-queue-'));
    env = { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });

  after(() => rm(dir, { recursive: true, force: true }));

  /** A mapping of `arn` to `functionName`, at most 2 batches at once, waited for until enabled. */
  async function mapTo(arn: string, functionName: string): Promise<string> {
    const { UUID } = await local.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: functionName, BatchSize: 10, ScalingConfig: { MaximumConcurrency: 2 } }));
    await waitFor('the mapping enabled', async () => (await local.lambda.send(new GetEventSourceMappingCommand({ UUID }))).State === 'Enabled');
    return UUID!;
  }

  /** 120 messages at 60/s, delivery verified, --logs: the report and the table. */
  async function benchQueue(url: string, name: string): Promise<{ phase: PhaseReport; stdout: string; stderr: string; out: string }> {
    const out = join(dir, `${name}.json`);
    const run = await runLambench(['bench', url, '-n', '120', '-r', '60', '--template', '-p', '{"order":{{seq}}}', '--verify-delivery', '--settle', '60s', '--logs', '--out', out], { env, timeoutMs: 150_000 });
    assert.equal(run.code, 0, run.stderr);
    const phase = (JSON.parse(await readFile(out, 'utf8')) as ReportDocument).phases[0]!;
    assert.equal(phase.queue!.delivery!.processed, 120);
    return { phase, stdout: run.stdout, stderr: run.stderr, out };
  }

  /** Invocations running at once, per second, within what the mappings allow and what they ran; its peak the phase's. */
  function assertConcurrency(phase: PhaseReport, limit: number, batches: number): void {
    const series = phase.logs!.concurrency!;
    assert.equal(series.stepMs, 1000);
    assert.ok(series.from <= Date.parse(phase.startedAt!) && Date.parse(phase.startedAt!) - series.from < 1000, 'from the phase\'s start, to the second');
    assert.ok(series.max.length >= 2 && series.max.length <= 90, String(series.max.length));
    const peak = Math.max(...series.max);
    assert.ok(peak >= 1 && peak <= Math.min(limit, batches), `peak ${peak}, MaximumConcurrency ${limit}, ${batches} batches`);
    assert.equal(peak, phase.logs!.peakConcurrency);
  }

  it('a queue phase\'s invocations in the logs are the batches the stack ran, each with its REPORT; concurrency per second within MaximumConcurrency', async () => {
    // A queue of its own, mapped to `sleep` (100 ms a batch, a 60 s timeout): every batch succeeds, however busy the machine.
    const { url, arn } = await createQueue(local.sqs, 'logs-queue', { VisibilityTimeout: '360' });
    const uuid = await mapTo(arn, 'sleep');
    const { phase, stdout } = await benchQueue(url, 'queue');
    const batches = log.invoked(uuid).length;
    assert.ok(batches > 0 && log.settled(uuid).length === batches, 'every batch settled');
    assert.equal(phase.logs!.mapped, true);
    assert.equal(phase.logs!.found, batches, `the stack ran ${batches} batches`);
    assert.equal(phase.lambda!.reports, batches);
    assert.deepEqual(phase.logs!.byFunction!.map((entry) => [entry.functions.map(functionNameOf), entry.mappings, entry.found]), [[['sleep'], 1, batches]]);
    assertConcurrency(phase, 2, batches);
    // SQS requests: the batches lambench sent (120 messages, at most 10 a request), priced as standard-queue requests.
    assert.ok(phase.requestsSent! >= 12 && phase.requestsSent! <= 120, String(phase.requestsSent));
    assert.equal(phase.cost!.sqsRequests, phase.requestsSent);
    assert.ok(Math.abs(phase.cost!.sqsUsd! - (phase.requestsSent! / 1e6) * 0.4) < 1e-15);
    assert.match(stdout, new RegExp(`^found in logs +${batches} \\(the mapping's\\)$`, 'm'));
    assert.match(stdout, new RegExp(`^peak concurrency \\(logs\\) +${phase.logs!.peakConcurrency} at \\d+ s$`, 'm'));
  });

  it('a queue read by three mappings of two functions (sleep, and its alias live; echo logging JSON): each log group read once, the invocations per function adding up to the batches', async () => {
    const { url, arn } = await createQueue(local.sqs, 'logs-queue-shared', { VisibilityTimeout: '360' });
    const sleep = [await mapTo(arn, 'sleep'), await mapTo(arn, 'sleep:live')];
    const echo = await mapTo(arn, 'echo');
    const { phase, stdout, stderr } = await benchQueue(url, 'shared');
    const batchesOf = (uuids: string[]) => uuids.reduce((count, uuid) => count + log.invoked(uuid).length, 0);
    const [sleepBatches, echoBatches] = [batchesOf(sleep), batchesOf([echo])];
    assert.equal(log.settled().filter((batch) => [...sleep, echo].includes(batch.uuid)).length, sleepBatches + echoBatches, 'every batch settled');
    const byFunction = phase.logs!.byFunction!;
    assert.deepEqual(
      byFunction.map((entry) => [entry.functions.map(functionNameOf), entry.mappings, entry.logGroup, entry.format, entry.found]),
      [
        [['sleep'], 2, '/aws/lambda/sleep', 'Text', sleepBatches],
        [['echo'], 1, '/aws/lambda/echo', 'JSON', echoBatches],
      ],
    );
    assert.equal(phase.logs!.found, sleepBatches + echoBatches);
    assert.equal(phase.lambda!.reports, sleepBatches + echoBatches);
    assert.equal(phase.logs!.logGroup, '/aws/lambda/sleep, /aws/lambda/echo');
    assertConcurrency(phase, 6, sleepBatches + echoBatches);
    assert.match(stderr, /the queue's 3 mappings invoke 2 functions, sleep \(by 2 mappings\), echo: their invocations will be read from \/aws\/lambda\/sleep \(Text format\), \/aws\/lambda\/echo \(JSON format\), each group once/);
    assert.match(stdout, new RegExp(`logs: sleep \\(invoked by 2 mappings\\): ${sleepBatches} invocations, \\d+ cold starts.* in /aws/lambda/sleep$`, 'm'));
    assert.match(stdout, new RegExp(`logs: echo: ${echoBatches} invocations, \\d+ cold starts.* in /aws/lambda/echo$`, 'm'));
  });
});
