/**
 * The report: one JSON document with a schemaVersion. Every renderer reads only this document,
 * so the end of a live run and `lambench report` on a saved file print the same thing.
 */
import { availableParallelism } from 'node:os';
import type { CostEstimate } from '../metrics/cost.js';
import type { DeliveryReport } from '../delivery/deliveryTracker.js';
import type { DestinationWiring } from '../discovery/destinationWiring.js';
import type { QueueDeliveryReport } from '../delivery/queueDelivery.js';
import type { QueueWiring } from '../discovery/queueWiring.js';
import { IN_FLIGHT_GRACE_MS, type LoadShape, type ShardInfo } from '../config/load.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { ConcurrencySeries } from '../metrics/concurrencySeries.js';
import type { ErrorKind, RecordedClass } from '../metrics/recorder.js';

export type { ShardInfo };
import type { InvocationType } from '../targets/types.js';
import type { ThresholdResult } from '../thresholds/thresholds.js';

export const SCHEMA_VERSION = 1;

export interface PhaseReport {
  name: string;
  invocationType: InvocationType;
  load: LoadShape;
  /** When the measured run of this phase began (ISO 8601 with ms): merging shards lines their per-second series up by it. */
  startedAt?: string;
  /** Plain words on what the load shape hides or shows. */
  loadNote: string;
  /** Calls completed (each with an outcome other than dropped). */
  requests: number;
  /**
   * Of those, calls that never went out (not signed, refused before they were written, interrupted
   * first): counted under their outcomes, not in the latency histograms. latency count + unsent = requests.
   * Absent in reports from before lambench counted them.
   */
  unsent?: number;
  dropped: number;
  /**
   * Of the timeouts, calls still unanswered a grace period (3 s) after the phase's duration was over,
   * then cut (error type CutAtPhaseEnd). Absent in reports from before lambench cut them.
   */
  cutAtEnd?: number;
  /** Open loop: sends more than 10 ms behind their intended time: the client, not the target, set the pace. */
  sentLate: number;
  /** Connections the measured run opened (TCP, TLS): the calls that waited for them carry that time. Absent: the transport cannot tell (--sdk). */
  connectionsOpened?: number;
  /** A queue phase: the SendMessage(Batch) requests its messages took (what SQS bills). */
  requestsSent?: number;
  durationMs: number;
  /**
   * Open loop: the schedule's window, which its rates are over: the slots it reached × their period
   * (the configured duration when duration × rate is whole; `--requests N`: N / rate). Absent: closed loop.
   */
  sendWindowMs?: number;
  /** Completed calls per second: open loop, over sendWindowMs; closed loop, over durationMs (which includes waiting for the last answers). */
  throughputPerSecond: number;
  /** Open loop: calls started or dropped per second over sendWindowMs: the rate actually offered. */
  offeredPerSecond?: number;
  status: Record<string, number>;
  outcomes: Record<RecordedClass, number>;
  /** Open loop: from the intended send time; closed loop: the service time. Microseconds. */
  latencyUs: LatencySummary | null;
  serviceTimeUs: LatencySummary | null;
  /** HdrHistograms, compressed base64 (integer µs): merge shards losslessly. */
  histograms: { latency: string; serviceTime: string };
  /**
   * Calls completed in each second since the phase started. The last entry covers only what is
   * left of durationMs (durationMs − 1000·(length − 1) ms): read it as a rate over that length.
   */
  perSecond: number[];
  lambda?: LambdaFigures;
  /** Failed calls by kind, most frequent first, each with its first message as received (untrusted text). */
  errors?: ErrorKind[];
  delivery?: DeliveryReport;
  /**
   * A queue target's phase (its messages sent to a queue an event source mapping reads): what the
   * queue was wired to before sending and, with delivery verified, what became of the messages
   * (sent = processed + dead-lettered + still in the queue).
   */
  /** `--logs`: the phase's invocations as CloudWatch Logs showed them. */
  logs?: PhaseLogs;
  /** What the phase's invocations cost (from its REPORT figures): absent without them. */
  cost?: CostEstimate;
  queue?: { wiring: QueueWiring; delivery?: QueueDeliveryReport };
}

