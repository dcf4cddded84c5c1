/** What an undici request that got no answer failed on: a timeout, an abort, or the network. */
import type { Outcome } from './types.js';

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
    return { class: 'timeout', errorType: code ?? 'TimeoutError', errorMessage: timeoutMs ? `no complete answer within ${timeoutMs} ms (--timeout)` : error.message };
  }
  if (error.name === 'AbortError') return { class: 'timeout', errorType: 'AbortError', errorMessage: 'aborted' };
  return { class: 'networkError', errorType: code ?? error.name, errorMessage: cause?.message ?? error.message };
}

/** The run's signal, and a whole-call timeout when one is set (a timer per call only then). */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (!timeoutMs) return signal;
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
