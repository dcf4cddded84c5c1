/** Time helpers every layer may use. */

/** Waits `ms`, or less if `signal` aborts first (resolves either way, never rejects). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    // An aborted signal fires no more 'abort' events: it would wait the whole `ms`.
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A performance.now() time (this thread's clock) as epoch milliseconds, keeping its fraction: an
 * Outcome's `endedAt`, from which the recorder measures latency to the microsecond (monotonicAt
 * gives the performance.now() time back, to within a fraction of a microsecond).
 */
export function epochAt(monotonicMs: number): number {
  return performance.timeOrigin + monotonicMs;
}

/** An epochAt() time back on this thread's performance.now() clock. */
export function monotonicAt(epochMs: number): number {
  return epochMs - performance.timeOrigin;
}
