/**
 * Proves async delivery: long-polls destination queues and DLQs with several pollers each,
 * decodes both record kinds, and matches every message to an invocation of this run by Lambda's
 * request ID or by lambench's client request ID (the only key behind API Gateway). Its result
 * reconciles: accepted = succeeded + failed + missing + unverified. A matched message is deleted
 * (unless told to keep it); a message that matches nothing is never deleted: it stays hidden for a
 * bounded time (HOLD_SECONDS) so the pollers get past a backlog, and is handed back when the
 * tracker stops. A queue that cannot be read never ends the run: its pollers keep trying with
 * backoff, and events that could be on it are reported unverified, with the reason, not missing.
 *
 * About 510 lines (over 300 on purpose): the pollers, the matching and the settling share the tracker's state (the
 * ledger's maps, held messages, each queue's reading). Its helpers already stand apart
 * (heldMessages, queueReading, unclaimedRecords, deliveryReport, and a queue phase's decoder,
 * queueRecords); the poll loop stays, as it decides each message's fate from the same maps.
 */
import {
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { setMaxListeners } from 'node:events';
import { TargetUnavailableError } from '../errors.js';
import { createHistogram, encodeHistogram, recordMs, summarize } from '../metrics/histogram.js';
import { decodeCompletionMessage, type CompletionRecord } from './completionRecord.js';
import type { SentInvocation, TrackedInvocation } from './ledger.js';
import { awaitingRetryReason, countInvocations, type DeliveryReport } from './deliveryReport.js';
import { checkQueue } from './queueCheck.js';
import { HeldMessages, HOLD_SECONDS } from './heldMessages.js';
import { QueueReading } from './queueReading.js';
import { UnclaimedRecords, type Unclaimed } from './unclaimedRecords.js';
import { RECEIVE_GRACE_MS, withSqsDeadline } from '../aws/sqsClient.js';
import { sleep } from '../time.js';
import { Changes } from './waiting.js';
import { describeSqsFailure } from './sqsFailure.js';

export type { DeliveryReport } from './deliveryReport.js';

export type { SentInvocation, TrackedInvocation } from './ledger.js';

/**
 * What to do with a record handed to onRecord: 'delete' it now, 'release' it (handed back at the
 * end), or 'hold' it: keep it hidden, its fate to be decided by the caller later (deleteHeld), or
 * handed back at the end like a released one.
 */
type Verdict = 'delete' | 'release' | 'hold' | void;

/** What becomes of a message read: deleted now, or left held (handed back at the end, unless deleteHeld deletes it first). */
type Action = 'delete' | 'release';

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
   * Sees every decoded record as it arrives, matched or not (several may be under way at once:
   * the caller orders them if it must). Returning 'delete' deletes it even when it matched
   * nothing; 'release' hands it back; 'hold' leaves its fate to a later deleteHeld() (poll
   * --delete, which deletes a record only once the line after it was written too). A promise is
   * awaited first.
   */
  onRecord?: (record: CompletionRecord, match: TrackedInvocation | undefined) => Verdict | Promise<Verdict>;
  /** False once the caller has stopped reading (poll --max): a message received after that is handed back unread, uncounted. */
  stillReading?: () => boolean;
  /** Sees each message that is not a completion record, once; returning 'delete' deletes it (poll --delete never does). */
  onMalformed?: (message: Message) => Verdict;
  /**
   * Keep each matched record on its invocation (`invoke --wait` shows it). Off, an invocation keeps
   * only the figures the report needs: a load test's 100,000 records of 25 KB would be 2.5 GB.
   */
  keepRecords?: boolean;
  /**
   * Reads a message as a record (default: a Lambda destination record or async DLQ message). A
   * queue phase's evidence (its DLQ, an output queue) decodes differently (queueRecords.ts);
   * `known` tells whether an ID belongs to this run, for a decoder that searches a body for one.
   */
  decode?: (message: Message, queueUrl: string, known: (id: string) => boolean) => CompletionRecord | undefined;
  /** Per queue, what to do with a matched message when it differs from `matched` (a DLQ read non-destructively: 'keep'). */
  matchedByQueue?: Record<string, MatchedPolicy>;
  /** Evidence read elsewhere than these queues (an S3 prefix, see observe()): while one was not read through, pending events are unverified. */
  otherSources?: { unverifiedReason(): string | undefined; /** The settle time is over: offer what was held back for more evidence. */ finalize?(): void }[];
  /** Outcomes that go where nothing can be read (a function as destination; no on-success destination): pending events are unverified, for these reasons. */
  blindSpots?: string[];
}


