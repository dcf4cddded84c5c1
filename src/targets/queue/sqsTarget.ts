/**
 * An SQS queue as a target (poll-based invocation, seed 004): each call sends one message, which
 * an event source mapping will later hand to the function. The call's answer is SQS's: accepted
 * (a message ID) or refused; what the function did with it is the delivery tracker's to find out.
 *
 * Messages that are due at the same moment go out together in one SendMessageBatch (up to 10, and
 * at most SQS's 1 MiB a request): calls made while the current callback and the promise reactions
 * it set off run are gathered and sent as soon as those are done (process.nextTick, not the next
 * turn of the event loop: the ten workers a batch's answer wakes send their next ten at once), so
 * a rate or a concurrency that puts several sends in flight at once gets batches, and a slow
 * trickle gets one SendMessage each, with no added wait either way. Each
 * message keeps its own outcome (a batch can accept some and refuse others); its latency is still
 * measured by the run from its own intended send time.
 *
 * An accepted message's request ID is its message ID: the key its dead-lettered copy keeps, and
 * what the raw file and `invoke` show.
 *
 * Each accepted body's MD5 is checked against SQS's MD5OfMessageBody (by the SDK's SQS middleware,
 * or by the direct sender the same way), so a corrupted send is a failed call, not a silent one.
 * How the batch travels is the sender's (sqsSender.ts).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../../correlation.js';
import { epochAt } from '../../time.js';
import { callDeadlineMs } from '../wire/deadline.js';
import type { InvokeRequest, Outcome, Target } from '../types.js';
import type { SqsEntry, SqsSender } from './sqsSender.js';
import { isSqsThrottle } from './sqsOutcome.js';

/** SQS's own limits: ten entries a batch, 1 MiB a message and a whole batch request. */
export const SQS_BATCH_ENTRIES = 10;
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;
/** SQS bills a request per 64 KB chunk of its payload. */
const SQS_BILLED_CHUNK_BYTES = 64 * 1024;

export interface SqsTargetOptions {
  sender: SqsSender;
  queueUrl: string;
  /** Shown in messages and reports (what the user named: URL or ARN). */
  description: string;
  fifo: boolean;
  /** FIFO: the group every message goes to (`--message-group-id`). */
  messageGroupId?: string;
  /** FIFO without content-based deduplication: each message's own deduplication ID is its correlation ID. */
  deduplicate?: boolean;
  /** `--delay` in seconds (standard queues only; 0–900). */
  delaySeconds?: number;
  /** `--message-attribute name=value` (strings). */
  attributes?: Record<string, string>;
  timeoutMs?: number;
}

interface Pending {
  request: InvokeRequest;
  body: string;
  bytes: number;
  resolve(outcome: Outcome): void;
}

