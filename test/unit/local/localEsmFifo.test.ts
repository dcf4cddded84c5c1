/**
 * A FIFO queue behind a mapping: within a message group, messages reach the function in the order
 * sent, a group is never in two batches in flight at once, and a failed message is retried before
 * any later message of its group is processed (other groups go on meanwhile).
 */
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createQueue, depth, sendBodies, startEsmStack, waitFor, type EsmHarness } from '../../support/esm.js';

describe('SQS event source mapping on a FIFO queue', { timeout: 120_000 }, () => {
  let h: EsmHarness;
  before(async () => {
    h = await startEsmStack();
  });
  after(() => h?.stop());

  it('keeps order within each message group, one batch in flight per group, a failed message retried before the rest of its group', async () => {
    const queue = await createQueue(h.sqs, 'esm-order.fifo', { VisibilityTimeout: '1', ContentBasedDeduplication: 'true' });
    const groups = ['g-a', 'g-b', 'g-c'];
    const perGroup = 12;
    // Interleaved: a0 b0 c0 a1 b1 c1 …; b3 fails the first time it is received.
    const bodies = Array.from({ length: perGroup * groups.length }, (_, index) => {
      const group = groups[index % groups.length]!;
      const seq = Math.floor(index / groups.length);
      return { group, seq, ...(group === 'g-b' && seq === 3 && { fail: true, until: 2 }) };
    });
    const ids = await sendBodies(h.sqs, queue.url, bodies, (index) => ({ MessageGroupId: bodies[index]!.group }));
    const { UUID: uuid } = await h.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
    );
    await waitFor('every message deleted', () => new Set(h.log.deleted(uuid)).size === ids.length, 60_000);

    // Replay the hook's log: which groups are in flight at each moment, and each group's order.
    const inFlight = new Map<string, string>(); // group → requestId of the batch holding it
    const order = new Map<string, number[]>(groups.map((group) => [group, []]));
    for (const batch of h.log.all.filter((item) => item.uuid === uuid)) {
      const batchGroups = batch.records.map((record) => record.messageGroupId!);
      if (batch.phase === 'invoke') {
        for (const group of batchGroups) {
          assert.ok(!inFlight.has(group), `group ${group} in two batches at once (${inFlight.get(group)} and ${batch.requestId})`);
          inFlight.set(group, batch.requestId);
        }
        for (const record of batch.records) order.get(record.messageGroupId!)!.push(JSON.parse(record.body).seq);
        const sequenceNumbers = batch.records.map((record) => record.sequenceNumber);
        assert.ok(sequenceNumbers.every((value) => value !== undefined), 'FIFO records carry a SequenceNumber');
      } else {
        for (const group of batchGroups) inFlight.delete(group);
      }
    }
    const inSequence = Array.from({ length: perGroup }, (_, seq) => seq);
    assert.deepEqual(order.get('g-a'), inSequence);
    assert.deepEqual(order.get('g-c'), inSequence);
    assert.deepEqual(order.get('g-b'), [0, 1, 2, 3, 3, ...inSequence.slice(4)], 'b3 failed, was received again and processed before b4');
    const b3 = ids[3 * groups.length + 1]!;
    assert.deepEqual(h.log.history(b3).map(({ count, deleted }) => ({ count, deleted })), [
      { count: 1, deleted: false },
      { count: 2, deleted: true },
    ]);
    assert.equal(h.log.deleted(uuid).length, ids.length, 'each message deleted once');
    assert.equal(await depth(h.sqs, queue.url), 0);
  });
});