/** A queue holding at least this many messages before the run gets one more poller per this many (up to MAX_POLLERS). */
const BACKLOG_PER_POLLER = 250;
const MAX_POLLERS = 16;

export class DeliveryTracker {
  private readonly byRequestId = new Map<string, TrackedInvocation>();
  private readonly byClientRequestId = new Map<string, TrackedInvocation>();
  private readonly invocations: TrackedInvocation[] = [];
  private readonly matchedMessageIds = new Set<string>();
  private readonly unmatchedMessageIds = new Set<string>();
  private readonly malformedMessageIds = new Set<string>();
  private readonly histogram = createHistogram();
  /** Ends the polling loops (a read under way is let finish). */
  private readonly controller = new AbortController();
  /** Ends every SQS call still under way, once stop() has waited long enough for them. */
  private readonly hardStop = new AbortController();
  private readonly pollers: Promise<void>[] = [];
  private readonly reading = new Map<string, QueueReading>();
  private readonly held = new HeldMessages();
  /** Others' records being held, by request ID and client request ID, in case one is ours after all (see expect). */
  private readonly unclaimed = new UnclaimedRecords();
  private readonly lateDeletions: Promise<void>[] = [];
  private readonly heldDeletions = new Set<Promise<void>>();
  private readonly changes = new Changes();
  private pendingCount = 0;
  /** When a message this tracker had not seen before last arrived (epoch ms). */
  lastNewMessageAt = Date.now();

  constructor(private readonly options: DeliveryTrackerOptions) {
    // Every poller and deletion listens on it while its call is under way (removed after): many, not a leak. Above this, one would be.
    setMaxListeners(2 * MAX_POLLERS * Math.max(1, options.queueUrls.length) + 64, this.hardStop.signal);
    for (const queueUrl of options.queueUrls) this.reading.set(queueUrl, new QueueReading(queueUrl, this.waitSeconds));
  }

