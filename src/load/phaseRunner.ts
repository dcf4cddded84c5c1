/**
 * One phase of a run: one invocation type against the target under one load shape. An optional
 * warm-up is run and thrown away; then the measured run feeds the recorder, and for async phases
 * the delivery tracker (every accepted event), which is then given the settle time.
 */
import type { DeliveryReport, DeliveryTracker } from '../delivery/deliveryTracker.js';
import { Recorder, type RawSink } from '../metrics/recorder.js';
import type { InvocationType, InvokeRequest, Outcome, Target } from '../targets/types.js';
import { runClosedLoop } from './closedLoop.js';
import { runOpenLoop } from './openLoop.js';
import type { LoadDriver, RunStats } from './types.js';

export type LoadShape = { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number; maxInFlight: number };

export interface PhaseConfig {
  name: string;
  invocationType: InvocationType;
  load: LoadShape;
  durationMs?: number;
  requests?: number;
  warmupMs?: number;
}

export interface PhaseResult {
  config: PhaseConfig;
  recorder: Recorder;
  /** Epoch ms when the measured run started. */
  startedAt: number;
  elapsedMs: number;
  started: number;
  delivery?: DeliveryReport;
}

export interface PhaseContext {
  target: Target;
  request: (invocationType: InvocationType) => InvokeRequest;
  /** URL targets: how async was asked for (goes into raw lines, so `poll --correlate` can read them). */
  asyncVia?: string;
  raw?: RawSink;
  tracker?: DeliveryTracker;
  settleMs?: number;
  signal?: AbortSignal;
  onRecorder?: (recorder: Recorder, phase: PhaseConfig) => void;
}

export async function runPhase(phase: PhaseConfig, context: PhaseContext): Promise<PhaseResult> {
  const { target, request, signal } = context;
  const call = () => target.invoke(request(phase.invocationType), signal);
  const drive = (driver: LoadDriver, limit: { durationMs?: number; requests?: number }): Promise<RunStats> =>
    phase.load.kind === 'closed'
      ? runClosedLoop(phase.load.concurrency, { ...limit, ...(signal && { signal }) }, driver)
      : runOpenLoop(phase.load.rate, phase.load.maxInFlight, { ...limit, ...(signal && { signal }) }, driver);

  const tracker = phase.invocationType === 'Event' ? context.tracker : undefined;
  const viaHttp = context.asyncVia !== undefined;
  const expect = (outcome: Outcome, counted: boolean) =>
    tracker?.expect(
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
    await drive({ call, onOutcome: (outcome) => outcome.class === 'ok' && expect(outcome, false), onDropped: () => {} }, { durationMs: phase.warmupMs });
  }

  const recorder = new Recorder(context.raw, { phase: phase.name, invocationType: phase.invocationType, ...(context.asyncVia && { asyncVia: context.asyncVia }) });
  context.onRecorder?.(recorder, phase);
  const startedAt = Date.now();
  recorder.start();
  const stats = await drive(
    {
      call,
      onOutcome: (outcome: Outcome, intendedAt) => {
        recorder.record(outcome, intendedAt);
        if (outcome.class === 'ok') expect(outcome, true);
      },
      onDropped: () => recorder.recordDropped(),
    },
    { ...(phase.durationMs !== undefined && { durationMs: phase.durationMs }), ...(phase.requests !== undefined && { requests: phase.requests }) },
  );
  const result: PhaseResult = { config: phase, recorder, startedAt, elapsedMs: stats.elapsedMs, started: stats.started };
  if (tracker) {
    await tracker.settle(context.settleMs ?? 30_000, signal);
    result.delivery = tracker.report();
  }
  return result;
}
