/**
 * SQS fixtures for tests on the local stack's emulator (fauxqs): Lambda destination records as the
 * service writes them, queues made and filled with given bodies, and how many messages a queue holds.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * A Lambda destination record for `requestId` as JSON text: a success on the first attempt,
 * timestamped now. `fields` are added (requestPayload, responsePayload, …) or replace its own.
 */
export function destinationRecord(requestId: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: '1.0', timestamp: new Date().toISOString(), requestContext: { requestId, condition: 'Success', approximateInvokeCount: 1 }, ...fields });
}

/** Sends `bodies` to the queue in order, ten to a batch (SQS's most). */
export async function sendBodies(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(start, start + 10).map((MessageBody, i) => ({ Id: String(i), MessageBody })) }));
  }
}

/** A new queue named `name`, holding `bodies`; resolves to its URL. */
export async function queueWith(sqs: SQSClient, name: string, bodies: string[] = []): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  await sendBodies(sqs, QueueUrl!, bodies);
  return QueueUrl!;
}

/** The messages in a queue: visible, and hidden (received, not yet deleted or handed back). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; hidden: number }> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return { visible: Number(Attributes!.ApproximateNumberOfMessages), hidden: Number(Attributes!.ApproximateNumberOfMessagesNotVisible) };
}

/** Every message in a queue, visible or hidden. */
export async function messagesIn(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { visible, hidden } = await queueDepth(sqs, queueUrl);
  return visible + hidden;
}
