/**
 * How well one queue could be read during a run: whether its reads are failing (and since when,
 * and why), whether a read is hanging, and whether its backlog of others' messages was read
 * through. Pending events can only be called missing when every queue they could be on was read
 * through; otherwise they are unverified, with the reason this gives.
 */
import { clock, unreadableReason, type SqsFailure } from './sqsFailure.js';

/** Beyond its long-poll wait, how late a read's answer may be before the queue counts as not answering. */
const LATE_ANSWER_MS = 2_000;

export class QueueReading {
  /** The failing streak under way: set by a failed read, ended by a read that succeeds. */
  private failing: { since: number; failure: SqsFailure } | undefined;
  /** Reads under way, by poller: when each began. */
  private readonly inFlight = new Map<number, number>();
  /** When a read last came back without any message not seen before from someone else. */
  private lastClearReadAt = 0;
  /** When a read last brought a message not from this run that had not been seen before. */
  private lastForeignAt = 0;
  /** Messages in the queue before the run (ApproximateNumberOfMessages), when known. */
  backlog: number | undefined;

  constructor(
    readonly queueUrl: string,
    private readonly waitSeconds: number,
  ) {}

  began(poller: number): number {
    const now = Date.now();
    this.inFlight.set(poller, now);
    return now;
  }

  succeeded(poller: number, newForeign: number): void {
    this.inFlight.delete(poller);
    this.failing = undefined;
    if (newForeign > 0) this.lastForeignAt = Date.now();
    else this.lastClearReadAt = Date.now();
  }

  /** Whether any read of this queue has come back yet (with messages, without, or failed). */
  answeredOnce(): boolean {
    return this.lastClearReadAt > 0 || this.lastForeignAt > 0 || this.failing !== undefined;
  }

  /** A read that began at `startedAt` failed: the queue is unreadable from then on, until a read succeeds. */
  failed(poller: number, startedAt: number, failure: SqsFailure): void {
    this.inFlight.delete(poller);
    this.failing ??= { since: startedAt, failure };
  }

  ended(poller: number): void {
    this.inFlight.delete(poller);
  }

  /** Why events that could be on this queue cannot be called missing now, or undefined when it was read through. */
  unverifiedReason(now = Date.now()): string | undefined {
    const failure = this.failureReason(now);
    if (failure) return failure;
    if (this.lastClearReadAt === 0) return this.lastForeignAt === 0 ? 'no read of the queue completed' : "the queue's backlog was not read through in --settle";
    if (this.lastForeignAt > this.lastClearReadAt) return "the queue's backlog was not read through in --settle";
    return undefined;
  }

  /** Why the queue cannot be read now (its reads fail, or one hangs), or undefined. */
  failureReason(now = Date.now()): string | undefined {
    if (this.failing) return unreadableReason(this.failing.failure, this.failing.since);
    // A long poll answers within its wait: one out this much longer is an SQS that stopped answering.
    const hungSince = [...this.inFlight.values()].filter((startedAt) => now - startedAt > this.waitSeconds * 1000 + LATE_ANSWER_MS).sort((a, b) => a - b)[0];
    if (hungSince !== undefined) return `SQS stopped answering from ${clock(hungSince)} (a read begun then had no answer)`;
    return undefined;
  }
}
