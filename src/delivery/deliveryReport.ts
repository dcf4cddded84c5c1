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
  failedVia: { onFailureDestination: number; deadLetterQueue: number };
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

/** `accepted 20 = succeeded 0 + failed 0 + missing 0 + unverified 20` (unverified only when there are some). */
export function deliveryEquation(delivery: DeliveryReport): string {
  const unverified = delivery.unverified ?? 0;
  return `accepted ${delivery.accepted} = succeeded ${delivery.succeeded} + failed ${delivery.failed} + missing ${delivery.missing}${unverified > 0 ? ` + unverified ${unverified}` : ''}`;
}

/** Adds each invocation to the counts; pending ones are unverified when a queue could not be read through, else missing. */
export function countInvocations(report: DeliveryReport, invocations: TrackedInvocation[], unreadable: boolean): void {
  for (const tracked of invocations) {
    report.duplicates += tracked.duplicates;
    if (tracked.state === 'pending' && unreadable) {
      report.unverified = (report.unverified ?? 0) + 1;
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
    if (tracked.condition) report.conditions[tracked.condition] = (report.conditions[tracked.condition] ?? 0) + 1;
    const attempts = tracked.attempts === undefined ? 'unknown' : String(tracked.attempts);
    report.attempts[attempts] = (report.attempts[attempts] ?? 0) + 1;
  }
}
