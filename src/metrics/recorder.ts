/**
 * The only thing the hot path writes to: plain counters and HdrHistograms (integer µs). Each call
 * is recorded once; formatting, files and progress display read snapshots, never the other way.
 */
import { parseReportLine, type ReportFigures } from '../aws/lambdaLog.js';
import { billedMbMsOf } from './cost.js';
import type { Outcome, OutcomeClass } from '../targets/types.js';
import { monotonicAt } from '../time.js';
import { createHistogram, decodeHistogram, encodeHistogram, recordMs } from './histogram.js';

export type RecordedClass = OutcomeClass | 'dropped';
export const RECORDED_CLASSES: RecordedClass[] = ['ok', 'functionError', 'throttled', 'httpError', 'networkError', 'timeout', 'dropped'];

/** Where raw results go as they happen: whole NDJSON lines, one per call, each ending in a newline. */
export type RawSink = (lines: string) => void;

export interface RecorderSnapshot {
  elapsedMs: number;
  completed: number;
  ratePerSecond: number;
  /** Latency p99 so far, in microseconds (0 before any call). */
  p99Us: number;
  errors: number;
  dropped: number;
}

/**
 * What a recorder counted, in a form that crosses threads and files: histograms as compressed
 * base64 (lossless), counters as numbers. Worker threads send these as intervals; a phase report
 * carries the same figures and reads back into one (merging shards); Recorder.absorb adds them.
 */
export interface RecorderState {
  completed: number;
  unsent: number;
  cutAtEnd: number;
  outcomes: Record<RecordedClass, number>;
  status: [number, number][];
  /** Calls completed in each second since the sender's start. */
  perSecond: number[];
  latency: string;
  serviceTime: string;
  lambda: { duration: string; billedDuration: string; initDuration: string; maxMemoryUsedMb: number; reports: number; billedMbMs: number };
  errors: ErrorKind[];
}

/** One kind of failure seen in a phase: how often, and the first message of its kind (cut short). */
export interface ErrorKind {
  outcome: RecordedClass;
  /** The service's or function's error name, the network error code, or `HTTP <status>`. */
  type: string;
  count: number;
  example: string;
}

/** Failure kinds kept per phase; the rest are counted under one `other` kind. */
export const MAX_ERROR_KINDS = 20;
/** Characters kept of an example message. */
export const ERROR_EXAMPLE_CHARS = 300;

/** Adds one kind to a table of kinds (recording, thread intervals and shard merging all use this). */
export function addErrorKind(kinds: Map<string, ErrorKind>, kind: ErrorKind): void {
  let key = `${kind.outcome} ${kind.type}`;
  if (!kinds.has(key) && kinds.size >= MAX_ERROR_KINDS) key = `${kind.outcome} other`;
  const entry = kinds.get(key);
  if (entry) entry.count += kind.count;
  else kinds.set(key, { ...kind, ...(key.endsWith(' other') && kind.type !== 'other' && { type: 'other', example: `(more kinds than ${MAX_ERROR_KINDS}) ${kind.example}` }) });
}

export class Recorder {
  /** Client-side time of each call, from its actual send. */
  readonly serviceTime = createHistogram();
  /** Open loop: from the intended send time (coordinated-omission free); closed loop: the service time. */
  readonly latency = createHistogram();
  readonly status = new Map<number, number>();
  readonly outcomes = Object.fromEntries(RECORDED_CLASSES.map((name) => [name, 0])) as Record<RecordedClass, number>;
  /** Calls completed in each second since the start. */
  readonly perSecond: number[] = [];
  /** From REPORT lines (Invoke API, sync, --log-type Tail). */
  /** From REPORT lines: histograms of their figures, and Σ billed MB-ms (whole numbers: exact in any order of adding; cost.ts), not read back off a histogram. */
  readonly lambda = { duration: createHistogram(), billedDuration: createHistogram(), initDuration: createHistogram(), maxMemoryUsedMb: 0, reports: 0, billedMbMs: 0 };
  /** Failed calls by kind, each with its first message (what a report reader needs to know what failed). */
  readonly errorKinds = new Map<string, ErrorKind>();
  completed = 0;
  /** Calls that never went out (attempts 0): in `completed` and the outcomes, not in the latency histograms. */
  unsent = 0;
  /** Of the timeouts, calls still unanswered a grace period after the phase's end, and cut (set by the phase runner). */
  cutAtEnd = 0;
  private startedAt = performance.now();
  /** The labels as the start of a JSON object, ready for each raw line's own fields. */
  private readonly rawPrefix: string;

  /** `labels` go into every raw line (phase, invocationType, asyncVia: what `poll --correlate` reads). */
  constructor(
    private readonly raw?: RawSink,
    labels: Record<string, string> = {},
  ) {
    const json = JSON.stringify(labels);
    this.rawPrefix = json === '{}' ? '{' : `${json.slice(0, -1)},`;
  }

