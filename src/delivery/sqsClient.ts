/**
 * An SQS client configured the way the rest of lambench resolves AWS settings. When no SQS
 * endpoint is configured, the queue URL says where the queue lives: its region
 * (`sqs.<region>.amazonaws.com`), and for a local emulator its origin, with `*.localhost` hosts
 * (which do not always resolve) read as 127.0.0.1.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { isLoopbackHost, resolveAwsConfig, type AwsOptions } from '../targets/awsConfig.js';

/** A receive long-polls for at most 20 s; anything slower than this is an SQS that stopped answering. */
const REQUEST_TIMEOUT_MS = 25_000;

export async function createSqsClient(options: AwsOptions, queueUrls: string[], note: (message: string) => void): Promise<SQSClient> {
  const configured = options.endpointUrl ?? (process.env.AWS_ENDPOINT_URL_SQS || process.env.AWS_ENDPOINT_URL || undefined);
  const first = queueUrls.map(parse).find((url) => url !== undefined);
  const endpointUrl = configured ?? (first && isLoopbackHost(first.hostname) ? localOrigin(first) : undefined);
  const region = first ? /^sqs\.([a-z0-9-]+)\./.exec(first.hostname)?.[1] : undefined;
  const aws = await resolveAwsConfig({ ...options, ...(endpointUrl && { endpointUrl }) }, 'SQS', note, options.region ? undefined : region);
  return new SQSClient({
    region: aws.region,
    credentials: aws.credentials,
    ...(aws.endpoint && { endpoint: aws.endpoint, useQueueUrlAsEndpoint: false }),
    maxAttempts: 3,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 5_000 },
  });
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function localOrigin(url: URL): string {
  const host = url.hostname.endsWith('.localhost') ? '127.0.0.1' : url.hostname;
  return `${url.protocol}//${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${url.port ? `:${url.port}` : ''}`;
}
