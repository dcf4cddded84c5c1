/**
 * Observes an SNS topic (a destination or a DLQ) without changing it: a temporary queue subscribed
 * to the topic for the run (envelope delivery: the DLQ's RequestID, ErrorCode and ErrorMessage
 * arrive as the envelope's message attributes), allowed to receive from that topic only. The
 * subscription and the queue are registered for removal as they are made.
 */
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { TargetUnavailableError, messageOf } from '../errors.js';
import { parseArn } from '../aws/arn.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { allowOnly, createTapQueue, type TapQueue } from './tapQueue.js';
import type { TempResources } from './tempResources.js';

/** The topic's subscriptions delivering to `endpoint`, every page (bounded). */
async function subscriptionsOf(sns: SNSClient, topicArn: string, endpoint: string): Promise<string[]> {
  const found: string[] = [];
  let NextToken: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const answer = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(NextToken && { NextToken }) }));
    for (const one of answer.Subscriptions ?? []) if (one.Endpoint === endpoint && one.SubscriptionArn?.startsWith('arn:')) found.push(one.SubscriptionArn);
    NextToken = answer.NextToken;
    if (!NextToken) break;
  }
  return found;
}

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
  // Registered before it is made: a Subscribe whose answer was lost (or that names no ARN) may have
  // subscribed all the same: the topic's subscriptions to this queue are then found and removed.
  let made: string | undefined;
  const region = parseArn(topicArn)?.region;
  resources.add(`subscription of ${queueName} to ${topicArn}`, `aws sns list-subscriptions-by-topic --topic-arn ${topicArn}${region ? ` --region ${region}` : ''} (then aws sns unsubscribe the one whose endpoint is ${queue.arn})`, async () => {
    for (const SubscriptionArn of made ? [made] : await subscriptionsOf(sns, topicArn, queue.arn)) await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  });
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, ReturnSubscriptionArn: true }));
  if (SubscriptionArn && SubscriptionArn !== 'pending confirmation') made = SubscriptionArn;
  return queue;
}
