/**
 * One invocation, as `lambench invoke` makes it: inputs checked (every problem listed) before
 * anything is sent, one call, and a result document that `--json` prints as is.
 */
import { Problems } from '../config/problems.js';
import { flagNames, type CallInput } from '../config/runInput.js';
import { checkTypes } from '../config/validate.js';
import { InterruptedError, TargetUnavailableError } from '../errors.js';
import type { CompletionRecord } from '../delivery/completionRecord.js';
import { createTarget } from '../targets/index.js';
import { parseReportLine, type ReportFigures } from '../aws/lambdaLog.js';
import { decodeResponseBody } from '../targets/responseBody.js';
import { callRequests, checkCall } from '../targets/prepareCall.js';
import type { InvocationType, Outcome, Target } from '../targets/types.js';
import { ranTheFunction } from '../targets/outcomeError.js';
import type { LambdaCall } from '../config/runConfig.js';
import { isQueueTarget } from '../targets/targetSpec.js';
import type { QueueWiring } from '../discovery/queueWiring.js';
import type { DestinationWiring } from '../discovery/destinationWiring.js';
import type { FunctionFacts } from '../discovery/functionFacts.js';
import type { InvocationLogsDocument } from './invocationLogs.js';


export interface InvokeOnceOptions extends CallInput {
  /** One invocation type, any spelling (default RequestResponse). */
  type?: string;
  /** Event only: wait for the completion record on these queues (neither given: where the function's outcomes go, discovered). */
  wait?: { destinationQueue?: string; dlq?: string; timeoutMs: number; /** The function's logs as evidence: true, false, absent: where no destination tells. */ logs?: boolean };
  /** Ctrl-C: ends the wait (the temporary taps are removed, the wait reported interrupted) or the look for the log lines (the result shown with what was found). */
  signal?: AbortSignal;
  /** Function targets, not DryRun: after the call (and --wait), its REPORT per attempt looked up in the function's CloudWatch Logs. */
  logs?: { settleMs: number; onWaiting?: (message: string) => void };
  note: (message: string) => void;
  stdin?: NodeJS.ReadableStream;
}

/** What `invoke --json` prints: one object. */
export interface InvokeResultDocument {
  target: string;
  invocationType: InvocationType;
  /** HTTP targets: how async was asked for. */
  asyncVia?: string;
  outcome: Outcome['class'];
  statusCode?: number;
  requestId?: string;
  apigwId?: string;
  /** When the call was sent (epoch milliseconds): with the IDs, what `poll --correlate` matches on. */
  sentAt: number;
  /** The call's service time (its Outcome's `serviceTimeMs`), under the name `invoke --json` has always printed. */
  latencyMs: number;
  attempts: number;
  payload?: unknown;
  /** True when the answer's body was longer than what was kept: `payload` is its start. */
  payloadCut?: boolean;
  functionError?: string;
  executedVersion?: string;
  logResult?: string;
  report?: ReportFigures;
  errorType?: string;
  errorMessage?: string;
  /** Why a throttle happened (the service's `Reason`). */
  reason?: string;
  clientRequestId?: string;
  completion?: CompletionRecord | null;
  /** Event with --wait: why the completion could not be looked for (a queue could not be read), when it could not. */
  completionUnverified?: string;
  /**
   * Event with --wait: no completion yet because its logs show a failed attempt with Lambda's retry
   * still to come (not lost); `failedAttempts`, how many had failed, when the logs could be read again.
   */
  awaitingRetry?: { failedAttempts?: number };
  /** Event with --wait: from the send to the completion record's timestamp, in milliseconds. */
  endToEndMs?: number;
  /** A queue target: the ID SQS gave the message (its body's MD5 checked by the SDK against SQS's). */
  messageId?: string;
  /** Event with --wait and no queue given: where the function's async outcomes go, as discovered. */
  destinations?: DestinationWiring;
  /** A queue target: what the queue is wired to (unless --no-discover: then only the queue's own settings). */
  queue?: QueueWiring;
  /** --logs: the invocation's REPORT per attempt from CloudWatch Logs (absent when the function did not run). */
  logs?: InvocationLogsDocument;
  /** Ctrl-C while the log lines were looked for: `logs` holds what was found until then (the command exits 130). */
  interrupted?: string;
}

export interface InvokeOnceResult {
  document: InvokeResultDocument;
  outcome: Outcome;
  target: Target;
}

