/**
 * Builds the Target for what the user named. Transports are imported lazily: a one-off call loads
 * only the SDK (or undici) it needs.
 */
import { regionFromArn, resolveAwsConfig } from '../aws/awsConfig.js';
import type { CallConfig } from '../config/runConfig.js';
import { ERROR_BODY_LIMIT_BYTES } from './wire/exchange.js';
import type { Target } from './types.js';

/** What a run adds to the call: how many connections, and whether it is a load test. */
export interface TargetUse {
  /** Connections kept open to the endpoint (a load test's calls in flight per thread). */
  connections?: number;
  /**
   * A load test: response bodies of successful calls are not kept (only error bodies are read), and
   * Invoke API calls take the direct signed path unless `sdk` is set or retries are asked for.
   */
  forLoad?: boolean;
  note: (message: string) => void;
}

/** The target for a checked call: each transport takes its part of it (`--timeout` included: see CallConfig.timeoutMs). */
export async function createTarget(call: CallConfig, use: TargetUse): Promise<Target> {
  if (call.kind === 'queue') {
    const { openQueueTarget } = await import('./queue/openQueue.js');
    return openQueueTarget(call, use);
  }
  if (call.kind === 'http') {
    const url = new URL(call.url);
    let signer;
    if (call.sigv4) {
      const { createExecuteApiSigner, regionFromApiUrl } = await import('../aws/signExecuteApi.js');
      // The URL's own origin decides loopback (dummy credentials) and no endpoint env applies.
      const aws = await resolveAwsConfig({ ...call.aws, endpointUrl: url.origin }, 'LAMBDA', use.note, regionFromApiUrl(url));
      signer = createExecuteApiSigner(call.aws.region ?? aws.region, aws.credentials);
    }
    const { createHttpTarget } = await import('./http/httpTarget.js');
    return createHttpTarget({
      url,
      headers: call.headers,
      asyncVia: call.asyncVia,
      asyncHeader: call.asyncHeader,
      method: call.method,
      asyncUrl: call.asyncUrl === undefined ? undefined : new URL(call.asyncUrl),
      correlationHeader: call.correlationHeader,
      timeoutMs: call.timeoutMs,
      signer,
      connections: use.connections,
      keepOkBodies: !use.forLoad,
    });
  }
  const aws = await resolveAwsConfig(call.aws, 'LAMBDA', use.note, regionFromArn(call.functionName));
  if (use.forLoad && !call.sdk && !call.retries) {
    const { createDirectLambdaTarget } = await import('./lambda/directTarget.js');
    const { VERSION } = await import('../version.js');
    return createDirectLambdaTarget({
      functionName: call.functionName,
      qualifier: call.qualifier,
      aws,
      connections: use.connections,
      timeoutMs: call.timeoutMs,
      userAgent: `lambench/${VERSION}`,
    });
  }
  const { createSdkLambdaTarget } = await import('./lambda/sdkTarget.js');
  if (use.forLoad && call.retries) use.note('--retries: calls go through the AWS SDK client and its retry strategy (slower: about 3,000 calls/s per core at most)');
  return createSdkLambdaTarget({
    functionName: call.functionName,
    qualifier: call.qualifier,
    aws,
    retries: call.retries,
    timeoutMs: call.timeoutMs,
    maxSockets: use.connections,
    bodyLimitBytes: use.forLoad ? ERROR_BODY_LIMIT_BYTES : undefined,
  });
}

export type { Target, Outcome, InvokeRequest, InvocationType, OutcomeClass } from './types.js';
