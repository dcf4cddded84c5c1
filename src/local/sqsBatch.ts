/**
 * What an SQS event source mapping hands a function and how it reads the answer: the event
 * record of each message (the exact shape Lambda sends), batches cut at Lambda's 6 MB invocation
 * payload, and the rules that turn the function's response into the messages to delete.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { SYNC_PAYLOAD_LIMIT_BYTES } from './limits.js';

export interface SqsMessageAttribute {
  stringValue?: string;
  /** Base64, as Lambda sends a Binary attribute. */
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** Strings, timestamps in epoch milliseconds; FIFO adds SequenceNumber, MessageGroupId, MessageDeduplicationId. */
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsMessageAttribute>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** The system attributes Lambda passes on, in the order its events list them (standard, then FIFO's own). */
const STANDARD_ATTRIBUTES = ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp', 'AWSTraceHeader'];
const FIFO_ATTRIBUTES = ['ApproximateReceiveCount', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp', 'AWSTraceHeader'];

/** One received message (asked for with every system and message attribute) as an SQS event record. */
export function sqsEventRecord(message: Message, queueArn: string, region: string): SqsEventRecord {
  const received = message.Attributes ?? {};
  const order = received.MessageGroupId === undefined ? STANDARD_ATTRIBUTES : FIFO_ATTRIBUTES;
  const attributes: Record<string, string> = {};
  for (const name of order) {
    const value = (received as Record<string, string | undefined>)[name];
    if (value !== undefined) attributes[name] = value;
  }
  const messageAttributes: Record<string, SqsMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) messageAttributes[name] = lambdaAttribute(value);
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function lambdaAttribute(value: MessageAttributeValue): SqsMessageAttribute {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
    ...(value.BinaryValue !== undefined && { binaryValue: base64(value.BinaryValue) }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? 'String',
  };
}

/** A record with its serialized size, so batches are measured once. */
export interface SizedRecord {
  record: SqsEventRecord;
  bytes: number;
}

export const sized = (record: SqsEventRecord): SizedRecord => ({ record, bytes: Buffer.byteLength(JSON.stringify(record)) });

/** `{"Records":[` + `]}` around the records, and a comma between two. */
const ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

/** The size of `{"Records":[…]}` holding these records, in bytes. */
export function eventBytes(records: readonly SizedRecord[]): number {
  return ENVELOPE_BYTES + records.reduce((sum, item) => sum + item.bytes, 0) + Math.max(0, records.length - 1);
}

/** Cuts the records, in order, into events of at most `limit` bytes each (Lambda's 6 MB by default). */
export function splitBySize(records: readonly SizedRecord[], limit = SYNC_PAYLOAD_LIMIT_BYTES): SizedRecord[][] {
  const chunks: SizedRecord[][] = [];
  let chunk: SizedRecord[] = [];
  for (const item of records) {
    if (chunk.length > 0 && eventBytes([...chunk, item]) > limit) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(item);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** What becomes of a batch: deleted whole, returned whole, or returned in part. */
export type BatchVerdict = { kind: 'success' } | { kind: 'failure'; reason: string } | { kind: 'partial'; failed: string[] };

/**
 * Lambda's rules for an SQS batch's answer. A function error (thrown, timed out, or any
 * X-Amz-Function-Error) fails the whole batch. Without ReportBatchItemFailures any other answer is
 * a success. With it: null, an object without `batchItemFailures`, or a null or empty list is a
 * complete success; `{"batchItemFailures":[{"itemIdentifier":"<messageId>"}, …]}` returns only
 * those; invalid JSON, a list that is not a list, an item without `itemIdentifier`, or one that is
 * null, empty or not a message of this batch fails the whole batch. An answer that is JSON but not
 * an object (a string, a number, a list) cannot be read as a batch response either, and fails it.
 */
export function batchVerdict(result: { payload: string; functionError?: string }, messageIds: readonly string[], reportBatchItemFailures: boolean): BatchVerdict {
  if (result.functionError) return { kind: 'failure', reason: `function error (${result.functionError})` };
  if (!reportBatchItemFailures) return { kind: 'success' };
  let response: unknown;
  try {
    response = JSON.parse(result.payload);
  } catch {
    return { kind: 'failure', reason: 'the response is not valid JSON' };
  }
  if (response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) return { kind: 'failure', reason: 'the response is not a JSON object' };
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return { kind: 'success' };
  if (!Array.isArray(list)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  const known = new Set(messageIds);
  const failed = new Set<string>();
  for (const item of list) {
    const identifier = item !== null && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof identifier !== 'string' || identifier === '') {
      return { kind: 'failure', reason: `a batch item failure without an itemIdentifier: ${JSON.stringify(item)}` };
    }
    if (!known.has(identifier)) return { kind: 'failure', reason: `itemIdentifier '${identifier}' is not a message of this batch` };
    failed.add(identifier);
  }
  return failed.size === 0 ? { kind: 'success' } : { kind: 'partial', failed: [...failed] };
}

/** One batch as the stack hook sees it: when it is invoked, and again when it is settled. */
export interface EventSourceBatch {
  phase: 'invoke' | 'settled';
  uuid: string;
  functionName: string;
  eventSourceArn: string;
  requestId: string;
  records: { messageId: string; body: string; approximateReceiveCount: number; messageGroupId?: string; sequenceNumber?: string }[];
  /** The invocation payload `{"Records":[…]}`, in bytes. */
  bytes: number;
  /** This mapping's batches in flight at that moment, this one included. */
  inFlight: number;
  /** The lanes the mapping may run at that moment (its concurrency ceiling so far). */
  concurrency: number;
  batchSize: number;
  maximumConcurrency?: number;
  /** Settled only: what became of it, and which messages were deleted or left to reappear. */
  outcome?: 'success' | 'partial' | 'failure' | 'throttled';
  deleted?: string[];
  returned?: string[];
  reason?: string;
}

/** What the hook is told of each record of a batch. */
export function hookRecords(chunk: readonly SizedRecord[]): EventSourceBatch['records'] {
  return chunk.map(({ record }) => ({
    messageId: record.messageId,
    body: record.body,
    approximateReceiveCount: Number(record.attributes.ApproximateReceiveCount),
    ...(record.attributes.MessageGroupId !== undefined && { messageGroupId: record.attributes.MessageGroupId }),
    ...(record.attributes.SequenceNumber !== undefined && { sequenceNumber: record.attributes.SequenceNumber }),
  }));
}
