/**
 * The temporary SQS queue a tap delivers into (an SNS subscription, an EventBridge rule's target):
 * named `lambench-<run id>-<purpose>`, its policy allowing one service to send only from one source
 * (`aws:SourceArn`: the topic, the rule), registered for removal before anything else is made.
 */
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isNoSuchQueue } from '../aws/queueRef.js';
import { withSqsDeadline } from '../aws/sqsClient.js';
import type { TempResources } from './tempResources.js';

export interface TapQueue {
  url: string;
  arn: string;
}

export async function createTapQueue(sqs: SQSClient, resources: TempResources, name: string): Promise<TapQueue> {
  // Registered before it is made, and removed by name: a CreateQueue whose answer was lost (a
  // timeout) may have made it all the same; one never made is nothing to remove.
  let made: string | undefined;
  resources.add(`queue ${name}`, `aws sqs delete-queue --queue-url "$(aws sqs get-queue-url --queue-name ${name} --query QueueUrl --output text)"`, async () => {
    try {
      const QueueUrl = made ?? (await withSqsDeadline((call) => sqs.send(new GetQueueUrlCommand({ QueueName: name }), call))).QueueUrl;
      await withSqsDeadline((call) => sqs.send(new DeleteQueueCommand({ QueueUrl }), call));
    } catch (error) {
      if (!isNoSuchQueue(error)) throw error;
    }
  });
  // Records stay a day at most: the queue is removed at the end, and cleanup finds it if it is not.
  const { QueueUrl } = await withSqsDeadline((call) => sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: '86400' } }), call));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  made = QueueUrl;
  const { Attributes } = await withSqsDeadline((call) => sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }), call));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS gave no QueueArn for ${QueueUrl}`);
  return { url: QueueUrl, arn };
}

/** Lets `service` (sns.amazonaws.com, events.amazonaws.com) send to the queue from `sourceArn` alone. */
export async function allowOnly(sqs: SQSClient, queue: TapQueue, service: string, sourceArn: string): Promise<void> {
  await withSqsDeadline((call) => sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { Policy: JSON.stringify(tapPolicy(queue.arn, service, sourceArn)) } }), call));
}

export function tapPolicy(queueArn: string, service: string, sourceArn: string): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'lambench-tap', Effect: 'Allow', Principal: { Service: service }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } } }],
  };
}
