/**
 * What an SQS mapping does with each batch's answer, end to end (SQS from the emulator, the function
 * run by the local runtime, real sockets): a thrown error returns the whole batch, which comes back
 * after the visibility timeout; a partial batch response deletes the rest, never to be processed
 * again; every malformed response AWS lists fails the whole batch, every empty one succeeds; without
 * ReportBatchItemFailures item failures are not read; a disabled mapping leaves the queue alone;
 * a function whose reserved concurrency is below the mapping's gets its batches one at a time.
 */
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createQueue, depth, sendBodies, startEsmStack, waitFor, waitForState, type EsmHarness } from '../../support/esm.js';

describe('SQS event source mapping batches', { timeout: 120_000 }, () => {
  let h: EsmHarness;
  before(async () => {
    h = await startEsmStack();
  });
  after(() => h?.stop());

  /** A queue with a 1 s visibility timeout, the bodies sent before the mapping exists (so the first receive takes them all), and the mapping. */
  async function mapped(name: string, bodies: unknown[], mapping: object = { FunctionResponseTypes: ['ReportBatchItemFailures'] }) {
    const queue = await createQueue(h.sqs, name, { VisibilityTimeout: '1' });
    const ids = await sendBodies(h.sqs, queue.url, bodies);
    const { UUID } = await h.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, ScalingConfig: { MaximumConcurrency: 2 }, ...mapping }));
    return { queue, ids, uuid: UUID! };
  }

  it('a thrown error returns the whole batch, not deleted; after the visibility timeout every message comes back and is processed once more', async () => {
    const { queue, ids, uuid } = await mapped('esm-throw', [{ n: 0 }, { n: 1, throw: true, until: 2 }, { n: 2 }, { n: 3 }]);
    await waitFor('every message deleted', () => new Set(h.log.deleted(uuid)).size === ids.length);
    const [first] = h.log.settled(uuid);
    assert.equal(first!.outcome, 'failure');
    assert.match(first!.reason!, /^function error \(Unhandled\)$/);
    assert.deepEqual(first!.deleted, [], 'nothing of a failed batch is deleted');
    assert.deepEqual([...first!.returned!].sort(), [...ids].sort(), 'the whole batch goes back');
    for (const id of ids) {
      assert.deepEqual(h.log.history(id), [
        { count: 1, outcome: 'failure', deleted: false },
        { count: 2, outcome: 'success', deleted: true },
      ]);
    }
    assert.equal(await depth(h.sqs, queue.url), 0);
  });

  it('a partial batch response deletes the successful records at once, never processed twice; the failed ones come back alone', async () => {
    const bodies = Array.from({ length: 8 }, (_, n) => ({ n, ...(n % 3 === 1 && { fail: true, until: 3 }) }));
    const { queue, ids, uuid } = await mapped('esm-partial', bodies);
    await waitFor('every message deleted', () => new Set(h.log.deleted(uuid)).size === ids.length);
    const failing = ids.filter((_, n) => n % 3 === 1);
    const first = h.log.settled(uuid)[0]!;
    assert.equal(first.outcome, 'partial');
    assert.deepEqual([...first.returned!].sort(), [...failing].sort());
    assert.deepEqual([...first.deleted!].sort(), ids.filter((id) => !failing.includes(id)).sort());
    for (const [n, id] of ids.entries()) {
      const expected = failing.includes(id)
        ? [
            { count: 1, deleted: false },
            { count: 2, deleted: false },
            { count: 3, deleted: true },
          ]
        : [{ count: 1, deleted: true }];
      assert.deepEqual(h.log.history(id).map(({ count, deleted }) => ({ count, deleted })), expected, `message ${n}`);
    }
    assert.equal(h.log.deleted(uuid).length, ids.length, 'each message deleted exactly once');
    assert.equal(await depth(h.sqs, queue.url), 0);
  });

  it('malformed responses fail the whole batch; empty ones succeed; without ReportBatchItemFailures item failures are ignored', async () => {
    const kinds = ['empty-id', 'null-id', 'bad-key', 'unknown-id', 'string'];
    const successes = ['null', 'no-list', 'null-list', 'empty-list'];
    const cases = await Promise.all([
      ...[...kinds, ...successes].map((report) => mapped(`esm-report-${report}`, [{ n: 0 }, { n: 1, report, until: 2 }, { n: 2 }])),
      mapped('esm-report-off', [{ n: 0, fail: true }, { n: 1 }], { FunctionResponseTypes: [] }),
    ]);
    await Promise.all(cases.map(({ ids, uuid }) => waitFor(`${uuid} done`, () => new Set(h.log.deleted(uuid)).size === ids.length)));
    for (const [index, { ids, uuid }] of cases.entries()) {
      const name = [...kinds, ...successes, 'reporting off'][index];
      const first = h.log.settled(uuid)[0]!;
      if (index < kinds.length) {
        assert.equal(first.outcome, 'failure', name);
        assert.deepEqual(first.deleted, [], name);
        assert.equal(first.returned!.length, ids.length, name);
        assert.equal(h.log.settled(uuid).length, 2, `${name}: processed again after the visibility timeout, then done`);
      } else {
        assert.equal(first.outcome, 'success', name);
        assert.deepEqual([...first.deleted!].sort(), [...ids].sort(), name);
        assert.equal(h.log.settled(uuid).length, 1, name);
      }
    }
    assert.match(h.log.settled(cases[3]!.uuid)[0]!.reason!, /'not-a-message-of-this-batch' is not a message of this batch/);
  });

  it('a disabled mapping leaves messages in the queue; enabled again, it processes them', async () => {
    const queue = await createQueue(h.sqs, 'esm-disabled', { VisibilityTimeout: '5' });
    const { UUID: uuid } = await h.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, Enabled: false }));
    await waitForState(h.lambda, uuid!, 'Disabled');
    const ids = await sendBodies(h.sqs, queue.url, [{ n: 0 }, { n: 1 }, { n: 2 }]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(h.log.invoked(uuid).length, 0);
    assert.equal(await depth(h.sqs, queue.url), 3);
    await h.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await waitFor('the messages processed', () => new Set(h.log.deleted(uuid)).size === ids.length);
    assert.equal(await depth(h.sqs, queue.url), 0);
  });

  it("a function's reserved concurrency below MaximumConcurrency: throttled batches wait their turn, none lost, never more at once than reserved", async () => {
    const s = await startEsmStack({ functionConfig: { batchProbe: { reservedConcurrency: 1 } } });
    try {
      const probe = ((globalThis as { batchProbe?: { running: number; most: number } }).batchProbe ??= { running: 0, most: 0 });
      probe.most = probe.running;
      const queue = await createQueue(s.sqs, 'esm-throttled', { VisibilityTimeout: '60' });
      const ids = await sendBodies(s.sqs, queue.url, Array.from({ length: 40 }, (_, n) => ({ n, sleepMs: 20 })));
      const { UUID: uuid } = await s.lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, BatchSize: 2, ScalingConfig: { MaximumConcurrency: 4 } }),
      );
      await waitFor('all 40 deleted', () => s.log.deleted(uuid).length >= ids.length, 60_000);
      assert.equal(probe.most, 1, 'one invocation at a time, as reserved');
      assert.ok(s.log.invoked(uuid).some((batch) => batch.inFlight > 1), 'several batches were waiting at once');
      assert.ok(s.log.settled(uuid).every((batch) => batch.outcome === 'success'));
      assert.deepEqual([...s.log.deleted(uuid)].sort(), [...ids].sort());
    } finally {
      await s.stop();
    }
  });
});
