/**
 * Others' records read from a destination queue are kept until an invocation might claim them
 * (one whose record was read before its 202 came back): kept small (no payloads) and only for the
 * hold of the read that brought them, so a backlog of large foreign records does not stay in
 * memory for the whole run; the records of ours read early are still claimed and reconcile.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryTracker } from '../../../src/delivery/deliveryTracker.js';
import { MAX_UNCLAIMED, UNCLAIMED_MS, UnclaimedRecords } from '../../../src/delivery/unclaimedRecords.js';
import { useTestStack } from '../../support/helpers.js';
import { destinationRecord, messagesIn, queueWith } from '../../support/queues.js';

const FOREIGN = 1500;
const OURS = 20;
const PAYLOAD_CHARS = 20_000;

const record = (requestId: string, payload = '') => destinationRecord(requestId, { requestPayload: {}, responsePayload: { text: payload } });

/** Characters and values reachable from `root` (strings by length, other values 8 each): what a structure keeps alive. */
function retainedSize(root: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let size = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') size += value.length;
    else if (value === null || typeof value !== 'object') size += 8;
    else if (!seen.has(value)) {
      seen.add(value);
      if (value instanceof Map) for (const [key, entry] of value) stack.push(key, entry);
      else if (value instanceof Set) for (const entry of value) stack.push(entry);
      else for (const [key, entry] of Object.entries(value)) stack.push(key, entry);
    }
  }
  return size;
}

describe('records of others, kept while an invocation might claim them', () => {
  const local = useTestStack();

  it(`${FOREIGN} foreign records of ${PAYLOAD_CHARS / 1000} KB: the tracker keeps under 1 MB of them, and ${OURS} records of ours read before their invocations are expected still reconcile`, async () => {
    const big = 'x'.repeat(PAYLOAD_CHARS);
    const bodies = [...Array.from({ length: FOREIGN }, (_, i) => record(`foreign-${i}`, big)), ...Array.from({ length: OURS }, (_, i) => record(`ours-${i}`))];
    const queueUrl = await queueWith(local.sqs, 'unclaimed-backlog', bodies);
    const tracker = new DeliveryTracker({ sqs: local.sqs, queueUrls: [queueUrl], pollersPerQueue: 4 });
    tracker.start();
    try {
      // Everything read once (each read hides a message for the hold), before any invocation is expected.
      await tracker.drained(1500);
      const unclaimed = (tracker as unknown as { unclaimed: unknown }).unclaimed;
      const kept = retainedSize(unclaimed);
      assert.ok(kept < 1_000_000, `the records not claimed keep ${(kept / 1e6).toFixed(1)} MB (${FOREIGN} × ${PAYLOAD_CHARS / 1000} KB read)`);

      // The 202s come back after their records were read: each is claimed at once.
      for (let i = 0; i < OURS; i += 1) tracker.expect({ requestId: `ours-${i}`, sentAt: Date.now() - 1000 });
      assert.equal(tracker.pending, 0, 'every one claimed from what was read');
      const report = tracker.report();
      assert.equal(report.accepted, OURS);
      assert.equal(report.succeeded, OURS);
      assert.equal(report.missing, 0);
      assert.deepEqual(report.attempts, { '1': OURS });
      assert.equal(report.foreignMessages, FOREIGN);
    } finally {
      await tracker.stop();
    }
    assert.equal(await messagesIn(local.sqs, queueUrl), FOREIGN, 'ours deleted, every foreign one still there');
  });

  it(`an entry ages out after the hold (${UNCLAIMED_MS / 1000} s) and the oldest go beyond ${MAX_UNCLAIMED}; a record received again replaces its receipt handle`, () => {
    const unclaimed = new UnclaimedRecords();
    const entry = (messageId: string, requestId: string, receiptHandle = `rh-${messageId}`) => ({
      record: { kind: 'destination' as const, queueUrl: 'q', requestId, clientRequestId: `c-${requestId}`, condition: 'Success' as const, requestPayload: { big: 'x'.repeat(1000) } },
      messageId,
      queueUrl: 'q',
      receiptHandle,
    });
    unclaimed.add(entry('m1', 'r1'), 0);
    unclaimed.add(entry('m1', 'r1', 'rh-newer'), 10);
    assert.equal(unclaimed.size, 1);
    const [taken] = unclaimed.take('c-r1', 20);
    assert.equal(taken!.receiptHandle, 'rh-newer');
    assert.equal('requestPayload' in taken!.record, false, 'the payload is not kept');
    assert.deepEqual(unclaimed.take('r1', 20), [], 'taken by one key: gone under the other too');

    unclaimed.add(entry('m2', 'r2'), 1000);
    assert.deepEqual(unclaimed.take('r2', 1000 + UNCLAIMED_MS), [], 'aged out');
    assert.equal(unclaimed.size, 0);

    for (let i = 0; i <= MAX_UNCLAIMED; i += 1) unclaimed.add(entry(`n${i}`, `q${i}`), 5000);
    assert.equal(unclaimed.size, MAX_UNCLAIMED);
    assert.deepEqual(unclaimed.take('q0', 5000), [], 'the oldest went');
    assert.equal(unclaimed.take(`q${MAX_UNCLAIMED}`, 5000).length, 1);
  });
});
