/** Calls that got no answer: what they failed on (a timeout, an interrupt, the network, signing). */
import type { InvokeRequest, Outcome } from '../types.js';
import { epochAt } from '../../time.js';

interface UndiciError extends Error {
  code?: string;
  cause?: unknown;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function networkFailure(error: UndiciError, timeoutMs: number | undefined): Pick<Outcome, 'class' | 'errorType' | 'errorMessage'> {
  const cause = error.cause as UndiciError | undefined;
  // A DOMException's legacy numeric `code` (23 for a timeout) is not an error name: strings only.
  const code = [error.code, cause?.code].find((value): value is string => typeof value === 'string');
  if (error.name === 'TimeoutError' || cause?.name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return { class: 'timeout', errorType: code ?? 'TimeoutError', errorMessage: timeoutMs && error.name === 'TimeoutError' ? `no complete answer within ${timeoutMs} ms` : error.message };
  }
  if (error.name === 'AbortError') return { class: 'timeout', errorType: 'Interrupted', errorMessage: error.message || 'aborted' };
  return { class: 'networkError', errorType: code ?? error.name, errorMessage: cause?.message ?? error.message };
}

/** Credentials that could not be had (an expired SSO session, a failing role) fail the call, not the run. */
export function signingFailure(error: unknown, request: Pick<InvokeRequest, 'clientRequestId'>): Outcome {
  return {
    class: 'networkError',
    sentAt: Date.now(),
    serviceTimeMs: 0,
    endedAt: epochAt(performance.now()),
    attempts: 0,
    errorType: error instanceof Error ? error.name : 'SigningError',
    errorMessage: `the request could not be signed: ${error instanceof Error ? error.message : String(error)}`,
    ...(request.clientRequestId && { clientRequestId: request.clientRequestId }),
  };
}
