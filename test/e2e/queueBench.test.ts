/**
 * `lambench bench <queue>` end to end, against the local stack's sample wiring (lambench-orders →
 * orders, DLQ after 3 receives, processed orders written to lambench-orders-out), as a user runs
 * it: 1,000 messages at a rate, one in ten asked to fail, reconcile exactly (processed +
 * dead-lettered + still in the queue = sent), per message with --output-queue and derived (and
 * said so) without; foreign messages in the DLQ and the output queue are still there afterwards;
 * discovery's warnings on a badly wired queue, and --no-discover; bad input refused with one line,
 * exit 2 and nothing sent.
 */
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { mergeReports } from '../../src/report/merge.js';
import { runLambench, useTestStack } from '../support/helpers.js';
import { createQueue, depth } from '../support/esm.js';

describe('bench <queue>: poll-based invocation, loaded and verified end to end', { timeout: 240_000 }, () => {
  const local = useTestStack();
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-queue-'));
    env = { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const queue = (name: string) => local.stack.queues[name]!;

  async function bench(args: string[], name: string) {
    const out = join(dir, `${name}.json`);
    const result = await runLambench(['bench', ...args, '--out', out], { env, timeoutMs: 120_000 });
    const report = result.code !== 2 ? (JSON.parse(await readFile(out, 'utf8')) as ReportDocument) : undefined;
    return { ...result, report };
  }

  const ORDERS = ['-n', '1000', '-r', '250', '--template', '-p', '{"order":{{seq}},"failEvery":10}', '--verify-delivery', '--settle', '60s'];

  it('1,000 messages with --output-queue: 900 processed (each seen, with end-to-end times), 100 dead-lettered after the redrive policy\'s receives, none left; foreign messages untouched', async () => {
    const { sqs } = local;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue('lambench-orders-out'), MessageBody: '{"someone":"else","out":true}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue('lambench-orders-dlq'), MessageBody: '{"someone":"else","dead":true}' }));
    const run = await bench([queue('lambench-orders'), ...ORDERS, '--output-queue', queue('lambench-orders-out')], 'with-output');
    assert.equal(run.code, 0, run.stderr);
    const phase = run.report!.phases[0]!;
    assert.equal(phase.name, 'queue');
    assert.equal(phase.outcomes.ok, 1000);
    const delivery = phase.queue!.delivery!;
    assert.deepEqual(
      { sent: delivery.sent, processed: delivery.processed, deadLettered: delivery.deadLettered, remaining: delivery.remaining, unaccounted: delivery.unaccounted, derived: delivery.processedDerived },
      { sent: 1000, processed: 900, deadLettered: 100, remaining: 0, unaccounted: 0, derived: false },
    );
    assert.equal(delivery.endToEnd?.count, 900, 'an end-to-end time for each processed message');
    assert.equal(Object.values(delivery.receiveCounts).reduce((a, b) => a + b, 0), 100);
    // The DLQ's count: the 3 receives the mapping made, the one that moved it (as the emulator counts), nothing less.
    assert.ok(Object.keys(delivery.receiveCounts).every((receives) => Number(receives) >= 3), JSON.stringify(delivery.receiveCounts));
    assert.ok(delivery.depth.samples.length >= 3 && delivery.depth.lastSendToEmptyMs !== undefined);
    assert.ok(delivery.depth.drainPerSecond! > 0);
    const [mapping] = phase.queue!.wiring.mappings!;
    assert.equal(mapping!.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:orders');
    assert.equal(mapping!.reportBatchItemFailures, true);
    assert.match(run.stdout, /sent 1000 = processed 900 \+ dead-lettered 100 \+ in the queue 0/);
    assert.match(run.stdout, /^read by +orders \(Enabled, batch 10/m);

    // As two shards of one run (report --merge): the per-message counts and end-to-end times add up, the wiring stays.
    const shard = (index: number) => ({ source: `shard${index}`, report: { ...run.report!, shard: { index, of: 2 }, config: { ...run.report!.config!, shard: { index, of: 2 } } } });
    const merged = mergeReports([shard(1), shard(2)]).phases[0]!.queue!;
    assert.deepEqual(merged.wiring, phase.queue!.wiring);
    assert.deepEqual([merged.delivery!.sent, merged.delivery!.processed, merged.delivery!.deadLettered, merged.delivery!.remaining, merged.delivery!.processedDerived], [2000, 1800, 200, 0, false]);
    assert.equal(merged.delivery!.endToEnd?.count, 1800);
    assert.equal(Object.values(merged.delivery!.receiveCounts).reduce((a, b) => a + b, 0), 200);

    // The output records of this run were lambench's to take; the foreign one is still there, and the DLQ was only read.
    const { Messages: left = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue('lambench-orders-out'), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0 }));
    assert.deepEqual(left.map((message) => message.Body), ['{"someone":"else","out":true}']);
    assert.equal(await depth(sqs, queue('lambench-orders-dlq')), 101, 'the 100 dead-lettered and the foreign one, none deleted');
  });

  it('the same run without --output-queue, sent through the SDK client (--sdk): the same counts, processed derived and said to be', async () => {
    const run = await bench([queue('lambench-orders'), ...ORDERS, '--sdk'], 'derived');
    assert.equal(run.code, 0, run.stderr);
    const delivery = run.report!.phases[0]!.queue!.delivery!;
    assert.deepEqual([delivery.sent, delivery.processed, delivery.deadLettered, delivery.remaining, delivery.processedDerived], [1000, 900, 100, 0, true]);
    assert.equal(delivery.endToEnd, undefined);
    const shard = (index: number) => ({ source: `shard${index}`, report: { ...run.report!, shard: { index, of: 2 }, config: { ...run.report!.config!, shard: { index, of: 2 } } } });
    const merged = mergeReports([shard(1), shard(2)]).phases[0]!.queue!.delivery!;
    assert.deepEqual([merged.sent, merged.processed, merged.deadLettered, merged.processedDerived], [2000, 1800, 200, true], 'derived again from the sums');
    assert.match(run.stdout, /processed +900\/1000 \(derived\)/);
    assert.match(run.stdout, /processed 900 \(derived\) \+ dead-lettered 100 \+ in the queue 0: processed is derived from the counts/);
    assert.match(run.stdout, /101 messages not from this run seen in the DLQ or output queue: handed back, none deleted|messages not from this run seen/);
  });

  it('discovery warns on a badly wired queue (visibility under 6 × the timeout, no DLQ); --no-discover says what is then unknown', async () => {
    const { sqs, lambda } = local;
    const bad = await createQueue(sqs, 'badly-wired', { VisibilityTimeout: '2' });
    const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: bad.arn, FunctionName: 'orders', BatchSize: 5 }));
    try {
      const run = await bench([bad.url, '-n', '5', '-r', '50', '-p', '{"order":1}'], 'badly-wired');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /visibility timeout \(2 s\) is under 6 × orders's timeout \(1 s → 6 s\)/);
      assert.match(run.stderr, /the queue has no dead-letter queue \(RedrivePolicy\)/);
      assert.match(run.stderr, /does not report batch item failures/);
      assert.equal(run.report!.phases[0]!.queue!.wiring.warnings.length, 3);

      const blind = await bench([bad.url, '-n', '5', '-r', '50', '-p', '{"order":1}', '--no-discover'], 'no-discover');
      assert.equal(blind.code, 0, blind.stderr);
      assert.doesNotMatch(blind.stderr, /visibility timeout|batch item failures/);
      const wiring = blind.report!.phases[0]!.queue!.wiring;
      assert.equal(wiring.mappings, undefined);
      assert.match(wiring.unknown.join(' '), /--no-discover/);
      assert.match(blind.stdout, /read by +unknown/);
    } finally {
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID }));
    }
  });

  it('refuses bad input with one line, nothing sent: a queue that does not exist (exit 3, as any target not found), FIFO without a group, a body over 1 MiB (exit 2)', async () => {
    const { sqs } = local;
    const fifo = await createQueue(sqs, 'refused.fifo', { FifoQueue: 'true' });
    const plain = await createQueue(sqs, 'refused-plain');
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ blob: 'x'.repeat(1_100_000) }));
    const cases: [string[], RegExp, string, number][] = [
      [[`${local.stack.sqsUrl}/000000000000/no-such-queue`, '-n', '3', '-c', '1', '-p', '{}'], /^lambench: queue .*no-such-queue: no such queue .*nothing was sent\n$/, plain.url, 3],
      [[fifo.url, '-n', '3', '-c', '1', '-p', '{}'], /^lambench: --message-group-id is needed: the queue is FIFO/, fifo.url, 2],
      [[plain.url, '-n', '3', '-c', '1', '--payload-file', big], /^lambench: --payload-file makes a message of .* over SQS's 1 MB limit: send less data\n$/, plain.url, 2],
    ];
    for (const [args, message, watched, code] of cases) {
      const run = await runLambench(['bench', ...args], { env });
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, 'one line');
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: watched, AttributeNames: ['ApproximateNumberOfMessages'] }));
      assert.equal(Attributes!.ApproximateNumberOfMessages, '0', 'nothing sent');
    }
  });
});
