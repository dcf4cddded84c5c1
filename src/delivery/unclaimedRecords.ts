/**
 * Records read that matched no invocation yet: kept (bounded) by request ID and client request
 * ID, because a completion can be read before its invocation is expected — the record written
 * and received in the moment between Lambda accepting the event and the 202 reaching lambench.
 * Such a record, once its invocation is expected, is ours after all (DeliveryTracker.expect).
 */
import type { CompletionRecord } from './completionRecord.js';

export interface Unclaimed {
  record: CompletionRecord;
  messageId: string;
  queueUrl: string;
  receiptHandle: string;
}

/** Beyond this many, the oldest are forgotten (a huge backlog of others' records must not grow memory without end). */
const MAX_UNCLAIMED = 100_000;

const NONE: readonly Unclaimed[] = [];

export class UnclaimedRecords {
  private readonly byKey = new Map<string, Unclaimed[]>();

  add(unclaimed: Unclaimed): void {
    for (const key of [unclaimed.record.requestId, unclaimed.record.clientRequestId]) {
      if (!key) continue;
      const list = this.byKey.get(key);
      if (list) {
        // A record received again replaces the older receipt handle of the same message.
        const index = list.findIndex((other) => other.messageId === unclaimed.messageId);
        if (index >= 0) list[index] = unclaimed;
        else list.push(unclaimed);
      } else {
        if (this.byKey.size >= MAX_UNCLAIMED) this.byKey.delete(this.byKey.keys().next().value!);
        this.byKey.set(key, [unclaimed]);
      }
    }
  }

  /** Removes and returns the records filed under `key`. */
  take(key: string): readonly Unclaimed[] {
    const list = this.byKey.get(key);
    if (!list) return NONE;
    this.byKey.delete(key);
    for (const unclaimed of list) {
      const other = unclaimed.record.requestId === key ? unclaimed.record.clientRequestId : unclaimed.record.requestId;
      if (other) this.byKey.set(other, (this.byKey.get(other) ?? []).filter((entry) => entry.messageId !== unclaimed.messageId));
    }
    return list;
  }
}
