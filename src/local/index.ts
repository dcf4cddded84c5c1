/**
 * The built-in local stack: a Lambda Invoke API that runs JavaScript handlers, an API Gateway-like
 * HTTP front over the same functions, SQS from an emulator, destinations and DLQs wired to it, an
 * EventBridge with buses, rules and SQS targets (eventBridge.ts), and
 * SQS event source mappings (the Lambda API's …/event-source-mappings, with pollers), all on
 * 127.0.0.1. Usable as a library: tests start and stop it in-process; `lambench local` starts it
 * in the foreground.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createApiGatewayServer } from './apiGateway.js';
import { AsyncInvoker, type AsyncCompletion } from './asyncInvoker.js';
import { EventBridge } from './eventBridge.js';
import { createEventBridgeServer } from './eventBridgeApi.js';
import { EventSourceMappings, type EventSourceMappingConfiguration } from './eventSourceMappings.js';
import { createDeclared, declaredQueueNames, sampleMapping, sampleQueues, type EventSourceMappingDeclaration } from './eventSourceMappingSetup.js';
import { DEFAULT_QUEUES, loadFunctions, queuesOf, type FunctionConfig, type FunctionConfigOverrides, type LocalFunction, type SkippedFile } from './functionRegistry.js';
import { FaultPlan, FaultSpecError, parseFaults, type Fault } from './faults.js';
import { faultMessage } from './frontFaults.js';
import { createLambdaApiServer } from './lambdaApi.js';
import { FunctionRuntime } from './runtime.js';
import type { EventSourceBatch } from './sqsBatch.js';
import { startSqsEmulator, type QueueSpec, type SqsEmulator } from './sqsEmulator.js';

export interface LocalStackOptions {
  /** Invoke API port; 0 (the default) picks a free one. */
  port?: number;
  /** API Gateway-like HTTP front port; 0 (the default) picks a free one. */
  apiPort?: number;
  /** The HTTP front's integration timeout (→ 504); API Gateway's default, 29 s, unless set. */
  apiTimeoutMs?: number;
  /** The HTTP front's status for an accepted async event: 200, as API Gateway answers unless the API maps 202. */
  apiAsyncStatus?: 200 | 202;
  sqsPort?: number;
  /** The local EventBridge's port; 0 (the default) picks a free one. */
  eventsPort?: number;
  /** Event buses to create besides `default`. */
  eventBuses?: string[];
  region?: string;
  /** A folder of the user's handlers, served beside the samples. */
  functionsDir?: string;
  /**
   * Extra queues to create besides lambench-success, lambench-failure, lambench-dlq and the queues
   * the functions' configurations name (those are always created).
   */
  queues?: string[];
  /**
   * Per-function configuration on top of what the modules export, e.g.
   * `{ flaky: { maximumRetryAttempts: 0, onFailure: 'my-failures' } }`. Checked against AWS's
   * ranges with the modules' own: startLocalStack rejects with a FunctionConfigError listing every
   * problem, and names that are not functions here.
   */
  functionConfig?: Record<string, FunctionConfigOverrides>;
  /**
   * Multiplies async retry delays, the throttle backoff, the event age limit and the time an event
   * source mapping takes to scale up (300 more concurrent batches a minute); the default settles
   * failures in about a second.
   */
  timeScale?: number;
  accountConcurrency?: number;
  /** Each invocation's log (sync and async), as it completes. */
  onLog?: (functionName: string, log: string) => void;
  onAsyncCompletion?: (completion: AsyncCompletion) => void;
  onWarning?: (message: string) => void;
  /**
   * Fault switches, each in the grammar of `lambench local --fault` (src/local/faults.ts), e.g.
   * `'lambda:square:error p=0.2'`, `'sqs:refuse 3s..5s'`; windows count from when the stack is listening.
   * startLocalStack rejects with a FaultSpecError listing every bad one.
   */
  faults?: (string | Fault)[];
  /**
   * Event source mappings to create at start, besides the sample (lambench-orders → orders): each a
   * CreateEventSourceMapping request, e.g. `{ EventSourceArn: 'my-queue', FunctionName: 'orders',
   * BatchSize: 5 }`; a queue name is read as this stack's queue and created. startLocalStack rejects
   * with an EventSourceMappingConfigError listing every one the API would refuse.
   */
  eventSourceMappings?: EventSourceMappingDeclaration[];
  /** Every batch an event source mapping invokes (phase 'invoke') and settles (phase 'settled'). */
  onEventSourceBatch?: (batch: EventSourceBatch) => void;
}

