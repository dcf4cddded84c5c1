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
 * these is inferred, and counted as such. Where the runtime writes no such error line (anything but
 * Node.js), an inferred success is held back until no retry came within RETRY_WINDOW_MS of its
 * attempt, or until the settle time ends (finalize): a destination's record or a retry may come first.
 *
 * Read in passes while events are pending (FilterLogEvents allows about 5 calls a second): up to
 * `byNameUpTo` pending IDs by name, more by reading every outcome line of the window. The window
 * starts at the oldest pending send, or at the last pass's start less an ingestion allowance
 * (LAG_ALLOWANCE_MS), whichever is later: the pending events' older lines are already kept. Lines
 * are kept only for pending events, each once (by event ID), and let go when the event settles.
 * Nothing is deleted anywhere.
 */
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { parsePlatformLine } from '../aws/lambdaLog.js';
import { sleep } from '../time.js';
import type { CompletionRecord } from './completionRecord.js';
import { PolledSource } from './polledSource.js';
import { EARLIER_MS, describeLogsFailure } from './logsReads.js';
import { BY_NAME_UP_TO, idPatterns, outcomePattern, readFilteredEvents, type LogFormat, type LogsReading, type LogsSearch } from './logsEvidence.js';

/** How late a log event may become readable after its timestamp: a pass reads this far back before the last one began. */
const LAG_ALLOWANCE_MS = 60_000;
/** Lambda retries a failed event about 1, then 2 minutes later: no retry within this of an attempt, and none is coming. */
const RETRY_WINDOW_MS = 200_000;
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
  /** An event whose attempts so far failed (this many) and whose retry is still to come. */
  retrying: (requestId: string, failedAttempts: number) => void;
  /** Whether a failed attempt logs an error line under its request ID (the JSON format, Node.js runtimes): a success without one is then not held back. */
  errorLinesLogged: boolean;
  /** Why the log group is a guess (the configuration could not be read): pending events are then unverified, not missing. */
  guessedGroup?: string;
  intervalMs?: number;
  /** Default BY_NAME_UP_TO (tests lower it). */
  byNameUpTo?: number;
  now?: () => number;
}

/**
 * An event's outcome lines: each attempt's REPORT (with its status, if it says one), the error lines
 * written before their attempt's REPORT (`errors`: Invoke Error), and timeout lines, which older
 * runtimes write after it (each goes to the nearest REPORT of its log stream).
 */
export interface OutcomeLines {
  reports: { timestamp: number; status?: string; stream?: string }[];
  errors: number[];
  timeouts?: { timestamp: number; stream?: string }[];
}

/** An event's end, as its lines tell it. */
export interface SettledVerdict {
  outcome: 'succeeded' | 'failed';
  attempts: number;
  completedAt: number;
  inferred: boolean;
}

export type LogsVerdict = SettledVerdict | { outcome: 'retrying'; attempts: number };

