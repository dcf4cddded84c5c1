/**
 * `lambench bench` without the shell: checks everything before sending (every problem listed),
 * runs each phase (e.g. sync then async) against the same target and load shape, verifies
 * async delivery when asked, and returns the report document. Raw results stream to NDJSON as
 * they happen; an abort stops sending and still returns what was measured.
 */
import { setMaxListeners } from 'node:events';
import { phaseName } from '../config/invocationType.js';
import type { RunConfig } from '../config/runConfig.js';
import type { RunInput } from '../config/runInput.js';
import { RawFile } from '../metrics/rawFile.js';
import type { Recorder } from '../metrics/recorder.js';
import { clientUsage, loadNote, SCHEMA_VERSION, type PhaseLogs, type PhaseReport, type ReportDocument, type RunSettings } from '../report/reportDocument.js';
import type { Architecture } from '../metrics/cost.js';
import { phaseReport } from './phaseReport.js';
import { evaluateThresholds } from '../thresholds/thresholds.js';
import { createTarget } from '../targets/index.js';
import { callRequests } from '../targets/prepareCall.js';
import { VERSION } from '../version.js';
import { SECOND_INTERRUPT } from '../load/phaseCalls.js';
import { runPhase, type ExpectSink, type PhaseConfig, type PhaseResult } from '../load/phaseRunner.js';
import { IN_FLIGHT_GRACE_MS } from '../config/load.js';
import { buildRunConfig } from './runConfig.js';
import { openQueuePhase } from './queuePhase.js';
import { addPhaseCosts } from '../report/phaseCost.js';
import { LogsEvidence } from './phaseLogs.js';
import type { QueueMapping } from '../discovery/queueWiring.js';
import { openAsyncEvidence } from './asyncEvidence.js';

/** What a command brings to a run besides its configuration: notes, the interrupts, progress. */
export interface RunHooks {
  note: (message: string) => void;
  signal?: AbortSignal;
  /** A second interrupt: the calls in flight are cut now, not after the grace period (what was measured is still reported). */
  cutSignal?: AbortSignal;
  onPhase?: (recorder: Recorder, phase: PhaseConfig) => void;
}

/** `runBench`'s options: a run's inputs (named as flags in problems) and the hooks. */
export type BenchOptions = RunInput & RunHooks;

/** The report keeps this much of the payload text (the settings are for reading, not for replaying). */
const SETTINGS_PAYLOAD_CHARS = 2048;
/** Where the grace lives (config/load.ts), so the report words it from the same figure. */
export { IN_FLIGHT_GRACE_MS };

/** A run from its inputs, checked as flags (buildRunConfig): for callers without a command line. */
export async function runBench(options: BenchOptions): Promise<ReportDocument> {
  return runConfigured(await buildRunConfig(options), options);
}