export function createSqsTarget(options: SqsTargetOptions): Target {
  const { sender, queueUrl } = options;
  const deadlineMs = callDeadlineMs(options.timeoutMs);
  let gathering: Pending[] = [];
  let gatheringBytes = 0;
  let flushScheduled = false;
  let requests = 0;

  // Built once: on the hot path each message only adds its correlation ID (a load test sends thousands a second).
  const given: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(options.attributes ?? {})) given[name] = { DataType: 'String', StringValue: value };
  const hasGiven = Object.keys(given).length > 0;
  const attributeBytes = Object.entries(options.attributes ?? {}).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value), 0);
  const attributesFor = (request: InvokeRequest): Record<string, MessageAttributeValue> | undefined => {
    if (!request.clientRequestId) return hasGiven ? given : undefined;
    const correlation = { DataType: 'String', StringValue: request.clientRequestId };
    return hasGiven ? { ...given, [QUEUE_CORRELATION_ATTRIBUTE]: correlation } : { [QUEUE_CORRELATION_ATTRIBUTE]: correlation };
  };
  const entryFor = (pending: Pending, index: number): SqsEntry => {
    const entry: SqsEntry = { Id: String(index), MessageBody: pending.body };
    if (!options.fifo && options.delaySeconds) entry.DelaySeconds = options.delaySeconds;
    const attributes = attributesFor(pending.request);
    if (attributes) entry.MessageAttributes = attributes;
    if (options.fifo) {
      if (options.deduplicate) entry.MessageDeduplicationId = pending.request.clientRequestId ?? randomUUID();
      entry.MessageGroupId = options.messageGroupId!;
    }
    return entry;
  };

  async function send(batch: Pending[], bytes: number, signal: AbortSignal | undefined): Promise<void> {
    const sentAt = Date.now();
    const start = performance.now();
    // SQS bills each 64 KB chunk of a request's payload as one request: a 1 MiB batch is 16.
    requests += Math.max(1, Math.ceil(bytes / SQS_BILLED_CHUNK_BYTES));
    const result = await sender.send(queueUrl, batch.map(entryFor), signal, deadlineMs);
    // The call's answer ended once for all its messages.
    const end = performance.now();
    const endedAt = epochAt(end);
    const done = (pending: Pending, fields: Partial<Outcome>) => {
      const outcome: Outcome = { class: 'ok', sentAt, serviceTimeMs: end - start, endedAt, attempts: 1, ...fields };
      if (pending.request.clientRequestId) outcome.clientRequestId = pending.request.clientRequestId;
      pending.resolve(outcome);
    };
    if (!result.answered) {
      for (const pending of batch) done(pending, result.failure);
      return;
    }
    const { statusCode, attempts } = result;
    const answered = new Set<string>();
    for (const entry of result.accepted) {
      const pending = batch[Number(entry.id)];
      if (!pending || answered.has(entry.id)) continue;
      answered.add(entry.id);
      done(pending, { statusCode, attempts, ...(entry.messageId && { messageId: entry.messageId, requestId: entry.messageId }) });
    }
    for (const entry of result.refused) {
      const pending = batch[Number(entry.id)];
      if (!pending || answered.has(entry.id)) continue;
      answered.add(entry.id);
      if (entry.corrupted) {
        done(pending, { class: 'networkError', attempts, errorType: 'MD5Mismatch', errorMessage: entry.message ?? 'the MD5 SQS gave for the body is not the body sent' });
        continue;
      }
      const refusal: Partial<Outcome> = { statusCode: entry.senderFault ? 400 : 500, attempts, class: isSqsThrottle(entry.code) ? 'throttled' : 'httpError', errorType: entry.code ?? 'Failed', errorMessage: entry.message ?? 'refused in the batch', refusedByService: true };
      done(pending, refusal);
    }
    // An entry SQS did not mention at all is a failure too, never a silent success.
    batch.forEach((pending, index) => {
      if (!answered.has(String(index))) done(pending, { class: 'httpError', statusCode, errorType: 'NotAnswered', errorMessage: 'SQS answered the batch without this entry' });
    });
  }

  function flush(signal: AbortSignal | undefined): void {
    flushScheduled = false;
    const batch = gathering;
    const bytes = gatheringBytes;
    gathering = [];
    gatheringBytes = 0;
    if (batch.length > 0) {
      // A send never rejects by contract; should one anyway, its messages fail rather than hang.
      send(batch, bytes, signal).catch((error: unknown) => {
        const endedAt = epochAt(performance.now());
        for (const pending of batch) {
          pending.resolve({ class: 'networkError', sentAt: Date.now(), serviceTimeMs: 0, endedAt, attempts: 1, errorType: 'InternalError', errorMessage: error instanceof Error ? error.message : String(error), ...(pending.request.clientRequestId && { clientRequestId: pending.request.clientRequestId }) });
        }
      });
    }
  }

  return {
    description: options.description,
    endpoint: queueUrl,
    invoke(request: InvokeRequest, signal?: AbortSignal): Promise<Outcome> {
      // A view, not a copy, of the payload's bytes.
      const body = Buffer.from(request.payload.buffer, request.payload.byteOffset, request.payload.byteLength).toString('utf8');
      // SQS's 1 MiB counts a message's attributes too (names, types, values): lambench's correlation attribute and the given ones.
      const bytes = request.payload.length + attributeBytes + (request.clientRequestId ? QUEUE_CORRELATION_ATTRIBUTE.length + 'String'.length + request.clientRequestId.length : 0);
      return new Promise<Outcome>((resolve) => {
        // A full batch (ten, or 1 MiB) goes now; the next one starts gathering.
        if (gathering.length === SQS_BATCH_ENTRIES || gatheringBytes + bytes > SQS_MAX_MESSAGE_BYTES) flush(signal);
        gathering.push({ request, body, bytes, resolve });
        gatheringBytes += bytes;
        if (!flushScheduled) {
          flushScheduled = true;
          process.nextTick(flush, signal);
        }
      });
    },
    requestsSent: () => requests,
    close: () => sender.close(),
  };
}
