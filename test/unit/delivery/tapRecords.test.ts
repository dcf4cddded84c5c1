/**
 * One destination record however it arrives: an SNS envelope (a destination's record, a DLQ's
 * event with RequestID / ErrorCode / ErrorMessage as the envelope's attributes), a raw SNS
 * delivery, an EventBridge event's detail (source `lambda` or `aws.lambda`), an S3 object.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeS3Object, decodeTapMessage } from '../../../src/delivery/tapRecords.js';

const record = (condition = 'Success') =>
  JSON.stringify({ version: '1.0', timestamp: '2026-12-02T13:05:00.000Z', requestContext: { requestId: 'req-1', condition, approximateInvokeCount: condition === 'Success' ? 1 : 3 }, requestPayload: { meta: { clientRequestId: 'c-1' } } });
const envelope = (message: string, attributes?: Record<string, { Type: string; Value: string }>) =>
  JSON.stringify({ Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: message, Timestamp: '2026-12-02T13:05:01.000Z', ...(attributes && { MessageAttributes: attributes }) });

describe('tapRecords: unwrapping what a tap receives', () => {
  it('an SNS envelope holding a destination record', () => {
    const decoded = decodeTapMessage({ MessageId: 'q-1', Body: envelope(record('RetriesExhausted')) }, 'tap-url', 'sns', 'sns:topic');
    assert.equal(decoded?.kind, 'destination');
    assert.equal(decoded?.requestId, 'req-1');
    assert.equal(decoded?.clientRequestId, 'c-1');
    assert.equal(decoded?.condition, 'RetriesExhausted');
    assert.equal(decoded?.attempts, 3);
    assert.equal(decoded?.seenIn, 'sns:topic');
    assert.equal(decoded?.completedAt, Date.parse('2026-12-02T13:05:00.000Z'));
  });

  it("an SNS DLQ's envelope: the event as Message, its RequestID, ErrorCode and ErrorMessage as attributes, timed by the envelope", () => {
    const attributes = { RequestID: { Type: 'String', Value: 'req-2' }, ErrorCode: { Type: 'Number', Value: '200' }, ErrorMessage: { Type: 'String', Value: 'boom' } };
    const decoded = decodeTapMessage({ MessageId: 'q-2', Body: envelope('{"n":4}', attributes) }, 'tap-url', 'sns', 'sns:dlq');
    assert.equal(decoded?.kind, 'deadLetter');
    assert.equal(decoded?.requestId, 'req-2');
    assert.equal(decoded?.errorMessage, 'boom');
    assert.deepEqual(decoded?.requestPayload, { n: 4 });
    assert.equal(decoded?.completedAt, Date.parse('2026-12-02T13:05:01.000Z'));
  });

  it('a raw SNS delivery: the record is the body, a DLQ\'s attributes are the message\'s own', () => {
    assert.equal(decodeTapMessage({ Body: record() }, 'tap-url', 'sns', 'sns:topic')?.requestId, 'req-1');
    const dlq = decodeTapMessage({ Body: '{"n":1}', MessageAttributes: { RequestID: { DataType: 'String', StringValue: 'req-3' } } }, 'tap-url', 'sns', 'sns:dlq');
    assert.deepEqual([dlq?.kind, dlq?.requestId], ['deadLetter', 'req-3']);
  });

  it("an EventBridge event: the record is its detail, from source lambda or aws.lambda; other events are not records", () => {
    for (const source of ['lambda', 'aws.lambda']) {
      const event = JSON.stringify({ version: '0', id: 'e', 'detail-type': 'Lambda Function Invocation Result - Failure', source, detail: JSON.parse(record('RetriesExhausted')) });
      const decoded = decodeTapMessage({ Body: event }, 'tap-url', 'events', 'events:bus');
      assert.deepEqual([decoded?.requestId, decoded?.condition, decoded?.seenIn], ['req-1', 'RetriesExhausted', 'events:bus'], source);
    }
    const other = JSON.stringify({ 'detail-type': 'Order Placed', source: 'shop', detail: JSON.parse(record()) });
    assert.equal(decodeTapMessage({ Body: other }, 'tap-url', 'events', 'events:bus'), undefined);
  });

  it('an S3 object: the record, named by its key', () => {
    const decoded = decodeS3Object(record('RetriesExhausted'), 's3://b/aws/lambda/async/f/2026/12/02/x', 's3:b');
    assert.deepEqual([decoded?.requestId, decoded?.kind, decoded?.messageId, decoded?.seenIn], ['req-1', 'destination', 's3://b/aws/lambda/async/f/2026/12/02/x', 's3:b']);
    assert.equal(decodeS3Object('not json', 'k', 's3:b'), undefined);
  });
});
