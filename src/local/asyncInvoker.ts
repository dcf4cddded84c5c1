/**
 * Lambda's internal queue for Event invocations, as AWS documents it: each accepted event runs in
 * the background; a function error is retried MaximumRetryAttempts times, about 1 and then 2
 * minutes after the failed attempt; a throttle puts the event back with a backoff growing from 1 s
 * to 5 min, without counting an attempt; an event is never kept past MaximumEventAgeInSeconds
 * (EventAgeExceeded, also while it waits for a retry); a function whose reserved concurrency is 0
 * gets its events dropped at once (ZeroReservedConcurrency). The outcome goes to the on-success /
 * on-failure destinations (any kind: destinationWriter.ts) and the DLQ in the exact AWS record
 * formats. Retries, age and destinations are the event invoke config of the qualifier invoked
 * (eventInvokeConfigs.ts), read when they apply. Every delay and the age
 * limit are multiplied by `timeScale`, so a failing event settles in seconds, not minutes.
 */
import type { DestinationWriter, MessageAttributes } from './destinationWriter.js';
import type { EffectiveEventInvokeSettings, EventInvokeConfigs } from './eventInvokeConfigs.js';
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

export type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

export interface AsyncCompletion {
  requestId: string;
  functionName: string;
  condition: Condition;
  attempts: number;
}

export interface AsyncInvokerOptions {
  runtime: FunctionRuntime;
  /** Retries, maximum event age and destinations, per function and qualifier. */
  configs: EventInvokeConfigs;
  /** Writes records to destinations and events to DLQs, whatever their kind. */
  writer: DestinationWriter;
  /** Multiplies every retry delay and the event age limit (1 = AWS's real timings). */
  timeScale: number;
  onCompletion?: (completion: AsyncCompletion) => void;
  onWarning?: (message: string) => void;
}

/** AWS waits about a minute before the first retry and two before the second. */
const RETRY_DELAYS_MS = [60_000, 120_000];
/** Throttled events go back to the queue: 1 s after the first throttle, doubling, at most 5 min. */
const THROTTLE_BACKOFF_MS = { first: 1000, max: 300_000 };
/** The DLQ's ErrorMessage is the first 1 KB of the error message. */
const DLQ_ERROR_MESSAGE_BYTES = 1024;
/** AWS's own wording (sic) for an event dropped because the function's reserved concurrency is 0. */
const ZERO_CONCURRENCY_MESSAGE = 'Function not invoked. Function isconfigured with zero reserved concurrent executions';

/** Where an event stands between attempts. */
interface EventState {
  /** Times the function really ran (throttles excluded): approximateInvokeCount. */
  attempts: number;
  /** Throttles in a row since the last run, for the backoff. */
  throttles: number;
  /** The last run's result, if the function ever ran. */
  last?: InvocationResult;
}

const STOP_GRACE_MS = 2000;

