/**
 * Observes an SNS topic (a destination or a DLQ) without changing it: a temporary queue subscribed
 * to the topic for the run (envelope delivery: the DLQ's RequestID, ErrorCode and ErrorMessage
 * arrive as the envelope's message attributes), allowed to receive from that topic only. The
 * subscription and the queue are registered for removal as they are made.
 */
import { GetTopicAttributesCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { TargetUnavailableError, messageOf } from '../errors.js';
import { parseArn } from '../aws/arn.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { allowOnly, createTapQueue, type TapQueue } from './tapQueue.js';
import type { TempResources } from './tempResources.js';

export async function openSnsTap(sns: SNSClient, sqs: SQSClient, resources: TempResources, topicArn: string, queueName: string): Promise<TapQueue> {
  try {
    await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'NotFoundException' || name === 'NotFound') throw new TargetUnavailableError(`the SNS topic ${topicArn} does not exist: check the function's destination or DLQ, the region and the SNS endpoint (AWS_ENDPOINT_URL_SNS)`, { cause: error });
    if (isAccessDenied(error)) throw new TargetUnavailableError(`not allowed to read the SNS topic ${topicArn} (sns:GetTopicAttributes denied): grant it (and sns:Subscribe, sns:Unsubscribe), or pass --no-discover with --destination-queue/--dlq`, { cause: error });
    throw new TargetUnavailableError(`cannot reach SNS for ${topicArn} (${name || messageOf(error)}): check the SNS endpoint (AWS_ENDPOINT_URL_SNS) and credentials`, { cause: error });
  }
  const queue = await createTapQueue(sqs, resources, queueName);
  await allowOnly(sqs, queue, 'sns.amazonaws.com', topicArn);
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, ReturnSubscriptionArn: true }));
  // Without its ARN the subscription could not be removed: refused now (the queue is removed with the rest) rather than left behind.
  if (!SubscriptionArn) throw new TargetUnavailableError(`SNS subscribed ${queueName} to ${topicArn} without saying its subscription ARN: lambench could not remove it, so it does not keep it; remove it with aws sns list-subscriptions-by-topic --topic-arn ${topicArn}`);
  const region = parseArn(topicArn)?.region;
  resources.add(`subscription of ${queueName} to ${topicArn}`, `aws sns unsubscribe --subscription-arn ${SubscriptionArn}${region ? ` --region ${region}` : ''}`, async () => {
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  });
  return queue;
}
