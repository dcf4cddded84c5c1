/**
 * One invocation, as `lambench invoke` makes it: inputs checked (every problem listed) before
 * anything is sent, one call, and a result document that `--json` prints as is.
 */
import { TargetUnavailableError, UsageError } from '../errors.js';
import type { CompletionRecord } from '../delivery/completionRecord.js';
import { createTarget } from '../targets/index.js';
import { parseInvocationType } from '../config/invocationType.js';
import { parseReportLine, type ReportFigures } from '../aws/lambdaLog.js';
import { decodePayload } from '../targets/payloadCodec.js';
import { prepareCall, type CallOptions } from '../targets/prepareCall.js';
import type { InvocationType, Outcome, Target } from '../targets/types.js';


export interface InvokeOnceOptions extends CallOptions {
  type?: string;
  /** Event only: wait for the completion record on these queues. */
  wait?: { destinationQueue?: string; dlq?: string; timeoutMs: number };
  note: (message: string) => void;
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
  /** Event with --wait: from the send to the completion record's timestamp, in milliseconds. */
  endToEndMs?: number;
}

export interface InvokeOnceResult {
  document: InvokeResultDocument;
  outcome: Outcome;
  target: Target;
}

export async function invokeOnce(options: InvokeOnceOptions): Promise<InvokeOnceResult> {
  const problems: string[] = [];
  let invocationType: InvocationType | undefined;
  try {
    invocationType = parseInvocationType(options.type ?? 'RequestResponse');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(error.message);
  }
  if (options.wait && invocationType !== 'Event') problems.push('--wait only applies to --type Event: a synchronous call already returns its result');
  if (options.wait && !options.wait.destinationQueue && !options.wait.dlq) {
    problems.push('--wait needs --destination-queue URL and/or --dlq URL to watch for the completion record');
  }
  const call = await prepareCall({ ...options, ...(options.wait && { needsCorrelation: '--wait' }) }, invocationType ? [invocationType] : [], problems);
  if (problems.length > 0 || !invocationType || !call) throw new UsageError(problems.join('; '));
  const { spec, ...prepared } = call;

  // The queues are checked before the call, so a wrong queue URL sends nothing.
  const waiter = options.wait
    ? await (await import('../delivery/openTracker.js')).openDeliveryTracker([options.wait.destinationQueue, options.wait.dlq], { region: options.region, profile: options.profile }, options.note, { pollersPerQueue: 1, keepRecords: true })
    : undefined;
  try {
    const target = await createTarget(spec, {
      aws: { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl },
      ...(prepared.http && { http: prepared.http }),
      ...(options.retries !== undefined && { retries: options.retries }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      maxSockets: 1,
      note: options.note,
    });
    const request = prepared.request(invocationType, 0);
    // Every target holds its calls to a deadline: --timeout, else the default (deadline.ts).
    const outcome = await target.invoke(request);
    if (outcome.class === 'timeout' && outcome.statusCode === undefined && options.timeoutMs) {
      outcome.errorMessage = `no complete answer within ${options.timeoutMs} ms (--timeout)`;
    }
    const document = resultDocument(options.target, invocationType, outcome);
    if (prepared.http) document.asyncVia = prepared.http.asyncVia;
    if (waiter && outcome.class === 'ok') {
      const tracked = waiter.tracker.expect({
        // Behind API Gateway the response's request ID is the gateway's: only lambench's own ID matches.
        ...(spec.kind === 'lambda' && outcome.requestId && { requestId: outcome.requestId }),
        ...(outcome.clientRequestId && { clientRequestId: outcome.clientRequestId }),
        sentAt: outcome.sentAt,
      });
      waiter.tracker.start();
      await waiter.tracker.settle(options.wait!.timeoutMs);
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
      if (tracked.endToEndMs !== undefined) document.endToEndMs = tracked.endToEndMs;
    }
    return { document, outcome, target };
  } finally {
    await waiter?.close();
  }
}

export function resultDocument(target: string, invocationType: InvocationType, outcome: Outcome): InvokeResultDocument {
  const document: InvokeResultDocument = {
    target,
    invocationType,
    outcome: outcome.class,
    sentAt: outcome.sentAt,
    latencyMs: Math.round(outcome.latencyMs * 1000) / 1000,
    attempts: outcome.attempts,
  };
  if (outcome.statusCode !== undefined) document.statusCode = outcome.statusCode;
  if (outcome.requestId) document.requestId = outcome.requestId;
  if (outcome.apigwId) document.apigwId = outcome.apigwId;
  const payload = decodePayload(outcome.payload);
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
