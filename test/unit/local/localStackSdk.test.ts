/**
 * The AWS SDK v3 LambdaClient against the local stack, over real sockets: every invocation mode,
 * each service error raising the SDK's named exception, ClientContext, Tail logs, request IDs, and
 * async events that really run afterwards and land in the destinations.
 */
import {
  InvalidRequestContentException,
  InvokeCommand,
  type LambdaClient,
  RequestTooLargeException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalStack } from '../../../src/local/index.js';
import { parseReportLine } from '../../../src/aws/lambdaLog.js';
import { decode, lambdaClient, receiveMatching, sqsClient, startTestStack } from '../../support/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const calls = () => ((globalThis as { lambenchTestCalls?: { awsRequestId: string; event: unknown }[] }).lambenchTestCalls ??= []);

describe('local stack through the AWS SDK v3', () => {
  let stack: LocalStack;
  let lambda: LambdaClient;
  let sqs: SQSClient;

  before(async () => {
    stack = await startTestStack({ functionConfig: { sleep: { reservedConcurrency: 1 } } });
    lambda = lambdaClient(stack);
    sqs = sqsClient(stack);
  });
  after(async () => {
    lambda.destroy();
    sqs.destroy();
    await stack.stop();
  });

  it('RequestResponse returns 200, the result, the executed version and the request ID', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'square', Payload: json({ number: 12 }) }));
    assert.equal(out.StatusCode, 200);
    assert.deepEqual(decode(out.Payload), { square: 144 });
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.equal(out.FunctionError, undefined);
    assert.match(out.$metadata.requestId ?? '', UUID);
  });

  it('accepts a numeric string, name:qualifier, ?Qualifier=, a full ARN and a partial ARN', async () => {
    const forms: [string, string | undefined, string][] = [
      ['square:live', undefined, '1'],
      ['square', '1', '1'],
      ['square', '$LATEST', '$LATEST'],
      [`arn:aws:lambda:${stack.region}:000000000000:function:square`, undefined, '$LATEST'],
      [`arn:aws:lambda:${stack.region}:000000000000:function:square:live`, undefined, '1'],
      ['000000000000:function:square', 'live', '1'],
    ];
    for (const [FunctionName, Qualifier, version] of forms) {
      const out = await lambda.send(new InvokeCommand({ FunctionName, Qualifier, Payload: json({ number: '3' }) }));
      assert.equal(out.ExecutedVersion, version, `${FunctionName} ${Qualifier ?? ''}`);
      assert.deepEqual(decode(out.Payload), { square: 9 });
    }
  });

  it("gives the handler the request ID the response carries, and the client context", async () => {
    const clientContext = { custom: { tenant: 'acme' }, client: { app_title: 'lambench-test' } };
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        Payload: json({ hello: 'world' }),
        ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'),
      }),
    );
    const seen = decode(out.Payload);
    assert.equal(seen.awsRequestId, out.$metadata.requestId);
    assert.deepEqual(seen.clientContext, clientContext);
    assert.deepEqual(seen.event, { hello: 'world' });
    assert.equal(seen.invokedFunctionArn, `arn:aws:lambda:${stack.region}:000000000000:function:echo`);
    assert.equal(seen.memoryLimitInMB, '128');
    assert.ok(seen.remainingMs > 2000 && seen.remainingMs <= 3000, `remaining ${seen.remainingMs} ms of a 3 s timeout`);
  });

  it('Tail returns the log with a parseable REPORT line: Init Duration on a cold start only', async () => {
    const first = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '1', LogType: 'Tail', Payload: json({ n: 1 }) }));
    const log = Buffer.from(first.LogResult ?? '', 'base64').toString('utf8');
    const lines = log.trimEnd().split('\n');
    assert.equal(lines[0], `START RequestId: ${first.$metadata.requestId} Version: 1`);
    assert.match(lines[1] ?? '', new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${first.$metadata.requestId}\\tINFO\\techo saw {"n":1}$`));
    assert.equal(lines.at(-2), `END RequestId: ${first.$metadata.requestId}`);
    const cold = parseReportLine(log);
    assert.ok(cold, 'a REPORT line');
    assert.equal(cold.requestId, first.$metadata.requestId);
    assert.equal(cold.memorySizeMb, 128);
    assert.ok(cold.durationMs >= 0 && cold.billedDurationMs >= Math.ceil(cold.durationMs));
    assert.ok(cold.maxMemoryUsedMb > 0 && cold.maxMemoryUsedMb <= 128);
    assert.ok(cold.initDurationMs !== undefined && cold.initDurationMs > 0, 'Init Duration on the cold start');

    const warm = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '1', LogType: 'Tail', Payload: json({ n: 2 }) }));
    const warmReport = parseReportLine(Buffer.from(warm.LogResult ?? '', 'base64').toString('utf8'));
    assert.equal(warmReport?.initDurationMs, undefined, 'no Init Duration on a warm start');
  });

  it('gives each execution environment its own module instance, CommonJS handlers too', async () => {
    const cold = await Promise.all(
      [1, 2, 3].map(() => lambda.send(new InvokeCommand({ FunctionName: 'counter', LogType: 'Tail', Payload: json({ ms: 200 }) }))),
    );
    assert.deepEqual(cold.map((out) => decode(out.Payload)), [{ calls: 1 }, { calls: 1 }, { calls: 1 }], 'three concurrent cold starts, three fresh modules');
    for (const out of cold) assert.ok(parseReportLine(Buffer.from(out.LogResult ?? '', 'base64').toString())?.initDurationMs !== undefined);
    const warm = await lambda.send(new InvokeCommand({ FunctionName: 'counter', LogType: 'Tail', Payload: json({ ms: 0 }) }));
    assert.deepEqual(decode(warm.Payload), { calls: 2 }, 'a warm environment keeps its state');
    assert.equal(parseReportLine(Buffer.from(warm.LogResult ?? '', 'base64').toString())?.initDurationMs, undefined);
  });

  it('keeps the log tail to the last 4 KB', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail', Payload: json({ filler: 'x'.repeat(10_000) }) }));
    const bytes = Buffer.from(out.LogResult ?? '', 'base64');
    assert.equal(bytes.length, 4096);
    assert.ok(parseReportLine(bytes.toString('utf8')), 'the REPORT line survives the cut');
  });

  it('reports an error thrown by the handler as Unhandled, with the runtime error document', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'square', Payload: json({ number: 'x' }) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload);
    assert.equal(body.errorType, 'TypeError');
    assert.match(body.errorMessage, /expected \{"number": n\}/);
    assert.ok(Array.isArray(body.trace) && body.trace[0].startsWith('TypeError'));
  });

  it('reports an error passed to the callback as Handled', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'callbackError' }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Handled');
    assert.equal(decode(out.Payload).errorType, 'RangeError');
  });

  it('times a slow handler out as Sandbox.Timedout', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'slow', LogType: 'Tail' }));
    assert.equal(out.FunctionError, 'Unhandled');
    assert.equal(decode(out.Payload).errorType, 'Sandbox.Timedout');
    assert.match(Buffer.from(out.LogResult ?? '', 'base64').toString(), /Task timed out after 0\.20 seconds/);
  });

  it('DryRun answers 204 and runs nothing', async () => {
    const before = calls().length;
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun', Payload: json({ dry: true }) }));
    assert.equal(out.StatusCode, 204);
    assert.equal(out.Payload?.length ?? 0, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(calls().length, before);
  });

  it('Event answers 202 at once; the handler runs afterwards with the same request ID, and the success record lands', async () => {
    const marker = `evt-${Date.now()}`;
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: json({ marker }) }));
    assert.equal(out.StatusCode, 202);
    assert.equal(out.Payload?.length ?? 0, 0);
    const requestId = out.$metadata.requestId!;
    assert.match(requestId, UUID);

    const message = await receiveMatching(sqs, stack.queues['lambench-success']!, (m) => m.Body?.includes(marker) ?? false);
    const record = JSON.parse(message.Body!);
    assert.equal(record.version, '1.0');
    assert.ok(!Number.isNaN(Date.parse(record.timestamp)));
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: `arn:aws:lambda:${stack.region}:000000000000:function:echo:$LATEST`,
      condition: 'Success',
      approximateInvokeCount: 1,
    });
    assert.deepEqual(record.requestPayload, { marker });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.equal(record.responsePayload.awsRequestId, requestId);
    assert.ok(calls().some((call) => call.awsRequestId === requestId), 'the handler really ran');
  });

  it('retries a failing event twice, then writes the failure destination and the DLQ', async () => {
    const marker = `fail-${Date.now()}`;
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: json({ fail: true, marker }) }));
    assert.equal(out.StatusCode, 202);
    const requestId = out.$metadata.requestId!;

    const failure = JSON.parse((await receiveMatching(sqs, stack.queues['lambench-failure']!, (m) => m.Body?.includes(marker) ?? false)).Body!);
    assert.equal(failure.requestContext.requestId, requestId);
    assert.equal(failure.requestContext.condition, 'RetriesExhausted');
    assert.equal(failure.requestContext.approximateInvokeCount, 3);
    assert.deepEqual(failure.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(failure.responsePayload.errorMessage, 'flaky: failing as asked (event.fail === true)');

    const dead = await receiveMatching(sqs, stack.queues['lambench-dlq']!, (m) => m.Body?.includes(marker) ?? false);
    assert.deepEqual(JSON.parse(dead.Body!), { fail: true, marker });
    assert.equal(dead.MessageAttributes?.RequestID?.StringValue, requestId);
    assert.equal(dead.MessageAttributes?.ErrorCode?.StringValue, '200');
    assert.equal(dead.MessageAttributes?.ErrorMessage?.StringValue, 'flaky: failing as asked (event.fail === true)');
  });

  it('raises ResourceNotFoundException for an unknown function, version or alias', async () => {
    for (const [FunctionName, Qualifier] of [['nope', undefined], ['square', '7'], ['square:nope', undefined]] as const) {
      await assert.rejects(lambda.send(new InvokeCommand({ FunctionName, Qualifier })), (error: unknown) => {
        assert.ok(error instanceof ResourceNotFoundException, `${FunctionName}: got ${(error as Error).name}`);
        assert.equal(error.$metadata.httpStatusCode, 404);
        assert.match(error.message, /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:/);
        return true;
      });
    }
  });

  it('raises InvalidRequestContentException for a payload that is not JSON', async () => {
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'square', Payload: Buffer.from('{"number": 2') })), (error: unknown) => {
      assert.ok(error instanceof InvalidRequestContentException, (error as Error).name);
      assert.equal(error.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  it('raises RequestTooLargeException over 6 MB sync and over 1 MB async, and accepts just under', async () => {
    const sized = (bytes: number) => Buffer.from(JSON.stringify({ pad: 'x'.repeat(bytes - 10) }));
    assert.equal(sized(1000).length, 1000);
    for (const [InvocationType, limit] of [['RequestResponse', 6 * 1024 * 1024], ['Event', 1024 * 1024]] as const) {
      await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'sleep', InvocationType, Payload: sized(limit + 1) })), (error: unknown) => {
        assert.ok(error instanceof RequestTooLargeException, `${InvocationType}: ${(error as Error).name}`);
        assert.equal(error.$metadata.httpStatusCode, 413);
        assert.match(error.message, new RegExp(`smaller than ${limit} bytes`));
        return true;
      });
    }
    const accepted = await lambda.send(new InvokeCommand({ FunctionName: 'square', InvocationType: 'DryRun', Payload: sized(6 * 1024 * 1024) }));
    assert.equal(accepted.StatusCode, 204);
  });

  it('raises TooManyRequestsException with a Reason past the reserved concurrency', async () => {
    const busy = lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: json({ ms: 2000 }) }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: json({ ms: 1 }) })), (error: unknown) => {
      assert.ok(error instanceof TooManyRequestsException, (error as Error).name);
      assert.equal(error.$metadata.httpStatusCode, 429);
      assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(error.retryAfterSeconds, '1');
      return true;
    });
    assert.equal((await busy).StatusCode, 200);
    const after = await lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: json({ ms: 1 }) }));
    assert.deepEqual(decode(after.Payload), { slept: 1 });
  });

  it('runs a throttled async event once concurrency frees up, never losing it', async () => {
    const busy = lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: json({ ms: 1000 }) }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const marker = Date.now() % 100_000;
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'sleep', InvocationType: 'Event', Payload: json({ ms: 1, marker }) }));
    assert.equal(out.StatusCode, 202);
    await busy;
    const busyEndedAt = Date.now();
    const record = JSON.parse((await receiveMatching(sqs, stack.queues['lambench-success']!, (m) => m.Body?.includes(`"marker":${marker}`) ?? false)).Body!);
    assert.equal(record.requestContext.requestId, out.$metadata.requestId);
    assert.equal(record.requestContext.approximateInvokeCount, 1, 'throttles are not attempts');
    // It really was held back: it completed only after the busy call freed the one unit of concurrency.
    assert.ok(Date.parse(record.timestamp) >= busyEndedAt - 50, `completed at ${record.timestamp}, busy call ended ${new Date(busyEndedAt).toISOString()}`);
  });
});

describe('stopping the local stack', () => {
  it('does not wait for a long async handler beyond a short grace', async () => {
    const stack = await startTestStack();
    const lambda = lambdaClient(stack);
    try {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'sleep', InvocationType: 'Event', Payload: json({ ms: 6000 }) }));
      assert.equal(out.StatusCode, 202);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      lambda.destroy();
      const start = performance.now();
      await stack.stop();
      const stopMs = performance.now() - start;
      assert.ok(stopMs < 4000, `stop took ${stopMs.toFixed(0)} ms with a 6 s handler running`);
    }
  });
});
