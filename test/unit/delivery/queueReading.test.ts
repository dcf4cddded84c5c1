/**
 * When a queue counts as read through (pending events may be called missing) and when not (they
 * are unverified, with the reason): the rules of QueueReading, without a clock to wait on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueueReading } from '../../../src/delivery/queueReading.js';
import { describeSqsFailure } from '../../../src/delivery/sqsFailure.js';

describe('QueueReading: read through, or why not', () => {
  it('a backlog still handing over others messages is not read through; a read with nothing new after it is', () => {
    const reading = new QueueReading('q', 1);
    assert.equal(reading.unverifiedReason(), 'no read of the queue completed');
    assert.equal(reading.answeredOnce(), false, 'settle() waits for this before its verdict');
    reading.began(0);
    assert.equal(reading.answeredOnce(), false, 'a read under way is no answer yet');
    reading.succeeded(0, 10);
    assert.equal(reading.answeredOnce(), true);
    assert.equal(reading.unverifiedReason(), "the queue's backlog was not read through in --settle");
    reading.began(0);
    reading.succeeded(0, 0);
    assert.equal(reading.unverifiedReason(), undefined);
  });

  it('a failing read makes the queue unreadable from when that read began, until a read succeeds', () => {
    const reading = new QueueReading('q', 1);
    reading.began(0);
    reading.succeeded(0, 0);
    const startedAt = reading.began(1);
    reading.failed(1, startedAt, describeSqsFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    const at = new Date(startedAt).toISOString().slice(11, 23);
    assert.equal(reading.unverifiedReason(), `SQS unreachable from ${at} UTC (ECONNREFUSED)`);
    assert.equal(reading.failureReason(), `SQS unreachable from ${at} UTC (ECONNREFUSED)`);
    reading.began(1);
    reading.succeeded(1, 0);
    assert.equal(reading.unverifiedReason(), undefined);
  });

  it('a read out far longer than its long-poll wait is an SQS that stopped answering', () => {
    const reading = new QueueReading('q', 1);
    reading.began(0);
    reading.succeeded(0, 0);
    const startedAt = reading.began(0);
    assert.equal(reading.failureReason(startedAt + 2_500), undefined, 'within its wait + 2 s');
    assert.match(reading.failureReason(startedAt + 3_500)!, /^SQS stopped answering from \d\d:\d\d:\d\d\.\d{3} UTC/);
  });

  it('an SQS answer that refuses, a queue gone, and a reset socket are told apart', () => {
    assert.equal(describeSqsFailure(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).kind, 'refused');
    assert.equal(describeSqsFailure(Object.assign(new Error('gone'), { name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } })).kind, 'missingQueue');
    assert.deepEqual(describeSqsFailure(Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' })).kind, 'unreachable', 'the SDK names a reset socket TimeoutError');
    assert.equal(describeSqsFailure(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind, 'noAnswer');
  });
});
