/**
 * Waits for the completion record of one async invocation on a destination queue and/or a DLQ.
 * A message that matches (by request ID, or by lambench's client request ID) is deleted. Every
 * other message is never deleted: it stays hidden while we look further (so we make progress
 * through a busy queue), and is handed back (visibility 0) when the wait ends.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { decodeCompletionMessage, type CompletionRecord } from './completionRecord.js';

export interface CompletionQuery {
  sqs: SQSClient;
  queueUrls: string[];
  requestId?: string;
  clientRequestId?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function waitForCompletion(query: CompletionQuery): Promise<CompletionRecord | undefined> {
  const deadline = Date.now() + query.timeoutMs;
  const borrowed: { queueUrl: string; receiptHandle: string }[] = [];
  const matches = (record: CompletionRecord | undefined) =>
    record !== undefined &&
    ((query.requestId !== undefined && record.requestId === query.requestId) ||
      (query.clientRequestId !== undefined && record.clientRequestId === query.clientRequestId));

  try {
    while (Date.now() < deadline && !query.signal?.aborted) {
      const remainingMs = deadline - Date.now();
      const waitSeconds = Math.max(0, Math.min(2, Math.floor(remainingMs / 1000)));
      // Hidden until a little after the wait ends; returns by itself if this process dies.
      const visibilitySeconds = Math.ceil(remainingMs / 1000) + 5;
      const found = await Promise.all(
        query.queueUrls.map(async (queueUrl) => {
          const received = await query.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: waitSeconds,
              VisibilityTimeout: visibilitySeconds,
              MessageAttributeNames: ['All'],
              MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
            }),
            query.signal ? { abortSignal: query.signal } : {},
          );
          let match: CompletionRecord | undefined;
          for (const message of received.Messages ?? []) {
            if (!message.ReceiptHandle) continue;
            const record = decodeCompletionMessage(message, queueUrl);
            if (match === undefined && matches(record)) {
              match = record;
              await query.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
            } else {
              borrowed.push({ queueUrl, receiptHandle: message.ReceiptHandle });
            }
          }
          return match;
        }),
      );
      const match = found.find((record) => record !== undefined);
      if (match) return match;
      if (waitSeconds === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  } finally {
    await Promise.allSettled(
      borrowed.map(({ queueUrl, receiptHandle }) =>
        query.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 })),
      ),
    );
  }
}
