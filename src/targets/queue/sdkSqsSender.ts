/**
 * Sends through the AWS SDK's SQS client: `invoke`'s one message and `--sdk`. The SDK checks each
 * accepted body's MD5 itself (its SQS middleware, on by default: a mismatch throws, failing the call).
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsEntry, SqsSender, SqsSendResult } from './sqsSender.js';
import { sqsFailure } from './sqsOutcome.js';

export function sdkSqsSender(client: SQSClient): SqsSender {
  const inFlight = new Set<AbortController>();
  return {
    async send(queueUrl: string, entries: SqsEntry[], signal: AbortSignal | undefined, deadlineMs: number): Promise<SqsSendResult> {
      // One controller a call: its own deadline and the run's signal, both let go of when it ends.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${deadlineMs} ms`, 'TimeoutError')), deadlineMs);
      const onStop = () => controller.abort(signal!.reason);
      if (signal?.aborted) onStop();
      else signal?.addEventListener('abort', onStop, { once: true });
      inFlight.add(controller);
      try {
        if (entries.length === 1) {
          const { Id, ...message } = entries[0]!;
          const answer = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, ...message }), { abortSignal: controller.signal });
          return { answered: true, statusCode: answer.$metadata.httpStatusCode ?? 200, attempts: answer.$metadata.attempts ?? 1, accepted: [{ id: Id, ...(answer.MessageId && { messageId: answer.MessageId }) }], refused: [] };
        }
        const answer = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }), { abortSignal: controller.signal });
        return {
          answered: true,
          statusCode: answer.$metadata.httpStatusCode ?? 200,
          attempts: answer.$metadata.attempts ?? 1,
          accepted: (answer.Successful ?? []).map((entry) => ({ id: entry.Id!, ...(entry.MessageId && { messageId: entry.MessageId }) })),
          refused: (answer.Failed ?? []).map((entry) => ({ id: entry.Id!, ...(entry.Code && { code: entry.Code }), senderFault: entry.SenderFault ?? false, ...(entry.Message && { message: entry.Message }) })),
        };
      } catch (error) {
        return { answered: false, failure: sqsFailure(error, deadlineMs) };
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onStop);
        inFlight.delete(controller);
      }
    },
    async close() {
      for (const controller of inFlight) controller.abort(new DOMException('closed', 'AbortError'));
      client.destroy();
    },
  };
}
