/**
 * What SNS really delivers, decoded: the local stack's `flaky` dead-letters to an SNS topic (and
 * records on-failure to another), and fauxqs delivers each to two queues, one subscribed with the
 * envelope and one with raw delivery. Both copies decode to the same record: the same request ID,
 * kind, condition and error message, whichever way the subscription delivers.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeTapMessage } from '../../../src/delivery/tapRecords.js';
import { CREDENTIALS, useTestStack } from '../../support/helpers.js';

const DLQ_TOPIC = 'arn:aws:sns:us-east-1:000000000000:sns-deliveries-dlq';
const FAILURE_TOPIC = 'arn:aws:sns:us-east-1:000000000000:sns-deliveries-failure';

describe('SNS deliveries, enveloped and raw, decode alike', () => {
  const local = useTestStack({ functionConfig: { flaky: { deadLetterTarget: DLQ_TOPIC, onFailure: FAILURE_TOPIC, maximumRetryAttempts: 0 } } });
  let sns: SNSClient;
  const queues: Record<string, string> = {};
  before(async () => {
    sns = new SNSClient({ region: local.stack.region, endpoint: local.stack.sqsUrl, credentials: CREDENTIALS });
    for (const topic of [DLQ_TOPIC, FAILURE_TOPIC]) {
      await sns.send(new CreateTopicCommand({ Name: topic.split(':').pop()! }));
      for (const raw of [false, true]) {
        const name = `${topic.split(':').pop()}-${raw ? 'raw' : 'envelope'}`;
        const { QueueUrl } = await local.sqs.send(new CreateQueueCommand({ QueueName: name }));
        const { Attributes } = await local.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
        await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: Attributes!.QueueArn!, Attributes: { RawMessageDelivery: String(raw) } }));
        queues[name] = QueueUrl!;
      }
    }
  });
  after(() => sns.destroy());

  async function receiveOne(queueUrl: string): Promise<Message> {
    for (let round = 0; round < 20; round += 1) {
      const { Messages = [] } = await local.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      if (Messages[0]) return Messages[0];
    }
    throw new Error(`nothing arrived on ${queueUrl} within 20 s`);
  }

  it('a failed event: its DLQ message and its on-failure record, each enveloped and raw, decoded to the same facts', async () => {
    const { $metadata } = await local.lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"fail":true,"meta":{"clientRequestId":"sns-1"}}') }));
    const requestId = $metadata.requestId;
    assert.ok(requestId);
    for (const [topic, kind, condition] of [['sns-deliveries-dlq', 'deadLetter', 'DeadLetter'], ['sns-deliveries-failure', 'destination', 'RetriesExhausted']] as const) {
      const decoded = [];
      for (const delivery of ['envelope', 'raw']) {
        const message = await receiveOne(queues[`${topic}-${delivery}`]!);
        if (delivery === 'envelope') assert.equal(JSON.parse(message.Body!).Type, 'Notification', 'an envelope');
        else assert.notEqual(JSON.parse(message.Body!).Type, 'Notification', 'raw: the payload itself');
        decoded.push(decodeTapMessage(message, 'tap-url', 'sns', `sns:${topic}`));
      }
      for (const record of decoded) {
        assert.equal(record?.kind, kind, `${topic}: ${JSON.stringify(record)}`);
        assert.equal(record?.requestId, requestId);
        assert.equal(record?.condition, condition);
        assert.equal(record?.clientRequestId, 'sns-1');
      }
      if (kind === 'deadLetter') assert.ok(decoded.every((record) => /failing as asked/.test(record?.errorMessage ?? '')), JSON.stringify(decoded));
    }
  });
});
