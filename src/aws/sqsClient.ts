/**
 * An SQS client configured the way the rest of lambench resolves AWS settings. When no SQS
 * endpoint is configured, the queue URL says where the queue lives: its region
 * (`sqs.<region>.amazonaws.com`), and for a local emulator its origin, with `*.localhost` hosts
 * (which do not always resolve) read as 127.0.0.1.
 *
 * Every call has a deadline that ends it: an SQS that accepts connections and never answers
 * must not hold a run (or `poll`) forever. The SDK's requestTimeout only logs a warning unless
 * throwOnRequestTimeout is set, so it is set; and each call lambench makes carries its own
 * overall deadline (withSqsDeadline) so that retries cannot stack the attempts' timeouts up.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { isLoopbackHost, resolveAwsConfig, type AwsOptions, type ResolvedAwsConfig } from './awsConfig.js';
import { withDeadline } from './callDeadline.js';

/** One attempt of a call that is not a long poll: SQS answers these in milliseconds. */
const ATTEMPT_TIMEOUT_MS = 5_000;
/** A whole call (all its attempts) that is not a long poll. */
export const SQS_CALL_DEADLINE_MS = 10_000;
/** Beyond its long-poll wait, how long a receive may take to answer before it counts as hung. */
export const RECEIVE_GRACE_MS = 4_000;

/** A client for sending under load: as many sockets as calls in flight, and one attempt a call (a throttle is counted, not retried away). */
export interface SqsClientUse {
  connections?: number;
  maxAttempts?: number;
}

export async function createSqsClient(options: AwsOptions, queueUrls: string[], note: (message: string) => void, use: SqsClientUse = {}): Promise<SQSClient> {
  return sqsClientFor(await resolveSqsAws(options, queueUrls, note), use);
}

/**
 * Region, credentials and endpoint for SQS: the flags and the AWS chain, else what the first queue
 * URL says (its region; a local emulator's origin as the endpoint).
 */
export async function resolveSqsAws(options: AwsOptions, queueUrls: string[], note: (message: string) => void): Promise<ResolvedAwsConfig> {
  const configured = options.endpointUrl ?? (process.env.AWS_ENDPOINT_URL_SQS || process.env.AWS_ENDPOINT_URL || undefined);
  const first = queueUrls.map(parse).find((url) => url !== undefined);
  const endpointUrl = configured ?? (first && isLoopbackHost(first.hostname) ? localOrigin(first) : undefined);
  const region = first ? regionOfQueueUrl(first.href) : undefined;
  return resolveAwsConfig({ ...options, ...(endpointUrl && { endpointUrl }) }, 'SQS', note, options.region ? undefined : region);
}

export function sqsClientFor(aws: ResolvedAwsConfig, use: SqsClientUse = {}): SQSClient {
  return new SQSClient({
    region: aws.region,
    credentials: aws.credentials,
    ...(aws.endpoint && { endpoint: aws.endpoint, useQueueUrlAsEndpoint: false }),
    maxAttempts: use.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: ATTEMPT_TIMEOUT_MS,
      connectionTimeout: 5_000,
      throwOnRequestTimeout: true,
      ...(use.connections !== undefined && { httpAgent: { keepAlive: true, maxSockets: use.connections }, httpsAgent: { keepAlive: true, maxSockets: use.connections } }),
    },
  });
}

/** What bounds one attempt of a call, and the signal that ends the whole call. */
export interface SqsCallOptions {
  requestTimeout: number;
  abortSignal: AbortSignal;
}

/**
 * Runs one SQS call under its bounds: each attempt's timeout, and an overall deadline (also ended
 * by `stop`, when given; callDeadline.ts). A receive's attempt may take its long-poll wait plus
 * RECEIVE_GRACE_MS; anything else gets ATTEMPT_TIMEOUT_MS an attempt, SQS_CALL_DEADLINE_MS in all.
 */
export function withSqsDeadline<T>(call: (options: SqsCallOptions) => Promise<T>, stop?: AbortSignal, waitSeconds?: number): Promise<T> {
  const requestTimeout = waitSeconds === undefined ? ATTEMPT_TIMEOUT_MS : waitSeconds * 1000 + RECEIVE_GRACE_MS;
  const deadlineMs = waitSeconds === undefined ? SQS_CALL_DEADLINE_MS : 2 * requestTimeout;
  return withDeadline((abortSignal) => call({ requestTimeout, abortSignal }), deadlineMs, stop);
}

/** `https://sqs.eu-west-1.amazonaws.com/…` (and an emulator's `sqs.<region>.localhost`) → `eu-west-1`. */
export function regionOfQueueUrl(url: string): string | undefined {
  const hostname = parse(url)?.hostname;
  return hostname ? /^sqs\.([a-z0-9-]+)\./.exec(hostname)?.[1] : undefined;
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
