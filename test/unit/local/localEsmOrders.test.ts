/**
 * The sample wiring as shipped (lambench-orders → orders, BatchSize 10, ReportBatchItemFailures;
 * RedrivePolicy to lambench-orders-dlq after 3 receives; orders writes what it processed to
 * lambench-orders-out): 1,000 orders, 100 of them asked to fail, reconcile exactly. Evidence is
 * read from outside, as lambench would (the output queue and the DLQ), and checked against the
 * stack's batch hook (every processing attempt, with its receive count).
 */
import { QUEUE_CORRELATION_ATTRIBUTE } from '../../../src/correlation.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ORDERS_SAMPLE } from '../../../src/local/index.js';
import { BatchLog, depth, drain, sendBodies, waitFor } from '../../support/esm.js';
import { sqsClient, startTestStack } from '../../support/helpers.js';
import type { LocalStack } from '../../../src/local/index.js';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';

const SENT = 1000;
const fails = (n: number) => n % 10 === 7;

describe('the sample wiring: lambench-orders → orders', { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  const log = new BatchLog();
  before(async () => {
    stack = await startTestStack({ onEventSourceBatch: log.add });
    sqs = sqsClient(stack);
  });
  after(async () => {
    sqs?.destroy();
    await stack?.stop();
  });

  it('is listed as the API lists it, on the sample queues', () => {
    const [sample] = stack.eventSourceMappings();
    assert.equal(sample!.EventSourceArn, `arn:aws:sqs:us-east-1:000000000000:${ORDERS_SAMPLE.queue}`);
    assert.equal(sample!.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:orders');
    assert.equal(sample!.BatchSize, 10);
    assert.deepEqual(sample!.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(sample!.State, 'Enabled');
    for (const name of [ORDERS_SAMPLE.queue, ORDERS_SAMPLE.deadLetterQueue, ORDERS_SAMPLE.outputQueue]) assert.ok(stack.queues[name], name);
  });

  it('1,000 orders, 100 asked to fail: processed (out queue) + dead-lettered = sent, each failure after exactly 3 receives, nothing processed twice', async () => {
    const bodies = Array.from({ length: SENT }, (_, n) => ({ order: n, ...(fails(n) && { fail: true }), meta: { clientRequestId: `order-${n}` } }));
    const ids = await sendBodies(sqs, stack.queues[ORDERS_SAMPLE.queue]!, bodies, (n) => ({ MessageAttributes: { [QUEUE_CORRELATION_ATTRIBUTE]: { DataType: 'String', StringValue: `order-${n}` } } }));
    const out: Message[] = [];
    const dead: Message[] = [];
    const failing = SENT / 10;
    await waitFor(
      'every order processed or dead-lettered',
      async () => {
        out.push(...(await drain(sqs, stack.queues[ORDERS_SAMPLE.outputQueue]!)));
        dead.push(...(await drain(sqs, stack.queues[ORDERS_SAMPLE.deadLetterQueue]!)));
        return out.length >= SENT - failing && dead.length >= failing;
      },
      120_000,
    );
    // Then quiet: the source queue empty, no batch in flight; a last read catches anything late.
    await waitFor('the source queue empty and no batch in flight', async () => (await depth(sqs, stack.queues[ORDERS_SAMPLE.queue]!)) === 0 && log.inFlight() === 0, 30_000);
    out.push(...(await drain(sqs, stack.queues[ORDERS_SAMPLE.outputQueue]!)));
    dead.push(...(await drain(sqs, stack.queues[ORDERS_SAMPLE.deadLetterQueue]!)));

    // Processed: exactly the orders not asked to fail, each once, with its correlation ID, message ID and SQS attributes.
    assert.equal(out.length, SENT - failing, 'nothing processed twice');
    const records = out.map((message) => JSON.parse(message.Body!) as { correlationId: string; messageId: string; eventSourceARN: string; attributes: Record<string, string> });
    const expected = bodies.filter((_, n) => !fails(n)).map((body) => body.meta.clientRequestId);
    assert.deepEqual(records.map((record) => record.correlationId).sort(), expected.sort());
    const idOf = new Map(ids.map((id, n) => [`order-${n}`, id]));
    for (const [index, record] of records.entries()) {
      assert.equal(record.messageId, idOf.get(record.correlationId), 'the source message ID');
      assert.equal(out[index]!.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue, record.correlationId, 'the correlation ID as a message attribute too');
      assert.equal(record.attributes.ApproximateReceiveCount, '1', 'processed at the first receive');
      assert.match(record.attributes.SentTimestamp!, /^\d{13}$/);
      assert.match(record.attributes.ApproximateFirstReceiveTimestamp!, /^\d{13}$/);
      assert.equal(record.eventSourceARN, `arn:aws:sqs:us-east-1:000000000000:${ORDERS_SAMPLE.queue}`);
    }

    // Dead-lettered: exactly the failing orders, each after exactly maxReceiveCount (3) processing attempts.
    assert.equal(dead.length, failing);
    assert.deepEqual(dead.map((message) => JSON.parse(message.Body!).meta.clientRequestId).sort(), bodies.filter((_, n) => fails(n)).map((body) => body.meta.clientRequestId).sort());
    for (const message of dead) {
      assert.deepEqual(log.history(message.MessageId!).map(({ count, deleted }) => ({ count, deleted })), [
        { count: 1, deleted: false },
        { count: 2, deleted: false },
        { count: 3, deleted: false },
      ]);
      // fauxqs counts the receive that found the count over maxReceiveCount and moved the message
      // (4), and our read of the DLQ (5); the message was processed 3 times, as the log shows.
      assert.equal(message.Attributes?.ApproximateReceiveCount, String(ORDERS_SAMPLE.maxReceiveCount + 2));
      assert.equal(message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue, JSON.parse(message.Body!).meta.clientRequestId, 'the DLQ keeps the message attributes');
    }

    // The books balance, and the mapping's own limits held throughout.
    assert.equal(out.length + dead.length, SENT, 'processed + dead-lettered = sent');
    assert.equal(new Set(log.deleted()).size, log.deleted().length, 'no message deleted twice');
    assert.equal(log.deleted().length, SENT - failing);
    assert.ok(log.invoked().every((batch) => batch.records.length <= ORDERS_SAMPLE.batchSize && batch.inFlight <= ORDERS_SAMPLE.maximumConcurrency));
    assert.ok(log.settled().every((batch) => batch.outcome !== 'failure'), 'no batch failed whole: orders reports its failures item by item');
  });
});
