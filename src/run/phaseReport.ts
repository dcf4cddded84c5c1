/**
 * One phase's part of the report document, built from what the load layer measured (its
 * recorder and timings): run is the layer that knows both, so report never imports load.
 */
import type { PhaseResult } from '../load/phaseRunner.js';
import { phaseFromRecorder } from '../report/recorderFigures.js';
import { ratePerSecond, type PhaseReport } from '../report/reportDocument.js';

export function phaseReport(result: PhaseResult): PhaseReport {
  const { recorder, config } = result;
  const durationMs = Math.round(result.elapsedMs);
  // Open loop: rates are over the schedule's window, not the time the last answers took to come.
  const window = result.sendWindowMs !== undefined && result.sendWindowMs > 0 ? result.sendWindowMs : undefined;
  return phaseFromRecorder(recorder, {
    name: config.name,
    invocationType: config.invocationType,
    load: config.load,
    startedAt: new Date(result.startedAt).toISOString(),
    sentLate: result.sentLate,
    ...(result.connectionsOpened !== undefined && { connectionsOpened: result.connectionsOpened }),
    ...(result.requestsSent !== undefined && { requestsSent: result.requestsSent }),
    durationMs,
    ...(window !== undefined && { sendWindowMs: Math.round(window) }),
    throughputPerSecond: ratePerSecond(recorder.completed, window ?? durationMs),
    ...(window !== undefined && { offeredPerSecond: ratePerSecond(result.started + recorder.outcomes.dropped, window) }),
    ...(result.delivery && { delivery: result.delivery }),
  });
}
