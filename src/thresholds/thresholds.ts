/**
 * Pass/fail rules over a finished run: `p99<300ms`, `mean<=1s`, `errors<1%`, `delivered>=100%`,
 * `rps>=50`, optionally for one phase: `async:p99<2s`. Parsed before anything is sent.
 * `delivered` is an async phase's succeeded / accepted, and a queue phase's processed / sent.
 */
import type { Problems } from '../config/problems.js';
import type { Threshold, ThresholdMetric } from '../config/runConfig.js';
import { UsageError } from '../errors.js';
import { formatLatencyUs } from '../latencyText.js';

/**
 * What a rule reads of one phase: the report's PhaseReport has all of it. Named here, not imported,
 * because thresholds sit below report (the report document carries their results).
 */
export interface PhaseFigures {
  name: string;
  requests: number;
  dropped: number;
  outcomes: { ok: number };
  throughputPerSecond: number;
  latencyUs: Record<'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'mean', number> | null;
  delivery?: { accepted: number; succeeded: number };
  /** A queue phase, delivery verified: of the messages sent, how many were processed. */
  queue?: { delivery?: { sent: number; processed: number } };
}

export type { Threshold, ThresholdMetric };

export interface ThresholdResult {
  threshold: string;
  metric: ThresholdMetric;
  phase: string;
  /** Microseconds for latencies, a fraction (0–1) for errors and delivered, calls/s for rps. */
  actual: number | null;
  passed: boolean;
}

const PATTERN = /^\s*(?:([a-z]+):)?\s*(p50|p90|p99\.9|p999|p99|max|mean|errors|delivered|rps)\s*(<=|>=|<|>)\s*([\d.]+)\s*(us|µs|ms|s|%)?\s*$/i;
const TO_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

/** A rule as `--threshold` gives it; throws a UsageError naming the flag. */
export function parseThreshold(text: string): Threshold {
  const read = readThreshold(text);
  if (typeof read === 'string') throw new UsageError(`--threshold ${read}`);
  return read;
}

/** A rule, or what is wrong with it, written to follow the name of the input it came from. */
export function readThreshold(text: string): Threshold | string {
  const match = PATTERN.exec(text);
  const number = Number(match?.[4]);
  if (!match || !Number.isFinite(number)) return `'${text}' does not parse: write e.g. 'p99<300ms', 'errors<1%', 'delivered>=100%', 'async:p50<2s'`;
  const metric = match[2]!.toLowerCase().replace('p99.9', 'p999') as ThresholdMetric;
  const unit = match[5]?.toLowerCase();
  let value: number;
  if (metric === 'errors' || metric === 'delivered') {
    if (unit !== '%') return `'${text}': ${metric} is a percentage, e.g. '${metric}${match[3]}${match[4]}%'`;
    value = number / 100;
  } else if (metric === 'rps') {
    if (unit !== undefined) return `'${text}': rps takes a plain number of calls per second`;
    value = number;
  } else {
    if (unit === undefined || unit === '%') return `'${text}': give ${metric} a unit (us, ms or s)`;
    value = number * TO_US[unit]!;
  }
  return { text: text.trim(), ...(match[1] && { phase: match[1].toLowerCase() }), metric, operator: match[3] as Threshold['operator'], value };
}

/**
 * A run's rules, read (`thresholds`: `--threshold` each, or a profile's list), and checked against
 * the run: a rule that could never be judged in it is a usage error, not a silent pass. Problems
 * name the rule's input (`--threshold`, `thresholds[1]`) and the inputs that would make it apply.
 */
export function checkThresholds(texts: string[], phaseNames: string[], verifyDelivery: boolean, problems: Problems): Threshold[] {
  const { names } = problems;
  // A queue target's one phase: its messages sent, delivered when processed.
  const queue = phaseNames.includes('queue');
  const thresholds: Threshold[] = [];
  texts.forEach((text, index) => {
    const threshold = readThreshold(text);
    if (typeof threshold === 'string') {
      problems.add('thresholds', threshold, index);
      return;
    }
    thresholds.push(threshold);
    if (threshold.phase && !phaseNames.includes(threshold.phase)) {
      problems.add('thresholds', `'${threshold.text}' names phase '${threshold.phase}', which this run does not have (it runs ${phaseNames.join(', ')})`, index);
    } else if (threshold.metric === 'delivered' && !verifyDelivery) {
      const queues = queue ? `${names.of('outputQueue')} / ${names.of('dlq')}` : `${names.of('destinationQueue')} / ${names.of('dlq')}`;
      problems.add('thresholds', `'${threshold.text}' needs ${names.of('verifyDelivery')} (with ${queues}): delivery is only known when it is verified`, index);
    } else if (threshold.metric === 'delivered' && threshold.phase && threshold.phase !== 'async' && threshold.phase !== 'queue') {
      problems.add('thresholds', `'${threshold.text}': delivery applies to the ${queue ? 'queue' : 'async'} phase only (write '${queue ? 'queue' : 'async'}:${threshold.text.split(':').pop()}' or leave the prefix out)`, index);
    }
  });
  return thresholds;
}

export function evaluateThresholds(thresholds: Threshold[], phases: PhaseFigures[]): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const threshold of thresholds) {
    for (const phase of phases) {
      if (threshold.phase && threshold.phase !== phase.name) continue;
      const actual = actualOf(threshold.metric, phase);
      if (actual === null && threshold.metric === 'delivered' && !threshold.phase) continue;
      results.push({ threshold: threshold.text, metric: threshold.metric, phase: phase.name, actual, passed: actual !== null && compare(actual, threshold.operator, threshold.value) });
    }
  }
  return results;
}

function actualOf(metric: ThresholdMetric, phase: PhaseFigures): number | null {
  switch (metric) {
    case 'errors': {
      // A dropped send is a call the run meant to make and could not: it counts against errors.
      const attempted = phase.requests + phase.dropped;
      return attempted > 0 ? (attempted - phase.outcomes.ok) / attempted : null;
    }
    case 'delivered': {
      if (phase.delivery) return phase.delivery.accepted > 0 ? phase.delivery.succeeded / phase.delivery.accepted : null;
      const queued = phase.queue?.delivery;
      return queued && queued.sent > 0 ? queued.processed / queued.sent : null;
    }
    case 'rps':
      return phase.throughputPerSecond;
    default:
      return phase.latencyUs ? phase.latencyUs[metric] : null;
  }
}

function compare(actual: number, operator: Threshold['operator'], value: number): boolean {
  if (operator === '<') return actual < value;
  if (operator === '<=') return actual <= value;
  if (operator === '>') return actual > value;
  return actual >= value;
}

/** The measured value in the threshold's own terms: `12.3 ms` (as the report table prints it), `0.5%`, `48.2/s`. */
export function formatThresholdValue(metric: ThresholdMetric, actual: number | null): string {
  if (actual === null) return 'no data';
  if (metric === 'errors' || metric === 'delivered') return `${(actual * 100).toFixed(2)}%`;
  if (metric === 'rps') return `${actual.toFixed(1)}/s`;
  return formatLatencyUs(actual);
}
