/** An SQS client configured the way the rest of lambench resolves AWS settings. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { resolveAwsConfig, type AwsOptions } from '../targets/awsConfig.js';

export async function createSqsClient(options: AwsOptions, note: (message: string) => void): Promise<SQSClient> {
  const aws = await resolveAwsConfig(options, 'SQS', note);
  return new SQSClient({ region: aws.region, credentials: aws.credentials, ...(aws.endpoint && { endpoint: aws.endpoint }), maxAttempts: 3 });
}
