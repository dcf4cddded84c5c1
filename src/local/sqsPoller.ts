/**
 * One enabled SQS event source mapping at work, as Lambda runs it: pollers long-poll the queue,
 * each builds a batch (up to BatchSize messages, over several receives within
 * MaximumBatchingWindowInSeconds, at most 6 MB an invocation), invokes the function synchronously,
 * then deletes what succeeded; what failed is left alone and becomes visible again when the
 * queue's visibility timeout runs out (the queue's RedrivePolicy, applied by the emulator on
 * receive, then moves it to the DLQ after maxReceiveCount receives).
 *
 * Concurrency: each poller ("lane") has at most one batch in flight, so batches in flight never
 * exceed the lanes; how many lanes may run is LaneScaler's (sqsPollerScaling.ts): 5 to start,
 * growing with the backlog up to MaximumConcurrency or 1,000, time-compressed. An idle mapping
 * keeps a single long poll going (one receive a second), and starts the others again as soon as
 * it receives something. FIFO queues: the
 * emulator hands out a message group only while none of its messages is in flight, so a group is
 * in one batch at a time and its order holds.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { MappingSettings } from './eventSourceMappingRules.js';
import type { ResolvedInvocationTarget } from './functionRegistry.js';
import type { FunctionRuntime } from './runtime.js';
import { batchVerdict, eventBytes, hookRecords, sized, splitBySize, sqsEventRecord, type BatchVerdict, type EventSourceBatch, type SizedRecord } from './sqsBatch.js';
import { SYNC_PAYLOAD_LIMIT_BYTES } from './limits.js';
import { LaneScaler, MAX_LANES } from './sqsPollerScaling.js';

export interface SqsPollerOptions {
  uuid: string;
  queue: { url: string; arn: string; visibilityTimeoutSeconds: number };
  region: string;
  sqs: SQSClient;
  runtime: FunctionRuntime;
  timeScale: number;
  /** The mapping's settings and function now: an update applies to the next batch. */
  current: () => { settings: MappingSettings; target: ResolvedInvocationTarget };
  onBatch?: (batch: EventSourceBatch) => void;
  onWarning?: (message: string) => void;
}

/** An idle long poll. Short, so that disabling or deleting a mapping never waits long; a message arriving ends it at once. */
const IDLE_WAIT_SECONDS = 1;
/** Within a batching window's last second, short polls this far apart. */
const SHORT_POLL_PAUSE_MS = 25;
/** After a failed receive (the queue deleted, SQS unreachable). */
const RECEIVE_RETRY_MS = 1000;
/** A throttled batch is tried again this often (× timeScale, at least every 10 ms), until its messages would be visible again. */
const THROTTLE_RETRY_MS = 1000;

export class SqsPoller {
  private readonly scaler: LaneScaler;
  private lanes = 0;
  private inFlight = 0;
  /** No new receives. */
  private stopping = false;
  /** No new invocations either (the stack is stopping): what was received is left for the visibility timeout. */
  private abandoned = false;
  private readonly running = new Set<Promise<void>>();
  private readonly invocations = new Set<Promise<void>>();
  private readonly pauses = new Set<() => void>();
  private warned = false;

  constructor(private readonly options: SqsPollerOptions) {
    this.scaler = new LaneScaler({
      timeScale: options.timeScale,
      ceiling: () => options.current().settings.maximumConcurrency ?? MAX_LANES,
      demand: () => this.demand(),
      grown: () => this.spawn(),
    });
  }

  start(): void {
    this.spawn();
  }

  /** The mapping's settings changed: a lower MaximumConcurrency retires lanes after their batch, a higher one allows growth. */
  settingsChanged(): void {
    this.scaler.clamp();
    this.spawn();
  }

  /**
   * Stops polling. `drain`: every lane finishes its receive and its batch first (disable, delete).
   * Otherwise (the stack stopping) only batches being invoked are waited for, at most `graceMs`;
   * receives end when SQS closes, and what they bring back is left for the visibility timeout.
   */
  async stop(drain: boolean, graceMs = 2000): Promise<void> {
    this.stopping = true;
    this.abandoned = !drain;
    this.scaler.stop();
    for (const wake of this.pauses) wake();
    const waitFor = Promise.allSettled(drain ? [...this.running] : [...this.invocations]);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([waitFor, new Promise((resolve) => (grace = setTimeout(resolve, drain ? 60_000 : graceMs)))]);
    clearTimeout(grace);
  }

