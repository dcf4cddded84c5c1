/**
 * Records read that matched no invocation yet, filed by request ID and client request ID, because
 * a completion can be read before its invocation is expected — the record written and received in
 * the moment between Lambda accepting the event and the 202 reaching lambench. Such a record, once
 * its invocation is expected, is ours after all (DeliveryTracker.expect).
 *
 * Bounded two ways, since a backlog of others' records all passes through here: an entry keeps
 * only what matching needs (no payloads: a 25 KB record costs a few hundred bytes here), and it is
 * kept only while the message stays hidden by the read that brought it (HOLD_SECONDS). After
 * that its receipt handle is stale and the message is visible again: read again, it is matched
 * the ordinary way.
 */
import type { CompletionRecord } from './completionRecord.js';
import { HOLD_SECONDS } from './heldMessages.js';

/** What DeliveryTracker.apply() reads of a record: everything but the payloads and the text. */
export type RecordFacts = Pick<CompletionRecord, 'kind' | 'queueUrl' | 'messageId' | 'requestId' | 'clientRequestId' | 'condition' | 'attempts' | 'completedAt'>;

export interface Unclaimed {
  record: RecordFacts;
  messageId: string;
  queueUrl: string;
  receiptHandle: string;
}

interface Entry extends Unclaimed {
  /** When it was filed (epoch ms): it ages out HOLD_SECONDS later. */
  at: number;
}

/** Kept at most this long: the hold of the read that brought the record. */
export const UNCLAIMED_MS = HOLD_SECONDS * 1000;
/** Beyond this many, the oldest are forgotten (a few MB at most: an entry is a few hundred bytes). */
export const MAX_UNCLAIMED = 20_000;

const NONE: readonly Unclaimed[] = [];

/** The facts of a record, copied out of it, so that the record (and its payloads) can be let go. */
export function recordFacts(record: RecordFacts): RecordFacts {
  const facts: RecordFacts = { kind: record.kind, queueUrl: record.queueUrl, condition: record.condition };
  if (record.messageId !== undefined) facts.messageId = record.messageId;
  if (record.requestId !== undefined) facts.requestId = record.requestId;
  if (record.clientRequestId !== undefined) facts.clientRequestId = record.clientRequestId;
  if (record.attempts !== undefined) facts.attempts = record.attempts;
  if (record.completedAt !== undefined) facts.completedAt = record.completedAt;
  return facts;
}

export class UnclaimedRecords {
  /** By message ID, oldest first (a message filed again moves to the end). */
  private readonly entries = new Map<string, Entry>();
  /** Message IDs by request ID and by client request ID. */
  private readonly byKey = new Map<string, Set<string>>();

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  add(unclaimed: Unclaimed, now = Date.now()): void {
    this.forgetOld(now);
    // A record received again replaces the older receipt handle of the same message.
    this.remove(unclaimed.messageId);
    if (this.entries.size >= MAX_UNCLAIMED) this.remove(this.entries.keys().next().value!);
    const entry: Entry = { ...unclaimed, record: recordFacts(unclaimed.record), at: now };
    this.entries.set(entry.messageId, entry);
    for (const key of keysOf(entry)) {
      let ids = this.byKey.get(key);
      if (!ids) this.byKey.set(key, (ids = new Set()));
      ids.add(entry.messageId);
    }
  }

  /** Removes and returns the records filed under `key`. */
  take(key: string, now = Date.now()): readonly Unclaimed[] {
    this.forgetOld(now);
    const ids = this.byKey.get(key);
    if (!ids) return NONE;
    const taken: Unclaimed[] = [];
    for (const messageId of [...ids]) {
      const entry = this.entries.get(messageId);
      if (!entry) continue;
      this.remove(messageId);
      const { at: _at, ...unclaimed } = entry;
      taken.push(unclaimed);
    }
    return taken;
  }

  private forgetOld(now: number): void {
    for (const [messageId, entry] of this.entries) {
      if (now - entry.at < UNCLAIMED_MS) break;
      this.remove(messageId);
    }
  }

  private remove(messageId: string): void {
    const entry = this.entries.get(messageId);
    if (!entry) return;
    this.entries.delete(messageId);
    for (const key of keysOf(entry)) {
      const ids = this.byKey.get(key);
      ids?.delete(messageId);
      if (ids?.size === 0) this.byKey.delete(key);
    }
  }
}

function keysOf(entry: Unclaimed): string[] {
  const keys: string[] = [];
  if (entry.record.requestId) keys.push(entry.record.requestId);
  if (entry.record.clientRequestId && entry.record.clientRequestId !== entry.record.requestId) keys.push(entry.record.clientRequestId);
  return keys;
}
