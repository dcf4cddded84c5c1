/**
 * Delivery verification against the local stack and the SQS emulator: every accepted event is
 * accounted for (succeeded + failed + missing = accepted, exactly), with its attempts and
 * end-to-end time; messages that are not ours stay in the queue.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeliveryTracker } from '../../src/delivery/deliveryTracker.js';
import { runLambench, useTestStack } from '../support/helpers.js';
import { destinationRecord } from '../support/queues.js';

const lambench = (args: string[], env: Record<string, string>) => runLambench(args, { env });

describe('delivery verification', () => {
  const local = useTestStack();
  let queues: string[];
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    queues = [local.stack.queues['lambench-success']!, local.stack.queues['lambench-failure']!, local.stack.queues['lambench-dlq']!];
    dir = await mkdtemp(join(tmpdir(), 'lambench-delivery-'));
    env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function sendEvent(functionName: string, payload: unknown): Promise<{ requestId: string; sentAt: number }> {
    const sentAt = Date.now();
    const out = await local.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
    assert.equal(out.StatusCode, 202);
    return { requestId: out.$metadata.requestId!, sentAt };
  }

  it('accounts for every one of N events: succeeded + failed + missing = N, with attempts and end-to-end times', async () => {
    const tracker = new DeliveryTracker({ sqs: local.sqs, queueUrls: queues, pollersPerQueue: 3 });
    await tracker.checkQueues();
    tracker.start();
    try {
      const sends = [
        ...Array.from({ length: 40 }, (_, i) => sendEvent('square', { number: i })),
        ...Array.from({ length: 10 }, (_, i) => sendEvent('flaky', { fail: true, i })),
      ];
      for (const sent of await Promise.all(sends)) tracker.expect(sent);
      tracker.expect({ requestId: '00000000-0000-4000-8000-000000000000', sentAt: Date.now() });
      await tracker.settle(15_000);
      // The one that was never sent stays pending until the settle time runs out.
      assert.equal(tracker.pending, 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const report = tracker.report();
      assert.equal(report.accepted, 51);
      assert.equal(report.succeeded, 40);
      assert.equal(report.failed, 10);
      assert.equal(report.missing, 1);
      assert.equal(report.succeeded + report.failed + report.missing, report.accepted);
      assert.deepEqual(report.failedVia, { onFailureDestination: 10, deadLetterQueue: 10 });
      assert.deepEqual(report.conditions, { Success: 40, RetriesExhausted: 10 });
      assert.deepEqual(report.attempts, { '1': 40, '3': 10 });
      assert.equal(report.duplicates, 0, 'a failure reported to both the destination and the DLQ is one failure');
      assert.equal(report.endToEnd?.count, 50);
      assert.ok(report.endToEnd!.min >= 0 && report.endToEnd!.max < 15_000_000);
      assert.deepEqual(report.missingExamples, [{ requestId: '00000000-0000-4000-8000-000000000000' }]);
      assert.ok(report.endToEndHistogram && report.endToEndHistogram.length > 10);
    } finally {
      await tracker.stop();
    }
  });

  it('leaves foreign and malformed messages in the queue, counted; deletes only what it matched', async () => {
    const queueUrl = local.stack.queues['lambench-success']!;
    const foreign = destinationRecord('someone-elses', { requestPayload: {} });
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: foreign }));
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not json at all' }));
    const tracker = new DeliveryTracker({ sqs: local.sqs, queueUrls: [queueUrl], pollersPerQueue: 2 });
    tracker.start();
    try {
      const tracked = tracker.expect(await sendEvent('square', { number: 5 }));
      await tracker.settle(10_000);
      await tracker.drained(1500);
      const report = tracker.report();
      assert.equal(report.succeeded, 1);
      // A load test keeps the figures, not the record (keepRecords is for invoke --wait).
      assert.equal(tracked.record, undefined);
      assert.equal(tracked.condition, 'Success');
      assert.equal(report.foreignMessages, 1);
      assert.equal(report.malformedMessages, 1);
    } finally {
      await tracker.stop();
    }
    const left = await local.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const bodies = (left.Messages ?? []).map((message) => message.Body).sort();
    assert.deepEqual(bodies, [foreign, 'not json at all'].sort(), 'both still there; the matched record is gone');
  });

  it('--keep leaves matched messages too; a second message for one event is a duplicate', async () => {
    const queueUrl = local.stack.queues['lambench-success']!;
    const sent = await sendEvent('square', { number: 6 });
    const tracker = new DeliveryTracker({ sqs: local.sqs, queueUrls: [queueUrl], pollersPerQueue: 2, matched: 'keep', keepRecords: true });
    tracker.start();
    try {
      const tracked = tracker.expect(sent);
      await tracker.settle(10_000);
      assert.equal(tracked.record?.requestId, sent.requestId, 'keepRecords: the matched record is kept');
      await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: destinationRecord(sent.requestId) }));
      await tracker.drained(1500);
      const report = tracker.report();
      assert.equal(report.succeeded, 1);
      assert.equal(report.duplicates, 1);
    } finally {
      await tracker.stop();
    }
    const left = await local.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    assert.equal((left.Messages ?? []).filter((message) => message.Body?.includes(sent.requestId)).length, 2, 'kept: both still in the queue');
  });

  it('poll --correlate reconciles a run written by invoke --json, leaves the queue as it was, and exits 1 when one is missing', async () => {
    const run = join(dir, 'run.ndjson');
    const lines: string[] = [];
    for (const payload of ['{"number": 21}', '{"number": 22}']) {
      const result = await lambench(['invoke', 'square', '--type', 'event', '--payload', payload, '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      lines.push(result.stdout.trim());
    }
    const failing = await lambench(['invoke', 'flaky', '--type', 'event', '--payload', '{"fail": true}', '--json'], env);
    lines.push(failing.stdout.trim());
    await writeFile(run, `${lines.join('\n')}\n`);
    const complete = await lambench(['poll', ...queues, '--correlate', run, '--json'], env);
    assert.equal(complete.code, 0, complete.stderr);
    const output = complete.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const summary = output.at(-1);
    assert.equal(summary.type, 'summary');
    assert.equal(summary.delivery.accepted, 3);
    assert.equal(summary.delivery.succeeded, 2);
    assert.equal(summary.delivery.failed, 1);
    assert.equal(summary.delivery.missing, 0);
    assert.equal(output.filter((line) => line.type === 'record' && line.matched).length, 4, '2 successes, 1 failure destination, 1 DLQ');

    // Non-destructive: polling again finds the same records.
    await writeFile(run, `${lines.join('\n')}\n{"invocationType":"Event","outcome":"ok","requestId":"00000000-0000-4000-8000-00000000abcd","sentAt":1}\n`);
    const incomplete = await lambench(['poll', ...queues, '--correlate', run], env);
    assert.equal(incomplete.code, 1);
    assert.match(incomplete.stderr, /accepted 4 = succeeded 2 \+ failed 1 \+ missing 1\n/);
    assert.match(incomplete.stderr, /lambench: delivery incomplete: 1 of 4 accepted events have no completion record in the queues\n$/);

    const deleted = await lambench(['poll', ...queues, '--correlate', run, '--delete', '--json'], env);
    assert.equal(deleted.code, 1);
    const again = await lambench(['poll', ...queues, '--json'], env);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, '', 'poll --delete removed what it printed');
  });

  it('poll --max N prints exactly N records, as NDJSON, and leaves the queue as it was', async () => {
    const queueUrl = local.stack.queues['lambench-success']!;
    for (const n of [31, 32, 33]) {
      const result = await lambench(['invoke', 'square', '-t', 'event', '-p', `{"number": ${n}}`, '--wait', '--destination-queue', queueUrl, '--json'], env);
      assert.equal(result.code, 0, result.stderr);
    }
    // --wait deleted the three records it matched; put three foreign ones in their place.
    for (const n of [1, 2, 3]) {
      await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: destinationRecord(`other-${n}`) }));
    }
    const two = await lambench(['poll', queueUrl, '--max', '2', '--json'], env);
    assert.equal(two.code, 0, two.stderr);
    const lines = two.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => line.type === 'record' && line.condition === 'Success' && /^other-[123]$/.test(line.requestId)));
    const all = await lambench(['poll', queueUrl, '--json', '--delete'], env);
    assert.deepEqual(all.stdout.trim().split('\n').map((line) => JSON.parse(line).requestId).sort(), ['other-1', 'other-2', 'other-3']);
  });

  it('bad input: a missing queue, an unreachable SQS endpoint, --wait --no-discover without a queue, an unreadable --correlate', async () => {
    const missingQueue = `${local.stack.sqsUrl}/000000000000/no-such-queue`;
    const cases: [string, string[], Record<string, string>, number, RegExp][] = [
      ['poll: queue does not exist', ['poll', missingQueue], env, 3, /^lambench: the queue .*no-such-queue does not exist: check the URL/],
      ['invoke --wait: queue does not exist, nothing sent', ['invoke', 'square', '-t', 'event', '--wait', '--destination-queue', missingQueue], env, 3, /^lambench: the queue .*no-such-queue does not exist/],
      ['poll: unreachable SQS', ['poll', 'http://127.0.0.1:9/000000000000/q'], { ...env, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9' }, 3, /^lambench: could not reach SQS for .* \(ECONNREFUSED\)/],
      // Without a queue, a function's destinations are discovered; with --no-discover, where the record goes is unknown.
      ['invoke --wait --no-discover without a queue', ['invoke', 'square', '-t', 'event', '--wait', '--no-discover'], env, 2, /^lambench: --wait needs --destination-queue URL and\/or --dlq URL to watch for the completion record \(with --no-discover, where it goes is unknown: or add --logs/],
      ['poll: --correlate file missing', ['poll', queues[0]!, '--correlate', join(dir, 'nope.ndjson')], env, 2, /^lambench: --correlate '.*nope\.ndjson' cannot be read: no such file/],
      ['poll: no queue', ['poll'], env, 2, /^lambench: an argument is missing \(see lambench poll --help\)$/],
    ];
    for (const [name, args, caseEnv, code, pattern] of cases) {
      const result = await lambench(args, caseEnv);
      assert.equal(result.code, code, `${name}: ${result.stderr}`);
      const lines = result.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('lambench: note:'));
      assert.equal(lines.length, 1, `${name}: ${result.stderr}`);
      assert.match(lines[0]!, pattern, name);
    }
  });
});