export class AsyncInvoker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: AsyncInvokerOptions) {}

  enqueue(item: AsyncEvent): void {
    this.schedule(() => this.attempt(item, { attempts: 0, throttles: 0 }), 0);
  }

  /** Events accepted but not yet settled (queued, waiting to retry, or running). */
  get pending(): number {
    return this.timers.size + this.running.size;
  }

  /**
   * Stops: queued events are dropped; events running now get `STOP_GRACE_MS` to finish and write
   * their records, then are abandoned (a handler can run up to 15 minutes; Ctrl-C must not wait).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(grace);
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

  /** The event invoke config of the qualifier the event was sent to ($LATEST when unqualified). */
  private settingsOf(item: AsyncEvent): EffectiveEventInvokeSettings {
    return this.options.configs.effective(item.fn, item.invokedArn.split(':')[7] ?? '$LATEST');
  }

  /** When the event's maximum age runs out (epoch ms). */
  private expiresAt(item: AsyncEvent): number {
    return item.receivedAt + this.settingsOf(item).maximumEventAgeSeconds * 1000 * this.options.timeScale;
  }

  /**
   * Puts the event back in the queue for `delayMs`; if its age would run out first, it is settled
   * as EventAgeExceeded when it does, never attempted again.
   */
  private requeue(item: AsyncEvent, state: EventState, delayMs: number): void {
    const untilExpiry = this.expiresAt(item) - Date.now();
    if (untilExpiry <= delayMs) this.schedule(() => this.settle(item, 'EventAgeExceeded', state), Math.max(0, untilExpiry));
    else this.schedule(() => this.attempt(item, state), delayMs);
  }

  private async attempt(item: AsyncEvent, state: EventState): Promise<void> {
    const { fn } = item;
    if (Date.now() >= this.expiresAt(item)) {
      await this.settle(item, 'EventAgeExceeded', state);
      return;
    }
    if (fn.config.reservedConcurrency === 0) {
      await this.settle(item, 'ZeroReservedConcurrency', state);
      return;
    }
    const slot = this.options.runtime.reserve(fn);
    if (!slot.ok) {
      const backoff = Math.min(THROTTLE_BACKOFF_MS.max, THROTTLE_BACKOFF_MS.first * 2 ** state.throttles) * this.options.timeScale;
      this.requeue(item, { ...state, throttles: state.throttles + 1 }, backoff);
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
    const next: EventState = { attempts: state.attempts + 1, throttles: 0, last: result };
    if (!result.functionError) {
      await this.settle(item, 'Success', next);
    } else if (next.attempts > this.settingsOf(item).maximumRetryAttempts) {
      await this.settle(item, 'RetriesExhausted', next);
    } else {
      const delay = RETRY_DELAYS_MS[Math.min(next.attempts, RETRY_DELAYS_MS.length) - 1]! * this.options.timeScale;
      this.requeue(item, next, delay);
    }
  }

  private async settle(item: AsyncEvent, condition: Condition, state: EventState): Promise<void> {
    const { fn } = item;
    const { writer } = this.options;
    const record = destinationRecord(item, condition, state.attempts, state.last);
    const settings = this.settingsOf(item);
    const writes: Promise<unknown>[] = [];
    const destination = condition === 'Success' ? settings.onSuccess : settings.onFailure;
    if (destination) writes.push(writer.writeRecord(destination, record, qualifiedArn(item), condition === 'Success'));
    if (condition !== 'Success' && fn.config.deadLetterQueue) {
      writes.push(writer.writeDeadLetter(fn.config.deadLetterQueue, item.body || '{}', deadLetterAttributes(item, condition, state)));
    }
    await Promise.all(writes);
    this.options.onCompletion?.({ requestId: item.requestId, functionName: fn.name, condition, attempts: state.attempts });
  }
}

/**
 * The DLQ message's attributes: RequestID, ErrorCode (the last response's HTTP status: 200 for a
 * function error, 429 for a throttle) and the first 1 KB of ErrorMessage. An event dropped for
 * zero reserved concurrency never got a response, so it carries no ErrorCode.
 */
function deadLetterAttributes(item: AsyncEvent, condition: Condition, state: EventState): MessageAttributes {
  const attributes: MessageAttributes = { RequestID: { DataType: 'String', StringValue: item.requestId } };
  let errorMessage: string;
  if (condition === 'ZeroReservedConcurrency') {
    errorMessage = ZERO_CONCURRENCY_MESSAGE;
  } else if (state.last === undefined || state.throttles > 0) {
    attributes.ErrorCode = { DataType: 'Number', StringValue: '429' };
    errorMessage = 'Rate Exceeded.';
  } else {
    attributes.ErrorCode = { DataType: 'Number', StringValue: '200' };
    errorMessage = errorMessageOf(state.last);
  }
  attributes.ErrorMessage = { DataType: 'String', StringValue: firstBytes(errorMessage, DLQ_ERROR_MESSAGE_BYTES) || 'error' };
  return attributes;
}

/** The invoked ARN with its qualifier; an unqualified invocation is $LATEST's. */
function qualifiedArn(item: AsyncEvent): string {
  return item.invokedArn.split(':').length > 7 ? item.invokedArn : `${item.invokedArn}:$LATEST`;
}

/**
 * The record Lambda writes to an SQS destination (the seeds' format). `responseContext` and
 * `responsePayload` are the last run's; an event that never ran (throttled until its age ran out,
 * or dropped for zero reserved concurrency) has neither.
 */
export function destinationRecord(item: AsyncEvent, condition: Condition, attempts: number, result: InvocationResult | undefined): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: item.requestId,
      functionArn: qualifiedArn(item),
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

/** At most `limit` bytes of UTF-8, never cutting a character in two. */
function firstBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
