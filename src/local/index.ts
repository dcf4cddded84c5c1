/**
 * The built-in local stack: a Lambda Invoke API that runs JavaScript handlers, SQS from an
 * emulator, destinations and DLQs wired to it, all on 127.0.0.1. Usable as a library: tests start
 * and stop it in-process; `lambench local` starts it in the foreground.
 */
import type { AddressInfo } from 'node:net';
import { AsyncInvoker, type AsyncCompletion } from './asyncInvoker.js';
import { DEFAULT_QUEUES, loadFunctions, type FunctionConfig } from './functionRegistry.js';
import { createLambdaApiServer } from './lambdaApi.js';
import { FunctionRuntime } from './runtime.js';
import { startSqsEmulator } from './sqsEmulator.js';

export interface LocalStackOptions {
  /** Invoke API port; 0 (the default) picks a free one. */
  port?: number;
  sqsPort?: number;
  region?: string;
  /** A folder of the user's handlers, served beside the samples. */
  functionsDir?: string;
  /** Extra queues to create besides lambench-success, lambench-failure and lambench-dlq. */
  queues?: string[];
  /** Per-function configuration on top of what the modules export (e.g. reservedConcurrency). */
  functionConfig?: Record<string, Partial<FunctionConfig>>;
  /** Multiplies async retry delays and the event age limit; the default settles failures in about a second. */
  timeScale?: number;
  accountConcurrency?: number;
  /** Each invocation's log (sync and async), as it completes. */
  onLog?: (functionName: string, log: string) => void;
  onAsyncCompletion?: (completion: AsyncCompletion) => void;
  onWarning?: (message: string) => void;
}

export interface LocalStack {
  region: string;
  lambdaUrl: string;
  sqsUrl: string;
  /** Queue name → queue URL (as CreateQueue returned it). */
  queues: Record<string, string>;
  functions: string[];
  /** The environment a shell or a child process needs to use this stack. */
  env: Record<string, string>;
  /** Accepted async events not yet settled. */
  pendingAsync(): number;
  stop(): Promise<void>;
}

/** 60 s and 120 s retry delays become 300 ms and 600 ms. */
export const DEFAULT_TIME_SCALE = 0.005;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? 'us-east-1';
  const functions = await loadFunctions(region, options.functionsDir, options.functionConfig);
  const queueNames = [...new Set([...Object.values(DEFAULT_QUEUES), ...(options.queues ?? [])])];
  const sqs = await startSqsEmulator({ port: options.sqsPort ?? 0, region, queues: queueNames });
  const runtime = new FunctionRuntime(options.accountConcurrency, options.onLog);
  const asyncInvoker = new AsyncInvoker({
    runtime,
    sqs: sqs.client,
    queueUrl: (name) => sqs.queueUrls.get(name),
    timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
    ...(options.onAsyncCompletion && { onCompletion: options.onAsyncCompletion }),
    ...(options.onWarning && { onWarning: options.onWarning }),
  });
  const server = createLambdaApiServer({ functions, region, runtime, asyncInvoker });
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await sqs.stop();
    throw error;
  }
  const lambdaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const queues = Object.fromEntries(sqs.queueUrls);
  return {
    region,
    lambdaUrl,
    sqsUrl: sqs.endpoint,
    queues,
    functions: [...functions.keys()],
    env: {
      AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_REGION: region,
      // The AWS CLI v1 reads only AWS_DEFAULT_REGION.
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    pendingAsync: () => asyncInvoker.pending,
    async stop() {
      await asyncInvoker.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sqs.stop();
    },
  };
}

export type { AsyncCompletion } from './asyncInvoker.js';
export type { FunctionConfig } from './functionRegistry.js';
