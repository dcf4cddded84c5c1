/**
 * SNS, EventBridge, S3 and CloudWatch Logs clients for reading evidence (destinations, logs),
 * configured the way the rest of lambench resolves AWS settings (region, profile,
 * AWS_ENDPOINT_URL_<SERVICE>): a few retries (these calls are not what is measured) and a deadline on
 * each attempt. S3 is addressed by path on any given endpoint (an emulator has no bucket subdomains).
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { resolveAwsConfig, type AwsOptions, type AwsService } from './awsConfig.js';

const requestHandler = { requestTimeout: 10_000, connectionTimeout: 5_000, throwOnRequestTimeout: true };

async function settingsFor(service: AwsService, options: AwsOptions, note: (message: string) => void, regionHint?: string) {
  const aws = await resolveAwsConfig(options, service, note, options.region ? undefined : regionHint);
  return { region: aws.region, credentials: aws.credentials, ...(aws.endpoint && { endpoint: aws.endpoint }), maxAttempts: 3, requestHandler };
}

export async function createSnsClient(options: AwsOptions, note: (message: string) => void, regionHint?: string): Promise<SNSClient> {
  const [{ SNSClient }, settings] = await Promise.all([import('@aws-sdk/client-sns'), settingsFor('SNS', options, note, regionHint)]);
  return new SNSClient(settings);
}

export async function createEventBridgeClient(options: AwsOptions, note: (message: string) => void, regionHint?: string): Promise<EventBridgeClient> {
  const [{ EventBridgeClient }, settings] = await Promise.all([import('@aws-sdk/client-eventbridge'), settingsFor('EVENTBRIDGE', options, note, regionHint)]);
  return new EventBridgeClient(settings);
}

export async function createS3Client(options: AwsOptions, note: (message: string) => void, regionHint?: string): Promise<S3Client> {
  const [{ S3Client }, settings] = await Promise.all([import('@aws-sdk/client-s3'), settingsFor('S3', options, note, regionHint)]);
  return new S3Client({ ...settings, forcePathStyle: settings.endpoint !== undefined });
}

export async function createLogsClient(options: AwsOptions, note: (message: string) => void, regionHint?: string): Promise<CloudWatchLogsClient> {
  const [{ CloudWatchLogsClient }, settings] = await Promise.all([import('@aws-sdk/client-cloudwatch-logs'), settingsFor('CLOUDWATCH_LOGS', options, note, regionHint)]);
  // One attempt: findInvocationLogs backs off on throttles itself (FilterLogEvents allows about 5 calls a second).
  return new CloudWatchLogsClient({ ...settings, maxAttempts: 1 });
}
