/**
 * `invoke --logs`: the invocation's REPORT per attempt, found by request ID in the log group and
 * format the function's LoggingConfig names (functionLogs.ts opens them).
 *
 * The logs are checked readable before the call (functionLogs.ts' probe): a refusal then costs
 * nothing. A log group that does not exist yet is not a refusal at that point (it appears with the
 * function's first log line), but one still missing once the invocation's lines had time to arrive
 * is: the function logs elsewhere, or cannot write logs at all.
 */
import type { LambdaCall } from '../config/runConfig.js';
import type { ReportFigures } from '../aws/lambdaLog.js';
import type { InvocationLogs, LogFormat } from '../delivery/logsEvidence.js';
import type { FunctionFacts } from '../discovery/functionFacts.js';
import { TargetUnavailableError } from '../errors.js';
import { FunctionLogs } from './functionLogs.js';

/** What `invoke --json` prints under `logs`. */
export interface InvocationLogsDocument {
  logGroup: string;
  format: LogFormat;
  /** True when at least one REPORT of the invocation was found. */
  found: boolean;
  /** One per attempt, oldest first: an async event retried twice has three. */
  attempts: (ReportFigures & { timestamp: number })[];
  /** How long lambench looked for them at most (--settle), in milliseconds. */
  settleMs: number;
  /** Why they could not be read (the command then exits 3). */
  unreadable?: string;
}

/**
 * `invoke --logs`, before the call: the function's log group and format, checked readable (a
 * refusal sends nothing). Nothing is held open across the call: the lookup makes its own client.
 */
export async function prepareInvocationLogs(call: LambdaCall, note: (message: string) => void, signal?: AbortSignal): Promise<FunctionFacts> {
  const logs = await FunctionLogs.open({ ...opening(call, note), check: true, ...(signal && { signal }) });
  logs.close();
  return logs.facts;
}

/** How invoke --logs opens the logs: asked for, so what keeps them from being read is an error. */
function opening(call: LambdaCall, note: (message: string) => void) {
  return { functions: [call.functionName] as [string], ...(call.qualifier && { qualifier: call.qualifier }), aws: call.aws, purpose: '--logs', without: 'drop --logs', asked: true as const, note };
}

export interface InvocationLogsLookup {
  call: LambdaCall;
  facts: FunctionFacts;
  requestId: string;
  sentAt: number;
  invocationType: 'RequestResponse' | 'Event';
  /** Event with --wait: the attempts the completion record counted, when it did. */
  attempts?: number;
  settleMs: number;
  note: (message: string) => void;
  /** Told once the lookup starts (the CLI says it on a TTY: it may take up to settleMs). */
  onWaiting?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * `invoke --logs`, after the call (and --wait): the invocation's attempts. A sync call has one. An
 * event's are all in once the completion record's count of them is reached, or (JSON format) one
 * ended in success; otherwise a failed attempt may still be retried, and they are looked for until
 * `settleMs` runs out. Logs that cannot be read are said in `unreadable`, not thrown: the call's
 * own result still stands.
 */
export async function lookUpInvocationLogs(lookup: InvocationLogsLookup): Promise<InvocationLogsDocument> {
  const { facts, settleMs } = lookup;
  const complete =
    lookup.invocationType === 'RequestResponse'
      ? undefined
      : lookup.attempts !== undefined
        ? (invocation: InvocationLogs) => invocation.reports.length >= lookup.attempts!
        : facts.logFormat === 'JSON'
          ? (invocation: InvocationLogs) => invocation.reports.some((report) => report.status === 'success')
          : () => false;
  const until = lookup.invocationType === 'Event' && lookup.attempts === undefined && facts.logFormat === 'Text' ? 'its attempts (a failed one is retried; the Text format does not say which failed), for' : 'them, up to';
  lookup.onWaiting?.(`looking for ${lookup.requestId} in ${facts.logGroup}: waiting for ${until} ${settleMs / 1000} s (--settle)…`);
  const logs = await FunctionLogs.open({ ...opening(lookup.call, lookup.note), facts: [facts] });
  try {
    const invocation = await logs.find(lookup.requestId, lookup.sentAt, settleMs, { ...(complete && { complete }), ...(lookup.signal && { signal: lookup.signal }) });
    return invocationLogsDocument(facts, settleMs, invocation);
  } catch (error) {
    if (!(error instanceof TargetUnavailableError)) throw error;
    return { ...invocationLogsDocument(facts, settleMs, undefined), unreadable: error.message };
  } finally {
    logs.close();
  }
}

/** The `logs` part of `invoke --json`: each attempt's figures with its time, oldest first. */
function invocationLogsDocument(facts: FunctionFacts, settleMs: number, invocation: InvocationLogs | undefined): InvocationLogsDocument {
  const attempts = (invocation?.reports ?? []).map(({ logStream: _stream, requestId: _id, ...figures }) => figures);
  return { logGroup: facts.logGroup, format: facts.logFormat, found: attempts.length > 0, attempts, settleMs };
}
