/**
 * The event source mapping's rules as pure functions: Lambda's reading of a batch response
 * (partial batch responses and every case AWS documents as complete success or complete failure),
 * the SQS event record built from a received message, the 6 MB cut, and the checks on Create and
 * Update requests (types, ranges, parameters SQS mappings do not take, SQS's batch rules).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsServiceError } from '../../../src/local/awsErrors.js';
import { batchRuleProblem, DEFAULT_SETTINGS, mergeSettings, readMappingRequest } from '../../../src/local/eventSourceMappingRules.js';
import { batchVerdict, eventBytes, sized, splitBySize, sqsEventRecord } from '../../../src/local/sqsBatch.js';

const IDS = ['m-1', 'm-2', 'm-3'];
const answer = (payload: unknown) => ({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

describe('batch responses (ReportBatchItemFailures)', () => {
  it('returns only the reported items', () => {
    assert.deepEqual(batchVerdict(answer({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }), IDS, true), { kind: 'partial', failed: ['m-2'] });
    assert.deepEqual(batchVerdict(answer({ batchItemFailures: [{ itemIdentifier: 'm-3' }, { itemIdentifier: 'm-1' }, { itemIdentifier: 'm-3' }] }), IDS, true), { kind: 'partial', failed: ['m-3', 'm-1'] });
  });

  it('complete success: null, an empty object, an object without the list, a null or empty list', () => {
    for (const payload of ['null', {}, { ok: true }, { batchItemFailures: null }, { batchItemFailures: [] }]) {
      assert.deepEqual(batchVerdict(answer(payload), IDS, true), { kind: 'success' }, JSON.stringify(payload));
    }
  });

  it('complete failure: invalid JSON, an empty, null, missing or unknown itemIdentifier, a list that is not one, a non-object answer', () => {
    const cases: [string | object, RegExp][] = [
      ['{"batchItemFailures": [', /not valid JSON/],
      [{ batchItemFailures: [{ itemIdentifier: '' }] }, /without an itemIdentifier/],
      [{ batchItemFailures: [{ itemIdentifier: null }] }, /without an itemIdentifier/],
      [{ batchItemFailures: [{ messageId: 'm-1' }] }, /without an itemIdentifier/],
      [{ batchItemFailures: [{ itemIdentifier: 'm-9' }] }, /'m-9' is not a message of this batch/],
      [{ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-9' }] }, /'m-9'/],
      [{ batchItemFailures: 'm-1' }, /not a list/],
      ['"done"', /not a JSON object/],
      ['[{"itemIdentifier":"m-1"}]', /not a JSON object/],
    ];
    for (const [payload, reason] of cases) {
      const verdict = batchVerdict(answer(payload), IDS, true);
      assert.equal(verdict.kind, 'failure', JSON.stringify(payload));
      assert.match((verdict as { reason: string }).reason, reason);
    }
  });

  it('a function error fails the whole batch, whatever the payload; without ReportBatchItemFailures the payload is not read', () => {
    assert.deepEqual(batchVerdict({ payload: '{"batchItemFailures":[]}', functionError: 'Unhandled' }, IDS, true), { kind: 'failure', reason: 'function error (Unhandled)' });
    assert.deepEqual(batchVerdict({ payload: '{"errorType":"Error"}', functionError: 'Handled' }, IDS, false), { kind: 'failure', reason: 'function error (Handled)' });
    assert.deepEqual(batchVerdict(answer({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }), IDS, false), { kind: 'success' });
    assert.deepEqual(batchVerdict(answer('not json at all'), IDS, false), { kind: 'success' });
  });
});

describe('the SQS event record', () => {
  it('has the shape Lambda sends: attributes as strings, message attributes in lower camel case, binary as base64', () => {
    const record = sqsEventRecord(
      {
        MessageId: 'id-1',
        ReceiptHandle: 'rh-1',
        Body: '{"n":1}',
        MD5OfBody: 'abc',
        Attributes: { SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '1700000000100', ApproximateReceiveCount: '2', SentTimestamp: '1700000000000' },
        MessageAttributes: {
          clientRequestId: { DataType: 'String', StringValue: 'c-1' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      },
      'arn:aws:sqs:us-east-1:000000000000:q',
      'us-east-1',
    );
    assert.deepEqual(record, {
      messageId: 'id-1',
      receiptHandle: 'rh-1',
      body: '{"n":1}',
      attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1700000000000', SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '1700000000100' },
      messageAttributes: {
        clientRequestId: { stringValue: 'c-1', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: 'aGk=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: 'abc',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
    });
    assert.deepEqual(Object.keys(record.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp'], "in the order Lambda's events list them");
  });

  it('a FIFO message carries SequenceNumber, MessageGroupId and MessageDeduplicationId', () => {
    const attributes = { ApproximateReceiveCount: '1', SentTimestamp: '1', SenderId: 's', ApproximateFirstReceiveTimestamp: '2', SequenceNumber: '0001', MessageGroupId: 'g', MessageDeduplicationId: 'd' };
    const record = sqsEventRecord({ MessageId: 'x', ReceiptHandle: 'y', Body: 'b', MD5OfBody: 'm', Attributes: attributes }, 'arn:aws:sqs:us-east-1:000000000000:q.fifo', 'us-east-1');
    assert.deepEqual(Object.keys(record.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp']);
    assert.deepEqual(record.messageAttributes, {});
  });

  it('batches are cut, in order, so that no event is over 6 MB, and sizes are the serialized event exactly', () => {
    const records = Array.from({ length: 40 }, (_, index) =>
      sized(sqsEventRecord({ MessageId: `m-${index}`, ReceiptHandle: 'r', Body: 'x'.repeat(200 * 1024), MD5OfBody: 'm', Attributes: {} }, 'arn:aws:sqs:us-east-1:000000000000:q', 'us-east-1')),
    );
    const chunks = splitBySize(records);
    assert.deepEqual(chunks.map((chunk) => chunk.length), [30, 10]);
    assert.deepEqual(chunks.flat().map((item) => item.record.messageId), records.map((item) => item.record.messageId));
    for (const chunk of chunks) {
      const event = JSON.stringify({ Records: chunk.map((item) => item.record) });
      assert.equal(eventBytes(chunk), Buffer.byteLength(event));
      assert.ok(Buffer.byteLength(event) <= 6 * 1024 * 1024);
    }
  });
});

describe('CreateEventSourceMapping / UpdateEventSourceMapping checks', () => {
  const error = (value: unknown) => {
    assert.ok(value instanceof AwsServiceError, `expected an error, got ${JSON.stringify(value)}`);
    return { status: value.statusCode, type: value.errorType, message: value.message };
  };
  const arn = 'arn:aws:sqs:us-east-1:000000000000:q';

  it('values out of range are one ValidationException listing each, in AWS words', () => {
    assert.deepEqual(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, BatchSize: 0, MaximumBatchingWindowInSeconds: 301 }, 'create')), {
      status: 400,
      type: 'ValidationException',
      message:
        "2 validation errors detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300",
    });
    assert.match(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, ScalingConfig: { MaximumConcurrency: 1 } }, 'create')).message, /at 'scalingConfig\.maximumConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 2$/);
    assert.match(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, BatchSize: 10_001 }, 'create')).message, /less than or equal to 10000$/);
    assert.match(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, FunctionResponseTypes: ['Nope'] }, 'create')).message, /enum value set: \[ReportBatchItemFailures\]/);
    assert.match(error(readMappingRequest({ EventSourceArn: arn }, 'create')).message, /^1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null$/);
  });

  it('wrong JSON types are InvalidRequestContentException; other sources\' parameters and unemulated ones are refused', () => {
    assert.equal(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, BatchSize: '10' }, 'create')).type, 'InvalidRequestContentException');
    assert.equal(error(readMappingRequest([], 'create')).type, 'InvalidRequestContentException');
    assert.deepEqual(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, StartingPosition: 'LATEST' }, 'create')), {
      status: 400,
      type: 'InvalidParameterValueException',
      message: 'Unsupported StartingPosition parameter for given event source mapping type.',
    });
    assert.match(error(readMappingRequest({ FunctionName: 'f', EventSourceArn: arn, FilterCriteria: { Filters: [] } }, 'create')).message, /FilterCriteria is not emulated/);
    assert.deepEqual(error(readMappingRequest({ FunctionName: 'f' }, 'create')), { status: 400, type: 'InvalidParameterValueException', message: 'Unrecognized event source.' });
  });

  it("SQS's batch rules: over 10 needs a window; FIFO takes at most 10 and no window", () => {
    const settings = (request: object, current = DEFAULT_SETTINGS) => mergeSettings(current, request);
    assert.equal(batchRuleProblem(settings({ BatchSize: 10 }), false), undefined);
    assert.equal(batchRuleProblem(settings({ BatchSize: 10_000, MaximumBatchingWindowInSeconds: 1 }), false), undefined);
    assert.equal(batchRuleProblem(settings({ BatchSize: 11 }), false)?.message, 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    assert.match(batchRuleProblem(settings({ BatchSize: 11, MaximumBatchingWindowInSeconds: 1 }), true)!.message, /less than or equal to 10 for FIFO queues/);
    assert.equal(batchRuleProblem(settings({ MaximumBatchingWindowInSeconds: 1 }), true)?.message, 'Batching window is not supported for FIFO queues');
    // An update is checked on the settings it would leave: a window of 0 under a batch of 100 is refused.
    const big = settings({ BatchSize: 100, MaximumBatchingWindowInSeconds: 5 });
    assert.equal(batchRuleProblem(settings({ MaximumBatchingWindowInSeconds: 0 }, big), false)?.errorType, 'InvalidParameterValueException');
  });

  it('an update merges: ScalingConfig {} removes MaximumConcurrency, FunctionResponseTypes [] turns reporting off, EventSourceArn is not a member', () => {
    const current = mergeSettings(DEFAULT_SETTINGS, { FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 7 } });
    assert.deepEqual(current, { batchSize: 10, maximumBatchingWindowInSeconds: 0, reportBatchItemFailures: true, maximumConcurrency: 7 });
    const request = readMappingRequest({ ScalingConfig: {}, FunctionResponseTypes: [], EventSourceArn: 'ignored' }, 'update');
    assert.ok(!(request instanceof AwsServiceError));
    assert.deepEqual(request, { FunctionResponseTypes: [], ScalingConfig: {} });
    assert.deepEqual(mergeSettings(current, request), { batchSize: 10, maximumBatchingWindowInSeconds: 0, reportBatchItemFailures: false });
  });
});
