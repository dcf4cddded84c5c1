/**
 * The evidence of a queue phase (poll-based invocation), read as records the tracker can match:
 * - a message in the source queue's DLQ: dead-lettered. SQS keeps its message ID and attributes
 *   through the move, so it matches by the sent message's ID or lambench's correlation attribute.
 *   Its ApproximateReceiveCount is not reset by the move; lambench's own read adds one, which is
 *   taken off (the count shown is the one the message had when lambench first read it). It can
 *   include the receive that found the count over maxReceiveCount and moved it (fauxqs counts it).
 * - a message in an output queue the function writes to (`--output-queue`, as pipelines do):
 *   processed. The function decides its shape, so the correlation ID (or the sent message's ID)
 *   is looked for anywhere: the correlation attribute, then every string in the body (JSON, at
 *   any depth) and the other attributes. It was processed by the time SQS stamped it (SentTimestamp).
 */
import type { Message } from '@aws-sdk/client-sqs';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../correlation.js';
import type { CompletionRecord } from './completionRecord.js';

/** Strings searched in one output record at most (a huge body is not walked whole). */
const MAX_STRINGS = 2_000;

export function queueEvidenceDecoder(dlqUrls: ReadonlySet<string>): (message: Message, queueUrl: string, known: (id: string) => boolean) => CompletionRecord | undefined {
  return (message, queueUrl, known) => (dlqUrls.has(queueUrl) ? deadLettered(message, queueUrl) : processed(message, queueUrl, known));
}

function deadLettered(message: Message, queueUrl: string): CompletionRecord {
  const correlation = message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue;
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    kind: 'deadLetter',
    queueUrl,
    condition: 'DeadLetter',
    ...(message.MessageId && { messageId: message.MessageId, requestId: message.MessageId }),
    ...(correlation && { clientRequestId: correlation }),
    ...(Number.isFinite(receives) && receives > 1 && { attempts: receives - 1 }),
  };
}

function processed(message: Message, queueUrl: string, known: (id: string) => boolean): CompletionRecord {
  const sentAt = Number(message.Attributes?.SentTimestamp);
  const candidates = [...candidateIds(message)];
  const ours = candidates.find(known);
  const attribute = message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue;
  // Not (yet) known: the record may have been read before the send's answer came back. Its likely
  // key is kept, so the tracker can claim it once the send is expected.
  const likely = ours ?? attribute ?? candidates.find((candidate) => UUID.test(candidate));
  return {
    kind: 'destination',
    queueUrl,
    condition: 'Success',
    ...(message.MessageId && { messageId: message.MessageId }),
    ...(likely && { clientRequestId: likely, requestId: likely }),
    ...(Number.isFinite(sentAt) && sentAt > 0 && { completedAt: sentAt }),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function* candidateIds(message: Message): Generator<string> {
  const attributes = message.MessageAttributes ?? {};
  const attribute = attributes[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue;
  if (attribute) yield attribute;
  for (const [name, value] of Object.entries(attributes)) if (name !== QUEUE_CORRELATION_ATTRIBUTE && value.StringValue) yield value.StringValue;
  const body = message.Body ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) {
    for (const match of body.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)) yield match[0];
    return;
  }
  let walked = 0;
  const stack: unknown[] = [parsed];
  while (stack.length > 0 && walked < MAX_STRINGS) {
    const value = stack.pop();
    if (typeof value === 'string') {
      walked++;
      yield value;
    } else if (Array.isArray(value)) stack.push(...value);
    else if (value !== null && typeof value === 'object') stack.push(...Object.values(value));
  }
}
