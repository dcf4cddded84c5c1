/**
 * One AWS call (all of its SDK attempts) under a deadline, ended early by `stop` when given.
 *
 * One AbortController a call, with its own timer and its own listener on `stop`, both removed when
 * the call ends: `AbortSignal.any([stop, AbortSignal.timeout(…)])` would do the same in one line,
 * but on Node 20 `stop` (alive for a whole run, or a whole `poll --follow`) keeps every signal
 * combined with it alive, so each call would leave a little memory behind until the run ends.
 */
export async function withDeadline<T>(call: (signal: AbortSignal) => Promise<T>, deadlineMs: number, stop?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${deadlineMs} ms`, 'TimeoutError')), deadlineMs);
  const onStop = () => controller.abort(stop!.reason);
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
  }
}
