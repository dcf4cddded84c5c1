/**
 * The event source mappings a stack has from the start: the sample wiring (lambench-orders →
 * orders, with its DLQ and output queue), and the mappings declared in LocalStackOptions
 * (`lambench local --config FILE` with an "eventSourceMappings" list). A declaration is a
 * CreateEventSourceMapping request; its EventSourceArn may be a plain queue name, read as this
 * stack's queue, which is created if it does not exist. Each is checked exactly as the API checks
 * it, and every problem is reported at once.
 */
import { AwsServiceError } from './awsErrors.js';
import type { EventSourceMappings } from './eventSourceMappings.js';
import { parseQueueArn } from './eventSourceMappingRules.js';
import { ACCOUNT_ID } from './functionRegistry.js';

/** A CreateEventSourceMapping request, e.g. `{"EventSourceArn": "my-queue", "FunctionName": "orders", "BatchSize": 5}`. */
export type EventSourceMappingDeclaration = Record<string, unknown>;

/** Declared mappings that the stack refused, one problem each (named by its place in the list). */
export class EventSourceMappingConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid event source mappings: ${problems.join('; ')}`);
    this.name = 'EventSourceMappingConfigError';
  }
}

/**
 * The sample wiring, chosen for a laptop and for tests:
 * - visibility timeout 3 s, so that a failing order reaches the DLQ after its 3 receives in about
 *   10 s. That is below AWS's guidance of 6 × the function timeout (6 s for orders' 1 s) on
 *   purpose; it stays safe because the timeout is still well under it, so a batch is never visible
 *   again while it is being processed (lambench's queue checks will rightly point it out);
 * - MaximumConcurrency 5, Lambda's starting concurrency: every local function runs on this one
 *   Node.js thread, where more batches at once add no throughput, only latency (at 100 concurrent
 *   batches an invocation that takes 10 ms alone takes a second), which would eat into the timeout.
 */
export const ORDERS_SAMPLE = {
  functionName: 'orders',
  queue: 'lambench-orders',
  deadLetterQueue: 'lambench-orders-dlq',
  outputQueue: 'lambench-orders-out',
  visibilityTimeoutSeconds: 3,
  maxReceiveCount: 3,
  batchSize: 10,
  maximumConcurrency: 5,
} as const;

export const queueArn = (region: string, name: string) => `arn:aws:sqs:${region}:${ACCOUNT_ID}:${name}`;

/** The sample's queues, in the order they must be created (the DLQ before the queue whose RedrivePolicy names it). */
export function sampleQueues(region: string): { name: string; attributes?: Record<string, string> }[] {
  return [
    { name: ORDERS_SAMPLE.deadLetterQueue },
    { name: ORDERS_SAMPLE.outputQueue },
    {
      name: ORDERS_SAMPLE.queue,
      attributes: {
        VisibilityTimeout: String(ORDERS_SAMPLE.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(region, ORDERS_SAMPLE.deadLetterQueue), maxReceiveCount: ORDERS_SAMPLE.maxReceiveCount }),
      },
    },
  ];
}

export function sampleMapping(region: string): EventSourceMappingDeclaration {
  return {
    EventSourceArn: queueArn(region, ORDERS_SAMPLE.queue),
    FunctionName: ORDERS_SAMPLE.functionName,
    BatchSize: ORDERS_SAMPLE.batchSize,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: ORDERS_SAMPLE.maximumConcurrency },
  };
}

const isQueueName = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{1,75}(\.fifo)?$/.test(value);

/** The declaration with a queue name as EventSourceArn turned into this stack's queue ARN. */
function normalised(declaration: unknown, region: string): unknown {
  if (declaration === null || typeof declaration !== 'object' || Array.isArray(declaration)) return declaration;
  const source = (declaration as EventSourceMappingDeclaration).EventSourceArn;
  return isQueueName(source) ? { ...declaration, EventSourceArn: queueArn(region, source) } : declaration;
}

/** The queues of this stack that the declarations name (by name or by ARN), to create before the mappings. */
export function declaredQueueNames(declarations: readonly unknown[], region: string): string[] {
  return declarations.flatMap((declaration) => {
    const source = (normalised(declaration, region) as EventSourceMappingDeclaration | undefined)?.EventSourceArn;
    const parsed = typeof source === 'string' ? parseQueueArn(source) : undefined;
    return parsed && parsed.region === region && parsed.account === ACCOUNT_ID ? [parsed.name] : [];
  });
}

/** Creates the declared mappings in order; throws EventSourceMappingConfigError with every refusal (the others stay created). */
export async function createDeclared(mappings: EventSourceMappings, declarations: readonly unknown[], region: string, subject = 'eventSourceMappings'): Promise<void> {
  const problems: string[] = [];
  for (const [index, declaration] of declarations.entries()) {
    const given = normalised(declaration, region);
    try {
      if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new Error('must be an object like {"EventSourceArn": "my-queue", "FunctionName": "orders"}');
      await mappings.create(given);
    } catch (error) {
      const name = error instanceof AwsServiceError ? `${error.errorType}: ` : '';
      problems.push(`${subject}[${index}]${describe(declaration)}: ${name}${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new EventSourceMappingConfigError(problems);
}

function describe(declaration: unknown): string {
  const { FunctionName, EventSourceArn } = (declaration ?? {}) as EventSourceMappingDeclaration;
  return typeof FunctionName === 'string' && typeof EventSourceArn === 'string' ? ` (${EventSourceArn} → ${FunctionName})` : '';
}
