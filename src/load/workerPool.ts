/**
 * `bench --workers N`: one phase on N worker threads, for clients with many cores. Each thread
 * has its own target (connections, signer) and sends its share: closed loop, its part of the
 * concurrency and of the requests; open loop, every Nth slot of the one schedule (so the threads
 * together keep the single-thread schedule, each call still measured from its intended time).
 * The main thread adds the threads' recorder intervals into one Recorder (HdrHistograms add
 * exactly), writes their raw lines, and feeds the one delivery tracker.
 */
import { Worker } from 'node:worker_threads';
import { ExitCode, LambenchError } from '../errors.js';
import { Recorder } from '../metrics/recorder.js';
import type { ExpectSink, PhaseConfig, PhaseResult } from './phaseRunner.js';
import { workerPhases } from './split.js';
import type { ToMain, ToWorker, WorkerInput } from './workerProtocol.js';

export interface WorkerPhaseContext {
  base: Omit<WorkerInput, 'phase' | 'graceMs'>;
  rawText?: (text: string) => void;
  expect?: ExpectSink;
  answered?: (requestId: string) => void;
  signal?: AbortSignal;
  /** A second interrupt: the threads cut their calls in flight now. */
  cutSignal?: AbortSignal;
  /** After a stop, how long the threads' calls in flight may take before they are cut. */
  graceMs: number;
  onRecorder?: (recorder: Recorder, phase: PhaseConfig) => void;
  note: (message: string) => void;
}

/** A worker thread failed (not a failed call: those are outcomes). */
export class WorkerFailedError extends LambenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.failed, options);
  }
}

type Done = Omit<Extract<ToMain, { kind: 'done' }>, 'kind'>;

export async function runPhaseOnWorkers(phase: PhaseConfig, workers: number, context: WorkerPhaseContext): Promise<PhaseResult> {
  const phases = workerPhases(phase, workers);
  const recorder = new Recorder();
  const notes = new Set<string>();
  let measuring = false;
  let startedAt = Date.now();
  const threads = phases.map((share) => new Worker(new URL('./phaseWorker.js', import.meta.url), { workerData: { ...context.base, phase: share, graceMs: context.graceMs } satisfies WorkerInput }));
  const send = (message: ToWorker) => threads.forEach((thread) => thread.postMessage(message));

  let ready = 0;
  let readyAll: () => void = () => {};
  const allReady = new Promise<void>((resolve) => (readyAll = resolve));
  const finished = threads.map(
    (thread, index) =>
      new Promise<Done>((resolve, reject) => {
        let done: Done | undefined;
        thread.on('message', (message: ToMain) => {
          switch (message.kind) {
            case 'ready':
              if (++ready === threads.length) readyAll();
              break;
            case 'measuring':
              if (!measuring) {
                measuring = true;
                startedAt = message.at;
                recorder.start(performance.now() - (Date.now() - message.at));
                context.onRecorder?.(recorder, phase);
              }
              break;
            case 'interval':
              recorder.absorb(message.state);
              break;
            case 'raw':
              context.rawText?.(message.text);
              break;
            case 'expect':
              for (const item of message.items) context.expect?.(item, message.counted);
              break;
            case 'answered':
              for (const requestId of message.requestIds) context.answered?.(requestId);
              break;
            case 'note':
              if (!notes.has(message.message)) context.note(message.message);
              notes.add(message.message);
              break;
            case 'done':
              done = message;
              break;
            case 'error': {
              const error = new WorkerFailedError(`worker thread ${index + 1} of ${threads.length} failed: ${message.message}`);
              if (message.stack) error.stack = message.stack;
              reject(error);
              break;
            }
          }
        });
        thread.once('error', (error) => reject(new WorkerFailedError(`worker thread ${index + 1} of ${threads.length} crashed: ${error.message}`, { cause: error })));
        thread.once('exit', (code) => (done ? resolve(done) : reject(new WorkerFailedError(`worker thread ${index + 1} of ${threads.length} exited (${code}) before finishing its share`))));
      }),
  );

  const stop = () => send({ kind: 'stop', graceMs: context.graceMs });
  context.signal?.addEventListener('abort', stop, { once: true });
  const cutNow = () => send({ kind: 'stop', graceMs: 0 });
  context.cutSignal?.addEventListener('abort', cutNow, { once: true });
  try {
    // Every thread has loaded its transport before any sends: the phase starts together.
    await Promise.race([allReady, Promise.all(finished)]);
    if (context.signal?.aborted) stop();
    else send({ kind: 'go' });
    const results = await Promise.all(finished);
    if (!measuring) context.onRecorder?.(recorder, phase);
    return {
      config: phase,
      recorder,
      startedAt,
      elapsedMs: Math.max(...results.map((result) => result.elapsedMs)),
      started: results.reduce((sum, result) => sum + result.started, 0),
      sentLate: results.reduce((sum, result) => sum + result.sentLate, 0),
      // Each thread's window runs to its own next slot; the schedule's own is the least of them.
      ...(phase.load.kind === 'open' && { sendWindowMs: Math.min(...results.map((result) => result.sendWindowMs ?? 0)) }),
      ...(results.every((result) => result.connectionsOpened !== undefined) && { connectionsOpened: results.reduce((sum, result) => sum + result.connectionsOpened!, 0) }),
      ...(results.every((result) => result.requestsSent !== undefined) && { requestsSent: results.reduce((sum, result) => sum + result.requestsSent!, 0) }),
    };
  } finally {
    context.signal?.removeEventListener('abort', stop);
    context.cutSignal?.removeEventListener('abort', cutNow);
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}
