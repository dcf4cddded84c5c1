/**
 * What a failed one-off call means for the user, as one of our errors (and so an exit code):
 * a function error or an HTTP error status from the target is a failed call (1); a refusal by the
 * service (not found, denied, throttled) or no answer at all is an unavailable target (3).
 */
import { CallFailedError, TargetUnavailableError, type LambenchError } from '../errors.js';
import { decodeResponseBody } from './responseBody.js';
import type { Outcome, Target } from './types.js';

const SERVICE_HINTS: Record<string, string> = {
  ResourceNotFoundException: 'check the function name, --qualifier, --region and --endpoint-url',
  AccessDeniedException: 'the credentials in use may not call lambda:InvokeFunction on it',
  TooManyRequestsException: 'the function or account is at its concurrency limit; retry later or pass --retries',
  RequestTooLargeException: 'send a smaller payload',
  UnrecognizedClientException: 'the credentials are not valid for this endpoint',
  InvalidSignatureException: 'the credentials or the clock are off',
};

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there; is the endpoint right, or the local stack running (lambench local)?',
  ENOTFOUND: 'the host name does not resolve; check the URL, --endpoint-url or --region',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ECONNRESET: 'the connection was dropped by the other side',
  UND_ERR_SOCKET: 'the connection was dropped by the other side',
  ETIMEDOUT: 'the connection timed out',
};

/** Certificate and handshake failures: the server is there, but TLS failed. */
function tlsHint(code: string): string | undefined {
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code)) {
    return 'TLS failed: the server certificate is not trusted for this host (self-signed or wrong name); trust its CA with NODE_EXTRA_CA_CERTS=ca.pem';
  }
  return undefined;
}

export function outcomeError(outcome: Outcome, target: Target): LambenchError | undefined {
  switch (outcome.class) {
    case 'ok':
      return undefined;
    case 'functionError': {
      const detail = functionErrorDetail(outcome);
      return new CallFailedError(`the function failed (${outcome.functionError})${detail ? `: ${detail}` : ''}`);
    }
    case 'throttled':
    case 'httpError': {
      const hint = SERVICE_HINTS[outcome.errorType ?? ''];
      const what = `${outcome.errorType ?? 'HTTP error'} (${outcome.statusCode})${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''}${outcome.reason ? ` [${outcome.reason}]` : ''}`;
      return outcome.refusedByService
        ? new TargetUnavailableError(`${what}${hint ? `; ${hint}` : ''}`)
        : new CallFailedError(what);
    }
    case 'timeout':
      // A gateway's 504 is an answer (the integration timed out); no answer at all is unavailability.
      if (outcome.statusCode !== undefined) {
        return new CallFailedError(`${outcome.errorType ?? 'gateway timeout'} (${outcome.statusCode}): ${outcome.errorMessage ?? 'timed out'}`);
      }
      return new TargetUnavailableError(`no answer from ${target.endpoint} in time: ${outcome.errorMessage ?? 'timed out'}`);
    case 'networkError': {
      const code = outcome.errorType ?? 'network error';
      const hint = NETWORK_HINTS[code] ?? tlsHint(code);
      return new TargetUnavailableError(`could not reach ${target.endpoint} (${code})${hint ? `: ${hint}` : `: ${outcome.errorMessage}`}`);
    }
  }
}

function functionErrorDetail(outcome: Outcome): string | undefined {
  const document = decodeResponseBody(outcome.payload);
  if (document === null || typeof document !== 'object') return typeof document === 'string' ? document.slice(0, 200) : undefined;
  const { errorType, errorMessage } = document as { errorType?: string; errorMessage?: string };
  return [errorType, errorMessage].filter(Boolean).join(': ') || undefined;
}

/** The function ran and answered (a success or its own error): its request ID is then in its logs. */
export function ranTheFunction(outcome: Outcome): boolean {
  return outcome.class === 'ok' || outcome.class === 'functionError';
}
