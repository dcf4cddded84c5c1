/** A queue named in a profile, by name rather than URL: its URL as SQS gives it (GetQueueUrl). */
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import type { AwsOptions } from '../aws/awsConfig.js';
import { createSqsClient, withSqsDeadline } from '../aws/sqsClient.js';
import { isNoSuchQueue } from '../aws/queueRef.js';

export async function lookUpQueueUrls(names: string[], aws: AwsOptions, note: (message: string) => void): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  if (names.length === 0) return urls;
  const sqs = await createSqsClient(aws, [], note);
  try {
    for (const name of names) {
      try {
        const { QueueUrl } = await withSqsDeadline((options) => sqs.send(new GetQueueUrlCommand({ QueueName: name }), options));
        if (QueueUrl) urls.set(name, QueueUrl);
      } catch (error) {
        if (isNoSuchQueue(error)) {
          throw new UsageError(`no queue named '${name}' in this account and region: create it, or give its URL`);
        }
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new TargetUnavailableError(`cannot look up queue URLs (${messageOf(error)}): check the SQS endpoint and credentials, or give the queues' URLs in the profile`, { cause: error });
  } finally {
    sqs.destroy();
  }
  return urls;
}
