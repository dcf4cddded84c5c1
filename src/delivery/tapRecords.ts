/**
 * The same destination record, however it arrives: in an SNS envelope (`Type, MessageId, TopicArn,
 * Message, Timestamp, MessageAttributes {Name: {Type, Value}}`) or raw (RawMessageDelivery: the
 * body is the record, attributes are the message's own); as an EventBridge event's `detail`; as
 * an S3 object's body. Each is unwrapped into what an SQS destination would have held and decoded
 * as one (completionRecord.ts), marked with where it was seen.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { decodeCompletionMessage, type CompletionRecord } from './completionRecord.js';

/** What an EventBridge result event is: its detail-type, and its source (`lambda` in captured events, `aws.lambda` in current docs). The tap's rule matches the same. */
export const RESULT_DETAIL_TYPES = ['Lambda Function Invocation Result - Success', 'Lambda Function Invocation Result - Failure'];
export const RESULT_SOURCES = ['lambda', 'aws.lambda'];

export type Wrapping = 'sns' | 'events';

export function decodeTapMessage(message: Message, queueUrl: string, wrapping: Wrapping | undefined, seenIn: string, clientRequestIdPath?: string): CompletionRecord | undefined {
  const unwrapped = wrapping === 'sns' ? fromSnsEnvelope(message) : wrapping === 'events' ? fromEvent(message) : message;
  if (!unwrapped) return undefined;
  const record = decodeCompletionMessage(unwrapped, queueUrl, clientRequestIdPath);
  if (record) record.seenIn = seenIn;
  return record;
}

/** An SNS notification as the message SQS would have held had the topic been a queue; a raw delivery as it is. */
export function fromSnsEnvelope(message: Message): Message {
  const envelope = parse(message.Body);
  if (!envelope || envelope.Type !== 'Notification' || typeof envelope.Message !== 'string' || typeof envelope.TopicArn !== 'string') return message;
  const attributes: Record<string, MessageAttributeValue> = { ...message.MessageAttributes };
  const given = envelope.MessageAttributes;
  if (given && typeof given === 'object') {
    for (const [name, value] of Object.entries(given as Record<string, { Type?: string; Value?: string }>)) {
      if (typeof value?.Value === 'string') attributes[name] = { DataType: value.Type ?? 'String', StringValue: value.Value };
    }
  }
  // A DLQ's time is when SNS took the message: its Timestamp, where SQS's SentTimestamp would be.
  const published = typeof envelope.Timestamp === 'string' ? Date.parse(envelope.Timestamp) : Number.NaN;
  const systemAttributes = { ...message.Attributes, ...(Number.isFinite(published) && { SentTimestamp: String(published) }) };
  return { ...message, Body: envelope.Message, MessageAttributes: attributes, Attributes: systemAttributes };
}

/** A Lambda invocation-result event's `detail` as a destination queue's body; anything else: undefined. */
export function fromEvent(message: Message): Message | undefined {
  const event = parse(message.Body);
  if (!event || !RESULT_DETAIL_TYPES.includes(String(event['detail-type'])) || !RESULT_SOURCES.includes(String(event.source))) return undefined;
  if (!event.detail || typeof event.detail !== 'object') return undefined;
  return { ...message, Body: JSON.stringify(event.detail) };
}

/** An S3 on-failure object's body (the record itself), marked as seen in the bucket. */
export function decodeS3Object(body: string, bucketKey: string, seenIn: string, clientRequestIdPath?: string): CompletionRecord | undefined {
  const record = decodeCompletionMessage({ Body: body, MessageId: bucketKey }, bucketKey, clientRequestIdPath);
  if (record) record.seenIn = seenIn;
  return record;
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
