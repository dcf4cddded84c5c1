/**
 * CloudWatch Logs as evidence (`--logs`): each invocation's START/END/REPORT lines, found by request
 * ID in the function's log group over the run's window, in either log format (aws/lambdaLog.ts).
 * A REPORT per attempt under one request ID: an async event retried twice has three. An invocation
 * with a REPORT completed, whether or not a destination says so (most functions have none).
 *
 * FilterLogEvents allows about 5 calls a second per account and region, and logs arrive seconds
 * late. So: a few request IDs are asked for by name (OR-ed terms, within the filter pattern's 1,024
 * characters); many are found by reading every REPORT in the window (one filter, pages of up to
 * 10,000 events) and matching here. Every page is followed to the end of its nextToken (pages may be
 * empty while one remains); a throttle backs off and tries again, for as long as `settleMs` lasts
 * (and a few times whatever is left of it); what is still missing is looked for again until
 * `settleMs` runs out. The caller is told how many were found and how many not.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { parsePlatformLine, type ReportFigures } from '../aws/lambdaLog.js';
import { awsErrorName } from '../aws/lambdaControl.js';
import { withDeadline } from '../aws/callDeadline.js';
import { sleep as pause } from '../time.js';
import { isLogsThrottle } from './logsReads.js';

/** FilterLogEvents' filter pattern limit. */
const PATTERN_LIMIT = 1024;
/** Up to this many IDs are asked for by name; more are found by reading every REPORT in the window. */
export const BY_NAME_UP_TO = 200;
const CALL_TIMEOUT_MS = 15_000;
/** After the last, each further throttle waits as long as it. */
const THROTTLE_BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000];
/** Between passes for IDs still missing (ingestion lag). */
const PASS_EVERY_MS = 2_000;
/** 'all': how long the count must stay the same before it is taken as whole (CloudWatch Logs' ingestion lag is often 5 to 10 s). */
const STABLE_FOR_MS = 10_000;

export type LogFormat = 'Text' | 'JSON';

export interface InvocationLogs {
  requestId: string;
  /** One per attempt, in the order they were logged. */
  reports: (ReportFigures & { timestamp: number; logStream?: string })[];
  /** START timestamps (one per attempt). */
  starts: number[];
  /** Text format: the timestamps of the lines that say an attempt failed (`Invoke Error`, `Task timed out`; aws/lambdaLog.ts). */
  errors: number[];
}

export interface LogsSearch {
  logs: CloudWatchLogsClient;
  logGroup: string;
  format: LogFormat;
  /** The run's window (epoch ms): events before `startTime` are not read. */
  startTime: number;
  /** How long to keep looking for IDs not found yet (ingestion lag). */
  settleMs: number;
  /** 'all': how long the count of REPORTs must stay the same to be taken as whole (default STABLE_FOR_MS; tests shorten it). */
  stableForMs?: number;
  /** Ends the search: what was found so far is returned, nothing thrown. */
  signal?: AbortSignal;
  /**
   * When an invocation has been found whole (default: once it has a REPORT). An event that may be
   * retried is looked for until all its attempts are in, or `settleMs` runs out; with this, the
   * text format's error lines are read too when every REPORT of the window is (it may need them).
   */
  complete?: (invocation: InvocationLogs) => boolean;
  /** A pause (tests shorten it; default: ended by `signal`). */
  sleep?: (ms: number) => Promise<void>;
}

/** What reading costs and meets: FilterLogEvents calls made, how many were throttled, whether the group was there. */
export interface LogsReading {
  calls: number;
  throttled: number;
  /** The log group did not exist at the last look (a function that never logged yet, or another LoggingConfig). */
  groupMissing?: boolean;
}

export interface LogsFindings extends LogsReading {
  found: Map<string, InvocationLogs>;
  notFound: string[];
  /** How the IDs were looked for. */
  method: 'by request ID' | 'every REPORT in the window';
}

/**
 * `requestIds`: the invocations to look for; 'all': every invocation whose REPORT is in the window
 * (an event source mapping's, whose request IDs lambench never sees), read until the number found
 * has stayed the same for `stableForMs` (0 included: nothing may have run) or `settleMs` runs out.
 */