/** Runs a checked configuration: each phase against the same target, delivery verified when asked, the report. */
export async function runConfigured(config: RunConfig, hooks: RunHooks): Promise<ReportDocument> {
  const { call, load, delivery, outputs } = config;
  const { types, whole, own, workers, shard } = load;

  // Ctrl-C stops sending at once; the calls in flight get a grace period to answer, then are cut.
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  let graceTimer: NodeJS.Timeout | undefined;
  const startGrace = () => {
    graceTimer = setTimeout(() => cancel.abort(new DOMException(`no answer within ${IN_FLIGHT_GRACE_MS / 1000} s of Ctrl-C`, 'AbortError')), IN_FLIGHT_GRACE_MS);
  };
  hooks.signal?.addEventListener('abort', startGrace, { once: true });
  const cutNow = () => {
    clearTimeout(graceTimer);
    cancel.abort(new DOMException(SECOND_INTERRUPT, 'AbortError'));
  };
  hooks.cutSignal?.addEventListener('abort', cutNow, { once: true });
  const raw = outputs.raw ? await RawFile.open(outputs.raw, hooks.note) : undefined;
  // Where the async outcomes are looked for: the queues given, or the function's destinations, discovered and tapped (asyncEvidence.ts).
  const tracker = delivery && call.kind !== 'queue' ? await openAsyncEvidence({ call, ...delivery, note: hooks.note, signal: hooks.signal }).catch(async (error: unknown) => {
    await raw?.close();
    throw error;
  }) : undefined;
  // Each thread's connections: its part of this process's calls in flight.
  const connections = Math.ceil((own.load.kind === 'closed' ? own.load.concurrency : own.load.maxInFlight) / workers);
  // Built here even with worker threads: it checks region and credentials once, before anything is sent.
  let target;
  let queue;
  let logs: LogsEvidence | undefined;
  try {
    // --logs: the function's log group and format, read before anything is sent (phaseLogs.ts).
    logs = config.logs && call.kind === 'lambda' ? await LogsEvidence.open(call, hooks.note, hooks.signal, types.includes('Event')) : undefined;
    target = await createTarget(call, { connections, forLoad: true, note: hooks.note });
    // A queue: what reads it, read before sending; with delivery verified, its evidence started (queuePhase.ts).
    queue = call.kind === 'queue' ? await openQueuePhase(call, delivery, hooks.note, hooks.signal) : undefined;
    for (const warning of queue?.wiring.warnings ?? []) hooks.note(`queue: ${warning}`);
    // A queue's logs are the mapping's, read whole: with shards, the first reads them (each would see them all).
    if (config.logs && queue && (!shard || shard.index === 1)) logs = await mappedLogs(queue.wiring.mappings, call, hooks.note, hooks.signal);
    else if (config.logs && queue) hooks.note(`--logs: the mapping's invocations are read by shard 1 of ${shard!.of} only (each shard would see them all)`);
  } catch (error) {
    logs?.close();
    await target?.close();
    await queue?.close();
    await tracker?.close();
    await raw?.close();
    throw error;
  }
  const request = callRequests(call);
  const asyncVia = call.kind === 'http' ? call.asyncVia : undefined;
  const evidence = queue?.evidence;
  const expect: ExpectSink | undefined = tracker ? (sent, counted) => tracker.tracker.expect(sent, counted) : evidence ? (sent, counted) => evidence.expect(sent, counted) : undefined;
  let queueDelivery;
  const onWorkers = async (phase: PhaseConfig) => {
    const { runPhaseOnWorkers } = await import('../load/workerPool.js');
    return runPhaseOnWorkers(phase, workers, {
      base: { call, connections, raw: raw !== undefined, expect: expect !== undefined, answered: logs?.byRequestId ?? false },
      rawText: raw?.write,
      expect,
      ...(logs?.byRequestId && { answered: logs.answered }),
      signal: hooks.signal,
      cutSignal: hooks.cutSignal,
      graceMs: IN_FLIGHT_GRACE_MS,
      onRecorder: hooks.onPhase,
      note: hooks.note,
    });
  };
  const startedAt = new Date().toISOString();
  const usageAtStart = process.resourceUsage();
  const wallStart = performance.now();
  const results: PhaseResult[] = [];
  const phaseLogs: PhaseLogs[] = [];
  // Interrupted means Ctrl-C came before the phases (and their settle) were done: one that comes
  // while the tracker closes and hands messages back ends nothing that was measured.
  let interrupted = false;
  try {
    tracker?.tracker.start();
    for (const type of types) {
      if (hooks.signal?.aborted) break;
      const phase: PhaseConfig = { name: phaseName(type, call.kind), invocationType: type, ...own };
      const result =
        workers > 1
          ? await onWorkers(phase)
          : await runPhase(phase, {
              target,
              request,
              asyncVia,
              raw: raw?.write,
              expect,
              ...(logs?.byRequestId && { answered: logs.answered }),
              signal: hooks.signal,
              callSignal: cancel.signal,
              graceMs: IN_FLIGHT_GRACE_MS,
              note: hooks.note,
              onRecorder: hooks.onPhase,
            });
      if (tracker && delivery && type === 'Event') {
        await tracker.tracker.settle(delivery.settleMs, hooks.signal);
        result.delivery = tracker.tracker.report();
      }
      if (queue && delivery) queueDelivery = await queue.finish(delivery.settleMs, hooks.signal);
      if (logs) phaseLogs[results.length] = await logs.finish(result, config.logs!.settleMs, hooks.signal);
      results.push(result);
    }
    interrupted = Boolean(hooks.signal?.aborted);
  } finally {
    clearTimeout(graceTimer);
    hooks.signal?.removeEventListener('abort', startGrace);
    hooks.cutSignal?.removeEventListener('abort', cutNow);
    await target.close();
    await tracker?.close();
    await queue?.close();
    await raw?.close();
    logs?.close();
  }
  const phases = results.map(phaseReport);
  phases.forEach((phase, index) => phaseLogs[index] && (phase.logs = phaseLogs[index]));
  if (queue) for (const phase of phases) phase.queue = { wiring: queue.wiring, ...(queueDelivery && { delivery: queueDelivery }) };
  // A shard's phases report the whole run's load shape: that is what the merged report describes.
  if (shard) for (const phase of phases) Object.assign(phase, { load: whole.load, loadNote: loadNote(whole.load) });
  if (phases.some((phase) => phase.lambda?.gbSeconds !== undefined)) await addCosts(config, phases, hooks.note, logs?.facts.architecture);
  const settings = runSettings(config);
  if (settings.delivery && tracker?.wiring) Object.assign(settings.delivery, { destinations: tracker.wiring, runId: tracker.runId });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'lambench', version: VERSION },
    startedAt,
    target: call.target,
    config: settings,
    ...(shard && { shard }),
    phases,
    // A shard holds part of the load: its rules are judged on the merged report (report --merge).
    thresholds: shard ? [] : evaluateThresholds(outputs.thresholds, phases),
    interrupted,
    client: clientUsage(workers, usageAtStart, wallStart),
  };
}

