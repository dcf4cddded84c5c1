/**
 * The Lambda Invoke API transport, on the AWS SDK v3. The client is built once per run, with
 * `maxAttempts: 1` unless retries are asked for: the SDK retries throttles by default, and a
 * retried throttle would vanish into an inflated latency. The path of one-off calls, `--retries` and
 * `--sdk`; a load test's calls take the direct signed path (directTarget.ts).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ResolvedAwsConfig } from '../../aws/awsConfig.js';
import { callDeadlineMs } from '../wire/deadline.js';
import type { InvokeRequest, Outcome, Target } from '../types.js';
import { epochAt } from '../../time.js';

export interface SdkLambdaTargetOptions {
  functionName: string;
  qualifier?: string;
  aws: ResolvedAwsConfig;
  /** SDK retries on top of the first attempt (0 = one attempt). */
  retries?: number;
  /** Sockets kept open to the endpoint (the load generator's concurrency). */
  maxSockets?: number;
  /** Whole-call deadline in milliseconds (absent: the default, wire/deadline.ts). */
  /**
   * Bytes kept of any response body (a load test keeps only what its error example uses); the rest
   * is read and dropped. Absent: bodies whole.
   */
  bodyLimitBytes?: number;
  /** Whole-call deadline in milliseconds (absent: the default, deadline.ts), held by a per-call abort signal. */
  timeoutMs?: number;
}

interface SdkError extends Error {
  code?: string;
  /** TooManyRequestsException's reason. */
  Reason?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  /** Set on the service's own errors (ServiceException); absent when the answer could not be read. */
  $fault?: 'client' | 'server';
  cause?: unknown;
}

