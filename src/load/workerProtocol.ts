/** What the main thread and the worker threads of `bench --workers N` say to each other. */
import type { SentInvocation } from '../delivery/deliveryTracker.js';
import type { RecorderState } from '../metrics/recorder.js';
import type { TargetOptions } from '../targets/index.js';
import type { CallOptions } from '../targets/prepareCall.js';
import type { InvocationType } from '../targets/types.js';
import type { PhaseConfig } from './phaseRunner.js';

export interface WorkerInput {
  /** The call as the user gave it, with the payload already read (no stdin in a worker). */
  call: Omit<CallOptions, 'stdin'>;
  types: InvocationType[];
  /** This worker's share: its concurrency and requests, or its slots of the open-loop schedule. */
  phase: PhaseConfig;
  target: Omit<TargetOptions, 'note' | 'forLoad'>;
  raw: boolean;
  expect: boolean;
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
  | { kind: 'note'; message: string }
  | { kind: 'done'; elapsedMs: number; started: number; sentLate: number; sendWindowMs?: number; connectionsOpened?: number }
  | { kind: 'error'; message: string; stack?: string };
