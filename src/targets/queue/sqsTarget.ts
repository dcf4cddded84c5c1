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
 * The body's MD5 is checked by the SDK's SQS middleware (`md5`, on by default: SendMessage and
 * SendMessageBatch answers whose MD5OfMessageBody does not match throw), so a corrupted send is a
 * failed call, not a silent one.
 */
import { SendMessageBatchCommand, SendMessageCommand, type MessageAttributeValue, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../../correlation.js';
import { epochAt } from '../../time.js';
import { callDeadlineMs } from '../wire/deadline.js';
import type { InvokeRequest, Outcome, Target } from '../types.js';
import { isSqsThrottle, sqsFailure } from './sqsOutcome.js';

/** SQS's own limits: ten entries a batch, 1 MiB a message and a whole batch request. */
export const SQS_BATCH_ENTRIES = 10;
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

export interface SqsTargetOptions {
  client: SQSClient;
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
  const deadlineMs = callDeadlineMs(options.timeoutMs);
  let gathering: Pending[] = [];
  let gatheringBytes = 0;
  let flushScheduled = false;
  const inFlight = new Set<AbortController>();

  // Built once: on the hot path each message only adds its correlation ID (a load test sends thousands a second).
  const given: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(options.attributes ?? {})) given[name] = { DataType: 'String', StringValue: value };
  const hasGiven = Object.keys(given).length > 0;
  const attributesFor = (request: InvokeRequest): Record<string, MessageAttributeValue> | undefined => {
    if (!request.clientRequestId) return hasGiven ? given : undefined;
    const correlation = { DataType: 'String', StringValue: request.clientRequestId };
    return hasGiven ? { ...given, [QUEUE_CORRELATION_ATTRIBUTE]: correlation } : { [QUEUE_CORRELATION_ATTRIBUTE]: correlation };
  };
  const standardFields = options.delaySeconds ? { DelaySeconds: options.delaySeconds } : undefined;
  const entryFields = (request: InvokeRequest) =>
    options.fifo
      ? {
          MessageGroupId: options.messageGroupId!,
          ...(options.deduplicate && { MessageDeduplicationId: request.clientRequestId ?? randomUUID() }),
        }
      : standardFields;

  async function send(batch: Pending[], signal: AbortSignal | undefined): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${deadlineMs} ms`, 'TimeoutError')), deadlineMs);
    const onStop = () => controller.abort(signal!.reason);
    if (signal?.aborted) onStop();
    else signal?.addEventListener('abort', onStop, { once: true });
    inFlight.add(controller);
    const sentAt = Date.now();
    const start = performance.now();
    // The batch's answer ended once for all its messages.
    let end = 0;
    let endedAt = 0;
    const done = (pending: Pending, fields: Partial<Outcome>) => {
      if (end === 0) {
        end = performance.now();
        endedAt = epochAt(end);
      }
      const outcome: Outcome = { class: 'ok', sentAt, serviceTimeMs: end - start, endedAt, attempts: 1, ...fields };
      if (pending.request.clientRequestId) outcome.clientRequestId = pending.request.clientRequestId;
      pending.resolve(outcome);
    };
    try {
      if (batch.length === 1) {
        const [only] = batch as [Pending];
        const attributes = attributesFor(only.request);
        const answer = await options.client.send(
          new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: only.body, ...(attributes && { MessageAttributes: attributes }), ...entryFields(only.request) }),
          { abortSignal: controller.signal },
        );
        done(only, { statusCode: answer.$metadata.httpStatusCode ?? 200, attempts: answer.$metadata.attempts ?? 1, ...(answer.MessageId && { messageId: answer.MessageId, requestId: answer.MessageId }) });
        return;
      }
      const answer = await options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: batch.map((pending, index) => {
            const attributes = attributesFor(pending.request);
            const entry: SendMessageBatchRequestEntry = { Id: String(index), MessageBody: pending.body };
            if (attributes) entry.MessageAttributes = attributes;
            const fields = entryFields(pending.request);
            return fields ? Object.assign(entry, fields) : entry;
          }),
        }),
        { abortSignal: controller.signal },
      );
      const status = answer.$metadata.httpStatusCode ?? 200;
      const attempts = answer.$metadata.attempts ?? 1;
      for (const entry of answer.Successful ?? []) done(batch[Number(entry.Id)]!, { statusCode: status, attempts, ...(entry.MessageId && { messageId: entry.MessageId, requestId: entry.MessageId }) });
      for (const entry of answer.Failed ?? []) {
        done(batch[Number(entry.Id)]!, { statusCode: entry.SenderFault ? 400 : 500, attempts, class: isSqsThrottle(entry.Code) ? 'throttled' : 'httpError', errorType: entry.Code ?? 'Failed', errorMessage: entry.Message ?? 'refused in the batch', refusedByService: true });
      }
      // An entry SQS did not mention at all is a failure too, never a silent success.
      const answered = new Set([...(answer.Successful ?? []), ...(answer.Failed ?? [])].map((entry) => entry.Id));
      batch.forEach((pending, index) => {
        if (!answered.has(String(index))) done(pending, { class: 'httpError', statusCode: status, errorType: 'NotAnswered', errorMessage: 'SQS answered the batch without this entry' });
      });
    } catch (error) {
      const failure = sqsFailure(error, deadlineMs);
      for (const pending of batch) done(pending, failure);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onStop);
      inFlight.delete(controller);
    }
  }

  function flush(signal: AbortSignal | undefined): void {
    flushScheduled = false;
    const batch = gathering;
    gathering = [];
    gatheringBytes = 0;
    if (batch.length > 0) void send(batch, signal);
  }

  return {
    description: options.description,
    endpoint: options.queueUrl,
    invoke(request: InvokeRequest, signal?: AbortSignal): Promise<Outcome> {
      // A view, not a copy, of the payload's bytes.
      const body = Buffer.from(request.payload.buffer, request.payload.byteOffset, request.payload.byteLength).toString('utf8');
      const bytes = request.payload.length;
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
    async close() {
      for (const controller of inFlight) controller.abort(new DOMException('closed', 'AbortError'));
      options.client.destroy();
    },
  };
}