  /** Batches the queue could fill now: those in flight, and the visible messages by batch size. */
  private async demand(): Promise<number> {
    const { Attributes = {} } = await this.options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.options.queue.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return this.inFlight + Math.ceil(Number(Attributes.ApproximateNumberOfMessages ?? 0) / this.options.current().settings.batchSize);
  }

  private spawn(): void {
    while (!this.stopping && this.lanes < this.scaler.target) {
      this.lanes += 1;
      const lane = this.lane().finally(() => this.running.delete(lane));
      this.running.add(lane);
    }
  }

  /** A poller: receive a batch, invoke, settle, again; it retires (counted out at once) when there are more lanes than allowed. */
  private async lane(): Promise<void> {
    try {
      while (!this.stopping && this.lanes <= this.scaler.target) {
        let batch: { messages: Message[]; receivedAt: number };
        try {
          batch = await this.collect();
        } catch (error) {
          if (this.stopping) return;
          if (!this.warned) this.options.onWarning?.(`event source mapping ${this.options.uuid}: cannot receive from ${this.options.queue.arn} (${(error as Error).message}); retrying every ${RECEIVE_RETRY_MS / 1000} s`);
          this.warned = true;
          await this.pause(RECEIVE_RETRY_MS);
          continue;
        }
        this.warned = false;
        if (this.abandoned) return;
        if (batch.messages.length === 0) {
          // Traffic is low: back towards the starting concurrency, one lane at a time; and while the
          // queue is empty one poller is enough to notice the next message (it restarts the others).
          this.scaler.idle();
          if (this.lanes > 1) return;
          continue;
        }
        this.spawn();
        const work = this.process(batch.messages, batch.receivedAt);
        this.invocations.add(work);
        await work.finally(() => this.invocations.delete(work));
      }
    } finally {
      // In the same turn as the check that ended the loop, so two lanes never both retire for one place.
      this.lanes -= 1;
    }
  }