  start(now = performance.now()): void {
    this.startedAt = now;
  }

  /**
   * One completed call; `intendedAt` (performance.now() time) only in open loop, where the latency
   * runs from it to the call's end (`endedAt`, set where the call ended); in closed loop the latency
   * is the service time. A call that never went out (attempts 0: it could not be signed, or the run
   * was interrupted first) counts under its outcome but has no latency: a 0 would pull the
   * percentiles down. `completedAt` places the call in its second of `perSecond`.
   */
  record(outcome: Outcome, intendedAt?: number, completedAt = performance.now()): void {
    this.completed += 1;
    this.outcomes[outcome.class] += 1;
    if (outcome.statusCode !== undefined) this.status.set(outcome.statusCode, (this.status.get(outcome.statusCode) ?? 0) + 1);
    const latencyMs = intendedAt === undefined ? outcome.serviceTimeMs : monotonicAt(outcome.endedAt) - intendedAt;
    if (outcome.attempts > 0) {
      recordMs(this.serviceTime, outcome.serviceTimeMs);
      recordMs(this.latency, latencyMs);
    } else this.unsent += 1;
    const second = Math.floor((completedAt - this.startedAt) / 1000);
    while (this.perSecond.length <= second) this.perSecond.push(0);
    this.perSecond[second]! += 1;
    if (outcome.logResult) this.recordReport(outcome.logResult);
    if (outcome.class !== 'ok') addErrorKind(this.errorKinds, describeFailure(outcome));
    if (this.raw) this.raw(rawLine(this.rawPrefix, outcome, latencyMs));
  }

  /** A send the schedule could not start (no free slot): counted, never hidden. */
  recordDropped(intendedAt?: number): void {
    this.outcomes.dropped += 1;
    // The time it was due (epoch ms), which is what a dropped send has instead of a send time.
    const due = intendedAt === undefined ? Date.now() : Math.round(performance.timeOrigin + intendedAt);
    this.raw?.(`${this.rawPrefix}"outcome":"dropped","sentAt":${due}}\n`);
  }

  snapshot(now = performance.now()): RecorderSnapshot {
    const elapsedMs = now - this.startedAt;
    return {
      elapsedMs,
      completed: this.completed,
      ratePerSecond: elapsedMs > 0 ? (this.completed * 1000) / elapsedMs : 0,
      p99Us: this.latency.totalCount > 0 ? this.latency.getValueAtPercentile(99) : 0,
      errors: this.completed - this.outcomes.ok,
      dropped: this.outcomes.dropped,
    };
  }

  /**
   * Everything counted since the last call, then starts afresh (HdrHistogram's interval pattern):
   * a worker thread sends these, so nothing is counted twice.
   */
  takeInterval(): RecorderState {
    const state: RecorderState = {
      completed: this.completed,
      unsent: this.unsent,
      cutAtEnd: this.cutAtEnd,
      outcomes: { ...this.outcomes },
      status: [...this.status],
      perSecond: [...this.perSecond],
      latency: encodeHistogram(this.latency),
      serviceTime: encodeHistogram(this.serviceTime),
      lambda: {
        duration: encodeHistogram(this.lambda.duration),
        billedDuration: encodeHistogram(this.lambda.billedDuration),
        initDuration: encodeHistogram(this.lambda.initDuration),
        maxMemoryUsedMb: this.lambda.maxMemoryUsedMb,
        reports: this.lambda.reports,
        billedMbMs: this.lambda.billedMbMs,
      },
      errors: [...this.errorKinds.values()],
    };
    this.errorKinds.clear();
    this.completed = 0;
    this.unsent = 0;
    this.cutAtEnd = 0;
    for (const name of RECORDED_CLASSES) this.outcomes[name] = 0;
    this.status.clear();
    this.perSecond.fill(0);
    for (const histogram of [this.latency, this.serviceTime, this.lambda.duration, this.lambda.billedDuration, this.lambda.initDuration]) histogram.reset();
    this.lambda.reports = 0;
    this.lambda.billedMbMs = 0;
    return state;
  }

