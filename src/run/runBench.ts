/**
 * `lambench bench` without the shell: checks everything before sending (every problem listed),
 * runs each phase (e.g. sync then async) against the same target and load shape, verifies
 * async delivery when asked, and returns the report document. Raw results stream to NDJSON as
 * they happen; an abort stops sending and still returns what was measured.
 */
import { setMaxListeners } from 'node:events';
import { RawFile } from '../metrics/rawFile.js';
import { openDeliveryTracker } from '../delivery/openTracker.js';
import { UsageError } from '../errors.js';
import type { Recorder } from '../metrics/recorder.js';
import { clientUsage, loadNote, SCHEMA_VERSION, type ReportDocument, type RunSettings } from '../report/reportDocument.js';
import { phaseReport } from './phaseReport.js';
import { checkThresholdsApply, evaluateThresholds, parseThreshold, type Threshold } from '../thresholds/thresholds.js';
import { createTarget } from '../targets/index.js';
import { parseInvocationType } from '../config/invocationType.js';
import { VERSION } from '../version.js';
import { prepareCall, type CallOptions, type PreparedCall } from '../targets/prepareCall.js';
import type { InvocationType } from '../targets/types.js';
import { SECOND_INTERRUPT } from '../load/phaseCalls.js';
import { runPhase, type ExpectSink, type LoadShape, type PhaseConfig, type PhaseResult, type ScheduleShare } from '../load/phaseRunner.js';
import { splitForShard, type ShardInfo } from '../load/split.js';
import { connectionsAllowed, descriptorProblem, descriptorRoom, type DescriptorRoom } from '../load/fileDescriptors.js';
import { IN_FLIGHT_GRACE_MS } from '../config/load.js';

export interface BenchOptions extends CallOptions {
  /** Comma-separated invocation types, one phase each: `sync,async`. */
  types?: string;
  concurrency?: number;
  rate?: number;
  maxInFlight?: number;
  durationMs?: number;
  requests?: number;
  warmupMs?: number;
  /** Reach the full load after this long (part of the measured run; see LoadShape). */
  rampMs?: number;
  verifyDelivery?: boolean;
  destinationQueue?: string;
  dlq?: string;
  settleMs?: number;
  thresholds?: string[];
  rawPath?: string;
  /** Invoke API through the SDK client instead of the direct signed path. */
  sdk?: boolean;
  /** Worker threads sending the load (default 1: this thread). */
  workers?: number;
  /** `--shard i/n` (1-based): send only this share of the load; the shards' reports merge into the whole run's. */
  shard?: ShardInfo;
  /** The scenario file the run came from (`lambench run`), for the report's settings. */
  profilePath?: string;
  signal?: AbortSignal;
  /** A second interrupt: the calls in flight are cut now, not after the grace period (what was measured is still reported). */
  cutSignal?: AbortSignal;
  note: (message: string) => void;
  onPhase?: (recorder: Recorder, phase: PhaseConfig) => void;
}

/** A run's options apart from what the command brings (notes, the interrupts, progress): what flags and profiles set. */
export type BenchRunOptions = Omit<BenchOptions, 'note' | 'signal' | 'cutSignal' | 'onPhase'>;

const DEFAULT_DURATION_MS = 10_000;
const DEFAULT_SETTLE_MS = 30_000;
/** The report keeps this much of the payload text (the settings are for reading, not for replaying). */
const SETTINGS_PAYLOAD_CHARS = 2048;
/** Where the grace lives (config/load.ts), so the report words it from the same figure. */
export { IN_FLIGHT_GRACE_MS };

/** A run's options, checked: everything that can be known before anything is sent. */
export interface CheckedRun {
  types: InvocationType[];
  load: LoadShape;
  /** This run's own load: the whole run's, or its shard's share. */
  runLoad: LoadShape;
  shardLoad: ReturnType<typeof splitForShard>;
  thresholds: Threshold[];
  verify: boolean;
  workers: number;
  call: PreparedCall;
}

