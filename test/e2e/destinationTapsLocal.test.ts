/**
 * The same taps against the local stack's own async invoker, which now writes records to every kind
 * of destination (branch local14): `flaky` failing about a third of its events, wired to an SNS
 * topic on success, an S3 bucket on failure and an SNS DLQ, then (PutFunctionEventInvokeConfig)
 * to an EventBridge bus, then to SQS queues. Each run reconciles exactly with what the stack says
 * it completed, from discovery alone, and leaves nothing temporary behind.
 */
import { PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { ListSubscriptionsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AsyncCompletion } from '../../src/local/index.js';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { CREDENTIALS, runLambench, useTestStack } from '../support/helpers.js';

const CALLS = 20;
const ARN = 'arn:aws:%s:us-east-1:000000000000:';

describe('taps on the local stack\'s own destinations', () => {
  const completions: AsyncCompletion[] = [];
  const local = useTestStack({
    queues: ['local-taps-success', 'local-taps-failure'],
    functionConfig: {
      flaky: { maximumRetryAttempts: 0, onSuccess: `${ARN.replace('%s', 'sns')}local-taps-ok`, onFailure: 'arn:aws:s3:::local-taps-failures', deadLetterTarget: `${ARN.replace('%s', 'sns')}local-taps-dlq` },
      sleep: { onSuccess: `${ARN.replace('%s', 'lambda')}function:square`, onFailure: null, deadLetterQueue: null },
    },
    faults: ['lambda:square:deny GetFunctionEventInvokeConfig'],
    onAsyncCompletion: (completion) => completions.push(completion),
  });
  let sns: SNSClient;
  before(() => {
    sns = new SNSClient({ region: local.stack.region, endpoint: local.stack.sqsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => sns.destroy());

  const bench = (fn: string, settle = '20s', ...more: string[]) => {
    const env = { ...local.stack.env, AWS_ENDPOINT_URL_SNS: local.stack.sqsUrl, AWS_ENDPOINT_URL_S3: local.stack.sqsUrl, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    return runLambench(['bench', fn, '--type', 'async', '-n', String(CALLS), '-c', '4', '--payload', '{"failRate":0.35}', '--verify-delivery', '--settle', settle, '--json', ...more], { env, timeoutMs: 60_000 });
  };

  async function benchFlaky() {
    completions.length = 0;
    const result = await bench('flaky');
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ReportDocument;
    const delivery = report.phases[0]!.delivery!;
    const failures = completions.filter((one) => one.functionName === 'flaky' && one.condition !== 'Success').length;
    assert.equal(completions.filter((one) => one.functionName === 'flaky').length, CALLS, 'the stack settled every event');
    assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing, delivery.unverified ?? 0], [CALLS, CALLS - failures, failures, 0, 0]);
    const runId = report.config!.delivery!.runId!;
    const { QueueUrls = [] } = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `lambench-${runId}` }));
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsCommand({}));
    assert.deepEqual([...QueueUrls, ...Subscriptions.filter((one) => one.Endpoint?.includes(runId))], [], 'nothing temporary left');
    return { result, delivery, failures };
  }

  it('SNS on success, S3 on failure, an SNS DLQ', async () => {
    const { result, delivery } = await benchFlaky();
    assert.match(result.stderr, /success: sns arn:aws:sns:us-east-1:000000000000:local-taps-ok: through lambench-\d{8}t\d{4}-[a-z0-9]{4}-success-sns/);
    assert.match(result.stderr, /failure: s3 arn:aws:s3:::local-taps-failures: objects listed/);
    assert.match(result.stderr, /DLQ: sns arn:aws:sns:us-east-1:000000000000:local-taps-dlq: through/);
    assert.ok(Object.keys(delivery.seenIn ?? {}).every((where) => ['sns:arn:aws:sns:us-east-1:000000000000:local-taps-ok', 's3:local-taps-failures', 'sns:arn:aws:sns:us-east-1:000000000000:local-taps-dlq'].includes(where)), JSON.stringify(delivery.seenIn));
  });

  it('EventBridge on success and failure (the default bus), then SQS queues: the wiring changed through the API is what the next run reads', async () => {
    const bus = local.stack.eventBuses.default!;
    await local.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: bus }, OnFailure: { Destination: bus } } }));
    const viaBus = await benchFlaky();
    assert.equal(viaBus.delivery.seenIn?.[`events:${bus}`], CALLS - viaBus.failures + (viaBus.delivery.failedVia.onFailureDestination));
    const queue = (name: string) => `${ARN.replace('%s', 'sqs')}${name}`;
    await local.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: queue('local-taps-success') }, OnFailure: { Destination: queue('local-taps-failure') } } }));
    const viaQueues = await benchFlaky();
    assert.match(viaQueues.result.stderr, /success: sqs arn:aws:sqs:us-east-1:000000000000:local-taps-success: read directly/);
  });

  it('a function as destination cannot be observed: the logs tell its outcomes; with --no-logs, nothing readable is refused before sending (exit 2), and beside a readable one its outcomes are unverified, not missing (exit 3)', async () => {
    completions.length = 0;
    const onlyLambda = await bench('sleep', '20s', '--no-logs');
    assert.equal(onlyLambda.code, 2, onlyLambda.stderr);
    assert.match(onlyLambda.stderr, /lambench: sleep: its outcomes go only where lambench cannot read \(lambda arn:aws:lambda:[^)]*function:square\) and --no-logs leaves its logs unread: nothing to verify delivery on/);
    assert.match(onlyLambda.stderr, /success: lambda arn:aws:lambda:\S+: cannot be observed from outside/);
    assert.equal(completions.filter((one) => one.functionName === 'sleep').length, 0, 'nothing sent to sleep');
    const fromLogs = await bench('sleep');
    assert.equal(fromLogs.code, 0, fromLogs.stderr);
    const sleepDelivery = (JSON.parse(fromLogs.stdout) as ReportDocument).phases[0]!.delivery!;
    assert.deepEqual([sleepDelivery.accepted, sleepDelivery.succeeded, sleepDelivery.missing, sleepDelivery.unverified ?? 0], [CALLS, CALLS, 0, 0]);
    assert.deepEqual(sleepDelivery.seenIn, { 'logs:/aws/lambda/sleep': CALLS });
    await local.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: `${ARN.replace('%s', 'lambda')}function:square` }, OnFailure: { Destination: `${ARN.replace('%s', 'sqs')}local-taps-failure` } } }));
    completions.length = 0;
    const half = await bench('flaky', '3s', '--no-logs');
    assert.equal(half.code, 3, half.stderr);
    const delivery = (JSON.parse(half.stdout) as ReportDocument).phases[0]!.delivery!;
    const failures = completions.filter((one) => one.functionName === 'flaky' && one.condition !== 'Success').length;
    assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing, delivery.unverified], [CALLS, 0, failures, 0, CALLS - failures]);
    assert.equal(delivery.unobservable, true);
    assert.match(half.stderr, /give those outcomes a destination lambench can read/);
    completions.length = 0;
    const whole = await bench('flaky');
    assert.equal(whole.code, 0, whole.stderr);
    const both = (JSON.parse(whole.stdout) as ReportDocument).phases[0]!.delivery!;
    const failed = completions.filter((one) => one.functionName === 'flaky' && one.condition !== 'Success').length;
    assert.deepEqual([both.accepted, both.succeeded, both.failed, both.missing, both.unverified ?? 0, both.duplicates], [CALLS, CALLS - failed, failed, 0, 0, 0], 'the logs settle the successes, the queue (or the logs) the failures');
  });

  it('discovery denied (lambda:deny fault): the permission and --no-discover named, exit 3, nothing sent', async () => {
    completions.length = 0;
    const denied = await bench('square');
    assert.equal(denied.code, 3, denied.stderr);
    assert.match(denied.stderr, /^lambench: not allowed to read where square's async outcomes go \(lambda:GetFunctionEventInvokeConfig denied\): grant lambda:GetFunctionEventInvokeConfig, or pass --no-discover with --destination-queue and\/or --dlq$/m);
    assert.equal(completions.length, 0);
  });
});
