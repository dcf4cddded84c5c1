/**
 * `lambench replay` against the local stack: events that really failed (the `flaky` sample asked to
 * fail, retried by the stack, then dead-lettered and recorded on its on-failure destination: an SQS
 * queue, an S3 bucket, an SNS topic) are re-invoked once each; nothing is deleted without --delete, and with it only what was answered;
 * foreign messages stay; bad input is one line with the contract's exit code.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CREDENTIALS, runLambench, useTestStack } from '../support/helpers.js';
import { messagesIn } from '../support/queues.js';

const FAILING = 5;

describe('replay: failed async events re-invoked, deleted only when asked and answered', { timeout: 180_000 }, () => {
  const local = useTestStack();
  let env: Record<string, string>;
  const dlq = () => local.stack.queues['lambench-dlq']!;
  const failures = () => local.stack.queues['lambench-failure']!;
  const ids = Array.from({ length: FAILING }, (_, n) => `replay-${n}`);

  before(async () => {
    const { lambda, sqs, stack } = local;
    env = { AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_REGION: stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    for (const id of ids) {
      await lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ fail: true, meta: { clientRequestId: id } })) }));
    }
    // Each failing event settles (its retries, then the DLQ and the on-failure destination) within seconds on the scaled stack.
    for (let round = 0; round < 200 && ((await messagesIn(sqs, dlq())) < FAILING || (await messagesIn(sqs, failures())) < FAILING); round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await messagesIn(sqs, dlq()), FAILING, 'every failing event dead-lettered');
    assert.equal(await messagesIn(sqs, failures()), FAILING, 'every failing event on the on-failure destination');
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq(), MessageBody: '{"someone":"else"}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: failures(), MessageBody: '{"not":"a record"}' }));
  });

  const replay = (args: string[]) => runLambench(['replay', ...args], { env, timeoutMs: 60_000 });
  const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('from the DLQ: --dry-run lists each failed event once and touches nothing; without --function it says to give one', async () => {
    const blind = await replay([dlq(), '--dry-run']);
    assert.equal(blind.code, 2, blind.stderr);
    assert.match(blind.stderr, /5 skipped: a DLQ message does not name its function: give --function/);

    const dry = await replay([dlq(), '--function', 'flaky', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const events = lines(dry.stdout);
    const summary = events.pop()!;
    assert.deepEqual(events.map((event) => event.correlationId).sort(), ids);
    assert.ok(events.every((event) => event.type === 'wouldReplay' && typeof event.requestId === 'string'));
    assert.equal(summary.wouldReplay, FAILING);
    assert.equal(summary.examined, FAILING + 1);
    assert.equal(await messagesIn(local.sqs, dlq()), FAILING + 1, 'nothing deleted');
  });

  it('from the DLQ to the still-broken function: each fails again once, nothing deleted', async () => {
    const run = await replay([dlq(), '--function', 'flaky', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const summary = lines(run.stdout).pop()!;
    assert.deepEqual([summary.replayed, summary.succeeded, summary.failedAgain, summary.deleted], [FAILING, 0, FAILING, 0]);
    assert.match(run.stdout, /Unhandled|flaky: failing as asked/);
    assert.equal(await messagesIn(local.sqs, dlq()), FAILING + 1);
  });

  it('--match replays only the named event; --delete to the fixed function deletes exactly the answered ones, the foreign message stays', async () => {
    const one = await replay([dlq(), '--function', 'sleep', '--match', ids[0]!, '--delete', '--json']);
    assert.equal(one.code, 0, one.stderr);
    const oneSummary = lines(one.stdout).pop()!;
    assert.deepEqual([oneSummary.replayed, oneSummary.succeeded, oneSummary.deleted], [1, 1, 1]);
    assert.equal(await messagesIn(local.sqs, dlq()), FAILING);

    const rest = await replay([dlq(), '--function', 'sleep', '--delete']);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stderr, new RegExp(`${FAILING - 1} replayed synchronously: ${FAILING - 1} succeeded, 0 failed again; ${FAILING - 1} deleted`));
    assert.equal(await messagesIn(local.sqs, dlq()), 1, 'only the foreign message is left');
  });

  it('from the on-failure destination: the function from each record, as events; a success record or a foreign body is never replayed', async () => {
    const dry = await replay([failures(), '--type', 'event', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const events = lines(dry.stdout);
    const summary = events.pop()!;
    assert.equal(events.length, FAILING);
    assert.ok(events.every((event) => String(event.functionName).includes(':function:flaky')), JSON.stringify(events[0]));
    assert.deepEqual(summary.skipped, { 'not a destination record or an async DLQ message (no requestContext, no RequestID attribute)': 1 });

    const run = await replay([failures(), '--type', 'event', '--function', 'sleep', '--delete', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const runSummary = lines(run.stdout).pop()!;
    assert.deepEqual([runSummary.replayed, runSummary.succeeded, runSummary.deleted], [FAILING, FAILING, FAILING]);
    assert.equal(await messagesIn(local.sqs, failures()), 1, 'the foreign body stays');
  });

  it('bad input: a source that does not exist (exit 3), --type other, --delete with --dry-run (exit 2); Lambda refusing every call: exit 3, nothing deleted', async () => {
    const missing = await replay([`${local.stack.sqsUrl}/000000000000/no-such-queue`, '--function', 'flaky']);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /^lambench: source .*no-such-queue: no such queue/);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    for (const args of [[dlq(), '--type', 'later'], [dlq(), '--delete', '--dry-run']]) {
      const bad = await replay(args);
      assert.equal(bad.code, 2, bad.stderr);
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    }
    await local.sqs.send(new SendMessageCommand({ QueueUrl: dlq(), MessageBody: '{"n":1}', MessageAttributes: { RequestID: { DataType: 'String', StringValue: 'r-1' }, ErrorCode: { DataType: 'Number', StringValue: '200' } } }));
    const refused = await replay([dlq(), '--function', 'no-such-function', '--delete']);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /Lambda refused every re-invoke/);
    assert.equal(await messagesIn(local.sqs, dlq()), 2, 'nothing deleted');
  });
});

describe('replay from an S3 on-failure destination and an SNS DLQ', { timeout: 180_000 }, () => {
  const TOPIC = 'arn:aws:sns:us-east-1:000000000000:replay-dlq';
  const local = useTestStack({ functionConfig: { flaky: { onFailure: 'arn:aws:s3:::replay-failures', deadLetterTarget: TOPIC } } });
  let env: Record<string, string>;
  let s3: S3Client;
  const ids = Array.from({ length: FAILING }, (_, n) => `s3-${n}`);
  const objects = async () => (await s3.send(new ListObjectsV2Command({ Bucket: 'replay-failures' }))).Contents ?? [];

  before(async () => {
    const { stack } = local;
    env = { AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_ENDPOINT_URL_S3: stack.sqsUrl, AWS_ENDPOINT_URL_SNS: stack.sqsUrl, AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_REGION: stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    s3 = new S3Client({ region: stack.region, endpoint: stack.sqsUrl, forcePathStyle: true, credentials: CREDENTIALS });
  });
  after(() => s3.destroy());

  const invokeFailing = async (payloads: string[]) => {
    for (const payload of payloads) await local.lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from(payload) }));
  };
  const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('S3: every failed event re-invoked once from its record; nothing deleted without --delete; with it, only the answered objects; a foreign object stays', async () => {
    await invokeFailing(ids.map((id) => JSON.stringify({ fail: true, meta: { clientRequestId: id } })));
    for (let round = 0; round < 200 && (await objects()).length < FAILING; round += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await objects()).length, FAILING);
    await s3.send(new PutObjectCommand({ Bucket: 'replay-failures', Key: 'aws/lambda/async/flaky/someone-else.json', Body: '{"not":"a record"}' }));

    const again = await runLambench(['replay', 'arn:aws:s3:::replay-failures', '--function', 'flaky', '--json'], { env, timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stderr);
    const events = lines(again.stdout);
    const summary = events.pop()!;
    assert.deepEqual(events.map((event) => event.correlationId).sort(), ids);
    assert.deepEqual([summary.replayed, summary.failedAgain, summary.deleted], [FAILING, FAILING, 0]);
    assert.equal((await objects()).length, FAILING + 1, 'nothing deleted');

    const fixed = await runLambench(['replay', 's3://replay-failures/aws/lambda/async/flaky/', '--function', 'sleep', '--delete', '--json'], { env, timeoutMs: 60_000 });
    assert.equal(fixed.code, 0, fixed.stderr);
    const fixedSummary = lines(fixed.stdout).pop()!;
    assert.deepEqual([fixedSummary.replayed, fixedSummary.succeeded, fixedSummary.deleted], [FAILING, FAILING, FAILING]);
    assert.deepEqual((await objects()).map((object) => object.Key), ['aws/lambda/async/flaky/someone-else.json']);
  });

  it('SNS: what the topic publishes while replay listens is re-invoked; --max ends it; the temporary queue and subscription are gone after', async () => {
    const sns = new SNSClient({ region: local.stack.region, endpoint: local.stack.sqsUrl, credentials: CREDENTIALS });
    try {
      const replaying = runLambench(['replay', TOPIC, '--function', 'sleep', '--listen', '60s', '--max', '3', '--json'], { env, timeoutMs: 90_000 });
      // Failing events once the subscription is there (lambench says so on stderr only after subscribing: poll for it).
      for (let round = 0; round < 100; round += 1) {
        const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
        if (Subscriptions.some((subscription) => subscription.Endpoint?.includes(':lambench-'))) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await invokeFailing(['{"fail":true,"n":1}', '{"fail":true,"n":2}', '{"fail":true,"n":3}']);
      const run = await replaying;
      assert.equal(run.code, 0, run.stderr);
      const summary = lines(run.stdout).pop()!;
      assert.deepEqual([summary.replayed, summary.succeeded], [3, 3]);
      const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
      assert.deepEqual(Subscriptions.filter((subscription) => subscription.Endpoint?.includes(':lambench-')), [], 'the subscription is gone');
      const { QueueUrls = [] } = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lambench-2' }));
      assert.deepEqual(QueueUrls, [], 'the temporary queue is gone');
    } finally {
      sns.destroy();
    }
  });

  it('SNS, Ctrl-C while listening: exit 130, the temporary queue and subscription removed', async () => {
    const sns = new SNSClient({ region: local.stack.region, endpoint: local.stack.sqsUrl, credentials: CREDENTIALS });
    const tapped = async () => ((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }))).Subscriptions ?? []).filter((subscription) => subscription.Endpoint?.includes(':lambench-'));
    try {
      let subscribed = false;
      const watch = setInterval(() => void tapped().then((found) => (subscribed ||= found.length > 0)), 100);
      const run = await runLambench(['replay', TOPIC, '--function', 'sleep', '--listen', '60s'], { env, timeoutMs: 60_000, interruptWhen: () => subscribed });
      clearInterval(watch);
      assert.equal(run.code, 130, run.stderr);
      assert.deepEqual(await tapped(), []);
      const { QueueUrls = [] } = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lambench-2' }));
      assert.deepEqual(QueueUrls, []);
    } finally {
      sns.destroy();
    }
  });

  it('an SNS source takes no --delete (a topic keeps nothing): exit 2', async () => {
    const run = await runLambench(['replay', TOPIC, '--function', 'sleep', '--delete'], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--delete does not apply to an SNS topic/);
  });
});
