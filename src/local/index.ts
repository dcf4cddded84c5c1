/**
 * The built-in local stack: a Lambda Invoke API that runs JavaScript handlers, an API Gateway-like
 * HTTP front over the same functions, SQS from an emulator, destinations and DLQs wired to it, an
 * EventBridge with buses, rules and SQS targets (eventBridge.ts),
 * SQS event source mappings (the Lambda API's …/event-source-mappings, with pollers), and a
 * CloudWatch Logs holding every invocation's log lines (cloudWatchLogs.ts), all on
 * 127.0.0.1. Usable as a library: tests start and stop it in-process; `lambench local` starts it
 * in the foreground.
 *
 * A little over 300 lines on purpose: this is the one place every part is built, wired, started and
 * stopped in order, and LocalStackOptions documents each knob where it is read.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createApiGatewayServer } from './apiGateway.js';
import { AsyncInvoker, type AsyncCompletion } from './asyncInvoker.js';
import { CloudWatchLogs } from './cloudWatchLogs.js';
import { createCloudWatchLogsServer } from './cloudWatchLogsApi.js';
import { FunctionUpdates } from './functionUpdates.js';
import { EventBridge } from './eventBridge.js';
import { createEventBridgeServer } from './eventBridgeApi.js';
import { EventSourceMappings, type EventSourceMappingConfiguration } from './eventSourceMappings.js';
import { createDeclared, declaredQueueNames, sampleMapping, sampleQueues, type EventSourceMappingDeclaration } from './eventSourceMappingSetup.js';
import { DestinationWriter } from './destinationWriter.js';
import { EventInvokeConfigs } from './eventInvokeConfigs.js';
import { DEFAULT_QUEUES, loadFunctions, resolveInvocationTarget, type FunctionConfig, type FunctionConfigOverrides, type SkippedFile } from './functionRegistry.js';
import { enqueueEvent } from './invocation.js';
import { functionEnvironment, stackResources } from './stackResources.js';
import { FaultPlan, checkFaults, type Fault } from './faults.js';
import { faultMessage } from './frontFaults.js';
import { createLambdaApiServer } from './lambdaApi.js';
import { FunctionRuntime } from './runtime.js';
import type { EventSourceBatch } from './sqsBatch.js';
import { startSqsEmulator, type QueueSpec } from './sqsEmulator.js';
import { closeServer as close, listenOnLoopback } from './http.js';

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
  /** The local CloudWatch Logs' port; 0 (the default) picks a free one. */
  logsPort?: number;
  /**
   * How long after its timestamp a log event becomes readable through the CloudWatch Logs endpoint
   * (CloudWatch Logs' ingestion delay, seconds in AWS); 0, the default, at once.
   */
  logsDelayMs?: number;
  /** Each log group keeps its last this many events (50,000 unless set); older ones are dropped. */
  logsMaxEventsPerGroup?: number;
  /** How long an UpdateFunctionConfiguration stays `LastUpdateStatus: InProgress` (250 ms unless set). */
  updateSettleMs?: number;
  /** Event buses to create besides `default` and those the functions' destinations name. */
  eventBuses?: string[];
  region?: string;
  /** A folder of the user's handlers, served beside the samples. */
  functionsDir?: string;
  /**
   * Extra queues to create besides lambench-success, lambench-failure, lambench-dlq and the queues
   * the functions' configurations name (those are always created).
   */
  queues?: string[];
  /** SNS topics to create (fauxqs's), besides those the functions' destinations and DLQs name. */
  topics?: string[];
  /** S3 buckets to create (fauxqs's), besides those the functions' on-failure destinations name. */
  buckets?: string[];
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
   * `'lambda:square:error p=0.2'`, `'sqs:refuse 3s..5s'`, `'logs:throttle p=0.5'`; windows count from when the stack is listening.
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
  /** The local CloudWatch Logs (Logs_20140328.* over JSON 1.1): every invocation's log lines, one stream per execution environment. */
  logsUrl: string;
  /** Event bus name → ARN, `default` first. */
  eventBuses: Record<string, string>;
  /** Queue name → queue URL (as CreateQueue returned it). */
  queues: Record<string, string>;
  /** SNS topic name → ARN, of those created at start (fauxqs's SNS, at `sqsUrl`). */
  topics: Record<string, string>;
  /** S3 buckets created at start (fauxqs's S3, at `sqsUrl`, path-style). */
  buckets: string[];
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

