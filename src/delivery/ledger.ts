/**
 * The sent ledger's entries: what was sent and must be accounted for, and what the tracker has
 * learnt of each. Types only, so the tracker and the delivery report both read them without
 * importing each other.
 */
import type { CompletionCondition, CompletionRecord } from './completionRecord.js';

export interface SentInvocation {
  requestId?: string;
  clientRequestId?: string;
  /** Epoch milliseconds. */
  sentAt: number;
}

export interface TrackedInvocation extends SentInvocation {
  state: 'pending' | 'succeeded' | 'failed';
  condition?: CompletionCondition;
  /** Where a failure was reported: the on-failure destination, the DLQ, the logs (every attempt failed), in any combination. */
  failedVia?: { destination: boolean; deadLetter: boolean; logs?: boolean };
  /** Settled by its log lines alone so far: a destination's record, if one comes, says it outright and is no duplicate. */
  fromLogs?: boolean;
  /** A success inferred from text-format logs that say no status (delivery/logsCompletions.ts). */
  inferred?: boolean;
  /** Pending, and its logs show this many failed attempts with a retry still to come: unverified, not missing, if the settle time runs out. */
  awaitingRetry?: number;
  attempts?: number;
  completedAt?: number;
  endToEndMs?: number;
  /** Completion messages beyond the first report of each kind (at-least-once delivery). */
  duplicates: number;
  /** Where its outcome was seen: each destination (queue URL, or the topic, bus or bucket a tap read) once. */
  seenIn?: string[];
  /** False for a warm-up call: matched and cleaned up, not reported. */
  counted: boolean;
  record?: CompletionRecord;
}