/** What the report says of the run's configuration (the whole run's load, even on a shard). */
function runSettings({ call, load, delivery, outputs }: RunConfig): RunSettings {
  const { whole } = load;
  return {
    target: call.target,
    phases: load.types.map((type) => phaseName(type, call.kind)),
    load: whole.load,
    ...(whole.requests !== undefined ? { requests: whole.requests } : { durationMs: whole.durationMs! }),
    ...(whole.warmupMs !== undefined && { warmupMs: whole.warmupMs }),
    payload: { source: call.payload.source, bytes: Buffer.byteLength(call.payload.text), text: call.payload.text.slice(0, SETTINGS_PAYLOAD_CHARS), template: Boolean(call.payload.template) },
    ...(delivery && {
      delivery: { ...(delivery.destinationQueue && { destinationQueue: delivery.destinationQueue }), ...(delivery.dlq && { dlq: delivery.dlq }), ...(delivery.outputQueue && { outputQueue: delivery.outputQueue }), settleMs: delivery.settleMs },
    }),
    ...(call.aws.endpointUrl !== undefined && { endpointUrl: call.aws.endpointUrl }),
    ...(call.aws.region !== undefined && { region: call.aws.region }),
    workers: load.workers,
    ...(load.shard && { shard: load.shard }),
    thresholds: outputs.thresholds.map((threshold) => threshold.text),
    ...(outputs.profilePath !== undefined && { profile: outputs.profilePath }),
  };
}

/** A queue phase's --logs: every function its mappings invoke (phaseLogs.ts reads each log group once), or none, said. */
async function mappedLogs(mappings: QueueMapping[] | undefined, call: RunConfig['call'], note: (message: string) => void, signal?: AbortSignal): Promise<LogsEvidence | undefined> {
  // A disabled mapping invokes nothing: its function's REPORTs would be other callers'.
  const disabled = (mappings ?? []).filter((mapping) => mapping.state === 'Disabled');
  if (disabled.length > 0) note(`--logs: ${disabled.map((mapping) => `the mapping ${mapping.uuid} of ${mapping.functionArn}`).join(', ')} ${disabled.length === 1 ? 'is' : 'are'} Disabled: not read`);
  const functions = (mappings ?? []).filter((mapping) => mapping.state !== 'Disabled').map((mapping) => mapping.functionArn);
  if (functions.length === 0) {
    note(`--logs: no ${disabled.length > 0 ? 'enabled ' : ''}event source mapping of this queue is known (${mappings === undefined ? 'not read' : 'none'}): there are no invocations to look up`);
    return undefined;
  }
  // A queue target's --endpoint-url is SQS's: the functions are reached at the Lambda endpoint the AWS settings give.
  return LogsEvidence.openMapped(functions as [string, ...string[]], { region: call.aws.region, profile: call.aws.profile }, note, signal);
}

/**
 * Phases with REPORT figures get a cost estimate; the function's architecture is read from its
 * configuration after the run (a call that is not measured; without permission, x86_64 is assumed
 * and said in the estimate).
 */
async function addCosts(config: RunConfig, phases: PhaseReport[], note: (message: string) => void, known?: Architecture): Promise<void> {
  const { call, outputs } = config;
  let architecture: Architecture | undefined = known;
  let region = call.aws.region;
  const { regionFromArn } = await import('../aws/awsConfig.js');
  if (call.kind === 'lambda') {
    const { createLambdaControlClient } = await import('../aws/lambdaControl.js');
    const lambda = await createLambdaControlClient(call.aws, note, regionFromArn(call.functionName));
    try {
      if (architecture === undefined) architecture = (await (await import('../discovery/functionFacts.js')).readFunctionFacts(lambda, call.functionName, call.qualifier)).architecture;
      region ??= await lambda.config.region();
    } finally {
      lambda.destroy();
    }
  } else if (call.kind === 'queue') {
    // The queue's region: its ARN's, or its URL's host (sqs.<region>.amazonaws.com).
    region ??= regionFromArn(call.queue) ?? (await import('../aws/sqsClient.js')).regionOfQueueUrl(call.queue);
  }
  addPhaseCosts(phases, { ...(architecture && { architecture }), ...(region && { region }), ...(outputs.prices && { prices: outputs.prices }) });
}
