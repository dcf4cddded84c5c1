/**
 * Closed loop: N workers, each sending its next call when its last one returns. Simple and
 * common, but when the target slows down, fewer calls are sent: queueing stays hidden from the
 * latency. The report says so plainly; the open loop is the measure that does not hide it.
 */
import type { ScheduleShare } from '../config/load.js';
import { sleep } from '../time.js';
import type { Outcome } from '../targets/types.js';
import type { LoadDriver, RunLimit, RunStats } from './types.js';

/** Unsent calls in a row after which a worker lets the event loop turn. */
const UNSENT_BEFORE_YIELD = 64;

/** `share` (threads, shards): this loop's calls are numbered share.index, share.index + share.of, … so numbers never overlap. */
export async function runClosedLoop(concurrency: number, limit: RunLimit, driver: LoadDriver, share: ScheduleShare = { index: 0, of: 1 }): Promise<RunStats> {
  const start = performance.now();
  let started = 0;
  // Ends the ramp's waits early once nothing more is to be sent (the requests are all out, or Ctrl-C).
  const finished = new AbortController();
  const finish = () => finished.abort();
  limit.signal?.addEventListener('abort', finish, { once: true });
  const more = () =>
    !limit.signal?.aborted &&
    (limit.requests === undefined || started < limit.requests) &&
    (limit.durationMs === undefined || performance.now() - start < limit.durationMs);
  const worker = async (lane: number) => {
    // With a ramp, the workers of the whole run join one by one: this share's worker k is the run's
    // worker k·of + index (threads and shards interleave), joining that far through the ramp.
    const joinAt = limit.rampMs ? ((lane * share.of + share.index) * limit.rampMs) / (concurrency * share.of) : 0;
    if (joinAt > 0) await sleep(joinAt - (performance.now() - start), finished.signal);
    const next = (): Promise<Outcome> | undefined => {
      if (!more()) return undefined;
      const seq = share.index + started * share.of;
      started += 1;
      if (limit.requests !== undefined && started >= limit.requests) finish();
      return driver.call(seq, lane);
    };
    let unsentInARow = 0;
    let call = next();
    while (call) {
      const outcome = await call;
      // The next call goes out before this one is recorded: the target gets it that much sooner.
      call = next();
      driver.onOutcome(outcome, undefined);
      // Calls refused before they were sent settle without any I/O, in microtasks: after a run of
      // them the worker lets the event loop turn, so timers, other lanes' answers and Ctrl-C get through.
      if (outcome.attempts > 0) unsentInARow = 0;
      else if (++unsentInARow === UNSENT_BEFORE_YIELD) {
        unsentInARow = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, lane) => worker(lane)));
  limit.signal?.removeEventListener('abort', finish);
  return { started, elapsedMs: performance.now() - start };
}
