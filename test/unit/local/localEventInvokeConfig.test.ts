/**
 * The Lambda control plane of the local stack through real clients over real sockets: the event
 * invoke config operations with @aws-sdk/client-lambda and the AWS CLI (the settings given at start
 * are that config; what the API puts is what the async invoker does), GetFunctionConfiguration's
 * per-function fields, and the AccessDenied fault.
 */
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { AsyncCompletion } from '../../../src/local/index.js';
import { receiveMatching, useTestStack } from '../../support/helpers.js';

const run = promisify(execFile);
const awsCliInstalled = await run('aws', ['--version']).then(() => true, () => false);
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000';

describe('event invoke config and function configuration', () => {
  const completions: AsyncCompletion[] = [];
  const t = useTestStack({
    queues: ['eic-failures'],
    functionConfig: {
      flaky: { maximumRetryAttempts: 0, memorySize: 512, timeout: 20, architecture: 'arm64', logFormat: 'JSON', logGroup: '/custom/flaky', deadLetterTarget: 'arn:aws:sns:us-east-1:000000000000:flaky-dlq' },
      sleep: { eventInvokeConfig: { MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: `${QUEUE}:eic-failures` } } } },
    },
    faults: ['lambda:square:deny GetFunctionEventInvokeConfig'],
    onAsyncCompletion: (completion) => completions.push(completion),
  });

  it('shows the settings given at start as each qualifier\'s config: --set fields, and an eventInvokeConfig read as Put', async () => {
    const flaky = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' }));
    assert.equal(flaky.FunctionArn, `${ARN}:flaky:$LATEST`);
    assert.deepEqual([flaky.MaximumRetryAttempts, flaky.MaximumEventAgeInSeconds], [0, 21600]);
    assert.deepEqual(flaky.DestinationConfig, { OnSuccess: { Destination: `${QUEUE}:lambench-success` }, OnFailure: { Destination: `${QUEUE}:lambench-failure` } });
    assert.ok(flaky.LastModified instanceof Date);
    const sleep = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'sleep', Qualifier: 'live' }));
    assert.equal(sleep.FunctionArn, `${ARN}:sleep:live`);
    assert.equal(sleep.MaximumRetryAttempts, 1);
    assert.deepEqual(sleep.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: `${QUEUE}:eic-failures` } });
    const listed = await t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'sleep' }));
    assert.deepEqual(listed.FunctionEventInvokeConfigs?.map((config) => config.FunctionArn), [`${ARN}:sleep:$LATEST`, `${ARN}:sleep:1`, `${ARN}:sleep:live`]);
  });

  it('Put replaces, Update merges, Delete leaves AWS\'s defaults (404 on Get); the async invoker follows each', async () => {
    // Put: no retries, failures to eic-failures, nothing on success.
    const put = await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: `${QUEUE}:eic-failures` } } }));
    assert.deepEqual([put.MaximumRetryAttempts, put.MaximumEventAgeInSeconds, put.DestinationConfig], [0, undefined, { OnSuccess: {}, OnFailure: { Destination: `${QUEUE}:eic-failures` } }]);
    const first = await t.lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"fail":true}') }));
    const record = JSON.parse((await receiveMatching(t.sqs, t.stack.queues['eic-failures']!, (m) => m.Body!.includes(first.$metadata.requestId!))).Body!);
    assert.deepEqual([record.requestContext.condition, record.requestContext.approximateInvokeCount], ['RetriesExhausted', 1]);
    // Update: two retries; the destination stays.
    const updated = await t.lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }));
    assert.deepEqual([updated.MaximumRetryAttempts, updated.MaximumEventAgeInSeconds, updated.DestinationConfig?.OnFailure], [2, 3600, { Destination: `${QUEUE}:eic-failures` }]);
    const second = await t.lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"fail":true}') }));
    const again = JSON.parse((await receiveMatching(t.sqs, t.stack.queues['eic-failures']!, (m) => m.Body!.includes(second.$metadata.requestId!))).Body!);
    assert.equal(again.requestContext.approximateInvokeCount, 3);
    assert.equal(completions.find((c) => c.requestId === second.$metadata.requestId)?.attempts, 3);
    // Delete: 404, and Update has nothing to merge into.
    await t.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' }));
    await assert.rejects(t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' })), {
      name: 'ResourceNotFoundException',
      message: `The function ${ARN}:flaky:$LATEST doesn't have an EventInvokeConfig`,
    });
    await assert.rejects(t.lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 1 })), { name: 'ResourceNotFoundException' });
    await assert.rejects(t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'nosuch' })), { name: 'ResourceNotFoundException' });
  });

  it('refuses what AWS refuses, one clear InvalidParameterValueException each', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ MaximumRetryAttempts: 3 }, /Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must be an integer from 0 to 2/],
      [{ MaximumEventAgeInSeconds: 59 }, /Value '59' at 'maximumEventAgeInSeconds'.*from 60 to 21600/],
      [{ DestinationConfig: { OnSuccess: { Destination: 'arn:aws:s3:::bucket' } } }, /DestinationConfig\.OnSuccess is invalid: an S3 bucket is supported as an OnFailure destination only/],
      [{ DestinationConfig: { OnFailure: { Destination: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' } } }, /service 'dynamodb': a destination's service must be one of sqs, sns, events, lambda, s3/],
      [{ DestinationConfig: { OnFailure: { Destination: `${ARN}:nosuch` } } }, /there is no function 'nosuch' in this local stack/],
      [{ DestinationConfig: { OnFailure: { Destination: `${QUEUE}:q.fifo` } } }, /is FIFO/],
      [{ DestinationConfig: { OnFailure: { Destination: 'my-queue' } } }, /must be an ARN, e\.g\. arn:aws:sqs:/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'echo', ...input })), { name: 'InvalidParameterValueException', message }, JSON.stringify(input));
    }
  });

  it('GetFunctionConfiguration carries memory, timeout, architecture, DLQ and logging config as set', async () => {
    const flaky = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'flaky' }));
    assert.deepEqual([flaky.MemorySize, flaky.Timeout, flaky.Architectures, flaky.DeadLetterConfig, flaky.LoggingConfig], [
      512,
      20,
      ['arm64'],
      { TargetArn: 'arn:aws:sns:us-east-1:000000000000:flaky-dlq' },
      { LogFormat: 'JSON', LogGroup: '/custom/flaky', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
    ]);
    const square = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }));
    assert.deepEqual([square.MemorySize, square.Timeout, square.Architectures, square.DeadLetterConfig, square.LoggingConfig], [
      128,
      3,
      ['x86_64'],
      { TargetArn: `${QUEUE}:lambench-dlq` },
      { LogFormat: 'Text', LogGroup: '/aws/lambda/square' },
    ]);
    assert.deepEqual(Object.keys(t.stack.topics), ['flaky-dlq'], 'the DLQ topic the settings name is created');
  });

  it('a deny fault answers that one operation for that function with AccessDeniedException, 403, and nothing else', async () => {
    const denied = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'square' })).then(
      () => assert.fail('not denied'),
      (error: Error & { $metadata: { httpStatusCode?: number } }) => error,
    );
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.$metadata.httpStatusCode, 403);
    assert.equal(
      denied.message,
      `User: arn:aws:iam::000000000000:user/local is not authorized to perform: lambda:GetFunctionEventInvokeConfig on resource: ${ARN}:square because no identity-based policy allows the lambda:GetFunctionEventInvokeConfig action`,
    );
    await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }));
    await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'echo' }));
    assert.equal(t.stack.faultsFired()[0], 1);
  });

  it('answers the AWS CLI: put-function-event-invoke-config, then get-function-event-invoke-config', { skip: !awsCliInstalled && 'the AWS CLI (aws) is not installed here' }, async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const cli = async (...args: string[]) => JSON.parse((await run('aws', ['lambda', ...args, '--endpoint-url', t.stack.lambdaUrl, '--output', 'json'], { env, timeout: 30_000 })).stdout);
    const destination = `{"OnFailure":{"Destination":"${QUEUE}:eic-failures"}}`;
    const put = await cli('put-function-event-invoke-config', '--function-name', 'echo', '--qualifier', 'live', '--maximum-retry-attempts', '1', '--maximum-event-age-in-seconds', '120', '--destination-config', destination);
    assert.equal(put.FunctionArn, `${ARN}:echo:live`);
    const got = await cli('get-function-event-invoke-config', '--function-name', 'echo', '--qualifier', 'live');
    assert.deepEqual([got.MaximumRetryAttempts, got.MaximumEventAgeInSeconds, got.DestinationConfig], [1, 120, { OnSuccess: {}, OnFailure: { Destination: `${QUEUE}:eic-failures` } }]);
    assert.equal(typeof got.LastModified, 'number');
  });
});
