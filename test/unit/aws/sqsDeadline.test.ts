/**
 * Every SQS call lambench makes has its own deadline, and a long-lived stop signal (a run's, or a
 * `poll --follow`'s) must not collect something per call: on Node 20, `AbortSignal.any([stop, …])`
 * ties each call's signal to `stop` for as long as `stop` lives. Counted exactly, not by heap size:
 * the abort listeners on the stop signal and the signals depending on it.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { DeliveryTracker } from '../../../src/delivery/deliveryTracker.js';
import { withSqsDeadline } from '../../../src/aws/sqsClient.js';
import { sqsClient, useTestStack } from '../../support/helpers.js';
import { queueWith } from '../../support/queues.js';

/** Signals made from `signal` by AbortSignal.any and still tracked by it (Node's own bookkeeping; 0 where Node has none). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === 'kDependantSignals');
  return key ? ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[key]?.size ?? 0) : 0;
}

describe('SQS call deadlines leave nothing behind on a long-lived stop signal', () => {
  const local = useTestStack();

  it('a tracker that made 200 reads: its stop signal holds only the reads under way (at most one per poller)', async () => {
    const queueUrl = await queueWith(local.sqs, 'deadline-empty');
    const counted = sqsClient(local.stack);
    let calls = 0;
    counted.middlewareStack.add(
      (next) => async (args) => {
        calls += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    // Wait 0: an empty queue answers at once, so the two pollers make reads as fast as they can.
    const tracker = new DeliveryTracker({ sqs: counted, queueUrls: [queueUrl], pollersPerQueue: 2, waitTimeSeconds: 0 });
    tracker.start();
    try {
      for (let round = 0; round < 1000 && calls < 200; round += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(calls >= 200, `${calls} reads`);
      const stop = (tracker as unknown as { hardStop: AbortController }).hardStop.signal;
      assert.ok(getEventListeners(stop, 'abort').length <= 2, `${getEventListeners(stop, 'abort').length} listeners after ${calls} reads`);
      assert.ok(dependants(stop) <= 2, `${dependants(stop)} signals tied to the tracker's stop signal after ${calls} reads`);
    } finally {
      await tracker.stop();
      counted.destroy();
    }
  });

  it('withSqsDeadline: 1000 calls leave no listener; stop ends a call under way', async () => {
    const stop = new AbortController();
    for (let i = 0; i < 1000; i += 1) await withSqsDeadline(async (options) => options.requestTimeout, stop.signal);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
    assert.equal(dependants(stop.signal), 0);

    const ended = withSqsDeadline((options) => new Promise((_resolve, reject) => options.abortSignal.addEventListener('abort', () => reject(options.abortSignal.reason))), stop.signal);
    stop.abort(new Error('stopped'));
    await assert.rejects(ended, /stopped/);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);

    // A receive waiting 0 s has an attempt timeout of 4 s and a deadline of twice that.
    assert.equal(await withSqsDeadline(async (options) => options.requestTimeout, undefined, 0), 4000);
  });
});
