/**
 * Closed loop: N workers, each sending its next call when its last one returns. Simple and
 * common, but when the target slows down, fewer calls are sent: queueing stays hidden from the
 * latency. The report says so plainly; the open loop is the measure that does not hide it.
 */
import { sleep } from './openLoop.js';
import type { ScheduleShare } from './phaseRunner.js';
import type { LoadDriver, RunLimit, RunStats } from './types.js';

/** `share` (threads, shards): this loop's calls are numbered share.index, share.index + share.of, … so numbers never overlap. */
export async function runClosedLoop(concurrency: number, limit: RunLimit, driver: LoadDriver, share: ScheduleShare = { index: 0, of: 1 }): Promise<RunStats> {
  const start = performance.now();
  let started = 0;
  const more = () =>
    !limit.signal?.aborted &&
    (limit.requests === undefined || started < limit.requests) &&
    (limit.durationMs === undefined || performance.now() - start < limit.durationMs);
  const worker = async (lane: number) => {
    // With a ramp, worker k joins k/concurrency of the way through it.
    const joinAt = limit.rampMs ? (lane * limit.rampMs) / concurrency : 0;
    if (joinAt > 0) await sleep(joinAt - (performance.now() - start), limit.signal);
    while (more()) {
      const seq = share.index + started * share.of;
      started += 1;
      driver.onOutcome(await driver.call(seq, lane), undefined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, lane) => worker(lane)));
  return { started, elapsedMs: performance.now() - start };
}
