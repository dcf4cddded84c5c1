/**
 * Proves async delivery: long-polls destination queues and DLQs with several pollers each,
 * decodes both record kinds, and matches every message to an invocation of this run by Lambda's
 * request ID or by lambench's client request ID (the only key behind API Gateway). Its result
 * reconciles: accepted = succeeded + failed + missing. A matched message is deleted (unless told
 * to keep it); a message that matches nothing is handed back at once, never deleted.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { TargetUnavailableError } from '../errors.js';
import { createHistogram, encodeHistogram, recordMs, summarize, type LatencySummary } from '../metrics/histogram.js';
import { decodeCompletionMessage, type CompletionCondition, type CompletionRecord } from './completionRecord.js';

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
  /** False for a warm-up call: matched and cleaned up, not reported. */
  counted: boolean;
  record?: CompletionRecord;
}

/** What to do with a matched message: delete it (default), or leave it for others (`--keep`). */
export type MatchedPolicy = 'delete' | 'keep';

export interface DeliveryTrackerOptions {
  sqs: SQSClient;
  queueUrls: string[];
  pollersPerQueue?: number;
  matched?: MatchedPolicy;
  clientRequestIdPath?: string;
  /** Long-poll wait of each receive, in seconds (0–20). */
  waitTimeSeconds?: number;
  /** Told once per queue whose redrive policy our reads count toward (see checkQueues). */
  onWarning?: (message: string) => void;
  /**
   * Sees every decoded record as it arrives, matched or not. Returning 'delete' deletes it even
   * when it matched nothing (only `poll --delete` asks for that); 'release' hands it back.
   */
  onRecord?: (record: CompletionRecord, match: TrackedInvocation | undefined) => 'delete' | 'release' | void;
}

export interface DeliveryReport {
  accepted: number;
  succeeded: number;
  failed: number;
  failedVia: { onFailureDestination: number; deadLetterQueue: number };
  missing: number;
  duplicates: number;
  conditions: Partial<Record<CompletionCondition, number>>;
  /** approximateInvokeCount → invocations; 'unknown' when only the DLQ reported it. */
  attempts: Record<string, number>;
  /** Send to completion record timestamp, in microseconds. */
  endToEnd?: LatencySummary;
  endToEndHistogram?: string;
  foreignMessages: number;
  malformedMessages: number;
  missingExamples: { requestId?: string; clientRequestId?: string }[];
}

const NON_EXISTENT = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
/** The longest stop() waits for a receive under way (long poll + request timeout headroom). */
const STOP_GRACE_MS = 12_000;

function redriveMaxReceiveCount(policy: string | undefined): number | undefined {
  if (!policy) return undefined;
  try {
    const count = Number((JSON.parse(policy) as { maxReceiveCount?: unknown }).maxReceiveCount);
    return Number.isFinite(count) ? count : undefined;
  } catch {
    return undefined;
  }
}

export class DeliveryTracker {
  private readonly byRequestId = new Map<string, TrackedInvocation>();
  private readonly byClientRequestId = new Map<string, TrackedInvocation>();
  private readonly invocations: TrackedInvocation[] = [];
  private readonly matchedMessageIds = new Set<string>();
  private readonly unmatchedMessageIds = new Set<string>();
  private readonly malformedMessageIds = new Set<string>();
  private readonly histogram = createHistogram();
  private readonly controller = new AbortController();
  private readonly pollers: Promise<void>[] = [];
  private listeners: (() => void)[] = [];
  private pendingCount = 0;
  private failure: Error | undefined;
  /** When a message this tracker had not seen before last arrived (epoch ms). */
  lastNewMessageAt = Date.now();

  constructor(private readonly options: DeliveryTrackerOptions) {}

  /**
   * Registers an accepted async invocation; its completion may arrive before or after. An
   * uncounted one (a warm-up call) is matched and its record deleted like any of ours, but stays
   * out of the report and out of what settle() waits for.
   */
  expect(sent: SentInvocation, counted = true): TrackedInvocation {
    const tracked: TrackedInvocation = { ...sent, state: 'pending', duplicates: 0, counted };
    if (counted) {
      this.invocations.push(tracked);
      this.pendingCount += 1;
    }
    if (sent.requestId) this.byRequestId.set(sent.requestId, tracked);
    if (sent.clientRequestId) this.byClientRequestId.set(sent.clientRequestId, tracked);
    return tracked;
  }

  get pending(): number {
    return this.pendingCount;
  }

