/**
 * The signal the calls of one run of a phase's loop (its warm-up, or its measured run) go out
 * under. It fires when the whole run's calls are cut (a grace period after Ctrl-C, or at once on a
 * second Ctrl-C), or a grace period after this run's duration is over: a target that never
 * answers, or answers at a drip, cannot hold a `-d 1s` phase open for minutes. With `--requests`
 * there is no end time: the per-call `--timeout` is then the only bound.
 */
import { setMaxListeners } from 'node:events';

/** The error type of a call still unanswered a grace period after its phase's end (class `timeout`). */
export const CUT_AT_PHASE_END = 'CutAtPhaseEnd';
/** Why calls were cut by a second Ctrl-C (their outcome's message; error type Interrupted). */
export const SECOND_INTERRUPT = 'cut by a second Ctrl-C';

export interface PhaseCalls {
  signal: AbortSignal;
  /** True once the phase's end (not the run's interrupt) cut the calls still out. */
  readonly cutAtEnd: boolean;
  /** Why a call cut at the phase's end ended: its outcome's message. */
  readonly cutMessage: string;
  /** Stops the timer and lets go of the run's signal. */
  dispose(): void;
}

export function phaseCalls(runCalls: AbortSignal | undefined, durationMs: number | undefined, graceMs: number | undefined): PhaseCalls {
  const controller = new AbortController();
  // Every call in flight listens on it (the SDK adds a listener per call).
  setMaxListeners(0, controller.signal);
  const cutMessage = `no answer within ${(graceMs ?? 0) / 1000} s of the phase's end`;
  let cutAtEnd = false;
  const followRun = () => controller.abort(runCalls!.reason);
  if (runCalls?.aborted) followRun();
  else runCalls?.addEventListener('abort', followRun, { once: true });
  const timer =
    durationMs !== undefined && graceMs !== undefined
      ? setTimeout(() => {
          if (controller.signal.aborted) return;
          cutAtEnd = true;
          controller.abort(new DOMException(cutMessage, 'AbortError'));
        }, durationMs + graceMs)
      : undefined;
  return {
    signal: controller.signal,
    get cutAtEnd() {
      return cutAtEnd;
    },
    cutMessage,
    dispose() {
      clearTimeout(timer);
      runCalls?.removeEventListener('abort', followRun);
    },
  };
}
