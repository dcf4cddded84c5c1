/**
 * The delivery block of a report: what became of every accepted async invocation. It reconciles:
 * accepted = succeeded + failed + missing + unverified. An event is missing only when every queue
 * it could be on was read through; while a queue could not be read (SQS unreachable, not
 * answering, a backlog not read through in the settle time) its pending events are unverified.
 */
import type { LatencySummary } from '../metrics/histogram.js';
import type { CompletionCondition } from './completionRecord.js';
import type { TrackedInvocation } from './ledger.js';

export interface DeliveryReport {
  accepted: number;
  succeeded: number;
  failed: number;
  /** Where failures were reported; `logs`: every attempt's REPORT failed (CloudWatch Logs as evidence). An event reported in two places counts in each. */
  failedVia: { onFailureDestination: number; deadLetterQueue: number; logs?: number };
  /** Successes read from text-format logs that state no status (a failure the runtime does not log would read as success). */
  inferredSuccesses?: number;
  /** Of the unverified: events whose logs showed a failed attempt with Lambda's retry still to come when the settle time ran out. */
  awaitingRetry?: number;
  missing: number;
  /** Pending when the settle time ran out while a queue they could be on could not be read through (see unverifiedReasons). Absent in reports written before it existed. */
  unverified?: number;
  /** One line per queue that could not be read through: `<queue URL>: <why>`. */
  unverifiedReasons?: string[];
  /** True when some pending events may have had outcomes that go where nothing can be read (a function as destination, no on-success destination): unverified by the wiring, not by a fault. */
  unobservable?: boolean;
  duplicates: number;
  conditions: Partial<Record<CompletionCondition, number>>;
  /** approximateInvokeCount → invocations; 'unknown' when only the DLQ reported it. */
  attempts: Record<string, number>;
  /** Send to completion record timestamp, in microseconds. */
  endToEnd?: LatencySummary;
  endToEndHistogram?: string;
  foreignMessages: number;
  malformedMessages: number;
  /** How long each message that was not ours stayed hidden before it was handed back (none were deleted). */
  foreignHiddenSeconds?: number;
  /** Messages the queues held before the run (ApproximateNumberOfMessages, summed), when known. */
  backlogAtStart?: number;
  missingExamples: { requestId?: string; clientRequestId?: string }[];
  /** Where outcomes were seen: events per destination (a queue URL, or `sns:<topic ARN>`, `events:<bus ARN>`, `s3:<bucket>` read through a tap); an event seen in two places counts in each, and once in the equation. */
  seenIn?: Record<string, number>;
}

/** What the table and the page say about messages that were not this run's. */
export function foreignNote(delivery: DeliveryReport): string | undefined {
  const others = delivery.foreignMessages + delivery.malformedMessages;
  if (others === 0 && !delivery.backlogAtStart) return undefined;
  const backlog = delivery.backlogAtStart ? `the queues held ${delivery.backlogAtStart} message${delivery.backlogAtStart === 1 ? '' : 's'} before the run; ` : '';
  const malformed = delivery.malformedMessages > 0 ? ` (${delivery.malformedMessages} of them not a completion record)` : '';
  const hidden = delivery.foreignHiddenSeconds !== undefined ? `each hidden for up to ${delivery.foreignHiddenSeconds} s while reading past it, then handed back` : 'handed back';
  return `${backlog}${others} message${others === 1 ? '' : 's'} not from this run seen${malformed}, ${hidden}; none deleted`;
}

/** The reason given for events whose retry was still to come when the settle time ran out. */
export function awaitingRetryReason(events: number): string {
  return `${events === 1 ? '1 event' : `${events} events`} had failed an attempt and waited for Lambda's retry (about 1, then 2 minutes later) when the settle time ran out: a longer --settle sees them end`;
}

export function isAwaitingRetryReason(reason: string): boolean {
  return / waited for Lambda's retry \(/.test(reason);
}

/** Where outcomes were seen, for the table and the page (`clean` makes a place safe to show, `count` formats a number). */
export function seenInNote(delivery: DeliveryReport, clean: (text: string) => string = String, count: (n: number) => string = String): string | undefined {
  if (!delivery.seenIn) return undefined;
  return `outcomes seen in: ${Object.entries(delivery.seenIn).map(([where, events]) => `${clean(where)} ${count(events)}`).join(', ')} (an event seen in two places counts once)`;
}

/** What the table and the page say of successes the text-format logs only implied. */
export function inferredNote(delivery: DeliveryReport): string | undefined {
  const inferred = delivery.inferredSuccesses ?? 0;
  if (inferred === 0) return undefined;
  return `${inferred} of the successes are read from text-format logs, which state no status: a failure the runtime does not log (as Node.js logs "Invoke Error") would read as success; the JSON log format states each attempt's status`;
}

/** Where failures were reported, in words: `on-failure destination 3, dead-letter queue 3, logs 3`. */
export function failedViaText(delivery: DeliveryReport, count: (n: number) => string = String): string {
  const via = delivery.failedVia;
  return `on-failure destination ${count(via?.onFailureDestination ?? 0)}, dead-letter queue ${count(via?.deadLetterQueue ?? 0)}${via?.logs !== undefined ? `, logs (every attempt failed) ${count(via.logs)}` : ''}`;
}

/** `accepted 20 = succeeded 0 + failed 0 + missing 0 + unverified 20` (unverified only when there are some). */
export function deliveryEquation(delivery: DeliveryReport): string {
  const unverified = delivery.unverified ?? 0;
  return `accepted ${delivery.accepted} = succeeded ${delivery.succeeded} + failed ${delivery.failed} + missing ${delivery.missing}${unverified > 0 ? ` + unverified ${unverified}` : ''}`;
}

/** Adds each invocation to the counts; pending ones are unverified when a queue could not be read through or their retry is still to come, else missing. */
export function countInvocations(report: DeliveryReport, invocations: TrackedInvocation[], unreadable: boolean): void {
  for (const tracked of invocations) {
    report.duplicates += tracked.duplicates;
    if (tracked.state === 'pending' && (unreadable || tracked.awaitingRetry)) {
      report.unverified = (report.unverified ?? 0) + 1;
      if (tracked.awaitingRetry) report.awaitingRetry = (report.awaitingRetry ?? 0) + 1;
      continue;
    }
    if (tracked.state === 'pending') {
      report.missing += 1;
      if (report.missingExamples.length < 10) report.missingExamples.push({ ...(tracked.requestId && { requestId: tracked.requestId }), ...(tracked.clientRequestId && { clientRequestId: tracked.clientRequestId }) });
      continue;
    }
    report[tracked.state] += 1;
    for (const where of tracked.seenIn ?? []) {
      report.seenIn ??= {};
      report.seenIn[where] = (report.seenIn[where] ?? 0) + 1;
    }
    if (tracked.failedVia?.destination) report.failedVia.onFailureDestination += 1;
    if (tracked.failedVia?.deadLetter) report.failedVia.deadLetterQueue += 1;
    if (tracked.failedVia?.logs) report.failedVia.logs = (report.failedVia.logs ?? 0) + 1;
    if (tracked.inferred) report.inferredSuccesses = (report.inferredSuccesses ?? 0) + 1;
    if (tracked.condition) report.conditions[tracked.condition] = (report.conditions[tracked.condition] ?? 0) + 1;
    const attempts = tracked.attempts === undefined ? 'unknown' : String(tracked.attempts);
    report.attempts[attempts] = (report.attempts[attempts] ?? 0) + 1;
  }
}
