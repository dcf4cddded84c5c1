/**
 * What went wrong with an SQS call, said once for every caller: as an error to throw (before a
 * run, where failing fast is right) or as the reason a queue could not be read (during a run,
 * where the report must still be written and its pending events are unverified, not missing).
 */
import { TargetUnavailableError } from '../errors.js';
import { isNoSuchQueue } from '../aws/queueRef.js';


export type SqsFailureKind = 'missingQueue' | 'refused' | 'noAnswer' | 'unreachable';

export interface SqsFailure {
  kind: SqsFailureKind;
  /** A short code: the error name SQS sent, the socket error code, or TimeoutError. */
  code: string;
  message: string;
}

export function describeSqsFailure(error: unknown): SqsFailure {
  const err = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const message = err?.message ?? String(error);
  if (isNoSuchQueue(err)) return { kind: 'missingQueue', code: err.name, message };
  if (err?.$metadata?.httpStatusCode !== undefined) return { kind: 'refused', code: err.name, message };
  // Our deadline (an AbortSignal) or the SDK's request timeout: the call was made and never answered.
  // (The SDK also names a reset socket TimeoutError, with code ECONNRESET: that one is unreachable.)
  if (err?.name === 'AbortError' || err?.code === 'ETIMEDOUT' || (err?.name === 'TimeoutError' && !err.code)) return { kind: 'noAnswer', code: 'no answer', message };
  const code = err?.code ?? (err?.cause as { code?: string } | undefined)?.code ?? err?.name ?? 'Error';
  return { kind: 'unreachable', code, message };
}

/** The one-line error for a queue that cannot be used before a run (exit 3). */
export function queueError(queueUrl: string, error: unknown): TargetUnavailableError {
  const failure = describeSqsFailure(error);
  switch (failure.kind) {
    case 'missingQueue':
      return new TargetUnavailableError(`the queue ${queueUrl} does not exist: check the URL, the region and the SQS endpoint (AWS_ENDPOINT_URL_SQS)`, { cause: error });
    case 'refused':
      return new TargetUnavailableError(`SQS refused to read ${queueUrl}: ${failure.code}: ${failure.message}`, { cause: error });
    case 'noAnswer':
      return new TargetUnavailableError(`SQS did not answer for ${queueUrl} within its deadline: check the SQS endpoint (AWS_ENDPOINT_URL_SQS; poll --endpoint-url) and that it is up`, { cause: error });
    default:
      return new TargetUnavailableError(`could not reach SQS for ${queueUrl} (${failure.code}): check the SQS endpoint (AWS_ENDPOINT_URL_SQS; poll --endpoint-url)`, { cause: error });
  }
}

/** Why a queue could not be read from `since` on, for the report: "SQS unreachable from 12:00:04.512 UTC (ECONNREFUSED)". */
export function unreadableReason(failure: SqsFailure, since: number): string {
  const at = clock(since);
  switch (failure.kind) {
    case 'missingQueue':
      return `the queue was gone from ${at} (${failure.code})`;
    case 'refused':
      return `SQS refused reads from ${at} (${failure.code})`;
    case 'noAnswer':
      return `SQS stopped answering from ${at} (no answer within the call's deadline)`;
    default:
      return `SQS unreachable from ${at} (${failure.code})`;
  }
}

/** A wall-clock time as people compare it with their logs: HH:MM:SS.mmm UTC. */
export function clock(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 23)} UTC`;
}