  /**
   * Fails fast, before anything is sent, on a queue that does not exist or cannot be reached; and
   * warns where the queue has a redrive policy: every read of a message that is not ours (handed
   * back at once, as the contract asks) counts toward its maxReceiveCount.
   */
  async checkQueues(): Promise<void> {
    await Promise.all(
      this.options.queueUrls.map(async (queueUrl) => {
        let attributes: Record<string, string> | undefined;
        try {
          ({ Attributes: attributes } = await this.options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] })));
        } catch (error) {
          throw queueError(queueUrl, error);
        }
        const maxReceiveCount = redriveMaxReceiveCount(attributes?.RedrivePolicy);
        if (maxReceiveCount !== undefined) {
          this.options.onWarning?.(
            `${queueUrl} has a redrive policy (maxReceiveCount ${maxReceiveCount}): messages lambench reads but does not match are handed back, yet each read counts toward it`,
          );
        }
      }),
    );
  }

  start(): void {
    const perQueue = this.options.pollersPerQueue ?? 4;
    for (const queueUrl of this.options.queueUrls) {
      for (let i = 0; i < perQueue; i += 1) this.pollers.push(this.poll(queueUrl));
    }
  }

  /** Resolves once nothing is pending, or after `settleMs`; rejects if a poller failed. */
  async settle(settleMs: number, signal?: AbortSignal): Promise<void> {
    await this.until(() => this.pendingCount === 0, settleMs, signal);
  }

  /** Resolves once no new message has arrived for `idleMs` (the queues look drained). */
  async drained(idleMs: number, signal?: AbortSignal): Promise<void> {
    await this.until(() => Date.now() - this.lastNewMessageAt >= idleMs, Number.POSITIVE_INFINITY, signal, Math.min(250, idleMs));
  }

  /**
   * Stops polling; a receive under way is let finish (at most the long-poll wait) and its messages
   * settled. An SQS that stops answering cannot hold this up past `STOP_GRACE_MS` (the client's
   * request timeout ends such a receive anyway).
   */
  async stop(): Promise<void> {
    this.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.pollers),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  report(): DeliveryReport {
    const report: DeliveryReport = {
      accepted: this.invocations.length,
      succeeded: 0,
      failed: 0,
      failedVia: { onFailureDestination: 0, deadLetterQueue: 0 },
      missing: 0,
      duplicates: 0,
      conditions: {},
      attempts: {},
      foreignMessages: this.unmatchedMessageIds.size,
      malformedMessages: this.malformedMessageIds.size,
      missingExamples: [],
    };
    for (const tracked of this.invocations) {
      report.duplicates += tracked.duplicates;
      if (tracked.state === 'pending') {
        report.missing += 1;
        if (report.missingExamples.length < 10) report.missingExamples.push({ ...(tracked.requestId && { requestId: tracked.requestId }), ...(tracked.clientRequestId && { clientRequestId: tracked.clientRequestId }) });
        continue;
      }
      report[tracked.state] += 1;
      if (tracked.failedVia?.destination) report.failedVia.onFailureDestination += 1;
      if (tracked.failedVia?.deadLetter) report.failedVia.deadLetterQueue += 1;
      if (tracked.condition) report.conditions[tracked.condition] = (report.conditions[tracked.condition] ?? 0) + 1;
      const attempts = tracked.attempts === undefined ? 'unknown' : String(tracked.attempts);
      report.attempts[attempts] = (report.attempts[attempts] ?? 0) + 1;
    }
    const endToEnd = summarize(this.histogram);
    if (endToEnd) {
      report.endToEnd = endToEnd;
      report.endToEndHistogram = encodeHistogram(this.histogram);
    }
    return report;
  }

  private async poll(queueUrl: string): Promise<void> {
    const { signal } = this.controller;
    let idleRounds = 0;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        // Never aborted: a long poll cut short can still take messages off the queue, which would
        // then stay invisible to everyone for the visibility timeout. stop() waits for it instead.
        const received = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
            VisibilityTimeout: 30,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['SentTimestamp'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        this.fail(queueError(queueUrl, error));
        return;
      }
      const toDelete: Message[] = [];
      const toRelease: Message[] = [];
      let fresh = 0;
      for (const message of messages) {
        const { action, isNew } = this.consider(message, queueUrl);
        if (isNew) fresh += 1;
        (action === 'delete' ? toDelete : toRelease).push(message);
      }
      try {
        await Promise.all([this.batch(queueUrl, toDelete, 'delete'), this.batch(queueUrl, toRelease, 'release')]);
      } catch (error) {
        this.fail(queueError(queueUrl, error));
        return;
      }
      if (fresh > 0) this.lastNewMessageAt = Date.now();
      // Only messages seen before (others', handed back at once): back off, so that reading does
      // not keep raising their receive count (up to 5 s between reads while nothing new comes).
      idleRounds = messages.length > 0 && fresh === 0 ? idleRounds + 1 : 0;
      if (idleRounds > 0) await sleep(Math.min(5000, 250 * 2 ** idleRounds), signal);
    }
  }

  /** Decides what one received message is (ours, a duplicate, someone else's) and its fate. */
  private consider(message: Message, queueUrl: string): { action: 'delete' | 'release'; isNew: boolean } {
    const messageId = message.MessageId ?? message.ReceiptHandle ?? '';
    const seen = this.matchedMessageIds.has(messageId) || this.unmatchedMessageIds.has(messageId) || this.malformedMessageIds.has(messageId);
    const record = decodeCompletionMessage(message, queueUrl, this.options.clientRequestIdPath);
    if (record === undefined) {
      this.malformedMessageIds.add(messageId);
      return { action: 'release', isNew: !seen };
    }
    const match = (record.requestId && this.byRequestId.get(record.requestId)) || (record.clientRequestId && this.byClientRequestId.get(record.clientRequestId)) || undefined;
    if (!seen || (match && !this.matchedMessageIds.has(messageId))) {
      if (match) this.apply(match, record);
    }
    if (match) {
      this.unmatchedMessageIds.delete(messageId);
      this.matchedMessageIds.add(messageId);
    } else if (!this.matchedMessageIds.has(messageId)) {
      this.unmatchedMessageIds.add(messageId);
    }
    const verdict = seen ? undefined : this.options.onRecord?.(record, match);
    const keep = this.options.matched === 'keep';
    const action = verdict === 'delete' || (verdict !== 'release' && match && !keep) ? 'delete' : 'release';
    return { action, isNew: !seen };
  }

  private apply(tracked: TrackedInvocation, record: CompletionRecord): void {
    const failure = record.condition !== 'Success';
    if (tracked.state === 'pending') {
      tracked.state = failure ? 'failed' : 'succeeded';
      tracked.condition = record.condition;
      tracked.record = record;
      if (failure) tracked.failedVia = { destination: record.kind === 'destination', deadLetter: record.kind === 'deadLetter' };
      if (record.attempts !== undefined) tracked.attempts = record.attempts;
      if (record.completedAt !== undefined) {
        tracked.completedAt = record.completedAt;
        tracked.endToEndMs = record.completedAt - tracked.sentAt;
        if (tracked.counted) recordMs(this.histogram, Math.max(0, tracked.endToEndMs));
      }
      if (tracked.counted) {
        this.pendingCount -= 1;
        this.notify();
      }
      return;
    }
    // A failure is often reported twice, to the on-failure destination and to the DLQ: one failure.
    const via = tracked.failedVia;
    if (tracked.state === 'failed' && failure && via && (record.kind === 'destination' ? !via.destination : !via.deadLetter)) {
      if (record.kind === 'destination') {
        via.destination = true;
        tracked.condition = record.condition;
        if (record.attempts !== undefined) tracked.attempts = record.attempts;
      } else {
        via.deadLetter = true;
      }
      return;
    }
    tracked.duplicates += 1;
  }

  private async batch(queueUrl: string, messages: Message[], action: 'delete' | 'release'): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const entries = messages.slice(start, start + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
      if (action === 'delete') await this.options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      else await this.options.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries.map((entry) => ({ ...entry, VisibilityTimeout: 0 })) }));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  private async until(done: () => boolean, timeoutMs: number, signal?: AbortSignal, tickMs?: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline && !signal?.aborted) {
      if (this.failure) throw this.failure;
      const wait = Math.max(1, Math.min(deadline - Date.now(), tickMs ?? 1000));
      await new Promise<void>((resolve) => {
        const listener = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.listeners = this.listeners.filter((other) => other !== listener);
          resolve();
        }, wait);
        this.listeners.push(listener);
      });
    }
    if (this.failure) throw this.failure;
  }
}

function queueError(queueUrl: string, error: unknown): TargetUnavailableError {
  const err = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  if (NON_EXISTENT.has(err.name)) {
    return new TargetUnavailableError(`the queue ${queueUrl} does not exist: check the URL, the region and the SQS endpoint (AWS_ENDPOINT_URL_SQS)`, { cause: error });
  }
  if (err.$metadata?.httpStatusCode !== undefined) {
    return new TargetUnavailableError(`SQS refused to read ${queueUrl}: ${err.name}: ${err.message}`, { cause: error });
  }
  const code = err.code ?? (err.cause as { code?: string } | undefined)?.code ?? err.name;
  return new TargetUnavailableError(`could not reach SQS for ${queueUrl} (${code}): check the SQS endpoint (AWS_ENDPOINT_URL_SQS; poll --endpoint-url)`, { cause: error });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
