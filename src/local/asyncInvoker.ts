/**
 * Lambda's internal queue for Event invocations: each accepted event runs in the background, is
 * retried on a function error (MaximumRetryAttempts, delays of about 1 and 2 minutes), requeued
 * with backoff while throttled, dropped after MaximumEventAgeInSeconds, and its outcome written
 * to the on-success / on-failure destinations and the DLQ in the exact AWS record formats.
 * Every delay is multiplied by `timeScale`, so a failing event settles in seconds, not minutes.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalFunction } from './functionRegistry.js';
import { parseJsonOr } from './http.js';
import type { FunctionRuntime, InvocationResult } from './runtime.js';

export interface AsyncEvent {
  requestId: string;
  fn: LocalFunction;
  executedVersion: string;
  invokedArn: string;
  event: unknown;
  /** The request body as received, for the DLQ message. */
  body: string;
  receivedAt: number;
}

export type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface AsyncCompletion {
  requestId: string;
  functionName: string;
  condition: Condition;
  attempts: number;
}

export interface AsyncInvokerOptions {
  runtime: FunctionRuntime;
  sqs: SQSClient;
  queueUrl: (name: string) => string | undefined;
  /** Multiplies every retry delay and the event age limit (1 = AWS's real timings). */
  timeScale: number;
  onCompletion?: (completion: AsyncCompletion) => void;
  onWarning?: (message: string) => void;
}

/** AWS waits about a minute before the first retry and two before the second. */
const RETRY_DELAYS_MS = [60_000, 120_000];
const THROTTLE_BACKOFF_MS = { first: 10, max: 1000 };

export class AsyncInvoker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: AsyncInvokerOptions) {}

  enqueue(item: AsyncEvent): void {
    this.schedule(() => this.attempt(item, 0, 0), 0);
  }

  /** Events accepted but not yet settled (queued, waiting to retry, or running). */
  get pending(): number {
    return this.timers.size + this.running.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private schedule(task: () => Promise<void>, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = task().catch((error: unknown) => this.options.onWarning?.(`async invoker: ${(error as Error).message}`));
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(item: AsyncEvent, attemptsSoFar: number, throttles: number): Promise<void> {
    const { fn } = item;
    const maxAgeMs = fn.config.maximumEventAgeSeconds * 1000 * this.options.timeScale;
    if (Date.now() - item.receivedAt > maxAgeMs) {
      await this.settle(item, 'EventAgeExceeded', attemptsSoFar, undefined);
      return;
    }
    const slot = this.options.runtime.reserve(fn);
    if (!slot.ok) {
      const backoff = Math.min(THROTTLE_BACKOFF_MS.max, THROTTLE_BACKOFF_MS.first * 2 ** throttles);
      this.schedule(() => this.attempt(item, attemptsSoFar, throttles + 1), backoff);
      return;
    }
    let result: InvocationResult;
    try {
      result = await this.options.runtime.invoke({
        fn,
        executedVersion: item.executedVersion,
        invokedArn: item.invokedArn,
        requestId: item.requestId,
        event: item.event,
      });
    } finally {
      this.options.runtime.release(fn);
    }
    const attempts = attemptsSoFar + 1;
    if (!result.functionError) {
      await this.settle(item, 'Success', attempts, result);
    } else if (attempts <= fn.config.maximumRetryAttempts) {
      const delay = (RETRY_DELAYS_MS[attempts - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]!) * this.options.timeScale;
      this.schedule(() => this.attempt(item, attempts, 0), delay);
    } else {
      await this.settle(item, 'RetriesExhausted', attempts, result);
    }
  }

  private async settle(item: AsyncEvent, condition: Condition, attempts: number, result: InvocationResult | undefined): Promise<void> {
    const { fn } = item;
    const record = destinationRecord(item, condition, attempts, result);
    const writes: Promise<unknown>[] = [];
    const destination = condition === 'Success' ? fn.config.onSuccess : fn.config.onFailure;
    if (destination) writes.push(this.send(destination, JSON.stringify(record)));
    if (condition !== 'Success' && fn.config.deadLetterQueue) {
      const errorMessage = result ? errorMessageOf(result) : `Event age exceeded (${fn.config.maximumEventAgeSeconds} s)`;
      writes.push(
        this.send(fn.config.deadLetterQueue, item.body || '{}', {
          RequestID: { DataType: 'String', StringValue: item.requestId },
          ErrorCode: { DataType: 'Number', StringValue: '200' },
          ErrorMessage: { DataType: 'String', StringValue: errorMessage.slice(0, 1024) || 'error' },
        }),
      );
    }
    await Promise.all(writes);
    this.options.onCompletion?.({ requestId: item.requestId, functionName: fn.name, condition, attempts });
  }

  private async send(queueName: string, body: string, attributes?: Record<string, { DataType: string; StringValue: string }>): Promise<void> {
    const url = this.options.queueUrl(queueName);
    if (url === undefined) {
      this.options.onWarning?.(`destination queue '${queueName}' does not exist; the record was dropped`);
      return;
    }
    try {
      await this.options.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, ...(attributes && { MessageAttributes: attributes }) }));
    } catch (error) {
      this.options.onWarning?.(`could not write to '${queueName}': ${(error as Error).message}`);
    }
  }
}

/** The record Lambda writes to an SQS destination (the seeds' format). */
export function destinationRecord(item: AsyncEvent, condition: Condition, attempts: number, result: InvocationResult | undefined): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: item.requestId,
      functionArn: `${item.fn.arn}:${item.executedVersion}`,
      condition,
      approximateInvokeCount: attempts,
    },
    requestPayload: item.event,
  };
  if (result) {
    record.responseContext = {
      statusCode: 200,
      executedVersion: result.executedVersion,
      ...(result.functionError && { functionError: result.functionError }),
    };
    record.responsePayload = parseJsonOr(result.payload, result.payload);
  }
  return record;
}


function errorMessageOf(result: InvocationResult): string {
  const document = parseJsonOr(result.payload, result.payload) as { errorMessage?: string } | string;
  return typeof document === 'object' && document?.errorMessage ? document.errorMessage : String(result.payload);
}
