/**
 * Delivery for a queue phase (poll-based invocation): what became of every message sent to a
 * queue an event source mapping reads. It reconciles:
 *   sent = processed + dead-lettered + still in the queue (visible + in flight + delayed) [+ unaccounted]
 * - dead-lettered: per message, read from the source queue's DLQ without deleting anything (the
 *   messages stay there for `lambench redrive`), matched by message ID or correlation ID;
 * - processed: per message when the function leaves evidence (an output queue it writes to),
 *   with the end-to-end time; otherwise derived from the counts (sent − dead-lettered − still in
 *   the queue) and said to be derived;
 * - still in the queue: the source queue's depth at the end, over its depth before the run.
 * lambench never receives from the source queue: that would take the mapping's work from it.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LatencySummary } from '../metrics/histogram.js';
import { DeliveryTracker } from './deliveryTracker.js';
import type { SentInvocation } from './ledger.js';
import { QueueDepthSampler, total, type QueueDepthSummary } from './queueDepth.js';
import { queueEvidenceDecoder } from './queueRecords.js';

export interface QueueDeliveryReport {
  sent: number;
  processed: number;
  /** True when processed is derived from the counts (no output queue to see each message in). */
  processedDerived: boolean;
  deadLettered: number;
  /** The source queue at the end, above its depth before the run. */
  remaining: number;
  remainingDetail: { visible: number; inFlight: number; delayed: number };
  /** Messages the queue grew by that are not this run's to count (warm-up sends, sends that timed out yet landed, other producers). */
  othersInQueue?: number;
  /** With per-message evidence: sent − processed − dead-lettered − remaining (messages the evidence does not show). Never negative. */
  unaccounted: number;
  /** DLQ receive counts (ApproximateReceiveCount when first read) → messages. */
  receiveCounts: Record<string, number>;
  /** From the send to the output record (SentTimestamp), in microseconds. */
  endToEnd?: LatencySummary;
  endToEndHistogram?: string;
  depth: QueueDepthSummary;
  dlqUrl?: string;
  outputQueueUrl?: string;
  /** Why some evidence could not be read (a queue SQS would not let be read); those messages are then unaccounted, not processed. */
  unverifiedReasons?: string[];
  foreignMessages: number;
  duplicates: number;
}

export interface QueueEvidenceOptions {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl?: string;
  outputQueueUrl?: string;
  /** How often the depth is read (default 1 s). */
  depthIntervalMs?: number;
  onWarning?: (message: string) => void;
}

export class QueueEvidence {
  private readonly tracker?: DeliveryTracker;
  private readonly depth: QueueDepthSampler;
  private sentCount = 0;

  constructor(private readonly options: QueueEvidenceOptions) {
    const queues = [options.dlqUrl, options.outputQueueUrl].filter((url): url is string => url !== undefined);
    if (queues.length > 0) {
      this.tracker = new DeliveryTracker({
        sqs: options.sqs,
        queueUrls: queues,
        decode: queueEvidenceDecoder(new Set(options.dlqUrl ? [options.dlqUrl] : [])),
        // The DLQ is read without deleting (redrive may want its messages); the output queue's records of this run are ours.
        matched: 'delete',
        ...(options.dlqUrl && { matchedByQueue: { [options.dlqUrl]: 'keep' as const } }),
        ...(options.onWarning && { onWarning: options.onWarning }),
      });
    }
    this.depth = new QueueDepthSampler(options.sqs, options.queueUrl, options.depthIntervalMs);
  }

  /** Before the first send: the queues exist and answer, the depth's baseline is read, the pollers start. */
  async start(): Promise<void> {
    await this.tracker?.checkQueues();
    await this.depth.start();
    this.tracker?.start();
  }

  /**
   * A message SQS accepted: its request ID is its message ID (the key a dead-lettered copy keeps),
   * its client request ID lambench's correlation ID (the one an output record carries).
   */
  expect(sent: SentInvocation, counted = true): void {
    this.depth.sent(sent.sentAt);
    if (counted) this.sentCount++;
    this.tracker?.expect(sent, counted);
  }

  /**
   * Waits, at most `settleMs`, for the queue to be back at its depth before the run and, where
   * each message can be seen (an output queue), for every message to be seen processed or
   * dead-lettered; then one more read of the evidence queues, for what arrived last.
   */
  async settle(settleMs: number, signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    await this.depth.drained(settleMs, signal);
    if (this.tracker && this.options.outputQueueUrl) await this.tracker.settle(Math.max(0, settleMs - (Date.now() - started)), signal);
    else if (this.tracker) await this.tracker.drained(1_500, AbortSignal.any([AbortSignal.timeout(Math.max(1_500, settleMs - (Date.now() - started))), ...(signal ? [signal] : [])])).catch(() => undefined);
  }

  async stop(): Promise<QueueDeliveryReport> {
    const depth = await this.depth.stop();
    await this.tracker?.stop();
    return this.report(depth);
  }

  private report(depth: QueueDepthSummary): QueueDeliveryReport {
    const evidence = this.tracker?.report();
    const last = depth.last ?? { visible: 0, inFlight: 0, delayed: 0 };
    const deadLettered = evidence?.failedVia.deadLetterQueue ?? 0;
    const perMessage = this.options.outputQueueUrl !== undefined;
    const seenProcessed = perMessage ? (evidence?.succeeded ?? 0) : 0;
    // The queue's growth over its depth before the run counts every message: this run's, and others'
    // (warm-up sends, a send that timed out here but landed, another producer). At most what this run
    // has not yet accounted for is its own; the rest is said apart, so the equation still adds up.
    const grown = Math.max(0, total(last) - depth.baseline);
    const remaining = Math.min(grown, Math.max(0, this.sentCount - deadLettered - seenProcessed));
    const processed = perMessage ? seenProcessed : this.sentCount - deadLettered - remaining;
    // Only the DLQ's records carry receive counts; with an output queue, the 'unknown' ones are the processed.
    const { unknown, ...counted } = evidence?.attempts ?? {};
    const receiveCounts: Record<string, number> = perMessage || unknown === undefined ? counted : { ...counted, unknown };
    return {
      sent: this.sentCount,
      processed,
      processedDerived: !perMessage,
      deadLettered,
      remaining,
      remainingDetail: { visible: last.visible, inFlight: last.inFlight, delayed: last.delayed },
      ...(grown > remaining && { othersInQueue: grown - remaining }),
      unaccounted: Math.max(0, this.sentCount - processed - deadLettered - remaining),
      receiveCounts,
      ...(evidence?.endToEnd && perMessage && { endToEnd: evidence.endToEnd }),
      ...(evidence?.endToEndHistogram && perMessage && { endToEndHistogram: evidence.endToEndHistogram }),
      depth,
      ...(this.options.dlqUrl && { dlqUrl: this.options.dlqUrl }),
      ...(this.options.outputQueueUrl && { outputQueueUrl: this.options.outputQueueUrl }),
      ...(evidence?.unverifiedReasons && { unverifiedReasons: evidence.unverifiedReasons }),
      foreignMessages: evidence?.foreignMessages ?? 0,
      duplicates: evidence?.duplicates ?? 0,
    };
  }
}
