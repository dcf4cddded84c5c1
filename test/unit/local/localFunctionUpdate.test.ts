/**
 * UpdateFunctionConfiguration on the local stack, through @aws-sdk/client-lambda and the AWS CLI:
 * $LATEST's Environment, MemorySize, Timeout and Description change (InProgress, then Successful;
 * a second update meanwhile refused with ResourceConflictException), the warm environments are
 * retired so the next call is cold in a new log stream and sees the new variables, a version keeps
 * its configuration and cannot be updated, and a deny fault covers the operation.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { parseReportLine } from '../../../src/aws/lambdaLog.js';
import { decode, useTestStack } from '../../support/helpers.js';

const run = promisify(execFile);
const awsCliInstalled = await run('aws', ['--version']).then(() => true, () => false);
const LOG_FUNCTIONS = fileURLToPath(new URL('../../fixtures/logFunctions/', import.meta.url));
/** Long enough that a second update sent right after the first always finds it InProgress. */
const SETTLE_MS = 3000;

interface Said {
  mode: string | null;
  logStreamName: string;
  memory: string;
}

async function call(lambda: LambdaClient, name: string) {
  const answer = await lambda.send(new InvokeCommand({ FunctionName: name, LogType: 'Tail' }));
  const log = Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8');
  return { said: decode(answer.Payload) as Said, report: parseReportLine(log)!, log };
}

/** Polls GetFunctionConfiguration until LastUpdateStatus is Successful (at most 15 s). */
async function settled(lambda: LambdaClient, name: string) {
  const deadline = Date.now() + 15_000;
  for (let round = 0; round < 300 && Date.now() < deadline; round += 1) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (config.LastUpdateStatus === 'Successful') return config;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name}'s update did not settle within 15 s`);
}

describe('local UpdateFunctionConfiguration', () => {
  const t = useTestStack({ functionsDir: LOG_FUNCTIONS, updateSettleMs: SETTLE_MS, faults: ['lambda:square:deny UpdateFunctionConfiguration'] });

  it('changes $LATEST, retires its warm environments, and the next call is cold with the new settings', async () => {
    // Prepare: a warm environment.
    const first = await call(t.lambda, 'envEcho');
    const warm = await call(t.lambda, 'envEcho');
    assert.equal(warm.said.logStreamName, first.said.logStreamName);
    assert.equal(warm.report.initDurationMs, undefined);
    // Act
    const updated = await t.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'envEcho', Environment: { Variables: { MODE: 'fast' } }, MemorySize: 256, Timeout: 5, Description: 'tuned' }),
    );
    const conflict = t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'envEcho', Timeout: 6 }));
    // Assess
    assert.deepEqual([updated.LastUpdateStatus, updated.State, updated.MemorySize, updated.Timeout, updated.Description, updated.Environment?.Variables], ['InProgress', 'Active', 256, 5, 'tuned', { MODE: 'fast' }]);
    await assert.rejects(conflict, (error: Error) => error.name === 'ResourceConflictException' && /update is in progress/.test(error.message));
    const config = await settled(t.lambda, 'envEcho');
    assert.deepEqual([config.MemorySize, config.Timeout, config.Environment?.Variables], [256, 5, { MODE: 'fast' }]);
    assert.equal(config.RevisionId, updated.RevisionId);
    const cold = await call(t.lambda, 'envEcho');
    assert.deepEqual([cold.said.mode, cold.said.memory], ['fast', '256']);
    assert.notEqual(cold.said.logStreamName, first.said.logStreamName);
    assert.ok(cold.report.initDurationMs !== undefined, `a cold start after the update: ${cold.log}`);
    assert.equal(cold.report.memorySizeMb, 256);
    assert.match(cold.log, /\tINFO\tmode is fast\n/);
    // Version 1 was published before: its configuration and environment are as they were.
    const version = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'envEcho', Qualifier: '1' }));
    assert.deepEqual([version.MemorySize, version.Timeout, version.Environment, version.LastUpdateStatus], [128, 3, undefined, 'Successful']);
    const onVersion = await call(t.lambda, 'envEcho:1');
    assert.deepEqual([onVersion.said.mode, onVersion.said.memory, onVersion.report.memorySizeMb], [null, '128', 128]);
  });

  it('refuses a version, reserved variables, out-of-range values, and what a deny fault denies', async () => {
    await assert.rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'envEchoJson:1', Timeout: 9 })), { name: 'InvalidParameterValueException' });
    await assert.rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:envEchoJson:live', Timeout: 9 })), { name: 'InvalidParameterValueException' });
    await assert.rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'envEchoJson', Environment: { Variables: { AWS_REGION: 'eu-west-1' } } })), (error: Error) => error.name === 'InvalidParameterValueException' && /reserved keys.*AWS_REGION/.test(error.message));
    await assert.rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'envEchoJson', MemorySize: 64 })), { name: 'ValidationException' });
    await assert.rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'square', Timeout: 9 })), { name: 'AccessDeniedException' });
    // Nothing above changed anything.
    for (const [name, qualifier] of [['envEchoJson', undefined], ['envEchoJson', '1'], ['square', undefined]] as const) {
      const config = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, ...(qualifier && { Qualifier: qualifier }) }));
      assert.deepEqual([config.Timeout, config.MemorySize, config.Environment, config.LastUpdateStatus], [3, 128, undefined, 'Successful'], `${name}:${qualifier}`);
    }
  });

  it('answers the AWS CLI: aws lambda update-function-configuration, then get-function-configuration', { skip: !awsCliInstalled && 'the AWS CLI (aws) is not installed here' }, async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const cli = async (...args: string[]) => JSON.parse((await run('aws', ['lambda', ...args, '--endpoint-url', t.stack.lambdaUrl, '--output', 'json'], { env, timeout: 30_000 })).stdout);
    const before = await call(t.lambda, 'envEchoJson');
    const updated = await cli('update-function-configuration', '--function-name', 'envEchoJson', '--environment', 'Variables={MODE=cli}', '--timeout', '7');
    assert.deepEqual([updated.LastUpdateStatus, updated.Timeout, updated.Environment], ['InProgress', 7, { Variables: { MODE: 'cli' } }]);
    await settled(t.lambda, 'envEchoJson');
    const read = await cli('get-function-configuration', '--function-name', 'envEchoJson');
    assert.deepEqual([read.LastUpdateStatus, read.Timeout, read.LoggingConfig.LogFormat], ['Successful', 7, 'Text']);
    const after = await call(t.lambda, 'envEchoJson');
    assert.equal(after.said.mode, 'cli');
    assert.notEqual(after.said.logStreamName, before.said.logStreamName);
    assert.ok(after.report.initDurationMs !== undefined);
  });
});