  /**
   * The one merge: adds another recorder's counts, whether an interval from a worker thread or a
   * shard's phase read back from its report (src/report/recorderFigures.ts). Histograms add bucket
   * by bucket, so the percentiles are those of every sample together. `secondsLater`: how many whole
   * seconds after this recorder's start the other one started (a shard's), to line the per-second
   * series up; worker threads start together (0).
   */
  absorb(state: RecorderState, secondsLater = 0): void {
    this.completed += state.completed;
    this.unsent += state.unsent;
    this.cutAtEnd += state.cutAtEnd;
    for (const name of RECORDED_CLASSES) this.outcomes[name] += state.outcomes[name];
    for (const [code, count] of state.status) this.status.set(code, (this.status.get(code) ?? 0) + count);
    state.perSecond.forEach((count, second) => {
      while (this.perSecond.length <= secondsLater + second) this.perSecond.push(0);
      this.perSecond[secondsLater + second]! += count;
    });
    this.latency.add(decodeHistogram(state.latency));
    this.serviceTime.add(decodeHistogram(state.serviceTime));
    this.lambda.duration.add(decodeHistogram(state.lambda.duration));
    this.lambda.billedDuration.add(decodeHistogram(state.lambda.billedDuration));
    this.lambda.initDuration.add(decodeHistogram(state.lambda.initDuration));
    this.lambda.maxMemoryUsedMb = Math.max(this.lambda.maxMemoryUsedMb, state.lambda.maxMemoryUsedMb);
    this.lambda.reports += state.lambda.reports;
    this.lambda.billedMbMs += state.lambda.billedMbMs ?? 0;
    for (const kind of state.errors) addErrorKind(this.errorKinds, kind);
  }

  private recordReport(log: string): void {
    const report = parseReportLine(log);
    if (report) this.recordReportFigures(report);
  }

  /** One invocation's REPORT figures (from a Tail log, CloudWatch Logs, or the local stack). */
  recordReportFigures(report: ReportFigures): void {
    this.lambda.reports += 1;
    this.lambda.billedMbMs += billedMbMsOf(report);
    recordMs(this.lambda.duration, report.durationMs);
    recordMs(this.lambda.billedDuration, report.billedDurationMs);
    if (report.initDurationMs !== undefined) recordMs(this.lambda.initDuration, report.initDurationMs);
    this.lambda.maxMemoryUsedMb = Math.max(this.lambda.maxMemoryUsedMb, report.maxMemoryUsedMb);
  }
}

/**
 * Out of file descriptors (the process's, the system's): a connection that could not even be opened
 * here, so the network and the target are not at fault, and the report says whose limit it was.
 */
export const CLIENT_OUT_OF_FILES = new Set(['EMFILE', 'ENFILE']);
export const OUT_OF_FILES_EXAMPLE = "the client's own open-file limit (ulimit -n) was reached, not the target's fault: raise it, or lower --concurrency / --max-in-flight";

/** What kind of failure a call was, and its message: from the outcome, else from the function's error payload. */
function describeFailure(outcome: Outcome): ErrorKind {
  let body: { errorType?: unknown; errorMessage?: unknown } | undefined;
  let text: string | undefined;
  if (outcome.payload && outcome.payload.length > 0) {
    text = Buffer.from(outcome.payload.subarray(0, 4096)).toString('utf8');
    try {
      const parsed: unknown = JSON.parse(Buffer.from(outcome.payload).toString('utf8'));
      if (parsed !== null && typeof parsed === 'object') body = parsed as typeof body;
    } catch {
      // Not JSON: the text itself is the example.
    }
  }
  const type =
    outcome.errorType ??
    (typeof body?.errorType === 'string' ? body.errorType : undefined) ??
    outcome.functionError ??
    (outcome.statusCode !== undefined ? `HTTP ${outcome.statusCode}` : 'unknown');
  let example = outcome.errorMessage ?? (typeof body?.errorMessage === 'string' ? body.errorMessage : undefined) ?? text ?? '';
  if (CLIENT_OUT_OF_FILES.has(type)) example = `${OUT_OF_FILES_EXAMPLE} (${example})`;
  return { outcome: outcome.class, type, count: 1, example: example.slice(0, ERROR_EXAMPLE_CHARS) };
}

/**
 * One call's raw line, written out directly: the same text JSON.stringify gives for
 * { ...labels, outcome, statusCode, sentAt, latencyMs, serviceTimeMs, requestId, clientRequestId,
 * errorType } (absent fields left out; a test holds it to that), at a fraction of the cost.
 */
export function rawLine(prefix: string, outcome: Outcome, latencyMs: number): string {
  let line = `${prefix}"outcome":"${outcome.class}"`;
  if (outcome.statusCode !== undefined) line += `,"statusCode":${outcome.statusCode}`;
  line += `,"sentAt":${outcome.sentAt},"latencyMs":${round3(latencyMs)},"serviceTimeMs":${round3(outcome.serviceTimeMs)}`;
  if (outcome.requestId !== undefined) line += `,"requestId":${JSON.stringify(outcome.requestId)}`;
  if (outcome.clientRequestId !== undefined) line += `,"clientRequestId":${JSON.stringify(outcome.clientRequestId)}`;
  if (outcome.errorType !== undefined) line += `,"errorType":${JSON.stringify(outcome.errorType)}`;
  return `${line}}\n`;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
