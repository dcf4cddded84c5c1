/**
 * A queue phase's delivery evidence against the local stack's SQS, with a stand-in consumer in
 * the mapping's place (it receives, writes what it processed to an output queue and deletes, or
 * leaves a failing message to be received again until the redrive policy dead-letters it):
 * sent = processed + dead-lettered + still in the queue, per message with an output queue, derived
 * (and said so) without; nothing foreign is deleted; the DLQ is read without deleting.
 */
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LocalStack } from '../../../src/local/index.js';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../../../src/correlation.js';
import { QueueEvidence } from '../../../src/delivery/queueDelivery.js';
import { queueEquation } from '../../../src/report/queueText.js';
import { sqsClient, startTestStack } from '../../support/helpers.js';

describe('queue delivery: sent = processed + dead-lettered + still in the queue', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  let sets = 0;
  before(async () => {
    stack = await startTestStack();
    sqs = sqsClient(stack);
  });
  after(async () => {
    sqs.destroy();
    await stack.stop();
  });

  async function queues() {
    const n = ++sets;
    const create = async (QueueName: string, Attributes?: Record<string, string>) => (await sqs.send(new CreateQueueCommand({ QueueName, ...(Attributes && { Attributes }) }))).QueueUrl!;
    const dlq = await create(`qe-dlq-${n}`);
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const source = await create(`qe-src-${n}`, { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    const output = await create(`qe-out-${n}`);
    return { source, dlq, output };
  }

  /** The mapping's stand-in: until stopped, processes what does not ask to fail (writes to output, deletes) and leaves the rest. */
  function consumer(source: string, output: string) {
    const controller = new AbortController();
    const done = (async () => {
      for (let round = 0; round < 2_000 && !controller.signal.aborted; round++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
        for (const message of Messages) {
          const body = JSON.parse(message.Body!);
          if (body.fail) {
            // A failure: not deleted, so visible again after the queue's 1 s visibility timeout; after two receives the DLQ takes it.
            continue;
          }
          const id = message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue;
          await sqs.send(new SendMessageCommand({ QueueUrl: output, MessageBody: JSON.stringify({ result: 'ok', source: { messageId: message.MessageId, correlation: id } }) }));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: source, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    })();
    return { stop: async () => (controller.abort(), await done) };
  }

  async function sendAll(evidence: QueueEvidence, source: string, count: number, failEvery: number): Promise<number> {
    let failing = 0;
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const fail = failEvery > 0 && i % failEvery === 0;
      if (fail) failing++;
      const sentAt = Date.now();
      const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: JSON.stringify({ i, fail, meta: { clientRequestId: id } }), MessageAttributes: { [QUEUE_CORRELATION_ATTRIBUTE]: { DataType: 'String', StringValue: id } } }));
      evidence.expect({ sentAt, clientRequestId: id, requestId: MessageId! });
    }
    return failing;
  }

  it('with an output queue: each message seen processed or dead-lettered, end-to-end times, foreign records left', async () => {
    const { source, dlq, output } = await queues();
    await sqs.send(new SendMessageCommand({ QueueUrl: output, MessageBody: '{"someone":"else"}' }));
    const evidence = new QueueEvidence({ sqs, queueUrl: source, dlqUrl: dlq, outputQueueUrl: output, depthIntervalMs: 200 });
    await evidence.start();
    const worker = consumer(source, output);
    const failing = await sendAll(evidence, source, 60, 6);
    await evidence.settle(20_000);
    await worker.stop();
    const report = await evidence.stop();
    assert.equal(report.sent, 60);
    assert.equal(report.deadLettered, failing, queueEquation(report));
    assert.equal(report.processed, 60 - failing, queueEquation(report));
    assert.equal(report.processedDerived, false);
    assert.equal(report.remaining, 0);
    assert.equal(report.unaccounted, 0);
    assert.equal(report.endToEnd?.count, 60 - failing);
    assert.ok(Object.keys(report.receiveCounts).length > 0 && Object.values(report.receiveCounts).reduce((a, b) => a + b, 0) === failing, JSON.stringify(report.receiveCounts));
    assert.ok(report.depth.samples.length >= 2 && report.depth.lastSendToEmptyMs !== undefined, 'the depth was followed to empty');
    assert.match(queueEquation(report), /^sent 60 = processed 50 \+ dead-lettered 10 \+ in the queue 0$/);
    // The DLQ was read, not emptied; the foreign output record is still there.
    const dlqDepth = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    assert.equal(Number(dlqDepth.Attributes!.ApproximateNumberOfMessages) + Number(dlqDepth.Attributes!.ApproximateNumberOfMessagesNotVisible), failing);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: output, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    assert.deepEqual(Messages.map((message) => message.Body), ['{"someone":"else"}']);
  });

  it('without an output queue: the same counts, processed derived and said so; what was never consumed is still in the queue', async () => {
    const { source, dlq, output } = await queues();
    const evidence = new QueueEvidence({ sqs, queueUrl: source, dlqUrl: dlq, depthIntervalMs: 200 });
    await evidence.start();
    const worker = consumer(source, output);
    const failing = await sendAll(evidence, source, 60, 6);
    await evidence.settle(20_000);
    await worker.stop();
    // Five more that nobody consumes: still in the queue at the end.
    await sendAll(evidence, source, 5, 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const report = await evidence.stop();
    assert.equal(report.sent, 65);
    assert.equal(report.deadLettered, failing);
    assert.equal(report.remaining, 5, queueEquation(report));
    assert.equal(report.processed, 50);
    assert.equal(report.processedDerived, true);
    assert.equal(report.endToEnd, undefined, 'no per-message times without evidence');
    assert.match(queueEquation(report), /processed 50 \(derived\) \+ dead-lettered 10 \+ in the queue 5$/);
  });
});