export async function invokeOnce(options: InvokeOnceOptions): Promise<InvokeOnceResult> {
  // Checked as the call of a run is (the same checks, the flags' names), before anything is sent.
  const problems = new Problems(flagNames);
  // A queue's one message is sent, not invoked: its type is Event (nothing waits for the function).
  const queue = isQueueTarget(options.target);
  const [invocationType] = checkTypes([options.type ?? (queue ? 'Event' : 'RequestResponse')], '', problems);
  if (queue && options.wait) problems.add(undefined, "--wait applies to function and URL targets: for a queue's messages, run lambench bench QUEUE --verify-delivery (its DLQ and --output-queue are the evidence)");
  if (options.wait && invocationType !== undefined && invocationType !== 'Event') problems.add(undefined, '--wait only applies to --type Event: a synchronous call already returns its result');
  const call = await checkCall(options, invocationType ? [invocationType] : [], problems, { ...(options.wait && { needsCorrelation: '--wait' }), stdin: options.stdin });
  // A function's destinations are discovered; a URL's function is not known, nor are they under --no-discover.
  if (options.wait && !options.wait.destinationQueue && !options.wait.dlq && call && (call.kind !== 'lambda' || (options.discover === false && options.wait.logs !== true))) {
    problems.add(undefined, `--wait needs --destination-queue URL and/or --dlq URL to watch for the completion record${call.kind === 'lambda' ? ' (with --no-discover, where it goes is unknown: or add --logs to read it from the function\'s logs)' : ''}`);
  }
  if (options.logs) logsProblems(call?.kind, invocationType, problems);
  problems.throwIfAny();
  // --logs: the log group read and checked readable before the call, so a refusal sends nothing.
  const logsFacts = options.logs ? await (await import('./invocationLogs.js')).prepareInvocationLogs(call as LambdaCall, options.note, options.signal) : undefined;

  // The queues (or the function's destinations, and their taps) are checked before the call, so a wrong one sends nothing.
  const waiter =
    options.wait && call!.kind !== 'queue'
      ? await (await import('./asyncEvidence.js')).openAsyncEvidence({ call: call!, ...options.wait, discover: options.discover, note: options.note, signal: options.signal, tracker: { pollersPerQueue: 1, keepRecords: true } })
      : undefined;
  try {
    // Ctrl-C while the taps were being made: nothing is sent.
    if (options.signal?.aborted) throw new InterruptedError('interrupted before the call was sent (the temporary taps, if any, are removed)');
    const target = await createTarget(call!, { connections: 1, note: options.note });
    const request = callRequests(call!)(invocationType!, 0);
    // Every target holds its calls to a deadline: --timeout, else the default (deadline.ts).
    const outcome = await target.invoke(request);
    if (outcome.class === 'timeout' && outcome.statusCode === undefined && options.timeoutMs) {
      outcome.errorMessage = `no complete answer within ${options.timeoutMs} ms (--timeout)`;
    }
    const document = resultDocument(options.target, invocationType!, outcome);
    if (call!.kind === 'http') document.asyncVia = call!.asyncVia;
    if (call!.kind === 'queue') {
      if (outcome.messageId) document.messageId = outcome.messageId;
      // What reads the queue, read after the send (a send is not held back by it): where the message goes next.
      const { openQueuePhase } = await import('./queuePhase.js');
      const phase = await openQueuePhase(call!, undefined, options.note).catch((error: Error) => {
        options.note(`the queue's wiring could not be read: ${error.message}`);
        return undefined;
      });
      if (phase) {
        document.queue = phase.wiring;
        await phase.close();
      }
    }
    if (waiter && outcome.class === 'ok') {
      const tracked = waiter.tracker.expect({
        // Behind API Gateway the response's request ID is the gateway's: only lambench's own ID matches.
        ...(call!.kind === 'lambda' && outcome.requestId && { requestId: outcome.requestId }),
        ...(outcome.clientRequestId && { clientRequestId: outcome.clientRequestId }),
        sentAt: outcome.sentAt,
      });
      waiter.tracker.start();
      await waiter.tracker.settle(options.wait!.timeoutMs, options.signal);
      if (options.signal?.aborted) {
        await target.close();
        throw new InterruptedError('interrupted while waiting for the completion record (the temporary taps, if any, are removed)');
      }
      // An event whose retry is still to come is not lost either: it says how far it got (exit 1).
      if (tracked.state === 'pending' && tracked.awaitingRetry) {
        document.awaitingRetry = { failedAttempts: tracked.awaitingRetry };
      }
      // A queue that could not be read is not a lost event: the call's own answer is still shown,
      // with why its completion is unknown (the command then exits 3).
      if (tracked.state === 'pending') {
        try {
          waiter.tracker.throwIfUnverified();
        } catch (error) {
          if (!(error instanceof TargetUnavailableError)) throw error;
          document.completionUnverified = error.message;
        }
      }
      document.completion = tracked.record ?? null;
      if (waiter.wiring) document.destinations = waiter.wiring;
      if (tracked.endToEndMs !== undefined) document.endToEndMs = tracked.endToEndMs;
    }
    if (logsFacts) await addInvocationLogs(document, outcome, call as LambdaCall, logsFacts, options);
    return { document, outcome, target };
  } finally {
    await waiter?.close();
  }
}

