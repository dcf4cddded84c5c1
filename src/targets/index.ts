/**
 * Builds the Target for what the user named. Transports are imported lazily: a one-off call loads
 * only the SDK (or undici) it needs.
 */
import { regionFromArn, resolveAwsConfig, type AwsOptions } from '../aws/awsConfig.js';
import type { AsyncVia } from './http/httpTarget.js';
import type { TargetSpec } from './targetSpec.js';
import { ERROR_BODY_LIMIT_BYTES } from './wire/exchange.js';
import type { Target } from './types.js';

export interface HttpOptions {
  method?: string;
  headers: Record<string, string>;
  asyncVia: AsyncVia;
  asyncHeader: string;
  asyncUrl?: URL;
  correlationHeader?: string;
  timeoutMs?: number;
  /** Sign with SigV4 for service execute-api. */
  sigv4?: boolean;
}

export interface TargetOptions {
  aws: AwsOptions;
  http?: HttpOptions;
  retries?: number;
  maxSockets?: number;
  /**
   * A load test: response bodies of successful calls are not kept (only error bodies are read), and
   * Invoke API calls take the direct signed path unless `sdk` is set or retries are asked for.
   */
  forLoad?: boolean;
  /** Invoke API calls through the AWS SDK client even in a load test. */
  sdk?: boolean;
  timeoutMs?: number;
  note: (message: string) => void;
}

export async function createTarget(spec: TargetSpec, options: TargetOptions): Promise<Target> {
  if (spec.kind === 'http') {
    const http = options.http ?? { headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType' };
    let signer;
    if (http.sigv4) {
      const { createExecuteApiSigner, regionFromApiUrl } = await import('../aws/signExecuteApi.js');
      // The URL's own origin decides loopback (dummy credentials) and no endpoint env applies.
      const aws = await resolveAwsConfig({ ...options.aws, endpointUrl: spec.url.origin }, 'LAMBDA', options.note, regionFromApiUrl(spec.url));
      signer = createExecuteApiSigner(options.aws.region ?? aws.region, aws.credentials);
    }
    const { createHttpTarget } = await import('./http/httpTarget.js');
    return createHttpTarget({
      url: spec.url,
      headers: http.headers,
      asyncVia: http.asyncVia,
      asyncHeader: http.asyncHeader,
      ...(http.method !== undefined && { method: http.method }),
      ...(http.asyncUrl !== undefined && { asyncUrl: http.asyncUrl }),
      ...(http.correlationHeader !== undefined && { correlationHeader: http.correlationHeader }),
      ...(http.timeoutMs !== undefined && { timeoutMs: http.timeoutMs }),
      ...(signer && { signer }),
      ...(options.maxSockets !== undefined && { connections: options.maxSockets }),
      ...(options.forLoad && { keepOkBodies: false }),
    });
  }
  const aws = await resolveAwsConfig(options.aws, 'LAMBDA', options.note, regionFromArn(spec.functionName));
  if (options.forLoad && !options.sdk && !options.retries) {
    const { createDirectLambdaTarget } = await import('./lambda/directTarget.js');
    const { VERSION } = await import('../version.js');
    return createDirectLambdaTarget({
      functionName: spec.functionName,
      ...(spec.qualifier !== undefined && { qualifier: spec.qualifier }),
      aws,
      ...(options.maxSockets !== undefined && { connections: options.maxSockets }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      userAgent: `lambench/${VERSION}`,
    });
  }
  const { createSdkLambdaTarget } = await import('./lambda/sdkTarget.js');
  if (options.forLoad && options.retries) options.note('--retries: calls go through the AWS SDK client and its retry strategy (slower: about 3,000 calls/s per core at most)');
  return createSdkLambdaTarget({
    functionName: spec.functionName,
    ...(spec.qualifier !== undefined && { qualifier: spec.qualifier }),
    aws,
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.maxSockets !== undefined && { maxSockets: options.maxSockets }),
    ...(options.forLoad && { bodyLimitBytes: ERROR_BODY_LIMIT_BYTES }),
  });
}

export type { Target, Outcome, InvokeRequest, InvocationType, OutcomeClass } from './types.js';