export interface LocalStack {
  region: string;
  lambdaUrl: string;
  /** The API Gateway-like HTTP front, e.g. http://127.0.0.1:4567 (no trailing slash). */
  apiUrl: string;
  sqsUrl: string;
  /** The local EventBridge (AWSEvents.* over JSON 1.1), e.g. http://127.0.0.1:4568. */
  eventsUrl: string;
  /** Event bus name → ARN, `default` first. */
  eventBuses: Record<string, string>;
  /** Queue name → queue URL (as CreateQueue returned it). */
  queues: Record<string, string>;
  functions: string[];
  /** Each function's configuration as resolved (defaults, module config, overrides): a copy. */
  functionConfigs: Record<string, FunctionConfig>;
  /** The multiplier on async retry delays, throttle backoff and the event age limit. */
  timeScale: number;
  /** The environment a shell or a child process needs to use this stack. */
  env: Record<string, string>;
  /** Modules in the functions folder that were not loaded (a name Lambda does not allow), and why. */
  skippedFiles: SkippedFile[];
  /** The fault switches on, normalised, in the order given (a copy). */
  faults: Fault[];
  /** How often each fault fired so far, in the order of `faults`. */
  faultsFired(): number[];
  /** Accepted async events not yet settled. */
  pendingAsync(): number;
  /** The event source mappings now, as ListEventSourceMappings shows them. */
  eventSourceMappings(): EventSourceMappingConfiguration[];
  stop(): Promise<void>;
}

/** 60 s and 120 s retry delays become 300 ms and 600 ms. */
export const DEFAULT_TIME_SCALE = 0.005;
/** API Gateway REST's default integration timeout. */
export const DEFAULT_API_TIMEOUT_MS = 29_000;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? 'us-east-1';
  const { functions, skipped } = await loadFunctions(region, options.functionsDir, options.functionConfig);
  const faults = new FaultPlan(checkFaults(options.faults ?? [], [...functions.keys()]));
  const configuredQueues = [...functions.values()].flatMap((fn) => queuesOf(fn.config));
  const declared = options.eventSourceMappings ?? [];
  const queueSpecs = uniqueQueues([...Object.values(DEFAULT_QUEUES), ...sampleQueues(region), ...(options.queues ?? []), ...configuredQueues, ...declaredQueueNames(declared, region)]);
  const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
  const warn = (message: string) => options.onWarning?.(message);
  // Read only when an event is delivered, once the stack has started.
  const started: { sqs?: SqsEmulator } = {};
  const eventBridge = new EventBridge(region, async (queueArn, body) => {
    const name = queueArn.split(':')[5] ?? '';
    const url = await started.sqs!.urlOf(name);
    if (url === undefined) return warn(`EventBridge target queue '${name}' does not exist; the event was dropped`);
    await started.sqs!.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body })).catch((error: Error) => warn(`EventBridge could not deliver to '${name}': ${error.message}`));
  });
  // Before anything starts: a bad bus name is refused with nothing to stop.
  for (const name of options.eventBuses ?? []) if (!eventBridge.busNames().includes(name)) eventBridge.createEventBus(name);
  const sqs = await startSqsEmulator({ port: options.sqsPort ?? 0, region, queues: queueSpecs, faults });
  started.sqs = sqs;
  const eventsServer = createEventBridgeServer(eventBridge, warn);
  let lambdaUrl = '';
  const runtime = new FunctionRuntime(
    options.accountConcurrency,
    options.onLog,
    (name) => {
      const fault = faults.draw('lambda', name, ['error']).fault;
      return fault && faultMessage(fault);
    },
    (fn, version) => functionEnvironment(fn, version, region, sqs.internalEndpoint, lambdaUrl),
  );
  const asyncInvoker = new AsyncInvoker({
    runtime,
    sqs: sqs.client,
    queueUrl: (name) => sqs.queueUrls.get(name),
    timeScale,
    ...(options.onAsyncCompletion && { onCompletion: options.onAsyncCompletion }),
    ...(options.onWarning && { onWarning: options.onWarning }),
  });
  const mappings = new EventSourceMappings({
    functions,
    region,
    sqs: sqs.client,
    runtime,
    timeScale,
    ...(options.onEventSourceBatch && { onBatch: options.onEventSourceBatch }),
    ...(options.onWarning && { onWarning: options.onWarning }),
  });
  const lambdaServer = createLambdaApiServer({ functions, region, runtime, asyncInvoker, faults, mappings });
  const apiServer = createApiGatewayServer({
    functions,
    region,
    runtime,
    asyncInvoker,
    timeoutMs: options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS,
    asyncStatus: options.apiAsyncStatus ?? 200,
    faults,
  });
  let apiUrl: string;
  let eventsUrl: string;
  try {
    lambdaUrl = await listen(lambdaServer, options.port ?? 0);
    apiUrl = await listen(apiServer, options.apiPort ?? 0);
    eventsUrl = await listen(eventsServer, options.eventsPort ?? 0);
    await createDeclared(mappings, [sampleMapping(region)], region, 'the sample mapping');
    await createDeclared(mappings, declared, region);
    await mappings.settled();
  } catch (error) {
    await mappings.stop(0);
    await Promise.all([close(lambdaServer), close(apiServer), close(eventsServer)]);
    await sqs.stop();
    throw error;
  }
  const queues = Object.fromEntries(sqs.queueUrls);
  // Windows count from here: everything is listening.
  faults.start();
  return {
    region,
    lambdaUrl,
    apiUrl,
    sqsUrl: sqs.endpoint,
    eventsUrl,
    eventBuses: Object.fromEntries(eventBridge.busNames().map((name) => [name, eventBridge.busArn(name)])),
    queues,
    functions: [...functions.keys()],
    functionConfigs: Object.fromEntries([...functions].map(([name, fn]) => [name, structuredClone(fn.config)])),
    timeScale,
    env: {
      AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventsUrl,
      AWS_REGION: region,
      // The AWS CLI v1 reads only AWS_DEFAULT_REGION.
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      LAMBENCH_API_URL: apiUrl,
    },
    skippedFiles: skipped,
    faults: faults.faults.map((fault) => structuredClone(fault)),
    faultsFired: () => [...faults.fired],
    pendingAsync: () => asyncInvoker.pending,
    eventSourceMappings: () => mappings.all(),
    async stop() {
      await Promise.all([asyncInvoker.stop(), mappings.stop()]);
      await Promise.all([close(lambdaServer), close(apiServer), close(eventsServer)]);
      await sqs.stop();
    },
  };
}

