/** What the main thread and the worker threads of `bench --workers N` say to each other. */
import type { SentInvocation } from '../delivery/deliveryTracker.js';
import type { RecorderState } from '../metrics/recorder.js';
import type { CallConfig } from '../config/runConfig.js';
import type { PhaseConfig } from './phaseRunner.js';

export interface WorkerInput {
  /** The run's checked call, payload read (no stdin in a worker): the thread builds its own target and requests from it. */
  call: CallConfig;
  /** This worker's share: its concurrency and requests, or its slots of the open-loop schedule. */
  phase: PhaseConfig;
  /** Connections its target may open. */
  connections: number;
  raw: boolean;
  expect: boolean;
  /** Send back the request IDs of the measured calls Lambda answered (`--logs` looks each up). */
  answered?: boolean;
  /** After the phase's duration (or a stop), how long calls still out may take before they are cut. */
  graceMs: number;
}

export type ToWorker = { kind: 'go' } | { kind: 'stop'; graceMs: number };

export type ToMain =
  | { kind: 'ready' }
  | { kind: 'measuring'; at: number }
  | { kind: 'interval'; state: RecorderState }
  | { kind: 'raw'; text: string }
  | { kind: 'expect'; counted: boolean; items: SentInvocation[] }
  | { kind: 'answered'; requestIds: string[] }
  | { kind: 'note'; message: string }
  | { kind: 'done'; elapsedMs: number; started: number; sentLate: number; sendWindowMs?: number; connectionsOpened?: number; requestsSent?: number }
  | { kind: 'error'; message: string; stack?: string };