export function createSdkLambdaTarget(options: SdkLambdaTargetOptions): Target {
  const { aws } = options;
  const timeoutMs = callDeadlineMs(options.timeoutMs);
  const client = new LambdaClient({
    region: aws.region,
    credentials: aws.credentials,
    ...(aws.endpoint && { endpoint: aws.endpoint }),
    ...(aws.profile && { profile: aws.profile }),
    maxAttempts: 1 + (options.retries ?? 0),
    ...(options.bodyLimitBytes !== undefined && { streamCollector: boundedCollector(options.bodyLimitBytes) }),
    requestHandler: {
      // No requestTimeout of the handler's own: the deadline (--timeout) is held in one place, the
      // per-call abort signal below, over the whole call, body included.
      httpAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 50 },
      httpsAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 50 },
    },
  });
  const endpoint = aws.endpoint ?? `https://lambda.${aws.region}.amazonaws.com`;

  return {
    description: options.functionName + (options.qualifier ? ` (qualifier ${options.qualifier})` : ''),
    endpoint,
    async invoke(request: InvokeRequest, signal?: AbortSignal): Promise<Outcome> {
      const command = new InvokeCommand({
        FunctionName: options.functionName,
        ...(options.qualifier !== undefined && { Qualifier: options.qualifier }),
        InvocationType: request.invocationType,
        ...(request.logType !== undefined && { LogType: request.logType }),
        ...(request.clientContext !== undefined && { ClientContext: request.clientContext }),
        ...(request.payload.length > 0 && { Payload: request.payload }),
      });
      const sentAt = Date.now();
      const start = performance.now();
      // One controller per call, ended by the deadline or the run's signal (not AbortSignal.any,
      // which on Node 20 keeps every call's signal alive as long as the run's).
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new DOMException(`no complete answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
      const onAbort = () => deadline.abort(signal!.reason);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const output = await client.send(command, { abortSignal: deadline.signal });
        const end = performance.now();
        const outcome: Outcome = {
          class: output.FunctionError ? 'functionError' : 'ok',
          statusCode: output.StatusCode ?? output.$metadata.httpStatusCode ?? 0,
          sentAt,
          serviceTimeMs: end - start,
          endedAt: epochAt(end),
          attempts: output.$metadata.attempts ?? 1,
        };
        if (output.$metadata.requestId) outcome.requestId = output.$metadata.requestId;
        if (request.clientRequestId) outcome.clientRequestId = request.clientRequestId;
        if (output.ExecutedVersion) outcome.executedVersion = output.ExecutedVersion;
        if (output.FunctionError) outcome.functionError = output.FunctionError;
        if (output.Payload && output.Payload.length > 0) outcome.payload = output.Payload;
        if (output.LogResult) outcome.logResult = Buffer.from(output.LogResult, 'base64').toString('utf8');
        return outcome;
      } catch (error) {
        const end = performance.now();
        const failed = failedOutcome(error as SdkError, sentAt, end - start, epochAt(end), request);
        const reason: unknown = deadline.signal.reason;
        // The deadline fired: a timeout, however the SDK came to say so (an answer whose body the
        // abort cut reaches us as a failed parse of a 200, not as an AbortError).
        if (deadline.signal.aborted && reason instanceof Error && reason.name === 'TimeoutError') {
          failed.class = 'timeout';
          delete failed.statusCode;
          delete failed.refusedByService;
          failed.errorType = 'TimeoutError';
          failed.errorMessage = reason.message;
        }
        return failed;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async close() {
      client.destroy();
    },
  };
}

/**
 * Past the kept prefix, this much more is read and dropped so the connection can serve the next
 * call; a body longer still ends its connection instead (as undici's dump interceptor does, past 1 MB).
 */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/**
 * The SDK reads every body whole before it looks at it: a proxy's 50 MB error page, eight at a
 * time, is most of a gigabyte. This keeps the first `limit` bytes and drains up to
 * DRAIN_LIMIT_BYTES more. Draining all of it would bound what is kept but not what is read: Node's
 * HTTP client allocates a Buffer per read, and on Node 24 eight lanes draining 50 MB bodies held
 * over 300 MB of them awaiting collection.
 */
function boundedCollector(limit: number): (stream: unknown) => Promise<Uint8Array> {
  return async (stream) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let dropped = 0;
    for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
      if (kept >= limit) {
        dropped += chunk.length;
        if (dropped > DRAIN_LIMIT_BYTES) {
          (stream as { destroy?: () => void }).destroy?.();
          break;
        }
        continue;
      }
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const part = bytes.length <= limit - kept ? bytes : Buffer.from(bytes.subarray(0, limit - kept));
      chunks.push(part);
      kept += part.length;
    }
    return Buffer.concat(chunks);
  };
}

/** Classifies what the SDK threw: a service answer (throttle, not found…), a timeout, or the network. */
function failedOutcome(error: SdkError, sentAt: number, serviceTimeMs: number, endedAt: number, request: InvokeRequest): Outcome {
  const status = error.$metadata?.httpStatusCode;
  const outcome: Outcome = {
    class: 'networkError',
    sentAt,
    serviceTimeMs,
    endedAt,
    attempts: error.$metadata?.attempts ?? 1,
    errorType: error.name,
    errorMessage: error.message,
  };
  if (request.clientRequestId) outcome.clientRequestId = request.clientRequestId;
  if (error.$metadata?.requestId) outcome.requestId = error.$metadata.requestId;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    outcome.class = 'timeout';
  } else if (status !== undefined) {
    outcome.class = status === 429 ? 'throttled' : 'httpError';
    // An answer that names no error (a proxy's 503 page, an empty 502) is `Unknown` to the SDK, or a
    // failed parse of the page: named by its status, as the direct path names it (serviceError).
    if (error.$fault === undefined || error.name === 'Unknown' || error.name === 'UnknownError') {
      outcome.errorType = `Http${status}`;
      outcome.errorMessage = `HTTP ${status}`;
    }
    outcome.statusCode = status;
    outcome.refusedByService = true;
    if (error.Reason) outcome.reason = error.Reason;
  } else {
    const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
    if (code) outcome.errorType = code;
    outcome.errorMessage = error.message || code || 'connection failed';
  }
  return outcome;
}