/** Checks a run's options (flags, a profile, or both) and the call; every problem in one UsageError, nothing sent. */
export async function checkRun(options: BenchRunOptions): Promise<CheckedRun> {
  const problems: string[] = [];
  const types: InvocationType[] = [];
  for (const text of (options.types ?? 'sync').split(',')) {
    try {
      types.push(parseInvocationType(text, '--type'));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (new Set(types).size !== types.length) problems.push(`--type '${options.types}' names a mode twice`);
  const room = await descriptorRoom();
  const load = loadShape(options, problems, room);
  if (options.durationMs !== undefined && !(options.durationMs > 0)) problems.push('--duration must be above 0');
  if (options.requests !== undefined && !(Number.isInteger(options.requests) && options.requests > 0)) problems.push(`--requests ${options.requests} must be a whole number above 0`);
  if (options.durationMs !== undefined && options.requests !== undefined) problems.push('give --duration or --requests, not both');
  if (options.rampMs !== undefined && options.requests === undefined && !(options.rampMs < (options.durationMs ?? DEFAULT_DURATION_MS))) {
    // Said without flag names: the ramp and the duration may come from flags, a profile, or both.
    problems.push(`the ramp (${options.rampMs / 1000}s) must be shorter than each phase's duration (${(options.durationMs ?? DEFAULT_DURATION_MS) / 1000}s): the ramp is part of it (--ramp / load.ramp, --duration / load.duration)`);
  }
  const thresholds: Threshold[] = [];
  for (const text of options.thresholds ?? []) {
    try {
      thresholds.push(parseThreshold(text));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const verify = Boolean(options.verifyDelivery);
  checkThresholdsApply(thresholds, types.map(phaseName), verify, problems);
  if (verify && !types.includes('Event')) problems.push('--verify-delivery needs an async phase (--type async or sync,async)');
  if (verify && !options.destinationQueue && !options.dlq) problems.push('--verify-delivery needs --destination-queue URL and/or --dlq URL');
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) problems.push(`--workers ${options.workers} must be a whole number from 1 to 64`);
  const shardLoad = load && options.shard ? splitForShard(load, options.requests, options.shard, problems) : undefined;
  const ownLoad = shardLoad?.load ?? load;
  if (ownLoad && load) {
    // This process's connections: its shard's part, all threads together (they share the limit).
    const own = ownLoad.kind === 'closed' ? ownLoad.concurrency : ownLoad.maxInFlight;
    const given = load.kind === 'closed' ? `--concurrency ${load.concurrency}` : `--max-in-flight ${load.maxInFlight}`;
    const problem = descriptorProblem(own, `${given}${options.shard ? ` (this shard's ${own})` : ''}`, room);
    if (problem) problems.push(problem);
  }
  // One thread (the default) is short of calls only when a shard got none, which the shard's own
  // problem says: --workers is named only when it was asked for.
  if (ownLoad?.kind === 'closed' && Number.isInteger(workers) && workers > 1 && ownLoad.concurrency < workers) {
    const whole = load?.kind === 'closed' ? load.concurrency : ownLoad.concurrency;
    const part = options.shard ? ` (--shard ${options.shard.index}/${options.shard.of} leaves this shard ${ownLoad.concurrency} of --concurrency ${whole})` : '';
    problems.push(`--workers ${workers} needs at least one call in flight per thread${part}: --concurrency ${workers * (options.shard?.of ?? 1)} or more`);
  }
  const call = await prepareCall({ ...options, ...(verify && { needsCorrelation: '--verify-delivery' }) }, types, problems);
  if (problems.length > 0 || !call || !load) throw new UsageError(problems.join('; '));
  return { types, load, runLoad: shardLoad?.load ?? load, shardLoad, thresholds, verify, workers, call };
}

export async function runBench(options: BenchOptions): Promise<ReportDocument> {
  const { types, load, runLoad, shardLoad, thresholds, verify, workers, call } = await checkRun(options);

  // Ctrl-C stops sending at once; the calls in flight get a grace period to answer, then are cut.
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  let graceTimer: NodeJS.Timeout | undefined;
  const startGrace = () => {
    graceTimer = setTimeout(() => cancel.abort(new DOMException(`no answer within ${IN_FLIGHT_GRACE_MS / 1000} s of Ctrl-C`, 'AbortError')), IN_FLIGHT_GRACE_MS);
  };
  options.signal?.addEventListener('abort', startGrace, { once: true });
  const cutNow = () => {
    clearTimeout(graceTimer);
    cancel.abort(new DOMException(SECOND_INTERRUPT, 'AbortError'));
  };
  options.cutSignal?.addEventListener('abort', cutNow, { once: true });
  const raw = options.rawPath ? await RawFile.open(options.rawPath, options.note) : undefined;
  const tracker = verify ? await openDeliveryTracker([options.destinationQueue, options.dlq], { region: options.region, profile: options.profile }, options.note) : undefined;
  const targetOptions = {
    aws: { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl },
    ...(call.http && { http: call.http }),
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.sdk && { sdk: true }),
    maxSockets: Math.ceil((runLoad.kind === 'closed' ? runLoad.concurrency : runLoad.maxInFlight) / workers),
  };
  // Built here even with worker threads: it checks region and credentials once, before anything is sent.
  const target = await createTarget(call.spec, { ...targetOptions, forLoad: true, note: options.note });
  const expect: ExpectSink | undefined = tracker ? (sent, counted) => tracker.tracker.expect(sent, counted) : undefined;
  const { stdin: _stdin, signal: _signal, cutSignal: _cutSignal, note: _note, onPhase: _onPhase, ...callOptions } = options;
  const onWorkers = async (phase: PhaseConfig) => {
    const { runPhaseOnWorkers } = await import('../load/workerPool.js');
    return runPhaseOnWorkers(phase, workers, {
      base: { call: { ...callOptions, payload: call.payloadText, payloadBytes: call.payloadBytes, payloadFile: undefined }, types, target: targetOptions, raw: raw !== undefined, expect: expect !== undefined },
      ...(raw && { rawText: raw.write }),
      ...(expect && { expect }),
      ...(options.signal && { signal: options.signal }),
      ...(options.cutSignal && { cutSignal: options.cutSignal }),
      graceMs: IN_FLIGHT_GRACE_MS,
      ...(options.onPhase && { onRecorder: options.onPhase }),
      note: options.note,
    });
  };
  const startedAt = new Date().toISOString();
  const usageAtStart = process.resourceUsage();
  const wallStart = performance.now();
  const results: PhaseResult[] = [];
  // Interrupted means Ctrl-C came before the phases (and their settle) were done: one that comes
  // while the tracker closes and hands messages back ends nothing that was measured.
  let interrupted = false;
  try {
    tracker?.tracker.start();
    for (const type of types) {
      if (options.signal?.aborted) break;
      const requests = shardLoad?.requests ?? options.requests;
      const phase: PhaseConfig = {
        name: phaseName(type),
        invocationType: type,
        load: runLoad,
        ...(requests !== undefined ? { requests } : { durationMs: options.durationMs ?? DEFAULT_DURATION_MS }),
        ...(options.warmupMs !== undefined && { warmupMs: options.warmupMs }),
        ...(shardLoad && { share: shardLoad.share }),
      };
      const result =
        workers > 1
          ? await onWorkers(phase)
          : await runPhase(phase, {
              target,
              request: call.request,
              ...(call.http && { asyncVia: call.http.asyncVia }),
              ...(raw && { raw: raw.write }),
              ...(expect && { expect }),
              ...(options.signal && { signal: options.signal }),
              callSignal: cancel.signal,
              graceMs: IN_FLIGHT_GRACE_MS,
              note: options.note,
              ...(options.onPhase && { onRecorder: options.onPhase }),
            });
      if (tracker && type === 'Event') {
        await tracker.tracker.settle(options.settleMs ?? DEFAULT_SETTLE_MS, options.signal);
        result.delivery = tracker.tracker.report();
      }
      results.push(result);
    }
    interrupted = Boolean(options.signal?.aborted);
  } finally {
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', startGrace);
    options.cutSignal?.removeEventListener('abort', cutNow);
    await target.close();
    await tracker?.close();
    await raw?.close();
  }
  const phases = results.map(phaseReport);
  // A shard's phases report the whole run's load shape: that is what the merged report describes.
  if (options.shard) for (const phase of phases) Object.assign(phase, { load, loadNote: loadNote(load) });
  const settings: RunSettings = {
    target: options.target,
    phases: types.map(phaseName),
    load,
    ...(options.requests !== undefined ? { requests: options.requests } : { durationMs: options.durationMs ?? DEFAULT_DURATION_MS }),
    ...(options.warmupMs !== undefined && { warmupMs: options.warmupMs }),
    payload: { source: call.payloadSource, bytes: Buffer.byteLength(call.payloadText), text: call.payloadText.slice(0, SETTINGS_PAYLOAD_CHARS), template: Boolean(options.template) },
    ...(verify && { delivery: { ...(options.destinationQueue && { destinationQueue: options.destinationQueue }), ...(options.dlq && { dlq: options.dlq }), settleMs: options.settleMs ?? DEFAULT_SETTLE_MS } }),
    ...(options.endpointUrl !== undefined && { endpointUrl: options.endpointUrl }),
    ...(options.region !== undefined && { region: options.region }),
    workers,
    ...(options.shard && { shard: options.shard }),
    thresholds: thresholds.map((threshold) => threshold.text),
    ...(options.profilePath !== undefined && { profile: options.profilePath }),
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'lambench', version: VERSION },
    startedAt,
    target: options.target,
    config: settings,
    ...(options.shard && { shard: options.shard }),
    phases,
    // A shard holds part of the load: its rules are judged on the merged report (report --merge).
    thresholds: options.shard ? [] : evaluateThresholds(thresholds, phases),
    interrupted,
    client: clientUsage(workers, usageAtStart, wallStart),
  };
}

function phaseName(type: InvocationType): string {
  return type === 'RequestResponse' ? 'sync' : type === 'Event' ? 'async' : 'dryrun';
}

function loadShape(options: BenchRunOptions, problems: string[], room: DescriptorRoom | undefined): LoadShape | undefined {
  if (options.rate !== undefined && options.concurrency !== undefined) {
    problems.push('give --concurrency N (closed loop) or --rate R (open loop), not both');
    return undefined;
  }
  if (options.rate === undefined && options.concurrency === undefined) {
    problems.push('say how to load: --concurrency N (closed loop: N calls in flight) or --rate R (open loop: R calls per second)');
    return undefined;
  }
  if (options.concurrency !== undefined) {
    if (options.maxInFlight !== undefined) problems.push('--max-in-flight applies to the open loop (--rate) only: with --concurrency N, N calls are in flight');
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 10_000) {
      problems.push(`--concurrency ${options.concurrency} must be a whole number from 1 to 10000`);
      return undefined;
    }
    return { kind: 'closed', concurrency: options.concurrency, ...(options.rampMs !== undefined && { rampMs: options.rampMs }) };
  }
  const rate = options.rate!;
  if (!(rate > 0 && rate <= 100_000)) {
    problems.push(`--rate ${rate} must be above 0 and at most 100000 calls per second`);
    return undefined;
  }
  // The default cap is a guess, not a need: it stays within the open files allowed (a cap given is checked against them).
  const maxInFlight = options.maxInFlight ?? Math.min(Math.max(100, Math.ceil(rate * 2)), room ? Math.max(1, connectionsAllowed(room)) : Number.POSITIVE_INFINITY);
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    problems.push(`--max-in-flight ${options.maxInFlight} must be a whole number above 0`);
    return undefined;
  }
  return { kind: 'open', rate, maxInFlight, ...(options.rampMs !== undefined && { rampMs: options.rampMs }) };
}
