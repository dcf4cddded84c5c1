/**
 * Open loop at a constant arrival rate: call i is due at start + i / rate, computed from the
 * absolute start so the schedule never drifts. Latency is measured from that intended time
 * (coordinated-omission free, as wrk2 does). A call that cannot start because `maxInFlight`
 * calls are already out is counted as dropped, never queued silently.
 */
import type { ScheduleShare } from '../config/load.js';
import { sleep } from '../time.js';
import { LATE_SEND_MS, type LoadDriver, type RunLimit, type RunStats } from './types.js';

/**
 * `share` (worker threads): this thread sends only slots share.index, share.index + share.of, …
 * of the whole schedule; `rate` and `limit.requests` stay the whole run's, so the threads
 * together send exactly the single-thread schedule.
 */
/** Behind schedule, the loop lets I/O run after this many sends in a row. */
const BURST_YIELD = 16;

export async function runOpenLoop(rate: number, maxInFlight: number, limit: RunLimit, driver: LoadDriver, share: ScheduleShare = { index: 0, of: 1 }): Promise<RunStats> {
  const start = performance.now();
  const periodMs = 1000 / rate;
  // A count, not a set of promises: adding objects to a Set cost about 10 µs per call in the HTTP
  // path (src/targets/wire/exchange.ts); the end waits on `drained` instead.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  // Each call in flight holds a lane (a connection of its own at the target), taken from a stack of
  // free ones so the most recently used, warm connections are reused first.
  const freeLanes: number[] = [];
  let lanes = 0;
  let index = share.index;
  let started = 0;
  let burst = 0;
  let sentLate = 0;
  const offsetOf = (slot: number) => scheduleOffsetMs(slot, periodMs, rate, limit.rampMs);
  // The whole schedule's slots, when it ran to its end (every share knows them, so shards agree).
  let scheduled: number | undefined;
  while (!limit.signal?.aborted) {
    if (limit.requests !== undefined && index >= limit.requests) {
      scheduled = limit.requests;
      break;
    }
    const offsetMs = offsetOf(index);
    // Compared as an offset: (start + offset) - start can round below the duration and add a call.
    if (limit.durationMs !== undefined && offsetMs >= limit.durationMs) {
      scheduled = slotsBefore(limit.durationMs, rate, limit.rampMs);
      break;
    }
    const intendedAt = start + offsetMs;
    const waitMs = intendedAt - performance.now();
    // Timers fire no sooner than 1 ms; calls due sooner are sent now. Behind schedule, the calls already
    // due go out in a burst, each keeping its own intended time, but the loop still yields to I/O
    // every few sends: a client that cannot keep up must not also stop reading its answers.
    if (waitMs >= 1) await sleep(waitMs, limit.signal);
    else if (++burst % BURST_YIELD === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (limit.signal?.aborted) break;
    const seq = index;
    index += share.of;
    if (inFlight >= maxInFlight) {
      driver.onDropped(intendedAt);
      continue;
    }
    started += 1;
    const sendAt = performance.now();
    if (sendAt - intendedAt > LATE_SEND_MS) sentLate += 1;
    // Latency runs from the intended time, or from the send itself when that came first (timers
    // are 1 ms coarse, so a call due within 1 ms goes out early).
    const measuredFrom = Math.min(intendedAt, sendAt);
    inFlight += 1;
    const lane = freeLanes.pop() ?? lanes++;
    void driver.call(seq, lane).then((outcome) => {
      inFlight -= 1;
      freeLanes.push(lane);
      try {
        driver.onOutcome(outcome, measuredFrom);
      } finally {
        if (inFlight === 0) drained?.();
      }
    });
  }
  // The window the rates are read over: the span of the slots the schedule reached, each one period
  // long (`-r 1 -d 3s`: 3 slots, 3 s; `-r 0.5 -d 1s`: 1 slot, 2 s; `-n 10 -r 5`: 2 s). Not
  // start-to-last-send, which is a period short (3 sends over 2 s read as 1.5/s) and near zero for
  // one send. Interrupted, it is up to this share's next slot (with threads, the least of theirs).
  const sendWindowMs = offsetOf(scheduled ?? index);
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  return { started, elapsedMs: performance.now() - start, sentLate, sendWindowMs };
}

/**
 * When slot `index` is due, in ms from the start, with the rate climbing linearly from 0 to `rate`
 * over `rampMs` and then holding: the slots due by time t are rate·t²/(2·ramp) during the ramp and
 * rate·ramp/2 + rate·(t − ramp) after it; this is that count's inverse. Absolute, so it never drifts.
 */
export function slotOffsetMs(index: number, rate: number, rampMs: number): number {
  const perMs = rate / 1000;
  const duringRamp = (perMs * rampMs) / 2;
  return index < duringRamp ? Math.sqrt((2 * rampMs * index) / perMs) : rampMs + (index - duringRamp) / perMs;
}

/** When slot `index` is due, in ms from the start: one computation for the loop and for slotsBefore, so they round alike. */
function scheduleOffsetMs(index: number, periodMs: number, rate: number, rampMs: number | undefined): number {
  return rampMs ? slotOffsetMs(index, rate, rampMs) : index * periodMs;
}

/** How many slots are due before `durationMs` (offset < duration), by the same comparison as the loop. */
export function slotsBefore(durationMs: number, rate: number, rampMs: number | undefined): number {
  const periodMs = 1000 / rate;
  const offsetOf = (slot: number) => scheduleOffsetMs(slot, periodMs, rate, rampMs);
  // The count from the schedule's formula (see slotOffsetMs), then corrected a slot at a time: a few
  // steps, as it is off by rounding only.
  const perMs = rate / 1000;
  const estimate = !rampMs ? perMs * durationMs : durationMs <= rampMs ? (perMs * durationMs * durationMs) / (2 * rampMs) : (perMs * rampMs) / 2 + perMs * (durationMs - rampMs);
  let slots = Math.max(0, Math.ceil(estimate));
  while (slots > 0 && offsetOf(slots - 1) >= durationMs) slots -= 1;
  while (offsetOf(slots) < durationMs) slots += 1;
  return slots;
}