/** What `--logs` found of a phase's invocations in the function's log group. */
export interface PhaseLogs {
  /** The log group read; a queue whose mappings invoke functions logging to several: each, comma-separated (byFunction has each). */
  logGroup: string;
  format: 'Text' | 'JSON';
  /** The phase's calls Lambda answered (their request IDs were looked up). */
  invocations: number;
  found: number;
  notFound: number;
  /** REPORT lines per invocation found (an async event retried twice: 3) → invocations. */
  attempts: Record<string, number>;
  /** REPORT lines with an Init Duration. */
  coldStarts: number;
  method: string;
  /** FilterLogEvents calls made, and how many were throttled. */
  calls: number;
  throttled: number;
  /** Where the phase's Lambda figures came from: the calls' log tails, or these logs. */
  figuresFrom: 'tail' | 'logs';
  groupMissing?: boolean;
  notFoundExamples?: string[];
  /** Why the logs could not be read at all. */
  unreadable?: string;
  /** Ctrl-C came before the lookup ended: `found` is what was read by then; the rest were not looked for to the end. */
  interrupted?: boolean;
  /** A queue phase: the mapping's invocations (every REPORT of the phase's window), not the calls'. */
  mapped?: boolean;
  /** The most invocations running at once, from the REPORTs' times and durations. */
  peakConcurrency?: number;
  /**
   * Invocations running at once over time, from the same REPORTs: the most at any moment of each
   * second of the logs' clock (longer steps past an hour: stepMs says). Absent without a REPORT, and
   * in reports from before it was kept.
   */
  concurrency?: ConcurrencySeries;
  /** A queue phase: what was found for each function its mappings invoke (their sum is the phase's). */
  byFunction?: FunctionLogs[];
}

/** One log group a queue phase's mappings' invocations were read from. */
export interface FunctionLogs {
  /** The functions logging to it, as the mappings name them: functions that share a group share an entry (their REPORTs cannot be told apart). */
  functions: string[];
  /** The queue's mappings that invoke them. */
  mappings: number;
  logGroup: string;
  format: 'Text' | 'JSON';
  found: number;
  coldStarts: number;
  peakConcurrency?: number;
  groupMissing?: boolean;
  /** Why this group could not be read (the others' findings stand). */
  unreadable?: string;
}

/** From the REPORT lines of sync calls with --log-type Tail. */
export interface LambdaFigures {
  reports: number;
  coldStarts: number;
  durationUs: LatencySummary | null;
  billedDurationUs: LatencySummary | null;
  initDurationUs: LatencySummary | null;
  maxMemoryUsedMb: number;
  /** Σ billed GB-seconds of the REPORT lines (INIT included as billed since August 2025): what cost is estimated from. Absent in older reports. */
  gbSeconds?: number;
  /** Compressed base64 HdrHistograms (µs), so shards merge these too. */
  histograms?: { duration: string; billedDuration: string; initDuration: string };
}

/** What was run, as the user asked for it (before any shard split): what a reader needs to trust the figures. */
export interface RunSettings {
  target: string;
  /** Phase names in order: sync, async, dryrun. */
  phases: string[];
  load: LoadShape;
  durationMs?: number;
  requests?: number;
  warmupMs?: number;
  /** The payload as given (a template shows its placeholders), cut at 2 KB, and where it came from. */
  payload: { source: string; bytes: number; text: string; template: boolean };
  /** `destinations`: what the function was wired to, when discovered; `runId`: what this run's temporary taps were named by (`lambench-<run id>-…`). */
  delivery?: { destinationQueue?: string; dlq?: string; outputQueue?: string; settleMs: number; destinations?: DestinationWiring; runId?: string };
  endpointUrl?: string;
  region?: string;
  workers: number;
  shard?: ShardInfo;
  thresholds: string[];
  /** The profile the run came from (`lambench run`), as given on the command line. */
  profile?: string;
}

/** One shard of a merged report, as it reported itself. */
export interface ShardSummary {
  shard: ShardInfo;
  startedAt: string;
  interrupted: boolean;
  client?: ClientUsage;
}

export interface ReportDocument {
  schemaVersion: number;
  tool: { name: 'lambench'; version: string };
  startedAt: string;
  target: string;
  /** How the run was set up; absent in reports from before it was recorded. */
  config?: RunSettings;
  /** Set when this report is one shard of a larger run (`bench --shard i/n`). */
  shard?: ShardInfo;
  /** Set on a merged report (`report --merge`): the shards it was made from. */
  shards?: ShardSummary[];
  phases: PhaseReport[];
  thresholds: ThresholdResult[];
  /** True when the run was stopped before its end (Ctrl-C): the figures cover what was measured. */
  interrupted: boolean;
  /** What the load generator itself used: a busy client distorts what it measures. */
  client?: ClientUsage;
}

export interface ClientUsage {
  workers: number;
  /** The cores this process could use (os.availableParallelism()); absent in reports from before it was recorded. */
  cores?: number;
  /** Peak resident memory of the lambench process (all threads), bytes. */
  peakRssBytes: number;
  /** CPU time in user and system mode over the whole run (all threads), milliseconds. */
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
}

