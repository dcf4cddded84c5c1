/**
 * One phase of a run: one invocation type against the target under one load shape. An optional
 * warm-up is run and thrown away; then the measured run feeds the recorder and, for async phases,
 * the delivery expectations (every accepted event). Settling delivery is the caller's: with
 * `--workers`, each thread runs a phase and one tracker in the main thread takes every event.
 */
import type { DeliveryReport, SentInvocation } from '../delivery/deliveryTracker.js';
import { Recorder, type RawSink } from '../metrics/recorder.js';
import type { InvocationType, InvokeRequest, Outcome, Target } from '../targets/types.js';
import { ranTheFunction } from '../targets/outcomeError.js';
import { runClosedLoop } from './closedLoop.js';
import { runOpenLoop } from './openLoop.js';
import { CUT_AT_PHASE_END, phaseCalls, type PhaseCalls } from './phaseCalls.js';
import type { LoadDriver, RunStats } from './types.js';
import type { LoadShape, ScheduleShare } from '../config/load.js';
import { epochAt } from '../time.js';
import type { PhaseLoad } from '../config/runConfig.js';

export type { LoadShape, ScheduleShare };

/** Where accepted async events go to be accounted for (counted: measured, not warm-up). */
export type ExpectSink = (sent: SentInvocation, counted: boolean) => void;

/**
 * One phase: its name and invocation type, and the run's load for this sender (RunConfig's
 * `load.own`, or a worker thread's part of it). With --workers or --shard, `share` says, open loop,
 * the slots of the schedule this part sends (rate and requests are the whole run's); closed loop,
 * how its calls are numbered.
 */
export interface PhaseConfig extends PhaseLoad {
  name: string;
  invocationType: InvocationType;
}

export interface PhaseResult {
  config: PhaseConfig;
  recorder: Recorder;
  /** Epoch ms when the measured run started. */
  startedAt: number;
  elapsedMs: number;
  started: number;
  /** Open loop: sends more than LATE_SEND_MS behind schedule. */
  sentLate: number;
  /** Open loop: from the start to the last send. */
  sendWindowMs?: number;
  /** Connections the measured run had to open (the first calls' latency includes setting them up). */
  connectionsOpened?: number;
  /** Requests the target sent in the measured run, where it counts them (a queue target's batches). */
  requestsSent?: number;
  delivery?: DeliveryReport;
}

export interface PhaseContext {
  target: Target;
  request: (invocationType: InvocationType, seq: number) => InvokeRequest;
  /** URL targets: how async was asked for (goes into raw lines, so `poll --correlate` can read them). */
  asyncVia?: string;
  raw?: RawSink;
  /** Accepted async events, for the delivery tracker. */
  expect?: ExpectSink;
  /**
   * Each measured call Lambda answered (ok, or a function error), by its request ID, whatever the
   * invocation type: what `--logs` looks up. Not behind API Gateway (its request ID is the gateway's).
   */
  answered?: (requestId: string) => void;
  /** Stops sending (Ctrl-C). */
  signal?: AbortSignal;
  /** Aborts the calls still in flight (fired a grace period after `signal`). */
  callSignal?: AbortSignal;
  /** After a phase's duration, how long its calls still out may take before they are cut (counted as timeout, CutAtPhaseEnd). Absent: never cut. */
  graceMs?: number;
  onRecorder?: (recorder: Recorder, phase: PhaseConfig) => void;
  /** Said once per phase, e.g. the first dropped send. */
  note?: (message: string) => void;
}

