/**
 * Invocations running at once over time, from REPORT lines (`--logs`): each invocation ran from its
 * REPORT's time less its duration until its REPORT's time; an end and a start at the same moment do
 * not overlap. For each step the series holds the most that ran at any one moment of it.
 *
 * Steps are whole seconds of the epoch on the REPORTs' clock (Lambda's, not the client's), doubled
 * while a series would be longer than MAX_POINTS: every coarser step is then a union of finer
 * ones, so two series line up step for step whatever their lengths, and shards' series add up.
 */

/** An hour at one point a second; longer phases get 2 s, 4 s, … steps. */
export const MAX_POINTS = 3600;
const BASE_STEP_MS = 1000;

/** A phase's concurrency over time, as the report keeps it. */
export interface ConcurrencySeries {
  /** What each entry covers: 1000 ms, or a power-of-two multiple of it when the phase ran longer than MAX_POINTS seconds. */
  stepMs: number;
  /** Epoch ms (the logs' clock) where the first entry begins: a multiple of stepMs. */
  from: number;
  /** The most invocations running at any moment of each step. */
  max: number[];
  /**
   * A merged report: the shards whose series were added step by step. Each shard's invocations are
   * its own, but their peaks within a step need not have coincided: a sum is then at most the run's.
   */
  shards?: number;
}

/** What a REPORT says of an invocation's time: when it ended and how long it ran. */
export interface ReportSpan {
  timestamp: number;
  durationMs: number;
}

/**
 * The series of `reports` from the phase's start, or from the first invocation's start when that is
 * earlier (the logs' clock may run behind the client's), never before `notBefore` (the window the
 * logs were read over), to the last invocation's end. Undefined without a REPORT.
 */
export function concurrencySeries(reports: ReportSpan[], phaseStart: number, notBefore = phaseStart): ConcurrencySeries | undefined {
  const spans = reports.filter((report) => Number.isFinite(report.timestamp) && Number.isFinite(report.durationMs));
  if (spans.length === 0) return undefined;
  const edges = edgesOf(spans);
  const begin = Math.max(notBefore, Math.min(phaseStart, edges[0]![0]));
  const end = spans.reduce((last, report) => Math.max(last, report.timestamp), -Infinity);
  const stepMs = stepFor(begin, end, BASE_STEP_MS);
  const from = Math.floor(begin / stepMs) * stepMs;
  const max = new Array<number>(lengthOf(from, end, stepMs)).fill(0);
  let running = 0;
  let next = 0;
  for (let index = 0; index < max.length; index++) {
    const start = from + index * stepMs;
    // What runs at the step's first moment: everything begun by then and not yet ended.
    while (next < edges.length && edges[next]![0] <= start) running += edges[next++]![1];
    let peak = running;
    while (next < edges.length && edges[next]![0] < start + stepMs) peak = Math.max(peak, (running += edges[next++]![1]));
    max[index] = peak;
  }
  return { stepMs, from, max };
}

/**
 * Shards' series added step by step, on the coarsest step among them (each re-stepped by its
 * maxima). They share a clock base: their steps are whole seconds of the logs' clock, not of the
 * shards' own, so a step of one is the same moment in every other.
 */
export function addConcurrencySeries(parts: ConcurrencySeries[]): ConcurrencySeries {
  const begin = Math.min(...parts.map((part) => part.from));
  const end = Math.max(...parts.map((part) => part.from + part.max.length * part.stepMs));
  const stepMs = stepFor(begin, end, Math.max(...parts.map((part) => part.stepMs)));
  const from = Math.floor(begin / stepMs) * stepMs;
  const max = new Array<number>(lengthOf(from, end, stepMs)).fill(0);
  for (const part of parts) {
    const coarse = new Map<number, number>();
    part.max.forEach((count, index) => {
      const at = Math.floor((part.from + index * part.stepMs - from) / stepMs);
      coarse.set(at, Math.max(coarse.get(at) ?? 0, count));
    });
    for (const [at, count] of coarse) max[at]! += count;
  }
  return { stepMs, from, max, shards: parts.reduce((total, part) => total + (part.shards ?? 1), 0) };
}

/** The most invocations running at once over all of `reports` (an end and a start at the same moment do not overlap). */
export function peakConcurrency(reports: ReportSpan[]): number {
  let running = 0;
  let peak = 0;
  for (const [, step] of edgesOf(reports)) peak = Math.max(peak, (running += step));
  return peak;
}

/** The series' highest point and where its first step at that height begins (epoch ms). */
export function seriesPeak(series: ConcurrencySeries): { max: number; at: number } {
  const max = Math.max(0, ...series.max);
  return { max, at: series.from + Math.max(0, series.max.indexOf(max)) * series.stepMs };
}

/** Each invocation's start (+1) and end (−1), by time; at one moment ends first, so what only touches does not overlap. */
function edgesOf(spans: ReportSpan[]): [at: number, step: number][] {
  const edges: [at: number, step: number][] = spans.flatMap((report) => [
    [report.timestamp - Math.max(0, report.durationMs), 1],
    [report.timestamp, -1],
  ]);
  return edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** The least of `atLeast` doubled that keeps begin..end within MAX_POINTS steps. */
function stepFor(begin: number, end: number, atLeast: number): number {
  let stepMs = atLeast;
  while (lengthOf(Math.floor(begin / stepMs) * stepMs, end, stepMs) > MAX_POINTS) stepMs *= 2;
  return stepMs;
}

/** Steps from `from` until `end` is covered: at least one (an end on a step's edge is not in the next). */
function lengthOf(from: number, end: number, stepMs: number): number {
  return Math.max(1, Math.ceil((end - from) / stepMs));
}
