/**
 * Messages the tracker read and did not delete (others' records, malformed ones, ours under
 * --keep): each stays hidden for the receive's visibility timeout (HOLD_SECONDS) so the pollers
 * get past a backlog to newer messages, instead of receiving the same old ones again and again.
 * When the tracker closes, those still hidden are handed back (visibility 0): best effort,
 * bounded; any not handed back become visible by themselves when their hold ends.
 */
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { withSqsDeadline } from '../aws/sqsClient.js';

/** How long a received message stays hidden from everyone (the ReceiveMessage VisibilityTimeout). */
export const HOLD_SECONDS = 60;
/** Hand-back calls in flight at once, and the time all of them may take together. */
const HAND_BACK_PARALLEL = 8;
const HAND_BACK_DEADLINE_MS = 10_000;

export interface Held {
  queueUrl: string;
  receiptHandle: string;
  /** When its hold ends by itself (epoch ms). */
  until: number;
}

export class HeldMessages {
  private readonly held = new Map<string, Held>();

  /** Records a message left hidden by a receive made at `receivedAt` (a newer receipt handle replaces an older one). */
  hold(messageId: string, queueUrl: string, receiptHandle: string, receivedAt: number): void {
    this.held.set(messageId, { queueUrl, receiptHandle, until: receivedAt + HOLD_SECONDS * 1000 });
  }

  /** Messages held now. */
  get size(): number {
    return this.held.size;
  }

  forget(messageId: string): void {
    this.held.delete(messageId);
  }

  /** Stops holding a message and returns how it is held (to delete it), if it still is. */
  take(messageId: string): Held | undefined {
    const entry = this.held.get(messageId);
    this.held.delete(messageId);
    return entry && entry.until > Date.now() ? entry : undefined;
  }

  /** Holds again a message taken (its deletion failed), unless a newer read holds it already. */
  restore(messageId: string, entry: Held): void {
    if (!this.held.has(messageId)) this.held.set(messageId, entry);
  }

  /** Hands back what is still hidden; returns how many were handed back and how many could not be. */
  async handBack(sqs: SQSClient): Promise<{ handedBack: number; notHandedBack: number }> {
    // A hold that ends within a second hands itself back: not worth a call.
    const now = Date.now() + 1000;
    const byQueue = new Map<string, Held[]>();
    for (const entry of this.held.values()) {
      if (entry.until <= now) continue;
      let list = byQueue.get(entry.queueUrl);
      if (!list) byQueue.set(entry.queueUrl, (list = []));
      list.push(entry);
    }
    this.held.clear();
    const batches: { queueUrl: string; entries: Held[] }[] = [];
    for (const [queueUrl, list] of byQueue) for (let start = 0; start < list.length; start += 10) batches.push({ queueUrl, entries: list.slice(start, start + 10) });
    const deadline = AbortSignal.timeout(HAND_BACK_DEADLINE_MS);
    let handedBack = 0;
    let notHandedBack = 0;
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (deadline.aborted) {
          notHandedBack += batch.entries.length;
          continue;
        }
        try {
          const command = new ChangeMessageVisibilityBatchCommand({ QueueUrl: batch.queueUrl, Entries: batch.entries.map((entry, index) => ({ Id: String(index), ReceiptHandle: entry.receiptHandle, VisibilityTimeout: 0 })) });
          const out = await withSqsDeadline((options) => sqs.send(command, options), deadline);
          const failed = out.Failed?.length ?? 0;
          handedBack += batch.entries.length - failed;
          notHandedBack += failed;
        } catch {
          notHandedBack += batch.entries.length;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(HAND_BACK_PARALLEL, batches.length) }, worker));
    return { handedBack, notHandedBack };
  }
}
