/**
 * The checks of a run's inputs that need nothing but the inputs: the phases, the load shape, the
 * run's length, delivery. Written once for every source; each problem is collected with its field
 * and said by the source's names (Problems). The checks that read files or need a transport's
 * rules (the call: targets/prepareCall.ts; thresholds; open files; shards) join them in
 * run/runConfig.ts, which builds the RunConfig.
 */
import { invocationTypeOf, notAnInvocationType, type InvocationType } from './invocationType.js';
import type { LoadShape } from './load.js';
import type { Problems } from './problems.js';
import type { DeliveryConfig } from './runConfig.js';
import type { Field, RunInput } from './runInput.js';

export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_SETTLE_MS = 30_000;
export const MAX_WORKERS = 64;

/** The phases' types, in order (`fallback` when none is given); each spelling checked, none twice. */
export function checkTypes(types: string | string[] | undefined, fallback: string, problems: Problems): InvocationType[] {
  const written = types ?? fallback;
  const list = Array.isArray(written) ? written : written.split(',');
  const found: InvocationType[] = [];
  list.forEach((text, index) => {
    const type = invocationTypeOf(text);
    if (type === undefined) problems.add('types', notAnInvocationType(text), Array.isArray(written) ? index : undefined);
    else found.push(type);
  });
  if (new Set(found).size !== found.length) problems.add('types', `'${list.join(',')}' names a mode twice`);
  return found;
}

/** A duration that must be above 0 when given; `absent` says what leaving it out gives. */
export function checkPositiveDuration(ms: number | undefined, field: Field, absent: string, problems: Problems): void {
  if (ms !== undefined && !(ms > 0)) problems.add(field, `${ms / 1000}s must be above 0 (leave it out for ${absent})`);
}

/**
 * The load shape (closed loop: concurrency; open loop: rate and its in-flight cap) and the run's
 * length. `defaultMaxInFlight`: the cap when none is given, for a rate (it depends on the open
 * files allowed, which only the run's builder reads).
 */
export function checkLoad(input: RunInput, defaultMaxInFlight: (rate: number) => number, problems: Problems): { load: LoadShape; durationMs?: number; requests?: number } | undefined {
  const { names } = problems;
  const either = (pair: [Field, string][]) =>
    [...pair]
      .sort(([a], [b]) => names.rank(a) - names.rank(b))
      .map(([field, note]) => `${names.usage(field)}${note ? ` (${note})` : ''}`)
      .join(' or ');
  for (const [field, absent] of [['durationMs', 'the default 10s'], ['warmupMs', 'no warm-up'], ['rampMs', 'no ramp']] as const) {
    checkPositiveDuration(input[field], field, absent, problems);
  }
  if (input.requests !== undefined && !(Number.isInteger(input.requests) && input.requests > 0)) problems.add('requests', `${input.requests} must be a whole number above 0`);
  if (input.durationMs !== undefined && input.requests !== undefined) problems.add('load', `give ${either([['durationMs', ''], ['requests', '']])}, not both`);
  const durationMs = input.durationMs ?? DEFAULT_DURATION_MS;
  // Only between two sound figures: a ramp or a duration of 0 is said above, on its own.
  if (input.rampMs !== undefined && input.rampMs > 0 && durationMs > 0 && input.requests === undefined && !(input.rampMs < durationMs)) {
    problems.add(
      undefined,
      `the ramp (${input.rampMs / 1000}s) must be shorter than each phase's duration (${durationMs / 1000}s): the ramp is part of it (${names.of('rampMs')}, ${names.of('durationMs')})`,
    );
  }
  const workers = input.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) problems.add('workers', `${input.workers} must be a whole number from 1 to ${MAX_WORKERS}`);

  const length = input.requests !== undefined ? { requests: input.requests } : { durationMs };
  const ramp = input.rampMs !== undefined ? { rampMs: input.rampMs } : {};
  if (input.rate !== undefined && input.concurrency !== undefined) {
    problems.add('load', `give ${either([['concurrency', 'closed loop'], ['rate', 'open loop']])}, not both`);
    return undefined;
  }
  if (input.rate === undefined && input.concurrency === undefined) {
    problems.add('load', `say how to load: ${either([['concurrency', 'closed loop: N calls in flight'], ['rate', 'open loop: R calls per second']])}`);
    return undefined;
  }
  if (input.concurrency !== undefined) {
    if (input.maxInFlight !== undefined) problems.add('maxInFlight', `applies to the open loop (${names.of('rate')}) only: with ${names.of('concurrency')} N, N calls are in flight`);
    if (!Number.isInteger(input.concurrency) || input.concurrency < 1 || input.concurrency > 10_000) {
      problems.add('concurrency', `${input.concurrency} must be a whole number from 1 to 10000`);
      return undefined;
    }
    return { load: { kind: 'closed', concurrency: input.concurrency, ...ramp }, ...length };
  }
  const rate = input.rate!;
  if (!(rate > 0 && rate <= 100_000)) {
    problems.add('rate', `${rate} must be above 0 and at most 100000 calls per second`);
    return undefined;
  }
  const maxInFlight = input.maxInFlight ?? defaultMaxInFlight(rate);
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    problems.add('maxInFlight', `${input.maxInFlight} must be a whole number above 0`);
    return undefined;
  }
  return { load: { kind: 'open', rate, maxInFlight, ...ramp }, ...length };
}

/** Verified delivery: an async phase to verify, and a queue to verify it on. Undefined when not asked for. */
export function checkDelivery(input: RunInput, types: InvocationType[], problems: Problems, queueTarget = false): DeliveryConfig | undefined {
  const { names } = problems;
  checkPositiveDuration(input.settleMs, 'settleMs', 'the default 30s', problems);
  if (!queueTarget && input.outputQueue !== undefined) problems.add('outputQueue', 'applies to queue targets only: the queue a function behind an event source mapping writes its results to');
  if (!input.verifyDelivery) {
    if (queueTarget && input.outputQueue !== undefined) problems.add('outputQueue', `needs ${names.of('verifyDelivery')}: it is where delivery is verified`);
    return undefined;
  }
  if (queueTarget) {
    // A queue's evidence: its DLQ (from its redrive policy unless given) and an output queue, if any.
    if (input.destinationQueue !== undefined) problems.add('destinationQueue', `applies to async function calls: a queue's evidence is its DLQ (${names.of('dlq')}, found from its redrive policy by default) and ${names.of('outputQueue')}`);
    return { dlq: input.dlq, outputQueue: input.outputQueue, settleMs: input.settleMs ?? DEFAULT_SETTLE_MS };
  }
  if (!types.includes('Event')) problems.add('verifyDelivery', `needs an async phase (${names.of('types')} async or sync,async)`);
  // A function's destinations are discovered; a URL's function is not known, nor are they under --no-discover.
  const url = /^https?:\/\//i.test(input.target);
  if (!input.destinationQueue && !input.dlq && url) problems.add('verifyDelivery', `needs ${names.of('destinationQueue')} URL and/or ${names.of('dlq')} URL (behind a URL, the function and its destinations are not known)`);
  else if (!input.destinationQueue && !input.dlq && input.discover === false && input.logs !== true) {
    problems.add('verifyDelivery', `with ${names.of('discover')}, where the outcomes go is unknown: give ${names.of('destinationQueue')} URL and/or ${names.of('dlq')} URL, or ${names.of('logs')} to read them from the function's logs`);
  }
  return { destinationQueue: input.destinationQueue, dlq: input.dlq, settleMs: input.settleMs ?? DEFAULT_SETTLE_MS, discover: input.discover !== false, ...(input.logs !== undefined && { logs: input.logs }) };
}
