/**
 * A failing async event in every kind of destination the local stack writes, read back through real
 * clients (SQS, SNS and S3 are fauxqs's, EventBridge the stack's own): the same record each time,
 * after exactly the configured number of attempts — in an SQS queue, in an SNS topic seen by an
 * enveloped and a raw-delivery subscription, on an event bus seen through a rule's SQS target, as
 * an S3 object under Lambda's key, in another function; and the SNS DLQ with its three attributes.
 */
import { PutFunctionEventInvokeConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { AsyncCompletion } from '../../../src/local/index.js';
import { CREDENTIALS, receiveMatching, useTestStack } from '../../support/helpers.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:results`;
const DLQ_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:dead-letters`;
const BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/results`;
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

describe('destinations of every kind', () => {
  const completions: AsyncCompletion[] = [];
  const t = useTestStack({
    queues: ['plain', 'sns-envelope', 'sns-raw', 'bus-tap', 'dlq-tap', 'echo-out'],
    topics: ['results'],
    buckets: ['failures'],
    eventBuses: ['results'],
    // The DLQ is function-wide: every failing flaky event below also lands in dead-letters.
    functionConfig: { flaky: { deadLetterTarget: DLQ_TOPIC } },
    onAsyncCompletion: (completion) => completions.push(completion),
  });
  let sns: SNSClient;
  let s3: S3Client;
  let events: EventBridgeClient;

  before(async () => {
    const endpoint = t.stack.sqsUrl;
    sns = new SNSClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    s3 = new S3Client({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1, forcePathStyle: true });
    events = new EventBridgeClient({ region: REGION, endpoint: t.stack.eventsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
    await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: queueArn('sns-envelope') }));
    await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: queueArn('sns-raw'), Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new SubscribeCommand({ TopicArn: DLQ_TOPIC, Protocol: 'sqs', Endpoint: queueArn('dlq-tap'), Attributes: { RawMessageDelivery: 'true' } }));
    await events.send(new PutRuleCommand({ Name: 'failures', EventBusName: 'results', EventPattern: JSON.stringify({ source: ['lambda'], 'detail-type': ['Lambda Function Invocation Result - Failure'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'failures', EventBusName: 'results', Targets: [{ Id: 'tap', Arn: queueArn('bus-tap') }] }));
  });
  after(() => {
    sns.destroy();
    s3.destroy();
    events.destroy();
  });

  /** Wires flaky's failures to `destination` with one retry, sends a failing event, and returns its request ID once settled. */
  async function failOnce(destination: string, payload: Record<string, unknown> = { fail: true }): Promise<string> {
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: destination } } }));
    const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
    const requestId = out.$metadata.requestId!;
    for (let round = 0; round < 200 && !completions.some((c) => c.requestId === requestId); round += 1) await sleep(25);
    assert.deepEqual(completions.find((c) => c.requestId === requestId), { requestId, functionName: 'flaky', condition: 'RetriesExhausted', attempts: 2 });
    return requestId;
  }

  /** The record every kind carries: the failure after exactly two attempts. */
  function assertRecord(record: Record<string, any>, requestId: string, payload: unknown = { fail: true }): void {
    assert.deepEqual(record.requestContext, { requestId, functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:flaky:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    assert.deepEqual(record.requestPayload, payload);
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record.version, '1.0');
  }

  const bodyNaming = (requestId: string) => (message: { Body?: string }) => message.Body?.includes(requestId) ?? false;

  it('SQS: the record is the message body', async () => {
    const requestId = await failOnce(queueArn('plain'));
    assertRecord(JSON.parse((await receiveMatching(t.sqs, t.stack.queues.plain!, bodyNaming(requestId))).Body!), requestId);
  });

  it('SNS: the record is the Message, inside the envelope, or the whole body with raw delivery', async () => {
    const requestId = await failOnce(TOPIC);
    const envelope = JSON.parse((await receiveMatching(t.sqs, t.stack.queues['sns-envelope']!, bodyNaming(requestId))).Body!);
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.TopicArn, TOPIC);
    assertRecord(JSON.parse(envelope.Message), requestId);
    assertRecord(JSON.parse((await receiveMatching(t.sqs, t.stack.queues['sns-raw']!, bodyNaming(requestId))).Body!), requestId);
  });

  it('EventBridge: the record is the detail of a "Lambda Function Invocation Result - Failure" event from lambda', async () => {
    const requestId = await failOnce(BUS);
    const event = JSON.parse((await receiveMatching(t.sqs, t.stack.queues['bus-tap']!, bodyNaming(requestId))).Body!);
    assert.deepEqual([event.source, event['detail-type'], event.account, event.region], ['lambda', 'Lambda Function Invocation Result - Failure', ACCOUNT, REGION]);
    assert.deepEqual(event.resources, [BUS, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:flaky:$LATEST`]);
    assertRecord(event.detail, requestId);
  });

  it('S3: the record is an object under aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>', async () => {
    const marker = `s3-${Date.now()}`;
    const requestId = await failOnce('arn:aws:s3:::failures', { fail: true, marker });
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: 'failures', Prefix: 'aws/lambda/async/flaky/' }));
    const keys = Contents.map((object) => object.Key!);
    assert.equal(keys.length, 1, keys.join(', '));
    assert.match(keys[0]!, /^aws\/lambda\/async\/flaky\/(\d{4})\/(\d\d)\/(\d\d)\/\1-\2-\3T\d\d\.\d\d\.\d\d-[0-9a-f-]{36}$/);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'failures', Key: keys[0]! }));
    assertRecord(JSON.parse(await object.Body!.transformToString()), requestId, { fail: true, marker });
  });

  it('Lambda: the record is the event of an async invocation of the destination function', async () => {
    // echo succeeds with whatever it gets; its own success record (wired to echo-out) carries that event as requestPayload.
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'echo', DestinationConfig: { OnSuccess: { Destination: queueArn('echo-out') } } }));
    const requestId = await failOnce(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:echo`);
    const echoed = JSON.parse((await receiveMatching(t.sqs, t.stack.queues['echo-out']!, bodyNaming(requestId))).Body!);
    assert.equal(echoed.requestContext.condition, 'Success');
    assertRecord(echoed.requestPayload, requestId);
  });

  it('SNS DLQ: the event as sent, with RequestID (String), ErrorCode (Number) and ErrorMessage (String)', async () => {
    const marker = `dlq-${Date.now()}`;
    const requestId = await failOnce(queueArn('plain'), { fail: true, marker });
    const message = await receiveMatching(t.sqs, t.stack.queues['dlq-tap']!, (m) => m.Body?.includes(marker) ?? false);
    assert.deepEqual(JSON.parse(message.Body!), { fail: true, marker });
    const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, [value.DataType, value.StringValue]]));
    assert.deepEqual(Object.keys(attributes).sort(), ['ErrorCode', 'ErrorMessage', 'RequestID']);
    assert.deepEqual(attributes.RequestID, ['String', requestId]);
    assert.deepEqual(attributes.ErrorCode, ['Number', '200']);
    assert.deepEqual(attributes.ErrorMessage, ['String', 'flaky: failing as asked (event.fail === true)']);
  });
});
