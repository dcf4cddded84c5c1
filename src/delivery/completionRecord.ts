/**
 * Decodes what Lambda writes when an async invocation settles: a destination record (SQS body
 * `{version, timestamp, requestContext, requestPayload, responseContext, responsePayload}`) or a
 * DLQ message (the event as body, `RequestID` / `ErrorCode` / `ErrorMessage` attributes).
 */
import type { Message } from '@aws-sdk/client-sqs';

export type CompletionCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency' | 'DeadLetter';

export interface CompletionRecord {
  /** `logs`: an event settled by its REPORT lines in CloudWatch Logs (logsCompletions.ts), no message behind it. */
  kind: 'destination' | 'deadLetter' | 'logs';
  queueUrl: string;
  /** Where the outcome was seen: the destination it was read from (a queue, topic, bus or bucket); absent: the queue. */
  seenIn?: string;
  messageId?: string;
  requestId?: string;
  /** lambench's own correlation ID, found in the request payload (default path meta.clientRequestId). */
  clientRequestId?: string;
  condition: CompletionCondition;
  /** approximateInvokeCount from the destination record; absent for a DLQ message. */
  attempts?: number;
  /** When Lambda wrote the record (epoch ms); for a DLQ message, when SQS received it. */
  completedAt?: number;
  functionArn?: string;
  executedVersion?: string;
  functionError?: string;
  requestPayload?: unknown;
  responsePayload?: unknown;
  errorMessage?: string;
  /** A success read from text-format logs that say no status (logsCompletions.ts): inferred, not stated. */
  inferred?: boolean;
}

export function decodeCompletionMessage(message: Message, queueUrl: string, clientRequestIdPath = 'meta.clientRequestId'): CompletionRecord | undefined {
  const body = parseJson(message.Body ?? '');
  const base = { queueUrl, ...(message.MessageId && { messageId: message.MessageId }) };
  const context = isObject(body) ? body.requestContext : undefined;
  if (isObject(body) && isObject(context) && typeof context.requestId === 'string') {
    const response = isObject(body.responseContext) ? body.responseContext : undefined;
    const record: CompletionRecord = {
      ...base,
      kind: 'destination',
      requestId: context.requestId,
      condition: (context.condition as CompletionCondition) ?? 'Success',
      requestPayload: body.requestPayload,
      responsePayload: body.responsePayload,
    };
    if (typeof context.approximateInvokeCount === 'number') record.attempts = context.approximateInvokeCount;
    if (typeof context.functionArn === 'string') record.functionArn = context.functionArn;
    if (typeof body.timestamp === 'string' && !Number.isNaN(Date.parse(body.timestamp))) record.completedAt = Date.parse(body.timestamp);
    if (typeof response?.executedVersion === 'string') record.executedVersion = response.executedVersion;
    if (typeof response?.functionError === 'string') record.functionError = response.functionError;
    const clientRequestId = valueAt(body.requestPayload, clientRequestIdPath);
    if (typeof clientRequestId === 'string') record.clientRequestId = clientRequestId;
    return record;
  }
  const attributes = message.MessageAttributes ?? {};
  const requestId = attributes.RequestID?.StringValue;
  if (requestId === undefined) return undefined;
  const record: CompletionRecord = { ...base, kind: 'deadLetter', requestId, condition: 'DeadLetter', requestPayload: body ?? message.Body };
  const errorMessage = attributes.ErrorMessage?.StringValue;
  if (errorMessage !== undefined) record.errorMessage = errorMessage;
  const sentAt = Number(message.Attributes?.SentTimestamp);
  if (Number.isFinite(sentAt) && sentAt > 0) record.completedAt = sentAt;
  const clientRequestId = valueAt(body, clientRequestIdPath);
  if (typeof clientRequestId === 'string') record.clientRequestId = clientRequestId;
  return record;
}

/** `valueAt({meta:{id:1}}, 'meta.id')` → 1. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
