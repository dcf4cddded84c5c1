/**
 * `lambench coldstart <function> -n N`: cold starts on demand, the way the peers force them
 * (lumigo's measure-lambda-cold-start, power-tuning): before each cold call, a configuration change
 * (an environment variable, `LAMBENCH_COLDSTART`, set to a new value) makes Lambda retire the warm
 * execution environments; lambench waits for `LastUpdateStatus: Successful`, calls once
 * synchronously with the log tail (its REPORT line's Init Duration is the cold start), then makes
 * `--warm` calls on the now-warm environment to compare against.
 *
 * With `--type event` each call is an Event invocation instead: its first-call latency is the 202
 * (the event queued, not run), and its REPORT is looked up by request ID in the function's
 * CloudWatch Logs, waiting up to `settleMs` for it, before the next call is made (a warm call sent
 * while the cold one still runs would start another environment). A call whose REPORT was not
 * found is counted as such, never passed off as warm or left out unsaid.
 *
 * The original configuration is always put back: at the end, on an error, and on Ctrl-C (the
 * caller's signal stops the calls; the restore still runs), and read back to check. It refuses to
 * start when it could not read the configuration it would have to restore. Only `$LATEST` can be
 * changed: a published version's configuration is immutable (an alias points at one), so a
 * qualified call is refused with what to do instead.
 */
import { InvokeCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { parseReportLine, type ReportFigures } from '../aws/lambdaLog.js';
import type { LogFormat } from '../delivery/logsEvidence.js';
import { functionFactsFrom } from '../discovery/functionFacts.js';
import type { AwsSettings } from '../config/runConfig.js';
import { FunctionLogs } from './functionLogs.js';
import { readConfiguration, restore, update, waitUntilUpdated } from './functionEnvironment.js';
import { TargetUnavailableError, UsageError } from '../errors.js';
import { createHistogram, recordMs, summarize, type LatencySummary } from '../metrics/histogram.js';

/** The variable changed to force a new execution environment. */
const COLDSTART_VARIABLE = 'LAMBENCH_COLDSTART';
export interface ColdStartOptions {
  /** The control plane: reading, changing and restoring the configuration. */
  lambda: LambdaClient;
  /** The timed Invokes: one attempt each (createLambdaControlClient's `measured`). */
  invoker: LambdaClient;
  functionName: string;
  qualifier?: string;
  /** Cold calls to make. */
  count: number;
  /** Warm calls after each cold one. */
  warm: number;
  payload: Uint8Array;
  /** Event calls: each REPORT read from the function's logs (`aws`: the Lambda settings), waited for up to `settleMs`. Absent: sync calls with the log tail. */
  events?: { aws: AwsSettings; settleMs: number };
  signal?: AbortSignal;
  note(message: string): void;
  onCall?(call: ColdStartCall): void;
}

export interface ColdStartCall {
  index: number;
  kind: 'cold' | 'warm';
  requestId?: string;
  statusCode?: number;
  /** Sync: to the answer; Event: to the 202 (the event queued, not run). */
  latencyMs: number;
  /** False when the call's REPORT was not found (Event: not in the logs within settleMs); absent when the search was interrupted. */
  reportFound?: boolean;
  durationMs?: number;
  initDurationMs?: number;
  billedDurationMs?: number;
  maxMemoryUsedMb?: number;
  /** The REPORT's status (the JSON log format's: success, error, failure, timeout). */
  status?: string;
  /** Sync: X-Amz-Function-Error. */
  functionError?: string;
}

export interface ColdStartResult {
  functionName: string;
  invocationType: 'RequestResponse' | 'Event';
  /** What first-call latency measures: the sync call's answer, or the 202 that queued the event. */
  firstCallLatency: 'response' | 'accepted (202)';
  /** Event: where each call's REPORT was looked up, and how long it was waited for. */
  logs?: { logGroup: string; format: LogFormat; settleMs: number };
  coldCalls: number;
  warmCalls: number;
  /** Cold calls whose REPORT had no Init Duration (Lambda reused an environment anyway). */
  notCold: number;
  /** Calls whose REPORT was not found: left out of init and duration (their latency still counts). */
  reportsNotFound: { cold: number; warm: number };
  initDurationUs?: LatencySummary;
  firstCallLatencyUs?: LatencySummary;
  firstCallDurationUs?: LatencySummary;
  warmLatencyUs?: LatencySummary;
  warmDurationUs?: LatencySummary;
  /** Sync: answers with X-Amz-Function-Error; Event: REPORTs whose status is not success (JSON log format only). */
  functionErrors: number;
  restored: boolean;
  interrupted: boolean;
}

export async function measureColdStarts(options: ColdStartOptions): Promise<ColdStartResult> {
  const { lambda, functionName } = options;
  if (options.qualifier !== undefined && options.qualifier !== '$LATEST') {
    throw new UsageError(`${functionName}:${options.qualifier}: a published version's configuration cannot be changed (an alias points at one), so lambench cannot force its cold starts; run coldstart on $LATEST (no qualifier), or publish a new version and call it once per version`);
  }
  const original = await readConfiguration(lambda, functionName);
  // Variables encrypted with a key the caller cannot use come back as an Error, not as Variables: they could not be put back.
  if (original.Environment?.Error) {
    throw new TargetUnavailableError(`${functionName}'s environment variables cannot be read (${original.Environment.Error.ErrorCode ?? 'error'}: ${original.Environment.Error.Message ?? 'no message'}): lambench must read them to put them back, so it changes nothing`);
  }
  // Event calls need the logs: checked readable before anything is changed.
  const opening = { purpose: 'coldstart --type event', without: "use --type sync (each call's REPORT then comes in its log tail)", asked: true, check: true, note: options.note } as const;
  const logs = options.events && (await FunctionLogs.open({ ...opening, functions: [functionName], aws: options.events.aws, facts: [functionFactsFrom(original, functionName)], ...(options.signal && { signal: options.signal }) }));
  try {
    return await measure(options, original, logs);
  } finally {
    logs?.close();
  }
}

/** The cold and warm calls, each cold one after a configuration change; the configuration put back, whatever happens. */
async function measure(options: ColdStartOptions, original: FunctionConfiguration, logs: FunctionLogs | undefined): Promise<ColdStartResult> {
  const { lambda, invoker, functionName } = options;
  if (logs) options.note(`--type event: each call's REPORT is looked up by request ID in ${logs.facts.logGroup} (${logs.facts.logFormat} format), waiting up to ${options.events!.settleMs / 1000} s for it (--settle); first-call latency is the 202's (the event queued, not run)`);
  if (original.LastUpdateStatus === 'InProgress') await waitUntilUpdated(lambda, functionName);
  const variables = original.Environment?.Variables ?? {};
  const histograms = { init: createHistogram(), firstLatency: createHistogram(), firstDuration: createHistogram(), warmLatency: createHistogram(), warmDuration: createHistogram() };
  const result: ColdStartResult = {
    functionName,
    invocationType: logs ? 'Event' : 'RequestResponse',
    firstCallLatency: logs ? 'accepted (202)' : 'response',
    ...(logs && { logs: { logGroup: logs.facts.logGroup, format: logs.facts.logFormat, settleMs: options.events!.settleMs } }),
    coldCalls: 0,
    warmCalls: 0,
    notCold: 0,
    reportsNotFound: { cold: 0, warm: 0 },
    functionErrors: 0,
    restored: false,
    interrupted: false,
  };
  const send = (index: number, kind: 'cold' | 'warm') =>
    logs ? eventCall(invoker, functionName, options.payload, index, kind, logs, options.events!.settleMs, options.signal) : call(invoker, functionName, options.payload, index, kind);
  const counted = (made: ColdStartCall) => {
    if (made.functionError || (made.status !== undefined && made.status !== 'success')) result.functionErrors += 1;
    if (made.reportFound === false) result.reportsNotFound[made.kind] += 1;
    options.onCall?.(made);
  };
  const nonce = Date.now().toString(36);
  let changed = false;
  try {
    for (let index = 1; index <= options.count && !options.signal?.aborted; index += 1) {
      changed = true;
      await update(lambda, functionName, { ...variables, [COLDSTART_VARIABLE]: `${nonce}-${index}` });
      await waitUntilUpdated(lambda, functionName, options.signal);
      if (options.signal?.aborted) break;
      const cold = await send(index, 'cold');
      result.coldCalls += 1;
      recordMs(histograms.firstLatency, cold.latencyMs);
      if (cold.durationMs !== undefined) recordMs(histograms.firstDuration, cold.durationMs);
      if (cold.initDurationMs !== undefined) recordMs(histograms.init, cold.initDurationMs);
      else if (cold.reportFound) result.notCold += 1;
      counted(cold);
      for (let warm = 0; warm < options.warm && !options.signal?.aborted; warm += 1) {
        const again = await send(index, 'warm');
        result.warmCalls += 1;
        recordMs(histograms.warmLatency, again.latencyMs);
        if (again.durationMs !== undefined) recordMs(histograms.warmDuration, again.durationMs);
        counted(again);
      }
    }
  } finally {
    if (changed) result.restored = await restore(lambda, functionName, original, options.note);
    else result.restored = true;
  }
  result.interrupted = Boolean(options.signal?.aborted);
  const put = (key: keyof ColdStartResult, histogram: ReturnType<typeof createHistogram>) => {
    const summary = summarize(histogram);
    if (summary) Object.assign(result, { [key]: summary });
  };
  put('initDurationUs', histograms.init);
  put('firstCallLatencyUs', histograms.firstLatency);
  put('firstCallDurationUs', histograms.firstDuration);
  put('warmLatencyUs', histograms.warmLatency);
  put('warmDurationUs', histograms.warmDuration);
  return result;
}

async function call(lambda: LambdaClient, functionName: string, payload: Uint8Array, index: number, kind: 'cold' | 'warm'): Promise<ColdStartCall> {
  const start = performance.now();
  const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', LogType: 'Tail', Payload: payload }));
  const latencyMs = performance.now() - start;
  const report = answer.LogResult ? parseReportLine(Buffer.from(answer.LogResult, 'base64').toString('utf8')) : undefined;
  return {
    index,
    kind,
    ...(answer.$metadata.requestId && { requestId: answer.$metadata.requestId }),
    ...(answer.StatusCode !== undefined && { statusCode: answer.StatusCode }),
    latencyMs,
    reportFound: report !== undefined,
    ...figuresOf(report),
    ...(answer.FunctionError && { functionError: answer.FunctionError }),
  };
}

/** One Event call: the 202 timed, then its (first attempt's) REPORT looked up in the logs before anything else is sent. */
async function eventCall(lambda: LambdaClient, functionName: string, payload: Uint8Array, index: number, kind: 'cold' | 'warm', logs: FunctionLogs, settleMs: number, signal?: AbortSignal): Promise<ColdStartCall> {
  const sentAt = Date.now();
  const start = performance.now();
  const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: payload }));
  const latencyMs = performance.now() - start;
  const requestId = answer.$metadata.requestId;
  const found = requestId ? await logs.find(requestId, sentAt, settleMs, signal ? { signal } : {}) : undefined;
  const report = found?.reports[0];
  return {
    index,
    kind,
    ...(requestId && { requestId }),
    ...(answer.StatusCode !== undefined && { statusCode: answer.StatusCode }),
    latencyMs,
    // Stopped by Ctrl-C while looking: neither found nor not found.
    ...(!(signal?.aborted && !report) && { reportFound: report !== undefined }),
    ...figuresOf(report),
  };
}

function figuresOf(report: ReportFigures | undefined): Partial<ColdStartCall> {
  if (!report) return {};
  return {
    durationMs: report.durationMs,
    billedDurationMs: report.billedDurationMs,
    maxMemoryUsedMb: report.maxMemoryUsedMb,
    ...(report.initDurationMs !== undefined && { initDurationMs: report.initDurationMs }),
    ...(report.status !== undefined && { status: report.status }),
  };
}

