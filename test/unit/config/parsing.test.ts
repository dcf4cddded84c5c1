/** The pure pieces: what the user typed, what Lambda logs, what lands in a queue. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../../src/duration.js';
import { decodeCompletionMessage, valueAt } from '../../../src/delivery/completionRecord.js';
import { UsageError } from '../../../src/errors.js';
import { isLoopbackHost, regionFromArn } from '../../../src/aws/awsConfig.js';
import { parseInvocationType } from '../../../src/config/invocationType.js';
import { parseReportLine } from '../../../src/aws/lambdaLog.js';
import { checkPayloadSize, encodeClientContext, encodeJsonPayload, formatBytes } from '../../../src/targets/request/payload.js';
import { createBodyBuilder } from '../../../src/targets/request/requestBody.js';
import { parseTargetSpec } from '../../../src/targets/targetSpec.js';

describe('parseReportLine', () => {
  it('reads every figure of a cold start, SnapStart included', () => {
    const log =
      'START RequestId: abc Version: $LATEST\nEND RequestId: abc\n' +
      'REPORT RequestId: abc\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 512 MB\tMax Memory Used: 81 MB\tInit Duration: 220.07 ms\tRestore Duration: 310.50 ms\tBilled Restore Duration: 311 ms\t\n';
    assert.deepEqual(parseReportLine(log), {
      requestId: 'abc',
      durationMs: 102.25,
      billedDurationMs: 103,
      memorySizeMb: 512,
      maxMemoryUsedMb: 81,
      initDurationMs: 220.07,
      restoreDurationMs: 310.5,
      billedRestoreDurationMs: 311,
    });
  });

  it('takes the last REPORT line, and nothing from a log without one or with a cut one', () => {
    const two = 'REPORT RequestId: a\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB\nREPORT RequestId: b\tDuration: 2 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 2 MB';
    assert.equal(parseReportLine(two)?.requestId, 'b');
    assert.equal(parseReportLine('START RequestId: a\nEND RequestId: a\n'), undefined);
    assert.equal(parseReportLine('REPORT RequestId: a\tDuration: 1 ms\tBilled Dur'), undefined);
  });
});

describe('parseTargetSpec', () => {
  it('tells functions, qualifiers, ARNs and URLs apart', () => {
    assert.deepEqual(parseTargetSpec('my-fn'), { kind: 'lambda', functionName: 'my-fn' });
    assert.deepEqual(parseTargetSpec('my-fn:live'), { kind: 'lambda', functionName: 'my-fn:live' });
    assert.deepEqual(parseTargetSpec('my-fn', '3'), { kind: 'lambda', functionName: 'my-fn', qualifier: '3' });
    assert.deepEqual(parseTargetSpec('my-fn:3', '3'), { kind: 'lambda', functionName: 'my-fn:3', qualifier: '3' });
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn:$LATEST';
    assert.deepEqual(parseTargetSpec(arn), { kind: 'lambda', functionName: arn });
    const spec = parseTargetSpec('https://abc.execute-api.us-east-1.amazonaws.com/prod/run');
    assert.equal(spec.kind, 'http');
  });

  it('refuses what is none of them, naming it', () => {
    assert.throws(() => parseTargetSpec(''), UsageError);
    assert.throws(() => parseTargetSpec('my fn'), /'my fn' is neither a function name/);
    assert.throws(() => parseTargetSpec('ftp://host/x'), /uses ftp: only http:\/\/ and https:\/\//);
    assert.throws(() => parseTargetSpec('http://'), /is not a valid URL/);
    assert.throws(() => parseTargetSpec('f:1', '2'), /--qualifier '2' contradicts the qualifier '1'/);
  });
});

describe('inputs', () => {
  it('parses every spelling of the invocation type, and refuses others', () => {
    const spellings: [string, string][] = [
      ['RequestResponse', 'RequestResponse'], ['sync', 'RequestResponse'], ['SYNC', 'RequestResponse'],
      ['Event', 'Event'], ['event', 'Event'], ['async', 'Event'],
      ['DryRun', 'DryRun'], ['dry-run', 'DryRun'], ['dryrun', 'DryRun'],
    ];
    for (const [text, type] of spellings) assert.equal(parseInvocationType(text), type);
    assert.throws(() => parseInvocationType('eventual'), /--type 'eventual' is not an invocation type/);
  });

  it('checks payload JSON and size at the exact limits', () => {
    assert.equal(encodeJsonPayload('', '--payload').length, 0);
    assert.equal(encodeJsonPayload('{"a":1}', '--payload').length, 7);
    assert.throws(() => encodeJsonPayload('{a:1}', 'stdin'), /the payload from stdin is not valid JSON/);
    assert.doesNotThrow(() => checkPayloadSize(1024 * 1024, 'Event'));
    assert.throws(() => checkPayloadSize(1024 * 1024 + 1, 'Event'), /over the 1 MB limit for asynchronous/);
    assert.doesNotThrow(() => checkPayloadSize(6 * 1024 * 1024, 'RequestResponse'));
    assert.throws(() => checkPayloadSize(6 * 1024 * 1024 + 1, 'RequestResponse'), /over the 6 MB limit for synchronous/);
    assert.equal(formatBytes(1536), '1.5 KB');
  });

  it('encodes the client context as base64 and keeps it under 3583 bytes', () => {
    assert.equal(Buffer.from(encodeClientContext('{"custom": {"a": 1}}'), 'base64').toString(), '{"custom":{"a":1}}');
    assert.throws(() => encodeClientContext('"text"'), /must be a JSON object/);
    assert.throws(() => encodeClientContext(JSON.stringify({ custom: { pad: 'x'.repeat(2700) } })), /over the 3583-byte limit/);
  });

  it('parses durations', () => {
    assert.equal(parseDuration('500ms', '--x'), 500);
    assert.equal(parseDuration('30s', '--x'), 30_000);
    assert.equal(parseDuration('2m', '--x'), 120_000);
    assert.equal(parseDuration('1.5', '--x'), 1500);
    assert.throws(() => parseDuration('soon', '--wait-timeout'), /--wait-timeout 'soon' is not a duration/);
  });

  it('knows loopback hosts and reads regions from ARNs', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'sqs.us-east-1.localhost', 'localhost.localstack.cloud']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['lambda.us-east-1.amazonaws.com', '10.0.0.1', 'localhost.example.com']) assert.ok(!isLoopbackHost(host), host);
    assert.equal(regionFromArn('arn:aws:lambda:eu-west-3:123456789012:function:f'), 'eu-west-3');
    assert.equal(regionFromArn('my-fn'), undefined);
  });
});

describe('decodeCompletionMessage', () => {
  it('decodes a destination record, with the client request ID from the payload', () => {
    const body = {
      version: '1.0',
      timestamp: '2026-01-02T03:04:05.678Z',
      requestContext: { requestId: 'r-1', functionArn: 'arn:aws:lambda:us-east-1:1:function:f:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { meta: { clientRequestId: 'c-1' } },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'boom' },
    };
    assert.deepEqual(decodeCompletionMessage({ MessageId: 'm', Body: JSON.stringify(body) }, 'q'), {
      kind: 'destination',
      queueUrl: 'q',
      messageId: 'm',
      requestId: 'r-1',
      clientRequestId: 'c-1',
      condition: 'RetriesExhausted',
      attempts: 3,
      completedAt: Date.parse('2026-01-02T03:04:05.678Z'),
      functionArn: body.requestContext.functionArn,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
      requestPayload: body.requestPayload,
      responsePayload: body.responsePayload,
    });
  });

  it('decodes a DLQ message from its attributes, and ignores a stranger', () => {
    const record = decodeCompletionMessage(
      {
        Body: '{"n":1}',
        Attributes: { SentTimestamp: '1700000000000' },
        MessageAttributes: { RequestID: { DataType: 'String', StringValue: 'r-2' }, ErrorMessage: { DataType: 'String', StringValue: 'bad' } },
      },
      'dlq',
    );
    assert.equal(record?.kind, 'deadLetter');
    assert.equal(record?.requestId, 'r-2');
    assert.equal(record?.condition, 'DeadLetter');
    assert.equal(record?.errorMessage, 'bad');
    assert.equal(record?.completedAt, 1_700_000_000_000);
    assert.deepEqual(record?.requestPayload, { n: 1 });
    assert.equal(decodeCompletionMessage({ Body: '{"hello":"world"}' }, 'q'), undefined);
    assert.equal(valueAt({ a: { b: 2 } }, 'a.b'), 2);
    assert.equal(valueAt({ a: 1 }, 'a.b'), undefined);
  });
});

describe('createBodyBuilder', () => {
  it('writes a fresh client request ID and the async flag into each body, multi-byte text before them included', () => {
    const build = createBodyBuilder('{"name": "Zoë ☃", "meta": {"tenant": "t"}}', '--payload', { correlationPath: 'meta.clientRequestId', asyncBodyPath: 'meta.async' });
    const bodies = [build('Event'), build('Event'), build('RequestResponse')];
    const parsed = bodies.map((body) => JSON.parse(Buffer.from(body.payload).toString('utf8')));
    assert.equal(new Set(bodies.map((body) => body.clientRequestId)).size, 3);
    parsed.forEach((body, i) => {
      assert.deepEqual(body, { name: 'Zoë ☃', meta: { tenant: 't', clientRequestId: bodies[i]!.clientRequestId, async: i < 2 } });
    });
    assert.ok(!bodies.some((body) => Buffer.from(body.payload).toString().includes('lambench-client-request-id')));
  });

  it('sends a payload as given when there is nothing to write, and refuses a body it cannot write into', () => {
    const plain = createBodyBuilder('plain text', '--payload', { correlationPath: null });
    assert.equal(Buffer.from(plain('Event').payload).toString(), 'plain text');
    assert.throws(() => createBodyBuilder('[1, 2]', '--payload', { correlationPath: 'meta.id' }), /must be a JSON object/);
    assert.throws(() => createBodyBuilder('{"meta": 3}', '--payload', { correlationPath: 'meta.id' }), /cannot write meta\.id into the payload: 'meta' is not an object there/);
  });
});
