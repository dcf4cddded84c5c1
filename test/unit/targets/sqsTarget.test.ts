/**
 * The SQS queue target against the local stack's SQS, through both senders (the SDK client and the
 * direct signed path): sends due together go out as batches of at most ten, each message keeps its
 * own outcome and message ID and carries lambench's correlation attribute; a lone send is a
 * SendMessage; FIFO keeps the group and order; a queue that does not exist is a refused call, not
 * a thrown error.
 */
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalStack } from '../../../src/local/index.js';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../../../src/correlation.js';
import { createSqsTarget } from '../../../src/targets/queue/sqsTarget.js';
import { sdkSqsSender } from '../../../src/targets/queue/sdkSqsSender.js';
import { createDirectSqsSender } from '../../../src/targets/queue/directSqsSender.js';
import type { SqsSender } from '../../../src/targets/queue/sqsSender.js';
import { CREDENTIALS, sqsClient, startTestStack } from '../../support/helpers.js';

for (const via of ['sdk', 'direct'] as const)
describe(`queue target (${via}): SendMessage and SendMessageBatch with per-message outcomes`, () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  before(async () => {
    stack = await startTestStack();
    sqs = sqsClient(stack);
  });
  after(async () => {
    sqs.destroy();
    await stack.stop();
  });

  /**
   * A sender that counts what it sends: the SDK's commands by name (from its middleware), the direct
   * path's by the X-Amz-Target it put on the wire (a diagnostics channel sees every undici request).
   */
  function countingSender(): { sender: SqsSender; counts: Map<string, number>; sizes: number[] } {
    const counts = new Map<string, number>();
    const sizes: number[] = [];
    const count = (name: string, entries: number | undefined) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (entries !== undefined) sizes.push(entries);
    };
    if (via === 'sdk') {
      const client = new SQSClient({ region: stack.region, endpoint: stack.sqsUrl, credentials: CREDENTIALS });
      client.middlewareStack.add(
        (next, context) => (args) => {
          count(context.commandName!.replace(/Command$/, ''), (args.input as { Entries?: unknown[] }).Entries?.length);
          return next(args);
        },
        { step: 'initialize', name: 'countCommands' },
      );
      return { sender: sdkSqsSender(client), counts, sizes };
    }
    const sender = createDirectSqsSender({ aws: { region: stack.region, credentials: CREDENTIALS, loopback: true, endpoint: stack.sqsUrl }, endpoint: new URL(stack.sqsUrl), userAgent: 'lambench/test' });
    const send = sender.send.bind(sender);
    sender.send = (queueUrl, entries, signal, deadlineMs) => {
      count(entries.length === 1 ? 'SendMessage' : 'SendMessageBatch', entries.length === 1 ? undefined : entries.length);
      return send(queueUrl, entries, signal, deadlineMs);
    };
    return { sender, counts, sizes };
  }

  const request = (n: number) => ({ invocationType: 'Event' as const, payload: new TextEncoder().encode(JSON.stringify({ n })), clientRequestId: `cid-${n}` });

  async function readAll(queueUrl: string, expected: number) {
    const seen = [];
    for (let round = 0; round < 30 && seen.length < expected; round++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      seen.push(...Messages);
      // Deleted as read: a FIFO group gives its next message only once the one before is gone.
      for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    return seen;
  }

  it('25 sends due together: batches of at most 10, 25 outcomes with distinct message IDs, each message carrying its correlation ID', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `target-batch-${via}` }));
    const { sender, counts, sizes } = countingSender();
    const target = createSqsTarget({ sender, queueUrl: QueueUrl!, description: 'target-batch', fifo: false });
    const outcomes = await Promise.all(Array.from({ length: 25 }, (_, n) => target.invoke(request(n))));
    assert.deepEqual(outcomes.map((outcome) => outcome.class), Array(25).fill('ok'));
    assert.equal(new Set(outcomes.map((outcome) => outcome.messageId)).size, 25);
    assert.deepEqual(outcomes.map((outcome) => outcome.clientRequestId), Array.from({ length: 25 }, (_, n) => `cid-${n}`));
    assert.ok((counts.get('SendMessageBatch') ?? 0) >= 3, `batched: ${JSON.stringify([...counts])}`);
    assert.ok(sizes.every((size) => size <= 10) && sizes.reduce((a, b) => a + b, 0) === 25, `batch sizes ${sizes}`);
    const messages = await readAll(QueueUrl!, 25);
    assert.equal(messages.length, 25);
    const byId = new Map(messages.map((message) => [message.MessageId, message]));
    for (const outcome of outcomes) {
      const message = byId.get(outcome.messageId)!;
      assert.equal(message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue, outcome.clientRequestId);
      assert.equal(`cid-${JSON.parse(message.Body!).n}`, outcome.clientRequestId);
    }
    await target.close();
  });

  it('a lone send is one SendMessage', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `target-single-${via}` }));
    const { sender, counts } = countingSender();
    const target = createSqsTarget({ sender, queueUrl: QueueUrl!, description: 'target-single', fifo: false, attributes: { tenant: 'acme' } });
    const outcome = await target.invoke(request(1));
    assert.equal(outcome.class, 'ok');
    assert.ok(outcome.messageId);
    assert.deepEqual([...counts], [['SendMessage', 1]]);
    const [message] = await readAll(QueueUrl!, 1);
    assert.equal(message!.MessageAttributes?.tenant?.StringValue, 'acme');
    await target.close();
  });

  it('FIFO: the group is set, each message deduplicated by its correlation ID, order kept', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `target-order-${via}.fifo`, Attributes: { FifoQueue: 'true' } }));
    const { sender } = countingSender();
    const target = createSqsTarget({ sender, queueUrl: QueueUrl!, description: 'fifo', fifo: true, messageGroupId: 'g1', deduplicate: true });
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, n) => target.invoke(request(n))));
    assert.ok(outcomes.every((outcome) => outcome.class === 'ok'), JSON.stringify(outcomes.find((outcome) => outcome.class !== 'ok')));
    const messages = await readAll(QueueUrl!, 12);
    assert.deepEqual(messages.map((message) => JSON.parse(message.Body!).n), Array.from({ length: 12 }, (_, n) => n));
    assert.ok(messages.every((message) => message.Attributes?.MessageGroupId === 'g1'));
    await target.close();
  });

  it('a queue that does not exist: each call refused (class, error type), nothing thrown', async () => {
    const { sender } = countingSender();
    const target = createSqsTarget({ sender, queueUrl: `${stack.sqsUrl}/000000000000/no-such-queue`, description: 'missing', fifo: false });
    const outcomes = await Promise.all([target.invoke(request(1)), target.invoke(request(2))]);
    for (const outcome of outcomes) {
      assert.equal(outcome.class, 'httpError');
      assert.match(outcome.errorType!, /QueueDoesNotExist|NonExistentQueue/);
      assert.equal(outcome.refusedByService, true);
    }
    await target.close();
  });
});
