/** A send SQS refused, or that got no answer, as an Outcome's class and error fields. */
import type { Outcome } from '../types.js';

interface SdkError extends Error {
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
}

const THROTTLES = new Set(['RequestThrottled', 'ThrottlingException', 'KmsThrottled', 'OverLimit']);

/** SQS's own names for "slow down", and HTTP's 429: a throttle, whether a whole call or one batch entry said it. */
export function isSqsThrottle(name: string | undefined, status?: number): boolean {
  return status === 429 || (name !== undefined && THROTTLES.has(name));
}

export function sqsFailure(error: unknown, deadlineMs: number): Partial<Outcome> {
  const failure = error as SdkError;
  const name = failure?.name ?? 'Error';
  const message = failure?.message ?? String(error);
  if (name === 'TimeoutError' || (failure?.cause as Error | undefined)?.name === 'TimeoutError') {
    return { class: 'timeout', errorType: 'TimeoutError', errorMessage: `no answer from SQS within ${deadlineMs} ms` };
  }
  if (name === 'AbortError') return { class: 'timeout', errorType: 'Interrupted', errorMessage: message || 'aborted' };
  const status = failure.$metadata?.httpStatusCode;
  const attempts = failure.$metadata?.attempts;
  // Any answer with a status is the service's (or a proxy's) refusal, whether or not the SDK could read its body.
  if (status !== undefined) {
    return {
      class: isSqsThrottle(name, status) ? 'throttled' : 'httpError',
      statusCode: status,
      errorType: name,
      errorMessage: message,
      refusedByService: true,
      ...(attempts !== undefined && { attempts }),
    };
  }
  // No answer that could be read: the network, or an answer the SDK could not parse (an MD5 mismatch is one).
  const code = [failure.code, (failure.cause as SdkError | undefined)?.code].find((value): value is string => typeof value === 'string');
  return { class: 'networkError', errorType: code ?? name, errorMessage: message, ...(attempts !== undefined && { attempts }) };
}
