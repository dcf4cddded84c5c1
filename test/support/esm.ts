/**
 * Plumbing for the event source mapping tests: a local stack with the batchProbe fixture and a log
 * of every batch its mappings invoke and settle (the stack's onEventSourceBatch hook), queues with
 * attributes, sending bodies in order, draining a queue, and bounded waiting.
 */
import { GetEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { fileURLToPath } from 'node:url';
import type { EventSourceBatch, LocalStack, LocalStackOptions } from '../../src/local/index.js';
import { lambdaClient, sqsClient, startTestStack } from './helpers.js';

export const ESM_FIXTURES = fileURLToPath(new URL('../fixtures/esm/', import.meta.url));

/** A batch as the hook reported it, and when (epoch ms). */
export type LoggedBatch = EventSourceBatch & { at: number };

/** Every batch the stack's mappings invoked and settled, in order. */
export class BatchLog {
  readonly all: LoggedBatch[] = [];
  readonly add = (batch: EventSourceBatch) => void this.all.push({ ...batch, at: Date.now() });

  invoked(uuid?: string): LoggedBatch[] {
    return this.all.filter((batch) => batch.phase === 'invoke' && (uuid === undefined || batch.uuid === uuid));
  }

  settled(uuid?: string): LoggedBatch[] {
    return this.all.filter((batch) => batch.phase === 'settled' && (uuid === undefined || batch.uuid === uuid));
  }

  /** Message IDs deleted by the mapping, with repeats if any. */
  deleted(uuid?: string): string[] {
    return this.settled(uuid).flatMap((batch) => batch.deleted ?? []);
  }

  /** Each settled batch that held the message, in order: its receive count then and what became of it. */
  history(messageId: string): { count: number; outcome: string; deleted: boolean }[] {
    return this.settled().flatMap((batch) => {
      const record = batch.records.find((item) => item.messageId === messageId);
      return record ? [{ count: record.approximateReceiveCount, outcome: batch.outcome!, deleted: batch.deleted!.includes(messageId) }] : [];
    });
  }

  /** Batches invoked and not settled yet. */
  inFlight(): number {
    return this.invoked().length - this.settled().length;
  }
}

export interface EsmHarness {
  stack: LocalStack;
  log: BatchLog;
  lambda: LambdaClient;
  sqs: SQSClient;
  stop(): Promise<void>;
}

export async function startEsmStack(options: LocalStackOptions = {}): Promise<EsmHarness> {
  const log = new BatchLog();
  const stack = await startTestStack({ functionsDir: ESM_FIXTURES, onEventSourceBatch: log.add, ...options });
  const lambda = lambdaClient(stack);
  const sqs = sqsClient(stack);
  return {
    stack,
    log,
    lambda,
    sqs,
    async stop() {
      lambda.destroy();
      sqs.destroy();
      await stack.stop();
    },
  };
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...(name.endsWith('.fifo') && { FifoQueue: 'true' }), ...attributes } }));
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes.QueueArn! };
}

/** Sends the bodies (JSON-encoded unless strings) in order, 10 a call; returns their message IDs in order. */
export async function sendBodies(sqs: SQSClient, url: string, bodies: unknown[], extra: (index: number) => Partial<SendMessageBatchRequestEntry> = () => ({})): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies.slice(start, start + 10).map((body, offset) => ({
      Id: String(offset),
      MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
      ...extra(start + offset),
    }));
    const { Successful = [], Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    if (Failed.length > 0) throw new Error(`send failed: ${JSON.stringify(Failed)}`);
    ids.push(...[...Successful].sort((a, b) => Number(a.Id) - Number(b.Id)).map((entry) => entry.MessageId!));
  }
  return ids;
}

/** Receives (and deletes) what the queue holds now, with every attribute. */
export async function drain(sqs: SQSClient, url: string): Promise<Message[]> {
  const taken: Message[] = [];
  for (let round = 0; round < 1000; round += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) break;
    taken.push(...Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }));
  }
  return taken;
}

/** Messages in the queue: visible, in flight and delayed. */
export async function depth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible) + Number(Attributes.ApproximateNumberOfMessagesDelayed);
}

/** Polls `check` every 25 ms until it returns something truthy; bounded in time and in rounds. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round <= timeoutMs / 25 && Date.now() <= deadline; round += 1) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function waitForState(lambda: LambdaClient, uuid: string, state: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`mapping ${uuid} to be ${state}`, async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === state, timeoutMs);
}
