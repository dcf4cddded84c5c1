/**
 * CloudWatch Logs as completion evidence for async events, for functions whose outcomes go nowhere
 * else lambench can read (most have no destination) or go there only in part (no on-success
 * destination). Lambda logs one REPORT per attempt under the event's request ID, so an event's
 * lines say how it ended: its first successful attempt settles it as succeeded; 1 +
 * MaximumRetryAttempts failed attempts settle it as failed (RetriesExhausted, as an on-failure
 * destination would say); fewer failed attempts mean Lambda's retry is still to come (about 1,
 * then 2 minutes later): such an event is not missing when the settle time runs out, it is
 * unverified, and said so.
 *
 * Whether an attempt failed: the JSON format's REPORT says it (`status`). The text format's does
 * only for timeouts and crashes (`Status:`); otherwise a failure is known from the runtime's own
 * error line under the request ID (Node.js: `ERROR Invoke Error`; the platform's `Task timed out`)
 * or from a later attempt (Lambda retries failures only). A text-format success without any of
 * these is inferred, and counted as such: a runtime that logs no error line would read as success.
 *
 * Read in passes while events are pending (FilterLogEvents allows about 5 calls a second): up to
 * BY_NAME_UP_TO pending IDs by name, more by reading every outcome line from the oldest pending
 * send on. Lines are kept only for pending events, each once (by event ID), and let go when the
 * event settles. Nothing is deleted anywhere.
 */
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { parsePlatformLine } from '../aws/lambdaLog.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { messageOf } from '../errors.js';
import { sleep } from '../time.js';
import type { CompletionRecord } from './completionRecord.js';
import { idPatterns, outcomePattern, readFilteredEvents, type LogFormat, type LogsReading, type LogsSearch } from './logsEvidence.js';

/** Up to this many pending IDs are asked for by name; more are found among every outcome line of the window. */
const BY_NAME_UP_TO = 200;
/** Logs are read from a little before the oldest pending send: clocks differ. */
const EARLIER_MS = 5_000;
/** Between filter calls of one pass: under FilterLogEvents' 5 a second, leaving room for other readers. */
const CALL_SPACING_MS = 250;
/** How long one pattern's throttles are waited out before the pass gives up (the next pass tries again). */
const PASS_THROTTLED_MS = 20_000;

export interface LogsCompletionsOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  format: LogFormat;
  /** The function's MaximumRetryAttempts: 1 + this many failed attempts settle an event as failed. */
  maximumRetryAttempts: number;
  /** The tracker's pending events that have a Lambda request ID. */
  pending: () => Iterable<{ requestId: string; sentAt: number }>;
  /** Offers a settled event's record to the tracker. */
  offer: (record: CompletionRecord) => boolean;
  /** An event whose last attempt failed and whose retry is still to come. */
  retrying: (requestId: string) => void;
  intervalMs?: number;
}

/** An event's outcome lines: each attempt's REPORT (with its status, if it says one) and the error lines. */
export interface OutcomeLines {
  reports: { timestamp: number; status?: string }[];
  errors: number[];
}

export type LogsVerdict =
  | { outcome: 'succeeded' | 'failed'; attempts: number; completedAt: number; inferred: boolean }
  | { outcome: 'retrying'; attempts: number };

/** How an event ended by its lines (see the header); undefined while no attempt has a REPORT. */
export function judgeAttempts(lines: OutcomeLines, maximumRetryAttempts: number): LogsVerdict | undefined {
  const reports = [...lines.reports].sort((a, b) => a.timestamp - b.timestamp);
  let previous = Number.NEGATIVE_INFINITY;
  for (const [index, report] of reports.entries()) {
    const errorLogged = lines.errors.some((at) => at > previous && at <= report.timestamp);
    const retried = index < reports.length - 1;
    const failed = report.status !== undefined ? report.status !== 'success' : errorLogged || retried;
    if (!failed) return { outcome: 'succeeded', attempts: index + 1, completedAt: report.timestamp, inferred: report.status === undefined };
    previous = report.timestamp;
  }
  const last = reports[reports.length - 1];
  if (!last) return undefined;
  if (reports.length >= 1 + maximumRetryAttempts) return { outcome: 'failed', attempts: reports.length, completedAt: last.timestamp, inferred: false };
  return { outcome: 'retrying', attempts: reports.length };
}

