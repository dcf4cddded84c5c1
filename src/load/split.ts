/**
 * How one phase's load is split into parts that never overlap: over worker threads (`--workers`)
 * and over machines (`--shard i/n`). Closed loop: each part takes its share of the concurrency and
 * of the requests. Open loop: each part sends every nth slot of the one schedule, so the parts
 * together send exactly the single-sender schedule, each call still measured from its intended time.
 */
import type { ShardInfo } from '../config/load.js';
import type { Problems } from '../config/problems.js';
import type { PhaseLoad } from '../config/runConfig.js';
import type { PhaseConfig } from './phaseRunner.js';

export type { ShardInfo };

/** Splits a whole into `parts` near-equal whole shares: 10 over 4 → 3, 3, 2, 2. */
export function splitEvenly(whole: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => Math.floor(whole / parts) + (index < whole % parts ? 1 : 0));
}

/** Each worker's phase: the same type, warm-up and duration; its part of the load. */
export function workerPhases(phase: PhaseConfig, workers: number): PhaseConfig[] {
  const { load } = phase;
  // A phase that is itself a share (a shard) is split further: part w of share {i, n} is {i + n·w, n·workers}.
  const outer = phase.share ?? { index: 0, of: 1 };
  const shareOf = (index: number) => ({ index: outer.index + outer.of * index, of: outer.of * workers });
  if (load.kind === 'closed') {
    const concurrency = splitEvenly(load.concurrency, workers);
    const requests = phase.requests === undefined ? undefined : splitEvenly(phase.requests, workers);
    return concurrency.map((share, index) => ({ ...phase, load: { ...load, concurrency: share }, ...(requests && { requests: requests[index]! }), share: shareOf(index) }));
  }
  const maxInFlight = splitEvenly(load.maxInFlight, workers).map((share) => Math.max(1, share));
  return maxInFlight.map((share, index) => ({ ...phase, load: { ...load, maxInFlight: share }, share: shareOf(index) }));
}

/**
 * A shard's part of the load, split so that no two shards overlap: closed loop, its part of the
 * concurrency and of the requests; open loop, every nth slot of the one schedule (the rate and the
 * requests stay the whole run's, as with worker threads), and its part of the in-flight cap.
 */
export function splitForShard(whole: PhaseLoad, shard: ShardInfo, problems: Problems): PhaseLoad | undefined {
  const { index, of } = shard;
  const { load, requests } = whole;
  const { names } = problems;
  if (!Number.isInteger(index) || !Number.isInteger(of) || of < 1 || of > 1000 || index < 1 || index > of) {
    problems.add('shard', `${index}/${of} must be i/n with 1 ≤ i ≤ n ≤ 1000, e.g. --shard 2/4`);
    return undefined;
  }
  const share = { index: index - 1, of };
  if (load.kind === 'closed') {
    // Checked for every shard, not only this one: each shard must reach the same verdict.
    if (load.concurrency < of) problems.add('shard', `${index}/${of}: some shards get no calls in flight from ${names.of('concurrency')} ${load.concurrency}: give at least ${of}, one per shard`);
    if (requests !== undefined && requests < of) problems.add('shard', `${index}/${of}: some shards get no calls from ${names.of('requests')} ${requests}: give at least ${of}, one per shard`);
    const concurrency = splitEvenly(load.concurrency, of)[index - 1]!;
    const part = requests === undefined ? undefined : splitEvenly(requests, of)[index - 1]!;
    return { ...whole, load: { ...load, concurrency }, ...(part !== undefined && { requests: part }), share };
  }
  return { ...whole, load: { ...load, maxInFlight: Math.max(1, splitEvenly(load.maxInFlight, of)[index - 1]!) }, share };
}
