/**
 * One phase's part of the report document, built from what the load layer measured (its
 * recorder and timings): run is the layer that knows both, so report never imports load.
 */
import type { PhaseResult } from '../load/phaseRunner.js';
import { encodeHistogram, summarize } from '../metrics/histogram.js';
import { loadNote, ratePerSecond, type PhaseReport } from '../report/reportDocument.js';

export function phaseReport(result: PhaseResult): PhaseReport {
  const { recorder, config } = result;
  const durationMs = Math.round(result.elapsedMs);
  // Open loop: rates are over the schedule's window, not the time the last answers took to come.
  const window = result.sendWindowMs !== undefined && result.sendWindowMs > 0 ? result.sendWindowMs : undefined;
  const report: PhaseReport = {
    name: config.name,
    invocationType: config.invocationType,
    load: config.load,
    startedAt: new Date(result.startedAt).toISOString(),
    loadNote: loadNote(config.load),
    requests: recorder.completed,
    unsent: recorder.unsent,
    dropped: recorder.outcomes.dropped,
    cutAtEnd: recorder.cutAtEnd,
    sentLate: result.sentLate,
    ...(result.connectionsOpened !== undefined && { connectionsOpened: result.connectionsOpened }),
    durationMs,
    ...(window !== undefined && { sendWindowMs: Math.round(window) }),
    throughputPerSecond: ratePerSecond(recorder.completed, window ?? durationMs),
    ...(window !== undefined && { offeredPerSecond: ratePerSecond(result.started + recorder.outcomes.dropped, window) }),
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
      histograms: {
        duration: encodeHistogram(recorder.lambda.duration),
        billedDuration: encodeHistogram(recorder.lambda.billedDuration),
        initDuration: encodeHistogram(recorder.lambda.initDuration),
      },
    };
  }
  if (recorder.errorKinds.size > 0) report.errors = [...recorder.errorKinds.values()].sort((a, b) => b.count - a.count);
  if (result.delivery) report.delivery = result.delivery;
  return report;
}
