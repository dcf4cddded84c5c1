/**
 * How a queue target's messages reach SQS: one SendMessage, or one SendMessageBatch of up to ten,
 * and what SQS said about each entry. Two senders: the SDK client (sdkSqsSender.ts: one-off
 * calls, `--sdk`) and the direct signed path (directSqsSender.ts: load tests).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Outcome } from '../types.js';

/**
 * One message as SendMessageBatch takes it (its `Id` is its index in the batch), members in the
 * order the SDK serializes them, so both senders put the same bytes on the wire.
 */
export interface SqsEntry {
  Id: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** An entry SQS accepted. */
export interface AcceptedEntry {
  id: string;
  messageId?: string;
}

/** An entry SQS refused (in a batch's `Failed`), or whose answer could not be trusted (its MD5 did not match). */
export interface RefusedEntry {
  id: string;
  code?: string;
  senderFault?: boolean;
  message?: string;
  /** The answer's MD5 of the body was not the body's: corrupted on the way (the SDK's own check). */
  corrupted?: boolean;
}

/** What one send call came to: SQS's word on each entry, or no usable answer for the whole call. */
export type SqsSendResult =
  | { answered: true; statusCode: number; attempts: number; accepted: AcceptedEntry[]; refused: RefusedEntry[] }
  | { answered: false; failure: Partial<Outcome> };

export interface SqsSender {
  /**
   * Sends the entries (one: SendMessage; more: SendMessageBatch) within `deadlineMs`, ended early
   * when `signal` fires. Never rejects: a failure is a result.
   */
  send(queueUrl: string, entries: SqsEntry[], signal: AbortSignal | undefined, deadlineMs: number): Promise<SqsSendResult>;
  close(): Promise<void>;
}
