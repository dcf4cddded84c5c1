/**
 * Every call lambench makes ends: `--timeout` when given, else a default deadline on the whole
 * call (connection, request, the answer to its last byte), so that a target that accepts and never
 * answers, or answers a byte at a time, cannot hold a run or an `invoke` forever.
 */

/** Lambda runs a function for at most 15 minutes: a call to it (or to a function URL) gets a minute more. */
export const DEFAULT_CALL_DEADLINE_MS = 16 * 60_000;

/**
 * An HTTP connection silent this long ends its call (undici's own default, kept): an arbitrary
 * server that accepts and never answers is given up well before the whole-call deadline.
 * A longer `--timeout` raises it. Invoke API calls are allowed to stay silent as long as the
 * function may run.
 */
export const HTTP_SILENCE_LIMIT_MS = 300_000;

/** The whole-call deadline: the user's `--timeout`, else the default. */
export function callDeadlineMs(timeoutMs: number | undefined): number {
  return timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : DEFAULT_CALL_DEADLINE_MS;
}

/** How long a connection may stay silent, for a target whose whole calls may last `deadlineMs`. */
export function silenceLimitMs(kind: 'http' | 'lambda', deadlineMs: number): number {
  return kind === 'lambda' ? deadlineMs : Math.max(HTTP_SILENCE_LIMIT_MS, deadlineMs === DEFAULT_CALL_DEADLINE_MS ? 0 : deadlineMs);
}
