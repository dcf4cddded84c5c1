import type { Outcome } from '../targets/types.js';

/** What a scheduler needs: a way to make one call, and where its results go. */
export interface LoadDriver {
  /**
   * Makes call number `seq` of the phase (the target and the request are bound in; `seq` fills a
   * payload template's {{seq}}). `lane`: held by no other call in flight (its own connection).
   */
  call(seq: number, lane?: number): Promise<Outcome>;
  /** Open loop: `intendedAt` is the time latency is measured from (performance.now()): the scheduled send time, or the send itself if earlier. */
  onOutcome(outcome: Outcome, intendedAt: number | undefined): void;
  /** `intendedAt`: when the send was due (performance.now() time). */
  onDropped(intendedAt: number): void;
}

/** When a run stops: after a duration, after a number of calls, or when aborted. */
export interface RunLimit {
  durationMs?: number;
  requests?: number;
  signal?: AbortSignal;
  /** Reach the full load after this long (see LoadShape). */
  rampMs?: number;
}

export interface RunStats {
  started: number;
  elapsedMs: number;
  /** Open loop: calls sent more than LATE_SEND_MS after their intended time (the client fell behind). */
  sentLate?: number;
  /**
   * Open loop: the schedule's span, what its rates are over: the slots reached (sent, dropped, or
   * due when it stopped) × their period, from this share's next slot (with threads, the run's is the least of theirs).
   */
  sendWindowMs?: number;
}

/** A send this much behind its schedule means the client, not the target, set the pace. */
export const LATE_SEND_MS = 10;
