/**
 * The few types every transport shares. A Target knows nothing of schedules or reports: it turns
 * one InvokeRequest into one classified Outcome, and never throws for a failed call.
 */
import type { InvocationType } from '../config/invocationType.js';

export type { InvocationType };

export type OutcomeClass = 'ok' | 'functionError' | 'throttled' | 'httpError' | 'networkError' | 'timeout';

export interface InvokeRequest {
  invocationType: InvocationType;
  /** The request body, encoded once by the caller. */
  payload: Uint8Array;
  /** lambench's own correlation ID when it put one into the payload. */
  clientRequestId?: string;
  logType?: 'None' | 'Tail';
  /** Already base64-encoded, as the Invoke API carries it. */
  clientContext?: string;
}

export interface Outcome {
  class: OutcomeClass;
  /** HTTP status as received; absent when no response came back. */
  statusCode?: number;
  /** Wall-clock time the call was sent, in epoch milliseconds. */
  sentAt: number;
  /**
   * The service time: from the actual send to the end of the answer (or to when the call was given
   * up), in milliseconds. A call's latency in an open loop is measured from its intended start
   * instead (the recorder's, to `endedAt`).
   */
  serviceTimeMs: number;
  /**
   * When the answer ended, or the call was given up: epoch milliseconds with a fraction (time.ts
   * `epochAt`), set by the transport where the call ended, not when the outcome was recorded.
   */
  endedAt: number;
  /** How many HTTP attempts the call took (SDK retries included). */
  attempts: number;
  /** The Invoke API's request ID, or an HTTP endpoint's `x-amzn-RequestId` (API Gateway's own). */
  requestId?: string;
  /** The message ID SQS gave a message sent to a queue target. */
  messageId?: string;
  /** API Gateway's `x-amz-apigw-id`. */
  apigwId?: string;
  clientRequestId?: string;
  executedVersion?: string;
  /** `Handled` or `Unhandled` when the function failed (arrives with a 200). */
  functionError?: string;
  /** The response body (or its first bytes: see payloadCut). */
  payload?: Uint8Array;
  /** True when the body went on past what was kept of it (wire/exchange.ts says how much is kept). */
  payloadCut?: boolean;
  /** Decoded tail of the function's log (Invoke API with LogType Tail). */
  logResult?: string;
  /** The service's error name (e.g. ResourceNotFoundException, an HTTP `x-amzn-ErrorType`) or the network error code. */
  errorType?: string;
  errorMessage?: string;
  /** Why the service throttled (its `Reason`, e.g. ReservedFunctionConcurrentInvocationLimitExceeded). */
  reason?: string;
  /** True when the service itself refused the call (not found, denied, throttled, too large...). */
  refusedByService?: boolean;
}

export interface Target {
  /** What the user named: function name/ARN or URL, for display. */
  readonly description: string;
  /** Where calls go (endpoint URL), for error messages. */
  readonly endpoint: string;
  /**
   * `lane`: a small number no other call in flight holds (a closed-loop worker's, or one the open
   * loop lends a call), so a target may give each lane a connection of its own; calls without one
   * share the target's pool.
   */
  invoke(request: InvokeRequest, signal?: AbortSignal, lane?: number): Promise<Outcome>;
  /** Connections opened so far, where the transport can tell (the SDK client cannot). */
  connectionsOpened?(): number;
  /** Requests sent to the service so far, as it bills them (a queue target's sends: one per 64 KB chunk of each SendMessage or SendMessageBatch), where that differs from the calls. */
  requestsSent?(): number;
  close(): Promise<void>;
}