/** Each queue once, in order; a queue given with attributes keeps them. */
function uniqueQueues(specs: QueueSpec[]): QueueSpec[] {
  const byName = new Map<string, QueueSpec>();
  for (const spec of specs) {
    const name = typeof spec === 'string' ? spec : spec.name;
    const known = byName.get(name);
    // Map.set keeps a known name's place: a queue stays after the DLQ its RedrivePolicy names.
    if (known === undefined || (typeof known === 'string' && typeof spec !== 'string')) byName.set(name, spec);
  }
  return [...byName.values()];
}

/**
 * What Lambda puts in a function's environment, for this stack: region, name, version, memory,
 * log group, dummy credentials, and the stack's endpoints (AWS_ENDPOINT_URL_SQS, _LAMBDA), so that
 * an SDK client created in a handler talks to this stack. A function's SQS calls go to the emulator
 * directly, as the stack's own writes do: SQS faults are on lambench's side of SQS, not Lambda's.
 */
function functionEnvironment(fn: LocalFunction, version: string, region: string, sqsEndpoint: string, lambdaUrl: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.config.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
  };
}

/** Parses the faults given as text and checks that the functions they name exist; every problem in one FaultSpecError. */
function checkFaults(given: (string | Fault)[], functionNames: string[]): Fault[] {
  const all: Fault[] = [];
  const problems: string[] = [];
  // In the order given: of the faults that fire together, the first decides the answer.
  for (const item of given) {
    if (typeof item !== 'string') all.push(item);
    else {
      const parsed = parseFaults([item]);
      all.push(...parsed.faults);
      problems.push(...parsed.problems);
    }
  }
  for (const fault of all) {
    if (fault.functionName !== undefined && !functionNames.includes(fault.functionName)) {
      problems.push(`fault '${fault.spec}': no function named '${fault.functionName}' (the functions are ${functionNames.join(', ')})`);
    }
  }
  if (problems.length > 0) throw new FaultSpecError(problems.join('; '));
  return all;
}

/** Listens on 127.0.0.1 only; resolves to the server's URL. */
async function listen(server: Server, port: number): Promise<string> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Drops every connection (idle or busy) and waits until the server is closed; harmless if it never listened. */
async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export type { AsyncCompletion } from './asyncInvoker.js';
export { FaultSpecError, describeFault, parseFault, parseFaults } from './faults.js';
export type { Fault } from './faults.js';
export { FunctionConfigError, CONFIG_FIELDS, configProblems } from './functionRegistry.js';
export { EventSourceMappingConfigError, ORDERS_SAMPLE } from './eventSourceMappingSetup.js';
export type { EventSourceMappingDeclaration } from './eventSourceMappingSetup.js';
export type { EventSourceMappingConfiguration } from './eventSourceMappings.js';
export type { EventSourceBatch } from './sqsBatch.js';
export type { FunctionConfig, FunctionConfigOverrides, SkippedFile } from './functionRegistry.js';