/** This process's own usage since `since` (a resourceUsage() taken at the start of the run). */
export function clientUsage(workers: number, since: NodeJS.ResourceUsage, startedAt: number): ClientUsage {
  const now = process.resourceUsage();
  return {
    workers,
    cores: availableParallelism(),
    peakRssBytes: now.maxRSS * 1024,
    cpuUserMs: Math.round((now.userCPUTime - since.userCPUTime) / 1000),
    cpuSystemMs: Math.round((now.systemCPUTime - since.systemCPUTime) / 1000),
    wallMs: Math.round(performance.now() - startedAt),
  };
}

/**
 * What a reader must know about the client itself, for the table and the page. One CPU-second per
 * wall-second is one core busy: the senders can use at most one core each (with --workers, the
 * threads; without, the main thread), and no more than the machine has: the main thread and any
 * threads beyond the cores share them. Near that limit the figures carry the client's own delays.
 */
export function clientWarnings(client: ClientUsage): string[] {
  const warnings: string[] = [];
  const cores = client.cores ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(client.workers, cores);
  if (client.wallMs >= 1000 && (client.cpuUserMs + client.cpuSystemMs) / client.wallMs > 0.9 * limit) {
    warnings.push(`the client was near its CPU limit (${limit} core${limit === 1 ? '' : 's'}): its own delays are in the figures; ${client.workers < cores ? 'try --workers' : 'use a bigger machine or --shard over several'}`);
  }
  if (client.workers > cores) {
    warnings.push(`--workers ${client.workers} is more threads than the ${cores} core${cores === 1 ? '' : 's'} available: they take turns, and their waits are in the latency (use at most ${cores})`);
  }
  return warnings;
}

/**
 * What a reader must know before trusting a phase's latency, beyond its load note: the client fell
 * behind its schedule, or the measured run opened connections (their set-up is in the first calls).
 */
export function phaseWarnings(phase: PhaseReport, settings: RunSettings | undefined): string[] {
  const warnings: string[] = [];
  if (phase.sentLate > 0) {
    warnings.push(`${phase.sentLate} calls went out more than 10 ms after their intended time: the client could not keep the rate, and its delay is in the latency (try --workers, or a lower --rate)`);
  }
  if (phase.unsent) {
    warnings.push(`${phase.unsent} call${phase.unsent === 1 ? '' : 's'} never went out (not signed, refused before being written, or interrupted first): counted under their outcomes, not in the latency`);
  }
  if (phase.cutAtEnd) {
    warnings.push(`${phase.cutAtEnd} call${phase.cutAtEnd === 1 ? ' was' : 's were'} still unanswered ${IN_FLIGHT_GRACE_MS / 1000} s after the phase's duration was over: cut, and counted as timeout (CutAtPhaseEnd)`);
  }
  if (phase.connectionsOpened && !settings?.warmupMs) {
    warnings.push(`the measured run opened ${phase.connectionsOpened} connection${phase.connectionsOpened === 1 ? '' : 's'}: the calls that waited for them carry their set-up time (TCP, TLS); --warmup opens them before measuring`);
  }
  return warnings;
}

/** A load shape in a few words (`open loop 50/s, ramp 10 s`); `inFlight` adds the open loop's cap. */
export function loadLabel(load: LoadShape, inFlight = false): string {
  const shape = load.kind === 'closed' ? `closed loop × ${load.concurrency}` : `open loop ${load.rate}/s${inFlight ? ` (at most ${load.maxInFlight} in flight)` : ''}`;
  return load.rampMs ? `${shape}, ramp ${load.rampMs / 1000} s` : shape;
}

/** Plain words on what a load shape hides or shows. */
export function loadNote(load: LoadShape): string {
  const note =
    load.kind === 'closed'
      ? `closed loop, ${load.concurrency} workers: each sends when its last call returns, so a slow target gets fewer calls and queueing does not show in the latency`
      : `open loop at ${load.rate}/s: latency measured from each call's intended send time (coordinated-omission free); calls that could not start with ${load.maxInFlight} in flight are counted as dropped`;
  if (!load.rampMs) return note;
  const ramp = load.kind === 'closed' ? 'the workers joined one by one' : 'the rate climbed linearly from 0';
  return `${note}; over the first ${load.rampMs / 1000} s ${ramp} (measured with the rest)`;
}

/** `count` per second over `ms`, to 2 decimals (0 over no time). */
export function ratePerSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count * 1000 * 100) / ms) / 100 : 0;
}
