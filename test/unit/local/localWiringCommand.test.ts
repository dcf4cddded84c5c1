/**
 * `lambench local` wiring a sample to each kind of destination from its flags and its config file,
 * as a user (or the core's tests) would: the topics, buckets and buses it creates are listed in the
 * --json line under `topics`, `buckets`, `eventBuses` beside `events` (the EventBridge endpoint);
 * the wiring is what GetFunctionEventInvokeConfig answers; a bad destination is one clear line.
 */
import { GetFunctionEventInvokeConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CREDENTIALS, runLambench, startLocalProcess } from '../../support/helpers.js';

describe('lambench local: wiring destinations of every kind', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-wiring-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates what --topic, --bucket, --event-bus and the wiring name, lists them in --json, and the API shows the wiring', async () => {
    // Prepare
    const config = join(dir, 'wiring.json');
    await writeFile(
      config,
      JSON.stringify({
        sleep: { eventInvokeConfig: { MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/results' }, OnFailure: { Destination: 'arn:aws:s3:::sleep-failures' } } } },
      }),
    );
    // Act
    const local = startLocalProcess([
      '--json',
      '--topic', 'extra-topic',
      '--bucket', 'extra-bucket',
      '--event-bus', 'extra-bus',
      '--config', config,
      '--set', 'flaky.onFailure=arn:aws:sns:us-east-1:000000000000:my-topic',
    ]);
    try {
      const info = JSON.parse(await local.firstLine);
      // Assess
      assert.match(info.events, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(info.topics, { 'extra-topic': 'arn:aws:sns:us-east-1:000000000000:extra-topic', 'my-topic': 'arn:aws:sns:us-east-1:000000000000:my-topic' });
      assert.deepEqual(info.buckets, ['extra-bucket', 'sleep-failures']);
      assert.deepEqual(info.eventBuses, {
        default: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
        'extra-bus': 'arn:aws:events:us-east-1:000000000000:event-bus/extra-bus',
        results: 'arn:aws:events:us-east-1:000000000000:event-bus/results',
      });
      assert.equal(info.functionConfig.flaky.onFailure, 'arn:aws:sns:us-east-1:000000000000:my-topic');
      const lambda = new LambdaClient({ region: 'us-east-1', endpoint: info.lambda, credentials: CREDENTIALS, maxAttempts: 1 });
      try {
        const flaky = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' }));
        assert.deepEqual(flaky.DestinationConfig?.OnFailure, { Destination: 'arn:aws:sns:us-east-1:000000000000:my-topic' });
        const sleep = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'sleep' }));
        assert.deepEqual([sleep.MaximumRetryAttempts, sleep.MaximumEventAgeInSeconds, sleep.DestinationConfig], [
          0,
          21600,
          { OnSuccess: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/results' }, OnFailure: { Destination: 'arn:aws:s3:::sleep-failures' } },
        ]);
      } finally {
        lambda.destroy();
      }
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0);
  });

  it('refuses a destination that cannot be one, an S3 bucket on success, a bad deny fault: one line each, exit 2, nothing started', async () => {
    const result = await runLambench(['local', '--set', 'flaky.onSuccess=arn:aws:s3:::b', '--set', 'square.onFailure=arn:aws:dynamodb:us-east-1:000000000000:table/t', '--fault', 'lambda:deny Fly', '--bucket', 'No_Such']);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    const line = result.stderr.trim();
    assert.equal(line.split('\n').length, 1, line);
    assert.match(line, /--set flaky\.onSuccess "arn:aws:s3:::b" must be an SQS queue name or the ARN of an SQS queue, SNS topic, EventBridge event bus .*Lambda function \(an S3 bucket is for on-failure only\)/);
    assert.match(line, /--set square\.onFailure "arn:aws:dynamodb:us-east-1:000000000000:table\/t" must be/);
    assert.match(line, /--fault 'lambda:deny Fly': deny 'Fly' needs the Lambda API operation to refuse, one of Invoke, GetFunctionConfiguration, UpdateFunctionConfiguration, GetFunctionEventInvokeConfig/);
    assert.match(line, /--bucket 'No_Such' must be an S3 bucket name/);
  });
});