  private get waitSeconds(): number {
    return this.options.waitTimeSeconds ?? 1;
  }

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
    // Its record may have been read before the 202 came back (or a worker thread told us): claim it now.
    // (Two plain checks: expect() runs once per async call, on the load's hot path.)
    if (sent.requestId) for (const unclaimed of this.unclaimed.take(sent.requestId)) this.claim(tracked, unclaimed);
    if (sent.clientRequestId) for (const unclaimed of this.unclaimed.take(sent.clientRequestId)) this.claim(tracked, unclaimed);
    return tracked;
  }

  /**
   * Deletes a message this tracker read and still holds hidden (one whose record was given a
   * 'hold' verdict). Resolves true once SQS deleted it; false when it is no longer held (handed
   * back, or its hold over) or SQS did not delete it (it is then handed back at the end).
   */
  async deleteHeld(messageId: string): Promise<boolean> {
    const entry = this.held.take(messageId);
    if (!entry) return false;
    const command = new DeleteMessageCommand({ QueueUrl: entry.queueUrl, ReceiptHandle: entry.receiptHandle });
    const deletion = withSqsDeadline((options) => this.options.sqs.send(command, options), this.hardStop.signal).then(
      () => true,
      () => {
        this.held.restore(messageId, entry);
        return false;
      },
    );
    // stop() waits for it; once done it is let go (poll --follow --delete makes one a record).
    const settled = deletion.then(() => void this.heldDeletions.delete(settled));
    this.heldDeletions.add(settled);
    return deletion;
  }

  /**
   * A record read elsewhere than an SQS queue (an S3 object): matched as a message's record is,
   * nothing to delete. True when it is this run's (the caller keeps and offers again one that is
   * not: its invocation may be expected later); a record offered again counts once.
   */
  observe(record: CompletionRecord): boolean {
    const key = record.messageId ?? record.queueUrl;
    if (this.matchedMessageIds.has(key)) return true;
    const match = (record.requestId && this.byRequestId.get(record.requestId)) || (record.clientRequestId && this.byClientRequestId.get(record.clientRequestId)) || undefined;
    if (!match) return false;
    this.matchedMessageIds.add(key);
    this.apply(match, record);
    this.lastNewMessageAt = Date.now();
    return true;
  }

  /** A record read before its invocation was expected: now ours, matched and (unless kept) deleted. */
  private claim(tracked: TrackedInvocation, { record, messageId, queueUrl, receiptHandle }: Unclaimed): void {
    if (this.matchedMessageIds.has(messageId)) return;
    this.unmatchedMessageIds.delete(messageId);
    this.matchedMessageIds.add(messageId);
    this.apply(tracked, record);
    if ((this.options.matchedByQueue?.[queueUrl] ?? this.options.matched) === 'keep') return;
    this.held.forget(messageId);
    const command = new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle });
    const deletion = withSqsDeadline((options) => this.options.sqs.send(command, options), this.hardStop.signal).then(
      () => {},
      // Not deleted: it becomes visible again when its hold ends, and is then a known record of ours.
      () => {},
    );
    this.lateDeletions.push(deletion);
  }

  get pending(): number {
    return this.pendingCount;
  }

  /** The pending events that carry Lambda's request ID (what their log lines are found by). */
  *pendingRequestIds(): Iterable<{ requestId: string; sentAt: number }> {
    for (const tracked of this.invocations) if (tracked.state === 'pending' && tracked.requestId) yield { requestId: tracked.requestId, sentAt: tracked.sentAt };
  }

  /** A pending event's logs show `failedAttempts` failed attempts with Lambda's retry still to come (see DeliveryReport.awaitingRetry). */
  retrying(requestId: string, failedAttempts: number): void {
    const tracked = this.byRequestId.get(requestId);
    if (tracked?.state === 'pending') tracked.awaitingRetry = failedAttempts;
  }

  /**
   * Fails fast, before anything is sent, on a queue that does not exist or cannot be reached
   * (each call has a deadline: an SQS that never answers fails here too); warns where the queue
   * has a redrive policy (every read of a message that is not ours counts toward its
   * maxReceiveCount) and where it holds a backlog the pollers must read past.
   */
  async checkQueues(): Promise<void> {
    await Promise.all(
      this.options.queueUrls.map(async (queueUrl) => {
        this.reading.get(queueUrl)!.backlog = await checkQueue(this.options.sqs, queueUrl, this.hardStop.signal, BACKLOG_PER_POLLER, this.options.onWarning);
      }),
    );
  }

  /** Starts the pollers: by default 4 a queue, more (up to 16) for a queue with a backlog to read past. */
  start(): void {
    const base = this.options.pollersPerQueue ?? 4;
    for (const queueUrl of this.options.queueUrls) {
      const backlog = this.reading.get(queueUrl)!.backlog ?? 0;
      const perQueue = Math.max(base, Math.min(MAX_POLLERS, Math.floor(backlog / BACKLOG_PER_POLLER)));
      for (let i = 0; i < perQueue; i += 1) this.pollers.push(this.poll(queueUrl, this.pollers.length));
    }
  }

  /**
   * Resolves once nothing is pending, or after `settleMs`. Never rejects for a queue that cannot
   * be read: its pollers keep trying until then, and report() says which events are unverified.
   */
  async settle(settleMs: number, signal?: AbortSignal): Promise<void> {
    await this.changes.until(() => this.pendingCount === 0, settleMs, signal);
    // What a source held back for more evidence (the logs' unsure successes) stands as it is now.
    if (this.pendingCount > 0 && !signal?.aborted) for (const source of this.options.otherSources ?? []) source.finalize?.();
    // A settle time shorter than a long poll can run out before a queue answered even once: its
    // pending events would be unverified for want of a read, not for any fault. Each queue gets its
    // first answer, at most one long poll and its grace later (a read out longer is a hung SQS,
    // which the report then says).
    if (this.pendingCount > 0 && !signal?.aborted) {
      const answered = () => this.pendingCount === 0 || [...this.reading.values()].every((reading) => reading.answeredOnce());
      await this.changes.until(answered, this.waitSeconds * 1000 + RECEIVE_GRACE_MS, signal, 100);
    }
  }

  /** Resolves once no new message has arrived for `idleMs` (the queues look drained). */
  async drained(idleMs: number, signal?: AbortSignal): Promise<void> {
    await this.changes.until(() => Date.now() - this.lastNewMessageAt >= idleMs, Number.POSITIVE_INFINITY, signal, Math.min(250, idleMs));
  }

  /**
   * Stops polling; a receive under way is let finish (at most its long-poll wait plus the time an
   * answer may take) and its messages settled, then any SQS call still under way is ended. The
   * messages still hidden are handed back (bounded: see HeldMessages).
   */
  async stop(): Promise<void> {
    this.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.pollers),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.waitSeconds * 1000 + RECEIVE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    this.hardStop.abort();
    await Promise.allSettled([...this.pollers, ...this.lateDeletions, ...this.heldDeletions]);
    const { notHandedBack } = await this.held.handBack(this.options.sqs);
    if (notHandedBack > 0) this.options.onWarning?.(`${notHandedBack} messages not from this run could not be handed back now: they become visible again by themselves within ${HOLD_SECONDS} s`);
  }

  /** `<queue URL>: <why>` for each queue whose reads fail or hang now (a backlog not read through is not a failure). */
  failingQueues(): string[] {
    const reasons: string[] = [];
    for (const [queueUrl, reading] of this.reading) {
      const reason = reading.failureReason();
      if (reason) reasons.push(`${queueUrl}: ${reason}`);
    }
    return reasons;
  }

  /** Throws the first reason when some queue or source could not be read through, or the outcome may have gone where nothing is read (for a single `invoke --wait`). */
  throwIfUnverified(): void {
    const [reason] = this.unverifiedReasons();
    if (reason) throw new TargetUnavailableError(`cannot tell whether the event completed: ${reason}`);
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
      unverified: 0,
      foreignMessages: this.unmatchedMessageIds.size,
      malformedMessages: this.malformedMessageIds.size,
      foreignHiddenSeconds: HOLD_SECONDS,
      missingExamples: [],
    };
    const backlogs = [...this.reading.values()].map((reading) => reading.backlog).filter((backlog): backlog is number => backlog !== undefined);
    if (backlogs.length > 0) report.backlogAtStart = backlogs.reduce((a, b) => a + b, 0);
    // Pending events are missing only if every queue they could be on was read through.
    const reasons = this.pendingCount > 0 ? this.unverifiedReasons() : [];
    if (reasons.length > 0 && (this.options.blindSpots?.length ?? 0) > 0) report.unobservable = true;
    countInvocations(report, this.invocations, reasons.length > 0);
    if (report.awaitingRetry) reasons.push(awaitingRetryReason(report.awaitingRetry));
    if (reasons.length > 0) report.unverifiedReasons = reasons;
    const endToEnd = summarize(this.histogram);
    if (endToEnd) {
      report.endToEnd = endToEnd;
      report.endToEndHistogram = encodeHistogram(this.histogram);
    }
    return report;
  }

  private async poll(queueUrl: string, poller: number): Promise<void> {
    const { signal } = this.controller;
    const reading = this.reading.get(queueUrl)!;
    let failures = 0;
    while (!signal.aborted) {
      let messages: Message[];
      const startedAt = reading.began(poller);
      try {
        // Not ended by stop() at once: a long poll cut short can still take messages off the queue.
        // stop() lets it finish within its deadline (long-poll wait + RECEIVE_GRACE_MS) first.
        const command = new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: this.waitSeconds,
          VisibilityTimeout: HOLD_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        });
        const received = await withSqsDeadline((options) => this.options.sqs.send(command, options), this.hardStop.signal, this.waitSeconds);
        messages = received.Messages ?? [];
      } catch (error) {
        if (this.hardStop.signal.aborted) return void reading.ended(poller);
        // The queue cannot be read now: say since when and why, and keep trying (SQS may come back).
        reading.failed(poller, startedAt, describeSqsFailure(error));
        failures += 1;
        await sleep(Math.min(5000, 250 * 2 ** failures), signal);
        continue;
      }
      failures = 0;
      const toDelete: Message[] = [];
      let fresh = 0;
      let freshForeign = 0;
      // Every message received is hidden until deleted or handed back: held from now on, so that a
      // record's fate can be decided while others are handled (deleteHeld).
      for (const message of messages) this.held.hold(message.MessageId ?? message.ReceiptHandle!, queueUrl, message.ReceiptHandle!, startedAt);
      const considered = messages.map((message) => this.consider(message, queueUrl));
      const actions = await Promise.all(considered.map((one) => one.action));
      messages.forEach((message, index) => {
        const { isNew, ours, record } = considered[index]!;
        if (isNew) fresh += 1;
        if (isNew && !ours) freshForeign += 1;
        const messageId = message.MessageId ?? message.ReceiptHandle!;
        if (actions[index] === 'delete') toDelete.push(message);
        // Only the facts matching needs are kept (UnclaimedRecords), not the record.
        if (record && !ours && actions[index] !== 'delete') this.unclaimed.add({ record, messageId, queueUrl, receiptHandle: message.ReceiptHandle! });
      });
      reading.succeeded(poller, freshForeign);
      // A failed delete leaves the message in the queue: seen again later, it is a known one.
      await this.deleteBatches(queueUrl, toDelete).catch(() => {});
      if (fresh > 0) this.lastNewMessageAt = Date.now();
      // No back-off for messages seen before: each read hides them for HOLD_SECONDS again, so a
      // message is read at most once per hold (what its receive count grows by), and backing off
      // here would leave this run's records unread behind a backlog.
    }
  }

  /** Decides what one received message is (ours, a duplicate, someone else's) and its fate. */
  private consider(message: Message, queueUrl: string): { action: Action | Promise<Action>; isNew: boolean; ours: boolean; record?: CompletionRecord } {
    if (this.options.stillReading?.() === false) return { action: 'release', isNew: false, ours: false };
    const messageId = message.MessageId ?? message.ReceiptHandle ?? '';
    const seen = this.matchedMessageIds.has(messageId) || this.unmatchedMessageIds.has(messageId) || this.malformedMessageIds.has(messageId);
    const record = this.options.decode
      ? this.options.decode(message, queueUrl, (id) => this.byRequestId.has(id) || this.byClientRequestId.has(id))
      : decodeCompletionMessage(message, queueUrl, this.options.clientRequestIdPath);
    if (record === undefined) {
      this.malformedMessageIds.add(messageId);
      const verdict = seen ? undefined : this.options.onMalformed?.(message);
      return { action: verdict === 'delete' ? 'delete' : 'release', isNew: !seen, ours: false };
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
    const keep = (this.options.matchedByQueue?.[queueUrl] ?? this.options.matched) === 'keep';
    const decide = (said: Verdict): Action => (said === 'delete' || (said === undefined && match && !keep) ? 'delete' : 'release');
    return { action: verdict instanceof Promise ? verdict.then(decide, () => 'release' as const) : decide(verdict), isNew: !seen, ours: Boolean(match), record };
  }

  private apply(tracked: TrackedInvocation, record: CompletionRecord): void {
    const failure = record.condition !== 'Success';
    const fromLogs = record.kind === 'logs';
    const where = record.seenIn ?? record.queueUrl;
    if (!tracked.seenIn) tracked.seenIn = [where];
    else if (!tracked.seenIn.includes(where)) tracked.seenIn.push(where);
    if (tracked.state === 'pending') {
      tracked.state = failure ? 'failed' : 'succeeded';
      tracked.condition = record.condition;
      delete tracked.awaitingRetry;
      if (fromLogs) tracked.fromLogs = true;
      if (record.inferred) tracked.inferred = true;
      if (this.options.keepRecords) tracked.record = record;
      if (failure) tracked.failedVia = { destination: record.kind === 'destination', deadLetter: record.kind === 'deadLetter', ...(fromLogs && { logs: true }) };
      if (record.attempts !== undefined) tracked.attempts = record.attempts;
      if (record.completedAt !== undefined) {
        tracked.completedAt = record.completedAt;
        tracked.endToEndMs = record.completedAt - tracked.sentAt;
        if (tracked.counted) recordMs(this.histogram, Math.max(0, tracked.endToEndMs));
      }
      if (tracked.counted) {
        this.pendingCount -= 1;
        this.changes.notify();
      }
      return;
    }
    // The logs and a destination tell of the same attempts: two witnesses of one outcome, never a duplicate.
    if (fromLogs) {
      if (failure && tracked.state === 'failed') tracked.failedVia!.logs = true;
      return;
    }
    if (tracked.fromLogs) return this.restate(tracked, record);
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

  /** A destination's record for an event the logs settled first: the record says outright what the logs may only have inferred. */
  private restate(tracked: TrackedInvocation, record: CompletionRecord): void {
    const failure = record.condition !== 'Success';
    const logsSaidFailed = tracked.state === 'failed';
    tracked.fromLogs = false;
    delete tracked.inferred;
    tracked.state = failure ? 'failed' : 'succeeded';
    tracked.condition = record.condition;
    if (failure) tracked.failedVia = { destination: record.kind === 'destination', deadLetter: record.kind === 'deadLetter', ...(logsSaidFailed && { logs: true }) };
    else delete tracked.failedVia;
    if (record.attempts !== undefined) tracked.attempts = record.attempts;
    if (this.options.keepRecords) tracked.record = record;
  }

  private async deleteBatches(queueUrl: string, messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      for (const message of batch) this.held.forget(message.MessageId ?? message.ReceiptHandle!);
      const entries = batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
      const command = new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries });
      await withSqsDeadline((options) => this.options.sqs.send(command, options), this.hardStop.signal);
    }
  }

  /** `<queue URL>: <why>` for each queue that could not be read through (empty when all were). */
  private unverifiedReasons(): string[] {
    const reasons: string[] = [...(this.options.blindSpots ?? [])];
    for (const source of this.options.otherSources ?? []) {
      const reason = source.unverifiedReason();
      if (reason) reasons.push(reason);
    }
    for (const [queueUrl, reading] of this.reading) {
      const reason = reading.unverifiedReason();
      if (reason) reasons.push(`${queueUrl}: ${reason}`);
    }
    return reasons;
  }
}