export async function findInvocationLogs(search: LogsSearch, requestIds: Iterable<string> | 'all'): Promise<LogsFindings> {
  const all = requestIds === 'all';
  const wanted = new Set(all ? [] : requestIds);
  const sleep = search.sleep ?? ((ms: number) => pause(ms, search.signal));
  const findings: LogsFindings = { found: new Map(), notFound: [], calls: 0, throttled: 0, method: !all && wanted.size <= BY_NAME_UP_TO ? 'by request ID' : 'every REPORT in the window' };
  const deadline = Date.now() + search.settleMs;
  const seenEvents = new Set<string>();
  const take = (event: FilteredLogEvent) => {
    const key = event.eventId ?? `${event.logStreamName}/${event.timestamp}/${event.message}`;
    if (seenEvents.has(key)) return;
    seenEvents.add(key);
    const line = parsePlatformLine(event.message ?? '');
    if (!line || (!all && !wanted.has(line.requestId))) return;
    let invocation = findings.found.get(line.requestId);
    if (!invocation) findings.found.set(line.requestId, (invocation = { requestId: line.requestId, reports: [], starts: [], errors: [] }));
    const timestamp = event.timestamp ?? 0;
    if (line.kind === 'report') invocation.reports.push({ ...line.figures, timestamp, ...(event.logStreamName && { logStream: event.logStreamName }) });
    if (line.kind === 'start') invocation.starts.push(timestamp);
    if (line.kind === 'error') invocation.errors.push(timestamp);
  };
  const missingIds = () =>
    [...wanted].filter((id) => {
      const invocation = findings.found.get(id);
      return !invocation?.reports.length || (search.complete !== undefined && !search.complete(invocation));
    });
  // 'all': the count of REPORTs, and when a pass that began then first found it.
  let counted: { reports: number; since: number } | undefined;
  const windowPattern = search.complete ? outcomePattern(search.format) : reportPattern(search.format);
  for (;;) {
    const missing = missingIds();
    if ((!all && missing.length === 0) || search.signal?.aborted) break;
    const passStart = Date.now();
    const patterns = findings.method === 'by request ID' ? idPatterns(missing, search.format) : [windowPattern];
    for (const filterPattern of patterns) await readFilteredEvents(search, filterPattern, findings, take, sleep, deadline);
    if (all) {
      // Nothing to look for by name: every REPORT of the window, until it has stopped growing for longer than logs arrive late.
      const reports = [...findings.found.values()].reduce((sum, invocation) => sum + invocation.reports.length, 0);
      if (counted?.reports !== reports) counted = { reports, since: passStart };
      else if (passStart - counted.since >= (search.stableForMs ?? STABLE_FOR_MS)) break;
    }
    // Everything in after this pass: no pause before finding that out.
    if ((!all && missingIds().length === 0) || Date.now() + PASS_EVERY_MS > deadline) break;
    await sleep(PASS_EVERY_MS);
  }
  for (const [requestId, invocation] of findings.found) {
    // Found means its REPORT was: a START (or an error line) alone is an attempt still under way, or not ingested yet.
    if (invocation.reports.length === 0) findings.found.delete(requestId);
    else invocation.reports.sort((a, b) => a.timestamp - b.timestamp);
  }
  findings.notFound = [...wanted].filter((id) => !findings.found.get(id)?.reports.length);
  return findings;
}

/** Every REPORT line, in the function's format. */
export function reportPattern(format: LogFormat): string {
  return format === 'JSON' ? '{ $.type = "platform.report" }' : '"REPORT RequestId"';
}

/** Every REPORT line and, in the text format, every line that says an attempt failed (the JSON format's REPORT says it itself). */
export function outcomePattern(format: LogFormat): string {
  return format === 'JSON' ? reportPattern(format) : '?"REPORT RequestId" ?"Invoke Error" ?"Task timed out after"';
}

/** Patterns naming the IDs (OR-ed), each within FilterLogEvents' 1,024 characters. */
export function idPatterns(ids: string[], format: LogFormat): string[] {
  const term = format === 'JSON' ? (id: string) => `$.record.requestId = "${id}"` : (id: string) => `?"${id}"`;
  const join = format === 'JSON' ? ' || ' : ' ';
  const wrap = format === 'JSON' ? (body: string) => `{ ${body} }` : (body: string) => body;
  const patterns: string[] = [];
  let current: string[] = [];
  for (const id of ids) {
    const next = [...current, term(id)];
    if (current.length > 0 && wrap(next.join(join)).length > PATTERN_LIMIT) {
      patterns.push(wrap(current.join(join)));
      current = [term(id)];
    } else {
      current = next;
    }
  }
  if (current.length > 0) patterns.push(wrap(current.join(join)));
  return patterns;
}

/**
 * One filter read to the end of its nextToken, throttles waited out: a few whatever the time, more
 * until `deadline` (a throttle says "slower", not "stop": giving up would lose every page still to
 * come); `findings` counts the calls.
 */
export async function readFilteredEvents(search: LogsSearch, filterPattern: string, findings: LogsReading, take: (event: FilteredLogEvent) => void, sleep: (ms: number) => Promise<void>, deadline: number): Promise<void> {
  let nextToken: string | undefined;
  let throttles = 0;
  // Ends at the page without a nextToken: a throttled first page has none yet, and is asked again.
  for (;;) {
    if (search.signal?.aborted) return;
    try {
      findings.calls += 1;
      const command = new FilterLogEventsCommand({ logGroupName: search.logGroup, startTime: search.startTime, filterPattern, ...(nextToken && { nextToken }) });
      // A signal of its own per call, ended by the caller's (the SDK leaves a listener on the signal it is given, and a long-lived one would gather them).
      const page = await withDeadline((abortSignal) => search.logs.send(command, { abortSignal, requestTimeout: CALL_TIMEOUT_MS }), CALL_TIMEOUT_MS, search.signal);
      throttles = 0;
      delete findings.groupMissing;
      for (const event of page.events ?? []) take(event);
      nextToken = page.nextToken;
      if (!nextToken) return;
    } catch (error) {
      // Stopped by the caller (Ctrl-C, the end of a run): what was read so far stands.
      if (search.signal?.aborted) return;
      // A function's log group appears with its first log line: until then there is nothing to find yet.
      if (awsErrorName(error) === 'ResourceNotFoundException') {
        findings.groupMissing = true;
        return;
      }
      if (!isLogsThrottle(error)) throw error;
      const backoff = THROTTLE_BACKOFF_MS[Math.min(throttles, THROTTLE_BACKOFF_MS.length - 1)]!;
      if (throttles >= THROTTLE_BACKOFF_MS.length && Date.now() + backoff > deadline) throw error;
      findings.throttled += 1;
      throttles += 1;
      await sleep(backoff);
    }
  }
}
