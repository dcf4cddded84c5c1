/**
 * A phase report's recorded figures and the Recorder they come from, both ways: `phaseFromRecorder`
 * writes a recorder's counts and histograms into a phase (the end of a run, and a merge), and
 * `recorderState` reads a phase back as the RecorderState it was written from. Shards are merged by
 * reading each back and adding it with Recorder.absorb, the merge worker threads go through, so the
 * two can never count differently.
 */
import { gbSecondsFromMbMs, mbMsFromGbSeconds } from '../metrics/cost.js';
import { createHistogram, encodeHistogram, summarize } from '../metrics/histogram.js';
import { RECORDED_CLASSES, type Recorder, type RecorderState } from '../metrics/recorder.js';
import { loadNote, type PhaseReport } from './reportDocument.js';

/** What a phase report says besides what its recorder counted: the phase, its timings, its delivery. */
export type PhaseTimings = Pick<PhaseReport, 'name' | 'invocationType' | 'load' | 'startedAt' | 'sentLate' | 'connectionsOpened' | 'requestsSent' | 'durationMs' | 'sendWindowMs' | 'throughputPerSecond' | 'offeredPerSecond' | 'delivery'>;

export function phaseFromRecorder(recorder: Recorder, phase: PhaseTimings): PhaseReport {
  const report: PhaseReport = {
    name: phase.name,
    invocationType: phase.invocationType,
    load: phase.load,
    ...(phase.startedAt !== undefined && { startedAt: phase.startedAt }),
    loadNote: loadNote(phase.load),
    requests: recorder.completed,
    unsent: recorder.unsent,
    dropped: recorder.outcomes.dropped,
    cutAtEnd: recorder.cutAtEnd,
    sentLate: phase.sentLate,
    ...(phase.connectionsOpened !== undefined && { connectionsOpened: phase.connectionsOpened }),
    ...(phase.requestsSent !== undefined && { requestsSent: phase.requestsSent }),
    durationMs: phase.durationMs,
    ...(phase.sendWindowMs !== undefined && { sendWindowMs: phase.sendWindowMs }),
    throughputPerSecond: phase.throughputPerSecond,
    ...(phase.offeredPerSecond !== undefined && { offeredPerSecond: phase.offeredPerSecond }),
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
      gbSeconds: gbSecondsFromMbMs(recorder.lambda.billedMbMs),
      histograms: {
        duration: encodeHistogram(recorder.lambda.duration),
        billedDuration: encodeHistogram(recorder.lambda.billedDuration),
        initDuration: encodeHistogram(recorder.lambda.initDuration),
      },
    };
  }
  if (recorder.errorKinds.size > 0) report.errors = [...recorder.errorKinds.values()].sort((a, b) => b.count - a.count);
  if (phase.delivery) report.delivery = phase.delivery;
  return report;
}

let emptyHistogram: string | undefined;

/**
 * A phase's recorded figures as the RecorderState they were written from. Fields a report from an
 * older lambench lacks count as none (unsent, cutAtEnd, an outcome class); Lambda durations without
 * their histograms (also older reports) read back empty: `lambdaWithoutHistograms` says which.
 */
export function recorderState(phase: PhaseReport): RecorderState {
  emptyHistogram ??= encodeHistogram(createHistogram());
  const lambdaHistograms = phase.lambda?.histograms;
  return {
    completed: phase.requests,
    unsent: phase.unsent ?? 0,
    cutAtEnd: phase.cutAtEnd ?? 0,
    outcomes: Object.fromEntries(RECORDED_CLASSES.map((name) => [name, phase.outcomes[name] ?? 0])) as RecorderState['outcomes'],
    status: Object.entries(phase.status).map(([code, count]) => [Number(code), count]),
    perSecond: phase.perSecond,
    latency: phase.histograms.latency,
    serviceTime: phase.histograms.serviceTime,
    lambda: {
      duration: lambdaHistograms?.duration ?? emptyHistogram,
      billedDuration: lambdaHistograms?.billedDuration ?? emptyHistogram,
      initDuration: lambdaHistograms?.initDuration ?? emptyHistogram,
      maxMemoryUsedMb: phase.lambda?.maxMemoryUsedMb ?? 0,
      reports: phase.lambda?.reports ?? 0,
      billedMbMs: mbMsFromGbSeconds(phase.lambda?.gbSeconds ?? 0),
    },
    errors: phase.errors ?? [],
  };
}

/** A Lambda block written without its histograms (by an older lambench): its durations cannot be merged. */
export function lambdaWithoutHistograms(phase: PhaseReport): boolean {
  return phase.lambda !== undefined && phase.lambda.histograms === undefined;
}