export async function runPhase(phase: PhaseConfig, context: PhaseContext): Promise<PhaseResult> {
  const { target, request, signal } = context;
  // The signal of the loop running now (warm-up, then the measured run): see phaseCalls.
  let calls: PhaseCalls | undefined;
  // A target never throws for a failed call; if one does anyway, the call fails, not the run.
  const call = (seq: number, lane?: number) =>
    target.invoke(request(phase.invocationType, seq), calls?.signal, lane).catch(
      (error: unknown): Outcome => ({ class: 'networkError', sentAt: Date.now(), serviceTimeMs: 0, endedAt: epochAt(performance.now()), attempts: 0, errorType: 'InternalError', errorMessage: String(error) }),
    );
  const drive = async (driver: LoadDriver, limit: { durationMs?: number; requests?: number; rampMs?: number }): Promise<RunStats> => {
    calls = phaseCalls(context.callSignal, limit.durationMs, context.graceMs);
    try {
      return phase.load.kind === 'closed'
        ? await runClosedLoop(phase.load.concurrency, { ...limit, ...(signal && { signal }) }, driver, phase.share)
        : await runOpenLoop(phase.load.rate, phase.load.maxInFlight, { ...limit, ...(signal && { signal }) }, driver, phase.share);
    } finally {
      calls.dispose();
    }
  };
  // The ramp is the measured run's: a warm-up before it runs at the full load.
  const ramp = phase.load.rampMs ? { rampMs: phase.load.rampMs } : {};

  const sink = phase.invocationType === 'Event' ? context.expect : undefined;
  const viaHttp = context.asyncVia !== undefined;
  const answered = viaHttp ? undefined : context.answered;
  const expect = (outcome: Outcome, counted: boolean) =>
    sink?.(
      {
        // Behind API Gateway the response's request ID is the gateway's: only lambench's ID matches.
        ...(!viaHttp && outcome.requestId && { requestId: outcome.requestId }),
        ...(outcome.clientRequestId && { clientRequestId: outcome.clientRequestId }),
        sentAt: outcome.sentAt,
      },
      counted,
    );

  // Warm-up events are not measured, but their completion records are ours: expected uncounted,
  // so they are cleaned up instead of being left in the queue as someone else's.
  if (phase.warmupMs) {
    // Warm-up calls are numbered -1, -2, … so a {{seq}} never repeats one of the measured run's.
    await drive({ call: (seq, lane) => call(-1 - seq, lane), onOutcome: (outcome) => outcome.class === 'ok' && expect(outcome, false), onDropped: () => {} }, { durationMs: phase.warmupMs });
  }

  const recorder = new Recorder(context.raw, { phase: phase.name, invocationType: phase.invocationType, ...(context.asyncVia && { asyncVia: context.asyncVia }) });
  context.onRecorder?.(recorder, phase);
  const startedAt = Date.now();
  const openedBefore = target.connectionsOpened?.();
  const requestsBefore = target.requestsSent?.();
  recorder.start();
  const stats = await drive(
    {
      call,
      onOutcome: (outcome: Outcome, intendedAt) => {
        // Unanswered when the phase's end cut it: said as such, not as a timeout of its own or an interrupt.
        if (calls!.cutAtEnd && outcome.class === 'timeout') {
          outcome.errorType = CUT_AT_PHASE_END;
          outcome.errorMessage = calls!.cutMessage;
          recorder.cutAtEnd += 1;
        }
        recorder.record(outcome, intendedAt);
        if (outcome.class === 'ok') expect(outcome, true);
        if (answered && outcome.requestId && ranTheFunction(outcome)) answered(outcome.requestId);
      },
      onDropped: (intendedAt: number) => {
        if (recorder.outcomes.dropped === 0 && phase.load.kind === 'open') {
          context.note?.(`${phase.name}: a call could not start with ${phase.load.maxInFlight} already in flight; such sends are counted as dropped (raise --max-in-flight to allow more)`);
        }
        recorder.recordDropped(intendedAt);
      },
    },
    { ...(phase.durationMs !== undefined && { durationMs: phase.durationMs }), ...(phase.requests !== undefined && { requests: phase.requests }), ...ramp },
  );
  const opened = openedBefore === undefined ? undefined : target.connectionsOpened!() - openedBefore;
  const requests = requestsBefore === undefined ? undefined : target.requestsSent!() - requestsBefore;
  return {
    config: phase,
    recorder,
    startedAt,
    elapsedMs: stats.elapsedMs,
    started: stats.started,
    sentLate: stats.sentLate ?? 0,
    ...(stats.sendWindowMs !== undefined && { sendWindowMs: stats.sendWindowMs }),
    ...(opened !== undefined && { connectionsOpened: opened }),
    ...(requests !== undefined && { requestsSent: requests }),
  };
}