/** How an event ended by its lines (see the header); undefined while no attempt has a REPORT. */
export function judgeAttempts(lines: OutcomeLines, maximumRetryAttempts: number): LogsVerdict | undefined {
  const reports = [...lines.reports].sort((a, b) => a.timestamp - b.timestamp);
  const timedOut = new Set((lines.timeouts ?? []).map((line) => nearest(reports, line)));
  let previous = Number.NEGATIVE_INFINITY;
  for (const [index, report] of reports.entries()) {
    const errorLogged = timedOut.has(index) || lines.errors.some((at) => at > previous && at <= report.timestamp);
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

/** The index of the REPORT nearest a line in time, among its own log stream's when it has one there. */
function nearest(reports: OutcomeLines['reports'], line: { timestamp: number; stream?: string }): number {
  const sameStream = reports.some((report) => report.stream !== undefined && report.stream === line.stream);
  let best = -1;
  reports.forEach((report, index) => {
    if (sameStream && report.stream !== line.stream) return;
    if (best < 0 || Math.abs(report.timestamp - line.timestamp) < Math.abs(reports[best]!.timestamp - line.timestamp)) best = index;
  });
  return best;
}

export class LogsCompletions extends PolledSource {
  private readonly lines = new Map<string, Required<OutcomeLines> & { eventIds: Set<string> }>();
  /** Inferred successes held back (see the header), by request ID. */
  private readonly held = new Map<string, SettledVerdict>();
  private readonly reading: LogsReading = { calls: 0, throttled: 0 };
  private readonly now: () => number;
  private passes = 0;
  /** When the last completed pass began (epoch ms). */
  private lastPassAt: number | undefined;

  constructor(private readonly options: LogsCompletionsOptions) {
    super(options.intervalMs ?? 2_000);
    this.now = options.now ?? Date.now;
  }

  /** Where the tracker says these outcomes were seen. */
  get label(): string {
    return `logs:${this.options.logGroup}`;
  }

  /**
   * Why pending events cannot be called missing: the logs failing now, never read through, not read
   * since the last events were sent, the group absent, or only guessed.
   */
  unverifiedReason(): string | undefined {
    const { logGroup, guessedGroup } = this.options;
    const failing = this.failingReason(this.label, 'FilterLogEvents');
    if (failing) return failing;
    if (this.passes === 0 || this.lastPassAt === undefined) return `${this.label}: no read of the logs completed`;
    if (this.reading.groupMissing) return `${this.label}: the log group ${logGroup} does not exist (the function has not logged there: check its LoggingConfig and that its role may write logs)`;
    if (guessedGroup) return `${this.label}: the log group is a guess (${guessedGroup}): the function may log elsewhere`;
    const lastSent = [...this.options.pending()].reduce((latest, one) => Math.max(latest, one.sentAt), Number.NEGATIVE_INFINITY);
    if (lastSent >= this.lastPassAt) return `${this.label}: not read since the last events were sent`;
    return undefined;
  }

  /** The settle time is over: inferred successes held back are offered as they are (inferred, and said so). */
  finalize(): void {
    for (const [requestId, verdict] of this.held) this.offerVerdict(requestId, verdict);
    this.held.clear();
  }

  /** One pass: the pending events' lines read, and each event they settle offered. */
  async pass(): Promise<void> {
    const startedAt = this.now();
    const pending = [...this.options.pending()];
    if (pending.length === 0) {
      this.passes += 1;
      this.lastPassAt = startedAt;
      return;
    }
    const wanted = new Set(pending.map((one) => one.requestId));
    const oldest = pending.reduce((earliest, one) => Math.min(earliest, one.sentAt), Number.POSITIVE_INFINITY) - EARLIER_MS;
    const startTime = this.lastPassAt === undefined ? oldest : Math.max(oldest, this.lastPassAt - LAG_ALLOWANCE_MS);
    const search: LogsSearch = { logs: this.options.logs, logGroup: this.options.logGroup, format: this.options.format, startTime, settleMs: 0, signal: this.controller.signal };
    const patterns = wanted.size <= (this.options.byNameUpTo ?? BY_NAME_UP_TO) ? idPatterns([...wanted], this.options.format) : [outcomePattern(this.options.format)];
    const take = (event: FilteredLogEvent) => this.take(event, wanted);
    for (const [index, pattern] of patterns.entries()) {
      if (index > 0) await sleep(CALL_SPACING_MS, this.controller.signal);
      await readFilteredEvents(search, pattern, this.reading, take, (ms) => sleep(ms, this.controller.signal), Date.now() + PASS_THROTTLED_MS);
    }
    if (this.controller.signal.aborted) return;
    this.passes += 1;
    this.lastPassAt = startedAt;
    for (const requestId of this.held.keys()) if (!wanted.has(requestId)) this.held.delete(requestId);
    for (const [requestId, lines] of this.lines) {
      if (!wanted.has(requestId)) {
        // Settled meanwhile by other evidence (a destination's record): its lines are not needed.
        this.lines.delete(requestId);
        continue;
      }
      const verdict = judgeAttempts(lines, this.options.maximumRetryAttempts);
      if (!verdict) continue;
      if (verdict.outcome === 'retrying') {
        this.options.retrying(requestId, verdict.attempts);
        continue;
      }
      if (verdict.outcome === 'succeeded' && verdict.inferred && !this.options.errorLinesLogged && startedAt - verdict.completedAt < RETRY_WINDOW_MS) {
        // A failure this runtime does not log looks like this too: a retry (or a destination's record) may still say so.
        this.held.set(requestId, verdict);
        continue;
      }
      this.held.delete(requestId);
      this.offerVerdict(requestId, verdict);
      this.lines.delete(requestId);
    }
  }

  protected override describeFailure(error: unknown): string {
    return describeLogsFailure(error);
  }

  private offerVerdict(requestId: string, verdict: SettledVerdict): void {
    this.options.offer({
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
  }

  private take(event: FilteredLogEvent, wanted: Set<string>): void {
    const line = parsePlatformLine(event.message ?? '');
    if (!line || (line.kind !== 'report' && line.kind !== 'error') || !wanted.has(line.requestId)) return;
    let lines = this.lines.get(line.requestId);
    if (!lines) this.lines.set(line.requestId, (lines = { reports: [], errors: [], timeouts: [], eventIds: new Set() }));
    const key = event.eventId ?? `${event.logStreamName}/${event.timestamp}/${event.message}`;
    if (lines.eventIds.has(key)) return;
    lines.eventIds.add(key);
    const timestamp = event.timestamp ?? 0;
    const stream = event.logStreamName ? { stream: event.logStreamName } : {};
    if (line.kind === 'error' && line.timeout) lines.timeouts.push({ timestamp, ...stream });
    else if (line.kind === 'error') lines.errors.push(timestamp);
    else if (line.kind === 'report') lines.reports.push({ timestamp, ...stream, ...(line.figures.status !== undefined && { status: line.figures.status }) });
  }
}
