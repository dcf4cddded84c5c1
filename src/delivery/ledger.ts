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
  /** Where a failure was reported: the on-failure destination, the DLQ, or both. */
  failedVia?: { destination: boolean; deadLetter: boolean };
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
