/**
 * Closed loop: N workers, each sending its next call when its last one returns. Simple and
 * common, but when the target slows down, fewer calls are sent: queueing stays hidden from the
 * latency. The report says so plainly; the open loop is the measure that does not hide it.
 */
import type { LoadDriver, RunLimit, RunStats } from './types.js';

export async function runClosedLoop(concurrency: number, limit: RunLimit, driver: LoadDriver): Promise<RunStats> {
  const start = performance.now();
  let started = 0;
  const more = () =>
    !limit.signal?.aborted &&
    (limit.requests === undefined || started < limit.requests) &&
    (limit.durationMs === undefined || performance.now() - start < limit.durationMs);
  const worker = async () => {
    while (more()) {
      started += 1;
      driver.onOutcome(await driver.call(), undefined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { started, elapsedMs: performance.now() - start };
}