/** What `awaitingRetry` means, in one line: the result's and the exit's. */
export function awaitingRetryText(awaiting: NonNullable<InvokeResultDocument['awaitingRetry']>): string {
  const failed = awaiting.failedAttempts !== undefined ? `attempt ${awaiting.failedAttempts} failed` : 'an attempt failed';
  return `${failed} and Lambda's retry is still to come (about 1, then 2 minutes later): a longer --wait-timeout sees the event end`;
}


function logsProblems(kind: 'lambda' | 'http' | 'queue' | undefined, invocationType: InvocationType | undefined, problems: Problems): void {
  if (kind === 'http') problems.add(undefined, "--logs applies to function targets: behind a URL, Lambda's request ID is not known (API Gateway's is its own), so its log lines cannot be found");
  if (kind === 'queue') problems.add(undefined, "--logs applies to function targets: a queue's message reaches the function in a batch whose request ID lambench never sees (bench QUEUE --logs reads the mapping's invocations)");
  if (invocationType === 'DryRun') problems.add(undefined, '--logs needs a call that runs the function: a dry run runs nothing, so it logs nothing');
}

/**
 * --logs after the call: the invocation's attempts, when the function ran. A call refused or not
 * answered has nothing to look up (and its own error line says why). Ctrl-C ends the look: the
 * call's result still stands, with what was found, and says it was interrupted.
 */
async function addInvocationLogs(document: InvokeResultDocument, outcome: Outcome, call: LambdaCall, facts: FunctionFacts, options: InvokeOnceOptions): Promise<void> {
  if (!outcome.requestId || !ranTheFunction(outcome)) return;
  const { lookUpInvocationLogs } = await import('./invocationLogs.js');
  document.logs = await lookUpInvocationLogs({
    call,
    facts,
    requestId: outcome.requestId,
    sentAt: outcome.sentAt,
    invocationType: document.invocationType === 'Event' ? 'Event' : 'RequestResponse',
    ...(document.completion?.attempts !== undefined && { attempts: document.completion.attempts }),
    settleMs: options.logs!.settleMs,
    note: options.note,
    ...(options.logs!.onWaiting && { onWaiting: options.logs!.onWaiting }),
    ...(options.signal && { signal: options.signal }),
  });
  if (options.signal?.aborted) document.interrupted = 'while looking for the log lines';
}

export function resultDocument(target: string, invocationType: InvocationType, outcome: Outcome): InvokeResultDocument {
  const document: InvokeResultDocument = {
    target,
    invocationType,
    outcome: outcome.class,
    sentAt: outcome.sentAt,
    latencyMs: Math.round(outcome.serviceTimeMs * 1000) / 1000,
    attempts: outcome.attempts,
  };
  if (outcome.statusCode !== undefined) document.statusCode = outcome.statusCode;
  if (outcome.requestId) document.requestId = outcome.requestId;
  if (outcome.apigwId) document.apigwId = outcome.apigwId;
  const payload = decodeResponseBody(outcome.payload);
  if (payload !== undefined) document.payload = payload;
  if (outcome.payloadCut) document.payloadCut = true;
  if (outcome.functionError) document.functionError = outcome.functionError;
  if (outcome.executedVersion) document.executedVersion = outcome.executedVersion;
  if (outcome.logResult !== undefined) {
    document.logResult = outcome.logResult;
    const report = parseReportLine(outcome.logResult);
    if (report) document.report = report;
  }
  if (outcome.errorType) document.errorType = outcome.errorType;
  if (outcome.class !== 'ok' && outcome.class !== 'functionError' && outcome.errorMessage) document.errorMessage = outcome.errorMessage;
  if (outcome.reason) document.reason = outcome.reason;
  if (outcome.clientRequestId) document.clientRequestId = outcome.clientRequestId;
  return document;
}
