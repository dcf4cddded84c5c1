/**
 * Shards' `--logs` findings merged (report --merge): what each looked up and found adds up. A queue
 * phase's logs are read by shard 1 alone (each shard would see every REPORT), so its block passes
 * through whole, its peak and series included.
 */
import { addConcurrencySeries, type ConcurrencySeries } from '../metrics/concurrencySeries.js';
import { addCounts, sum } from './counts.js';
import type { FunctionLogs, PhaseLogs } from './reportDocument.js';

export function mergeLogs(parts: PhaseLogs[]): PhaseLogs {
  const [first] = parts as [PhaseLogs];
  if (parts.length === 1) return first;
  const total = (pick: (part: PhaseLogs) => number) => sum(parts.map(pick));
  const attempts = addCounts(parts.map((part) => part.attempts)) as Record<string, number>;
  const unreadable = parts.find((part) => part.unreadable)?.unreadable;
  // One shard's peak is not the run's: shards ran side by side, and a peak says nothing of when.
  const { peakConcurrency: _onePeak, concurrency: _oneSeries, byFunction: _oneByFunction, ...shared } = first;
  // Each shard's series covers its own invocations, on whole seconds of the logs' clock (Lambda's,
  // not the shard's): they add up step by step. Without every shard's, a sum would leave some out.
  const series = parts.map((part) => part.concurrency);
  const byFunction = parts.every((part) => part.byFunction) ? addByFunction(parts.map((part) => part.byFunction!)) : undefined;
  return {
    ...shared,
    ...(series.every((part): part is ConcurrencySeries => part !== undefined) && { concurrency: addConcurrencySeries(series) }),
    ...(byFunction && { byFunction }),
    invocations: total((part) => part.invocations),
    found: total((part) => part.found),
    notFound: total((part) => part.notFound),
    attempts,
    coldStarts: total((part) => part.coldStarts),
    calls: total((part) => part.calls),
    throttled: total((part) => part.throttled),
    ...(parts.some((part) => part.groupMissing) && { groupMissing: true }),
    ...(unreadable && { unreadable }),
    ...(parts.some((part) => part.interrupted) && { interrupted: true }),
    notFoundExamples: parts.flatMap((part) => part.notFoundExamples ?? []).slice(0, 5),
  };
}

/** Queue phases of unsharded parts, each of which read the groups: their counts per group add up like the totals. */
function addByFunction(parts: FunctionLogs[][]): FunctionLogs[] {
  const byGroup = new Map<string, FunctionLogs>();
  for (const entry of parts.flat()) {
    const known = byGroup.get(entry.logGroup);
    if (!known) {
      const { peakConcurrency: _onePeak, ...counts } = entry;
      byGroup.set(entry.logGroup, { ...counts });
      continue;
    }
    known.found += entry.found;
    known.coldStarts += entry.coldStarts;
    if (entry.groupMissing) known.groupMissing = true;
    if (entry.unreadable) known.unreadable ??= entry.unreadable;
  }
  return [...byGroup.values()];
}
