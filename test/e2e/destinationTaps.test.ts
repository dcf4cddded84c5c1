/**
 * `bench --verify-delivery` with no queue flags, on a function wired to destinations of every kind:
 * discovery alone says where to look, each kind is observed (SQS directly; SNS through a temporary
 * subscribed queue; EventBridge through a temporary rule and queue; S3 by listing), N events with
 * some failing reconcile exactly, and nothing temporary is left afterwards (also after Ctrl-C),
 * while others' messages, objects, subscriptions and rules stay. The function is the stand-in of
 * test/support/fakeDestinations.ts (the local stack does not deliver to SNS, S3 or EventBridge
 * yet); SQS, SNS, S3 and EventBridge are the local stack's.
 */
import { ListRulesCommand, PutRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, ListSubscriptionsCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { CREDENTIALS, runLambench, useTestStack } from '../support/helpers.js';
import { startFakeFunction, type FakeFunction, type FakeWiring } from '../support/fakeDestinations.js';
import { messagesIn, queueWith } from '../support/queues.js';

const CALLS = 12;
const RUN_ID = /lambench-(\d{8}t\d{4}-[a-z0-9]{4})-/;

describe('async delivery verified on a function as it is wired', () => {
  const local = useTestStack({ eventBuses: ['results-bus'] });
  let sns: SNSClient;
  let s3: S3Client;
  let events: EventBridgeClient;
  const fakes: FakeFunction[] = [];
  before(() => {
    const base = { region: local.stack.region, credentials: CREDENTIALS, maxAttempts: 1 };
    sns = new SNSClient({ ...base, endpoint: local.stack.sqsUrl });
    s3 = new S3Client({ ...base, endpoint: local.stack.sqsUrl, forcePathStyle: true });
    events = new EventBridgeClient({ ...base, endpoint: local.stack.eventsUrl });
  });
  after(async () => {
    for (const fake of fakes) await fake.stop();
    for (const client of [sns, s3, events]) client.destroy();
  });

  const arnOf = (service: string, name: string) => `arn:aws:${service}:${local.stack.region}:000000000000:${name}`;
  async function topic(name: string): Promise<string> {
    return (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  }
  async function fake(wiring: FakeWiring, options: { failEvery?: number; deliver?: boolean; name?: string } = {}): Promise<FakeFunction> {
    const started = await startFakeFunction(local.stack, local.sqs, wiring, { failEvery: 4, ...options });
    fakes.push(started);
    return started;
  }
  const envFor = (on: FakeFunction) => ({ AWS_ENDPOINT_URL_LAMBDA: on.url, AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ENDPOINT_URL_SNS: local.stack.sqsUrl, AWS_ENDPOINT_URL_S3: local.stack.sqsUrl, AWS_ENDPOINT_URL_EVENTBRIDGE: local.stack.eventsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  function bench(on: FakeFunction, extra: string[] = [], options: { interruptWhen?: () => boolean } = {}) {
    const env = envFor(on);
    const args = ['bench', on.name, '--type', 'async', '-n', String(CALLS), '-c', '3', '--template', '--payload', '{"n": {{seq}}}', '--verify-delivery', '--settle', '20s', '--json', ...extra];
    return runLambench(args, { env, timeoutMs: 60_000, ...options });
  }
  /** What a run named lambench-<runId>-… left: queues, subscriptions to them, rules on both buses. */
  async function leftovers(runId: string): Promise<string[]> {
    const prefix = `lambench-${runId}`;
    const { QueueUrls = [] } = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsCommand({}));
    const rules = await Promise.all(['default', 'results-bus'].map((bus) => events.send(new ListRulesCommand({ NamePrefix: prefix, EventBusName: bus }))));
    return [...QueueUrls, ...Subscriptions.filter((one) => one.Endpoint?.includes(prefix)).map((one) => one.SubscriptionArn!), ...rules.flatMap((answer) => (answer.Rules ?? []).map((rule) => rule.Name!))];
  }
  /** The run's report, checked to reconcile exactly with what the function did. */
  async function reconciled(on: FakeFunction, result: { code: number | null; stdout: string; stderr: string }) {
    assert.equal(result.code, 0, result.stderr);
    await on.settled();
    const report = JSON.parse(result.stdout) as ReportDocument;
    const delivery = report.phases[0]!.delivery!;
    assert.equal(on.accepted(), CALLS);
    assert.ok(on.failed() > 0 && on.failed() < CALLS);
    assert.deepEqual([delivery.accepted, delivery.succeeded, delivery.failed, delivery.missing, delivery.unverified ?? 0], [CALLS, CALLS - on.failed(), on.failed(), 0, 0]);
    const runId = report.config!.delivery!.runId!;
    assert.match(runId, /^\d{8}t\d{4}-[a-z0-9]{4}$/);
    assert.deepEqual(await leftovers(runId), [], 'nothing temporary left');
    return { report, delivery, runId };
  }

  it('SQS destinations: read directly, found from discovery alone; a message not of this run stays', async () => {
    const success = await queueWith(local.sqs, 'taps-sqs-success', ['{"someone":"else"}']);
    await queueWith(local.sqs, 'taps-sqs-failure');
    const on = await fake({ onSuccess: arnOf('sqs', 'taps-sqs-success'), onFailure: arnOf('sqs', 'taps-sqs-failure') });
    const result = await bench(on);
    const { delivery } = await reconciled(on, result);
    assert.match(result.stderr, /success: sqs arn:aws:sqs:[^ ]+:taps-sqs-success: read directly/);
    assert.equal(Object.values(delivery.seenIn ?? {}).reduce((a, b) => a + b, 0), CALLS);
    assert.equal(await messagesIn(local.sqs, success), 1, 'the foreign message is still there');
  });

  it('SNS destinations: a temporary subscribed queue each, envelopes decoded; the topics\' own subscribers still get every record', async () => {
    const [onSuccess, onFailure] = await Promise.all([topic('taps-success'), topic('taps-failure')]);
    const subscriber = await queueWith(local.sqs, 'taps-success-subscriber');
    await sns.send(new SubscribeCommand({ TopicArn: onSuccess, Protocol: 'sqs', Endpoint: arnOf('sqs', 'taps-success-subscriber'), Attributes: { RawMessageDelivery: 'true' } }));
    const on = await fake({ onSuccess, onFailure });
    const result = await bench(on);
    const { delivery, report } = await reconciled(on, result);
    assert.deepEqual(delivery.failedVia, { onFailureDestination: on.failed(), deadLetterQueue: 0 });
    assert.equal(delivery.duplicates, 0);
    assert.deepEqual(delivery.seenIn, { [`sns:${onSuccess}`]: CALLS - on.failed(), [`sns:${onFailure}`]: on.failed() });
    assert.deepEqual(delivery.attempts, { 1: CALLS - on.failed(), 3: on.failed() });
    assert.deepEqual(report.config!.delivery!.destinations!.destinations.map((one) => [one.role, one.kind]), [['success', 'sns'], ['failure', 'sns']]);
    assert.equal(await messagesIn(local.sqs, subscriber), CALLS - on.failed(), "the topic's own subscriber got every success record");
  });

  it('an SNS DLQ: the event and its RequestID, ErrorCode and ErrorMessage read from the envelope\'s attributes', async () => {
    const [onSuccess, dlq] = await Promise.all([topic('taps-dlq-success'), topic('taps-dlq')]);
    const on = await fake({ onSuccess, dlq }, { name: 'tapped-dlq' });
    const result = await bench(on);
    const { delivery } = await reconciled(on, result);
    assert.deepEqual(delivery.failedVia, { onFailureDestination: 0, deadLetterQueue: on.failed() });
    assert.deepEqual(delivery.conditions, { Success: CALLS - on.failed(), DeadLetter: on.failed() });
    assert.deepEqual(delivery.seenIn, { [`sns:${onSuccess}`]: CALLS - on.failed(), [`sns:${dlq}`]: on.failed() });
  });

  it('invoke --wait: the completion record found through the SNS tap, said where it was seen; the tap gone after', async () => {
    const onSuccess = await topic('taps-invoke');
    const on = await fake({ onSuccess, onFailure: onSuccess }, { name: 'tapped-invoke' });
    const result = await runLambench(['invoke', on.name, '-t', 'event', '--wait', '--wait-timeout', '20s', '--payload', '{"n":1}', '--json'], { env: envFor(on), timeoutMs: 40_000 });
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout);
    assert.deepEqual([document.completion.condition, document.completion.requestId, document.completion.seenIn], ['Success', document.requestId, `sns:${onSuccess}`]);
    assert.deepEqual(document.destinations.destinations.map((one: { role: string }) => one.role), ['success', 'failure']);
    const runId = RUN_ID.exec(result.stderr)?.[1];
    assert.ok(runId, result.stderr);
    assert.deepEqual(await leftovers(runId), []);
  });

  it('EventBridge: a temporary rule on the bus and its queue, the record read from detail; a rule of the user stays', async () => {
    await events.send(new PutRuleCommand({ Name: 'users-own-rule', EventBusName: 'results-bus', EventPattern: JSON.stringify({ source: ['lambda'] }) }));
    const bus = local.stack.eventBuses['results-bus']!;
    const on = await fake({ onSuccess: bus, onFailure: bus });
    const result = await bench(on);
    const { delivery } = await reconciled(on, result);
    assert.deepEqual(delivery.seenIn, { [`events:${bus}`]: CALLS });
    const { Rules = [] } = await events.send(new ListRulesCommand({ EventBusName: 'results-bus' }));
    assert.deepEqual(Rules.map((rule) => rule.Name), ['users-own-rule']);
  });

  it('S3 on failure: objects listed from the run\'s start and matched by the request ID inside; nothing deleted', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'taps-failures' }));
    const today = new Date().toISOString();
    const foreignKey = `aws/lambda/async/tapped-s3/${today.slice(0, 10).replace(/-/g, '/')}/${today.slice(0, 19).replace(/:/g, '.')}-foreign`;
    await s3.send(new PutObjectCommand({ Bucket: 'taps-failures', Key: foreignKey, Body: JSON.stringify({ requestContext: { requestId: 'not-this-run', condition: 'RetriesExhausted' } }) }));
    await queueWith(local.sqs, 'taps-s3-success');
    const on = await fake({ onSuccess: arnOf('sqs', 'taps-s3-success'), onFailure: 'arn:aws:s3:::taps-failures' }, { name: 'tapped-s3' });
    const result = await bench(on);
    const { delivery } = await reconciled(on, result);
    assert.equal(delivery.seenIn?.['s3:taps-failures'], on.failed());
    const { KeyCount } = await s3.send(new ListObjectsV2Command({ Bucket: 'taps-failures', Prefix: 'aws/lambda/async/tapped-s3/' }));
    assert.equal(KeyCount, on.failed() + 1, 'every object still there, the foreign one too');
  });

  it('Ctrl-C while waiting (bench, then invoke --wait): the subscription, the rule and the temporary queues are removed, exit 130', async () => {
    const onSuccess = await topic('taps-interrupted');
    const on = await fake({ onSuccess, onFailure: local.stack.eventBuses['results-bus']! }, { deliver: false, name: 'tapped-interrupted' });
    const result = await bench(on, [], { interruptWhen: () => on.accepted() >= CALLS });
    assert.equal(result.code, 130, result.stderr);
    const runId = RUN_ID.exec(result.stderr)?.[1];
    assert.ok(runId, result.stderr);
    assert.deepEqual(await leftovers(runId), []);
    const waited = await runLambench(['invoke', on.name, '-t', 'event', '--wait', '--wait-timeout', '30s'], { env: envFor(on), timeoutMs: 40_000, interruptWhen: () => on.accepted() >= CALLS + 1 });
    assert.equal(waited.code, 130, waited.stderr);
    assert.match(waited.stderr, /lambench: interrupted while waiting for the completion record/);
    assert.deepEqual(await leftovers(RUN_ID.exec(waited.stderr)![1]!), [], 'invoke --wait removes its taps on Ctrl-C too');
  });

  it('refused before anything is sent: no destination at all and no logs (exit 2), discovery denied (exit 3, the permission named), a topic that does not exist (exit 3, nothing left)', async () => {
    const none = await fake({}, { name: 'tapped-none' });
    const bare = await bench(none);
    assert.equal(bare.code, 2, bare.stderr);
    // Its logs would do, but this stand-in has none: Lambda is local and no Logs endpoint is set.
    assert.match(bare.stderr, /lambench: tapped-none has no on-success or on-failure destination and no DLQ and its logs cannot be read \(Lambda is at http:\/\/127\.0\.0\.1:\d+ but no CloudWatch Logs endpoint is set \(AWS_ENDPOINT_URL_CLOUDWATCH_LOGS\)\): nothing to verify delivery on; make its CloudWatch Logs readable, configure a destination .* or pass --destination-queue\/--dlq/);
    const denied = await fake({ invokeConfig: 'deny', onSuccess: arnOf('sqs', 'x') }, { name: 'tapped-denied' });
    const refused = await bench(denied);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /lambda:GetFunctionEventInvokeConfig denied\): grant lambda:GetFunctionEventInvokeConfig, or pass --no-discover/);
    const missing = await fake({ onSuccess: arnOf('sns', 'no-such-topic') }, { name: 'tapped-missing' });
    const gone = await bench(missing);
    assert.equal(gone.code, 3, gone.stderr);
    assert.match(gone.stderr, /the SNS topic arn:aws:sns:[^ ]+:no-such-topic does not exist/);
    for (const result of [bare, refused, gone]) assert.equal(result.stderr.trim().split('\n').filter((line) => !line.startsWith('lambench: note:')).length, 1, result.stderr);
    assert.deepEqual([none.accepted(), denied.accepted(), missing.accepted()], [0, 0, 0], 'nothing sent');
    const { QueueUrls = [] } = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lambench-2' }));
    assert.deepEqual(QueueUrls, [], 'no temporary queue left by a refused run');
  });

  it('lambench cleanup: a dry run lists only what matches lambench-<run id>-…, --older-than filters, --delete removes it', async () => {
    const runId = '20261201t0900-ab12';
    await queueWith(local.sqs, `lambench-${runId}-success-sns`);
    await queueWith(local.sqs, 'lambench-not-a-run-queue');
    const topicArn = await topic('cleanup-topic');
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arnOf('sqs', `lambench-${runId}-success-sns`) }));
    await events.send(new PutRuleCommand({ Name: `lambench-${runId}-failure-events`, EventBusName: 'results-bus', EventPattern: JSON.stringify({ source: ['lambda'] }) }));
    await local.sqs.send(new SendMessageCommand({ QueueUrl: local.stack.queues['lambench-success']!, MessageBody: 'kept' }));
    const env = { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ENDPOINT_URL_SNS: local.stack.sqsUrl, AWS_ENDPOINT_URL_EVENTBRIDGE: local.stack.eventsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const dry = await runLambench(['cleanup', '--event-bus', 'results-bus'], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout.split('\n').filter((line) => line.startsWith('would remove')).length, 3, dry.stdout);
    assert.match(dry.stdout, /3 left behind; nothing removed \(a dry run\)/);
    assert.equal((await leftovers(runId)).length, 3, 'a dry run removes nothing');
    const recent = await runLambench(['cleanup', '--event-bus', 'results-bus', '--older-than', '1000000h', '--json'], { env });
    assert.deepEqual(JSON.parse(recent.stdout).found, [], '--older-than leaves younger runs out');
    const removed = await runLambench(['cleanup', '--event-bus', 'results-bus', '--delete'], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /3 of 3 removed/);
    assert.deepEqual(await leftovers(runId), []);
    const { QueueUrls = [] } = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lambench-' }));
    assert.ok(QueueUrls.some((url) => url.endsWith('/lambench-not-a-run-queue')) && QueueUrls.some((url) => url.endsWith('/lambench-success')), 'nothing outside the pattern touched');
    assert.equal(await messagesIn(local.sqs, local.stack.queues['lambench-success']!), 1);
  });
});