  /**
   * One batch: a long poll, then (with a batching window, which starts at the first message) more
   * receives until it is full, its bodies reach 6 MB, or the window ends. Long polls last at most
   * IDLE_WAIT_SECONDS, so that a poller told to stop never has long to wait.
   */
  private async collect(): Promise<{ messages: Message[]; receivedAt: number }> {
    const { batchSize, maximumBatchingWindowInSeconds: window } = this.options.current().settings;
    const messages: Message[] = [];
    let bytes = 0;
    let receivedAt = Date.now();
    let deadline: number | undefined;
    while (true) {
      const wanted = Math.min(10, batchSize - messages.length);
      const waitSeconds = deadline === undefined ? IDLE_WAIT_SECONDS : Math.min(IDLE_WAIT_SECONDS, Math.max(0, Math.floor((deadline - Date.now()) / 1000)));
      const received = await this.receive(wanted, waitSeconds);
      if (received.length === wanted) this.scaler.sawBacklog();
      for (const message of received) bytes += Buffer.byteLength(message.Body ?? '');
      if (messages.length === 0) receivedAt = Date.now();
      messages.push(...received);
      if (messages.length === 0 || window === 0) return { messages, receivedAt };
      deadline ??= receivedAt + window * 1000;
      if (messages.length >= batchSize || bytes >= SYNC_PAYLOAD_LIMIT_BYTES || Date.now() >= deadline || this.stopping) return { messages, receivedAt };
      if (received.length === 0 && waitSeconds === 0) await this.pause(Math.min(SHORT_POLL_PAUSE_MS, deadline - Date.now()));
    }
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queue.url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  /** Invokes the batch, cut into events of at most 6 MB, one after the other (one batch in flight per lane). */
  private async process(messages: Message[], receivedAt: number): Promise<void> {
    const records = messages.map((message) => sized(sqsEventRecord(message, this.options.queue.arn, this.options.region)));
    for (const chunk of splitBySize(records)) await this.invoke(chunk, receivedAt);
  }

  private async invoke(chunk: SizedRecord[], receivedAt: number): Promise<void> {
    const { settings, target } = this.options.current();
    const messageIds = chunk.map(({ record }) => record.messageId);
    const base: EventSourceBatch = {
      phase: 'invoke',
      uuid: this.options.uuid,
      functionName: target.fn.name,
      eventSourceArn: this.options.queue.arn,
      requestId: randomUUID(),
      records: hookRecords(chunk),
      bytes: eventBytes(chunk),
      inFlight: 0,
      concurrency: this.scaler.target,
      batchSize: settings.batchSize,
      ...(settings.maximumConcurrency !== undefined && { maximumConcurrency: settings.maximumConcurrency }),
    };
    this.inFlight += 1;
    try {
      this.options.onBatch?.({ ...base, inFlight: this.inFlight });
      const visibleAgainAt = receivedAt + this.options.queue.visibilityTimeoutSeconds * 1000;
      if (!(await this.reserve(target, visibleAgainAt))) {
        this.options.onBatch?.({ ...base, phase: 'settled', inFlight: this.inFlight, outcome: 'throttled', deleted: [], returned: messageIds, reason: 'throttled until the visibility timeout' });
        return;
      }
      let verdict: BatchVerdict;
      try {
        const result = await this.options.runtime.invoke({
          fn: target.fn,
          executedVersion: target.executedVersion,
          invokedArn: target.invokedArn,
          requestId: base.requestId,
          event: { Records: chunk.map(({ record }) => record) },
        });
        verdict = batchVerdict(result, messageIds, settings.reportBatchItemFailures);
      } finally {
        this.options.runtime.release(target.fn);
      }
      const returned = verdict.kind === 'success' ? [] : verdict.kind === 'failure' ? messageIds : verdict.failed;
      const kept = new Set(returned);
      const toDelete = chunk.filter(({ record }) => !kept.has(record.messageId)).map(({ record }) => record);
      const deleted = await this.delete(toDelete);
      this.options.onBatch?.({
        ...base,
        phase: 'settled',
        inFlight: this.inFlight,
        outcome: verdict.kind,
        deleted,
        returned,
        ...(verdict.kind === 'failure' && { reason: verdict.reason }),
      });
    } finally {
      this.inFlight -= 1;
    }
  }

  /** A unit of the function's concurrency; while throttled, tried again until the batch's messages would be visible again (then false). */
  private async reserve(target: ResolvedInvocationTarget, visibleAgainAt: number): Promise<boolean> {
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      if (this.options.runtime.reserve(target.fn).ok) return true;
      const delay = Math.max(10, THROTTLE_RETRY_MS * this.options.timeScale);
      if (this.stopping || Date.now() + delay >= visibleAgainAt) return false;
      await this.pause(delay);
    }
    return false;
  }

  /** Deletes what succeeded, 10 at a time; returns the IDs deleted (a receipt handle that expired cannot be). */
  private async delete(records: { messageId: string; receiptHandle: string }[]): Promise<string[]> {
    const deleted: string[] = [];
    for (let start = 0; start < records.length; start += 10) {
      const entries = records.slice(start, start + 10);
      try {
        const { Failed = [] } = await this.options.sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: this.options.queue.url, Entries: entries.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })) }),
        );
        const failed = new Set(Failed.map((entry) => entry.Id));
        entries.forEach((record, index) => {
          if (!failed.has(String(index))) deleted.push(record.messageId);
        });
        if (Failed.length > 0) this.options.onWarning?.(`event source mapping ${this.options.uuid}: ${Failed.length} message(s) could not be deleted (${Failed[0]?.Message ?? Failed[0]?.Code}); they will be received again`);
      } catch (error) {
        if (!this.stopping) this.options.onWarning?.(`event source mapping ${this.options.uuid}: could not delete a processed batch (${(error as Error).message}); it will be received again`);
      }
    }
    return deleted;
  }

  /** Waits `ms`, or less if the poller stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pauses.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.pauses.add(done);
    });
  }
}