/** Listens on 127.0.0.1 only (keeping idle connections longer than an SDK does); resolves to the server's URL. */
async function listen(server: Server, port: number): Promise<string> {
  server.keepAliveTimeout = 65_000;
  return `http://127.0.0.1:${await listenOnLoopback(server, port)}`;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? 'us-east-1';
  const { functions, skipped } = await loadFunctions(region, options.functionsDir, options.functionConfig);
  const faults = new FaultPlan(checkFaults(options.faults ?? [], [...functions.keys()]));
  const resources = stackResources(functions, region, options);
  const declared = options.eventSourceMappings ?? [];
  const queueSpecs = uniqueQueues([...Object.values(DEFAULT_QUEUES), ...sampleQueues(region), ...resources.queues, ...declaredQueueNames(declared, region)]);
  const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
  const warn = (message: string) => options.onWarning?.(message);
  // Read only when an event is delivered, once the stack has started: a rule's target queue is written as a destination is.
  const started: { writer?: DestinationWriter } = {};
  const eventBridge = new EventBridge(region, (queueArn, body) => started.writer!.sendToQueue(queueArn.split(':')[5] ?? '', body));
  // Before anything starts: a bad bus name is refused with nothing to stop.
  for (const name of resources.buses) eventBridge.createEventBus(name);
  const configs = new EventInvokeConfigs(functions, region);
  const sqs = await startSqsEmulator({ port: options.sqsPort ?? 0, region, queues: queueSpecs, faults });
  try {
    for (const name of resources.topics) await sqs.createTopic(name);
    for (const name of resources.buckets) await sqs.createBucket(name);
  } catch (error) {
    await sqs.stop();
    throw error;
  }
  const eventsServer = createEventBridgeServer(eventBridge, warn);
  const logs = new CloudWatchLogs(region, {
    ...(options.logsDelayMs !== undefined && { delayMs: options.logsDelayMs }),
    ...(options.logsMaxEventsPerGroup !== undefined && { maxEventsPerGroup: options.logsMaxEventsPerGroup }),
  });
  const logsServer = createCloudWatchLogsServer(logs, warn, faults);
  let lambdaUrl = '';
  let eventsUrl = '';
  let logsUrl = '';
  const runtime = new FunctionRuntime({
    ...(options.accountConcurrency !== undefined && { accountConcurrency: options.accountConcurrency }),
    ...(options.onLog && { onLog: options.onLog }),
    onLogEvents: (fn, streamName, events) => logs.put(fn.config.logGroup, streamName, events),
    injectedError: (name) => {
      const fault = faults.draw('lambda', name, ['error']).fault;
      return fault && faultMessage(fault);
    },
    environmentOf: (fn, version) => functionEnvironment(fn, version, region, { fauxqs: sqs.internalEndpoint, lambda: lambdaUrl, events: eventsUrl, logs: logsUrl }),
  });
  const updates = new FunctionUpdates((name) => runtime.retire(name), options.updateSettleMs);
  const writer = new DestinationWriter({
    region,
    fauxqs: sqs,
    eventBridge,
    // A Lambda destination: that function gets the record as an Event invocation of its own.
    invokeAsync: (name, event) => {
      const target = resolveInvocationTarget(functions, region, name, undefined);
      if ('fn' in target) enqueueEvent(asyncInvoker, target, { requestId: randomUUID(), event, body: JSON.stringify(event) });
      else warn(`destination function '${name}' does not exist; the record was dropped`);
    },
    onWarning: warn,
  });
  started.writer = writer;
  const asyncInvoker = new AsyncInvoker({
    runtime,
    configs,
    writer,
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
  const lambdaServer = createLambdaApiServer({ functions, region, runtime, asyncInvoker, faults, mappings, configs, updates });
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
  try {
    lambdaUrl = await listen(lambdaServer, options.port ?? 0);
    apiUrl = await listen(apiServer, options.apiPort ?? 0);
    eventsUrl = await listen(eventsServer, options.eventsPort ?? 0);
    logsUrl = await listen(logsServer, options.logsPort ?? 0);
    await createDeclared(mappings, [sampleMapping(region)], region, 'the sample mapping');
    await createDeclared(mappings, declared, region);
    await mappings.settled();
  } catch (error) {
    await mappings.stop(0);
    await Promise.all([close(lambdaServer), close(apiServer), close(eventsServer), close(logsServer)]);
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
    logsUrl,
    eventBuses: Object.fromEntries(eventBridge.busNames().map((name) => [name, eventBridge.busArn(name)])),
    queues,
    topics: Object.fromEntries(sqs.topicArns),
    buckets: [...sqs.buckets],
    functions: [...functions.keys()],
    functionConfigs: Object.fromEntries([...functions].map(([name, fn]) => [name, structuredClone(fn.config)])),
    timeScale,
    env: {
      AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SNS: sqs.endpoint,
      AWS_ENDPOINT_URL_S3: sqs.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventsUrl,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logsUrl,
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
      updates.stop();
      await Promise.all([asyncInvoker.stop(), mappings.stop()]);
      await Promise.all([close(lambdaServer), close(apiServer), close(eventsServer), close(logsServer)]);
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

export type { AsyncCompletion } from './asyncInvoker.js';
export { FaultSpecError, describeFault, parseFault, parseFaults } from './faults.js';
export type { Fault } from './faults.js';
export { FunctionConfigError, CONFIG_FIELDS, configProblems } from './functionRegistry.js';
export { EventSourceMappingConfigError, ORDERS_SAMPLE } from './eventSourceMappingSetup.js';
export type { EventSourceMappingDeclaration } from './eventSourceMappingSetup.js';
export type { EventSourceMappingConfiguration } from './eventSourceMappings.js';
export type { EventSourceBatch } from './sqsBatch.js';
export type { FunctionConfig, FunctionConfigOverrides, SkippedFile } from './functionRegistry.js';
