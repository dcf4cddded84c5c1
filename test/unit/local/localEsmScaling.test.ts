/**
 * The mapping's limits, instrumented through the stack's batch hook: batches never above BatchSize
 * (and filled beyond 10 over several receives within the batching window), never more in flight
 * than MaximumConcurrency, events never over 6 MB; without MaximumConcurrency a mapping starts at
 * 5 concurrent batches, scales up with the backlog no faster than Lambda's 300 a minute
 * (time-compressed by the stack's timeScale), and back down to 5 when the queue is empty.
 */
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createQueue, depth, sendBodies, startEsmStack, waitFor, type EsmHarness } from '../../support/esm.js';

const SIX_MB = 6 * 1024 * 1024;

describe('SQS event source mapping limits and scaling', { timeout: 180_000 }, () => {
  let h: EsmHarness;
  before(async () => {
    h = await startEsmStack();
  });
  after(() => h?.stop());

  it('BatchSize 25 with a 1 s window: batches of up to 25 (over 10 from several receives), at most MaximumConcurrency 3 in flight, each message once', async () => {
    const queue = await createQueue(h.sqs, 'esm-limits', { VisibilityTimeout: '60' });
    const ids = await sendBodies(h.sqs, queue.url, Array.from({ length: 300 }, (_, n) => ({ n, sleepMs: 20 })));
    const { UUID: uuid } = await h.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, BatchSize: 25, MaximumBatchingWindowInSeconds: 1, ScalingConfig: { MaximumConcurrency: 3 } }),
    );
    await waitFor('all 300 deleted', () => h.log.deleted(uuid).length >= ids.length, 60_000);
    const invoked = h.log.invoked(uuid);
    assert.ok(invoked.every((batch) => batch.records.length >= 1 && batch.records.length <= 25), `sizes: ${invoked.map((batch) => batch.records.length)}`);
    assert.ok(invoked.some((batch) => batch.records.length > 10), 'a backlog fills batches beyond one receive');
    assert.ok(invoked.every((batch) => batch.inFlight <= 3 && batch.concurrency <= 3), `in flight: ${invoked.map((batch) => batch.inFlight)}`);
    assert.deepEqual([...h.log.deleted(uuid)].sort(), [...ids].sort(), 'each message deleted exactly once');
    assert.equal(await depth(h.sqs, queue.url), 0);
  });

  it('an event is never over 6 MB: batches of 200 KB messages stop collecting at 6 MB (40 messages) and are invoked as 30 + 10', async () => {
    const queue = await createQueue(h.sqs, 'esm-six-mb', { VisibilityTimeout: '60' });
    const ids: string[] = [];
    // Two pollers share 80 messages, 10 a receive: each batch reaches 6 MB at its 40th message.
    for (let n = 0; n < 80; n += 1) {
      const { MessageId } = await h.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ n, pad: 'x'.repeat(200 * 1024) }) }));
      ids.push(MessageId!);
    }
    const { UUID: uuid } = await h.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, BatchSize: 100, MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 2 } }),
    );
    await waitFor('all 80 deleted', () => h.log.deleted(uuid).length >= ids.length, 60_000);
    const invoked = h.log.invoked(uuid);
    assert.ok(invoked.every((batch) => batch.bytes <= SIX_MB), `bytes: ${invoked.map((batch) => batch.bytes)}`);
    assert.deepEqual(invoked.map((batch) => batch.records.length).sort(), [10, 10, 30, 30], 'two batches of 40, each cut into events of 30 and 10');
    for (const batch of invoked.filter((item) => item.records.length === 30)) assert.ok(batch.bytes > SIX_MB - 250 * 1024, `packed up to the limit: ${batch.bytes}`);
    assert.deepEqual([...h.log.deleted(uuid)].sort(), [...ids].sort());
  });

  it('without MaximumConcurrency: 5 to start, more with a backlog at no more than 300 a (scaled) minute, back to 5 when idle', async () => {
    // A stack of its own, time-compressed less than the tests' 0.001, so that the growth rate is measurable: 300 a minute is 0.5 a ms here.
    const timeScale = 0.01;
    const s = await startEsmStack({ timeScale });
    try {
      const queue = await createQueue(s.sqs, 'esm-scaling', { VisibilityTimeout: '60' });
      const ids = await sendBodies(s.sqs, queue.url, Array.from({ length: 600 }, (_, n) => ({ n, sleepMs: 100 })));
      const createdAt = Date.now();
      const { UUID: uuid } = await s.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn }));
      await waitFor('all 600 deleted', () => s.log.deleted(uuid).length >= ids.length, 90_000);
      const invoked = s.log.invoked(uuid);
      assert.equal(invoked[0]!.concurrency, 5, 'a mapping starts with 5 concurrent batches');
      const peak = Math.max(...invoked.map((batch) => batch.concurrency));
      assert.ok(peak > 5, `it scaled up with 600 messages waiting (peak ${peak})`);
      assert.ok(peak <= 60, `never more batches than the queue held (600 ÷ 10), peak ${peak}`);
      // 300 a minute, a minute being 60 s × timeScale: a bound a slow machine can only stay further under.
      const perMs = 300 / (60_000 * timeScale);
      const step = Math.round(perMs * Math.max(10, 1000 * timeScale));
      let seen = 0;
      for (const batch of invoked) {
        assert.ok(batch.concurrency <= 5 + step + perMs * (batch.at - createdAt), `concurrency ${batch.concurrency} after ${batch.at - createdAt} ms is within 300 a scaled minute`);
        seen = Math.max(seen, batch.concurrency);
        assert.ok(batch.inFlight <= seen, `in flight ${batch.inFlight} never above the concurrency reached (${seen})`);
      }
      assert.deepEqual([...s.log.deleted(uuid)].sort(), [...ids].sort());

      // Idle long polls retire pollers one by one; a message sent then is taken by a mapping back at 5.
      const back = await waitFor(
        'the mapping to scale back to 5',
        async () => {
          const before = s.log.invoked(uuid).length;
          await sendBodies(s.sqs, queue.url, [{ probe: true }]);
          const batch = await waitFor('the probe', () => s.log.invoked(uuid)[before], 10_000);
          return batch.concurrency === 5 ? batch : undefined;
        },
        30_000,
      );
      assert.equal(back.inFlight, 1);
    } finally {
      await s.stop();
    }
  });
});