export class LogsCompletions {
  private readonly lines = new Map<string, OutcomeLines & { eventIds: Set<string> }>();
  private readonly controller = new AbortController();
  private readonly reading: LogsReading = { calls: 0, throttled: 0 };
  private loop: Promise<void> | undefined;
  private failing: { since: number; why: string } | undefined;
  private passes = 0;
  /** Successes read from text-format lines without a status (see the header). */
  inferred = 0;

  constructor(private readonly options: LogsCompletionsOptions) {}

  /** Where the tracker says these outcomes were seen. */
  get label(): string {
    return `logs:${this.options.logGroup}`;
  }

  get calls(): { calls: number; throttled: number } {
    return { calls: this.reading.calls, throttled: this.reading.throttled };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  /** Why pending events cannot be called missing: the logs failing now, never read through, or the group absent. */
  unverifiedReason(): string | undefined {
    const { logGroup } = this.options;
    if (this.failing) return `${this.label}: FilterLogEvents failing since ${new Date(this.failing.since).toISOString()} (${this.failing.why})`;
    if (this.passes === 0) return `${this.label}: no read of the logs completed`;
    if (this.reading.groupMissing) return `${this.label}: the log group ${logGroup} does not exist (the function has not logged there: check its LoggingConfig and that its role may write logs)`;
    return undefined;
  }

  /** One pass: the pending events' lines read, and each event they settle offered. */
  async pass(): Promise<void> {
    const pending = [...this.options.pending()];
    if (pending.length === 0) return void (this.passes += 1);
    const wanted = new Set(pending.map((one) => one.requestId));
    const startTime = pending.reduce((oldest, one) => Math.min(oldest, one.sentAt), Number.POSITIVE_INFINITY) - EARLIER_MS;
    const search: LogsSearch = { logs: this.options.logs, logGroup: this.options.logGroup, format: this.options.format, startTime, settleMs: 0, signal: this.controller.signal };
    const patterns = wanted.size <= BY_NAME_UP_TO ? idPatterns([...wanted], this.options.format) : [outcomePattern(this.options.format)];
    const take = (event: FilteredLogEvent) => this.take(event, wanted);
    for (const [index, pattern] of patterns.entries()) {
      if (index > 0) await sleep(CALL_SPACING_MS, this.controller.signal);
      await readFilteredEvents(search, pattern, this.reading, take, (ms) => sleep(ms, this.controller.signal), Date.now() + PASS_THROTTLED_MS);
    }
    if (this.controller.signal.aborted) return;
    this.passes += 1;
    for (const [requestId, lines] of this.lines) {
      if (!wanted.has(requestId)) {
        // Settled meanwhile by other evidence (a destination's record): its lines are not needed.
        this.lines.delete(requestId);
        continue;
      }
      const verdict = judgeAttempts(lines, this.options.maximumRetryAttempts);
      if (!verdict) continue;
      if (verdict.outcome === 'retrying') {
        this.options.retrying(requestId);
        continue;
      }
      const offered = this.options.offer({
        kind: 'logs',
        queueUrl: this.label,
        seenIn: this.label,
        messageId: `${this.label}#${requestId}`,
        requestId,
        condition: verdict.outcome === 'succeeded' ? 'Success' : 'RetriesExhausted',
        attempts: verdict.attempts,
        completedAt: verdict.completedAt,
        ...(verdict.inferred && { inferred: true }),
      });
      if (offered && verdict.inferred) this.inferred += 1;
      this.lines.delete(requestId);
    }
  }

  private take(event: FilteredLogEvent, wanted: Set<string>): void {
    const line = parsePlatformLine(event.message ?? '');
    if (!line || (line.kind !== 'report' && line.kind !== 'error') || !wanted.has(line.requestId)) return;
    let lines = this.lines.get(line.requestId);
    if (!lines) this.lines.set(line.requestId, (lines = { reports: [], errors: [], eventIds: new Set() }));
    const key = event.eventId ?? `${event.logStreamName}/${event.timestamp}/${event.message}`;
    if (lines.eventIds.has(key)) return;
    lines.eventIds.add(key);
    const timestamp = event.timestamp ?? 0;
    if (line.kind === 'error') lines.errors.push(timestamp);
    else if (line.kind === 'report') lines.reports.push({ timestamp, ...(line.figures.status !== undefined && { status: line.figures.status }) });
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      try {
        await this.pass();
        this.failing = undefined;
      } catch (error) {
        if (signal.aborted) return;
        const why = isAccessDenied(error) ? 'not allowed: logs:FilterLogEvents denied' : awsErrorName(error) || messageOf(error);
        this.failing ??= { since: Date.now(), why };
      }
      await sleep(this.options.intervalMs ?? 2_000, signal);
    }
  }
}
