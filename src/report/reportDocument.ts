/**
 * The report: one JSON document with a schemaVersion. Every renderer reads only this document,
 * so the end of a live run and `lambench report` on a saved file print the same thing.
 */
import type { DeliveryReport } from '../delivery/deliveryTracker.js';
import { encodeHistogram, summarize, type LatencySummary } from '../metrics/histogram.js';
import type { RecordedClass } from '../metrics/recorder.js';
import type { LoadShape, PhaseResult } from '../load/phaseRunner.js';
import type { InvocationType } from '../targets/types.js';
import type { ThresholdResult } from './thresholds.js';

export const SCHEMA_VERSION = 1;

export interface PhaseReport {
  name: string;
  invocationType: InvocationType;
  load: LoadShape;
  /** Plain words on what the load shape hides or shows. */
  loadNote: string;
  /** Calls completed (each with an outcome other than dropped). */
  requests: number;
  dropped: number;
  /** Open loop: sends more than 10 ms behind their intended time: the client, not the target, set the pace. */
  sentLate: number;
  durationMs: number;
  /** Completed calls per second over durationMs (which includes waiting for the last answers). */
  throughputPerSecond: number;
  /** Open loop: calls started or dropped per second over the sending window: the rate actually offered. */
  offeredPerSecond?: number;
  status: Record<string, number>;
  outcomes: Record<RecordedClass, number>;
  /** Open loop: from the intended send time; closed loop: the service time. Microseconds. */
  latencyUs: LatencySummary | null;
  serviceTimeUs: LatencySummary | null;
  /** HdrHistograms, compressed base64 (integer µs): merge shards losslessly. */
  histograms: { latency: string; serviceTime: string };
  perSecond: number[];
  lambda?: { reports: number; coldStarts: number; durationUs: LatencySummary | null; billedDurationUs: LatencySummary | null; initDurationUs: LatencySummary | null; maxMemoryUsedMb: number };
  delivery?: DeliveryReport;
}

export interface ReportDocument {
  schemaVersion: number;
  tool: { name: 'lambench'; version: string };
  startedAt: string;
  target: string;
  phases: PhaseReport[];
  thresholds: ThresholdResult[];
  /** True when the run was stopped before its end (Ctrl-C): the figures cover what was measured. */
  interrupted: boolean;
  /** What the load generator itself used: a busy client distorts what it measures. */
  client?: ClientUsage;
}

export interface ClientUsage {
  workers: number;
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
    peakRssBytes: now.maxRSS * 1024,
    cpuUserMs: Math.round((now.userCPUTime - since.userCPUTime) / 1000),
    cpuSystemMs: Math.round((now.systemCPUTime - since.systemCPUTime) / 1000),
    wallMs: Math.round(performance.now() - startedAt),
  };
}

export function phaseReport(result: PhaseResult): PhaseReport {
  const { recorder, config } = result;
  const durationMs = Math.round(result.elapsedMs);
  const report: PhaseReport = {
    name: config.name,
    invocationType: config.invocationType,
    load: config.load,
    loadNote:
      config.load.kind === 'closed'
        ? `closed loop, ${config.load.concurrency} workers: each sends when its last call returns, so a slow target gets fewer calls and queueing does not show in the latency`
        : `open loop at ${config.load.rate}/s: latency measured from each call's intended send time (coordinated-omission free); calls that could not start with ${config.load.maxInFlight} in flight are counted as dropped`,
    requests: recorder.completed,
    dropped: recorder.outcomes.dropped,
    sentLate: result.sentLate,
    durationMs,
    throughputPerSecond: durationMs > 0 ? Math.round((recorder.completed * 1000 * 100) / durationMs) / 100 : 0,
    ...(result.sendWindowMs !== undefined && result.sendWindowMs > 0 && { offeredPerSecond: Math.round(((result.started + recorder.outcomes.dropped) * 1000 * 100) / result.sendWindowMs) / 100 }),
    status: Object.fromEntries([...recorder.status].sort(([a], [b]) => a - b).map(([code, count]) => [String(code), count])),
    outcomes: { ...recorder.outcomes },
    latencyUs: summarize(recorder.latency) ?? null,
    serviceTimeUs: summarize(recorder.serviceTime) ?? null,
    histograms: { latency: encodeHistogram(recorder.latency), serviceTime: encodeHistogram(recorder.serviceTime) },
    perSecond: [...recorder.perSecond],
  };
  if (recorder.lambda.reports > 0) {
    report.lambda = {
      reports: recorder.lambda.reports,
      coldStarts: recorder.lambda.initDuration.totalCount,
      durationUs: summarize(recorder.lambda.duration) ?? null,
      billedDurationUs: summarize(recorder.lambda.billedDuration) ?? null,
      initDurationUs: summarize(recorder.lambda.initDuration) ?? null,
      maxMemoryUsedMb: recorder.lambda.maxMemoryUsedMb,
    };
  }
  if (result.delivery) report.delivery = result.delivery;
  return report;
}
