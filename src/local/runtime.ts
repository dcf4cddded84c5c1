/**
 * Runs handlers the way the Node.js Lambda runtime does, in this process: each execution
 * environment imports its own copy of the module (a cold start, timed as Init Duration), serves one
 * invocation at a time, and is reused while warm. Logs written with `console` during an invocation
 * are captured per request (AsyncLocalStorage) and framed by START / END / REPORT lines, written in
 * the function's log format (logLines.ts) to the environment's own log stream.
 *
 * Over 300 lines on purpose: one execution environment's whole life (import, init, invoke,
 * callback and promise handlers, timeout, logs and the REPORT line) reads best in one place.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { withFunctionEnvironment } from './functionEnvironment.js';
import { versionConfig, type LocalFunction } from './localFunction.js';
import { endLine, logStreamName, outputLine, reportLine, startLine, type InvocationStatus, type LogEvent, type LogFormat } from './logLines.js';
import { RESPONSE_LIMIT_BYTES } from './limits.js';

type Handler = (event: unknown, context: LambdaContext, callback: (error?: unknown, result?: unknown) => void) => unknown;

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  clientContext?: unknown;
  getRemainingTimeInMillis(): number;
}

export interface InvocationInput {
  fn: LocalFunction;
  executedVersion: string;
  invokedArn: string;
  requestId: string;
  event: unknown;
  clientContext?: unknown;
}

export interface InvocationResult {
  requestId: string;
  executedVersion: string;
  /** The response body: the handler's result as JSON, or the error document. */
  payload: string;
  functionError?: 'Handled' | 'Unhandled';
  errorType?: string;
  /** START … REPORT, one line per log event, as CloudWatch Logs holds it (in the function's log format). */
  log: string;
  /** The execution environment's log stream, `YYYY/MM/DD/[VERSION]<32 hex>`. */
  logStreamName: string;
  durationMs: number;
  initDurationMs?: number;
}

interface Environment {
  id: string;
  handler: Handler;
  streamName: string;
  /** The function's configuration generation it was made for: an older one is retired, not reused. */
  generation: number;
}

interface LogSink {
  requestId: string;
  format: LogFormat;
  events: LogEvent[];
  /** Set when the output goes straight somewhere (module loading), not into an invocation's log. */
  write?: (line: string) => void;
}

const logContext = new AsyncLocalStorage<LogSink>();

/** START, runtimeDone and REPORT are INFO-level system logs: a JSON-format function at SystemLogLevel WARN gets none, as on Lambda. */
function writesPlatformLines(fn: LocalFunction): boolean {
  return !(fn.config.logFormat === 'JSON' && fn.config.systemLogLevel === 'WARN');
}
let consoleCaptured = false;

/** Routes console output made inside an invocation to that invocation's log; elsewhere unchanged. */
function captureConsole(): void {
  if (consoleCaptured) return;
  consoleCaptured = true;
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
  for (const [method, level] of Object.entries(levels) as [keyof typeof levels, string][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const sink = logContext.getStore();
      if (sink === undefined) return original(...args);
      const now = Date.now();
      appendLog(sink, outputLine(sink.format, now, sink.requestId, level, format(...args)), now);
    };
  }
}

function appendLog(sink: LogSink, message: string, timestamp = Date.now()): void {
  if (sink.write) sink.write(`${message}\n`);
  else sink.events.push({ timestamp, message });
}

/**
 * Runs `load` with the console of any handler code it runs (a module's init) sent to stderr, so
 * that nothing a handler prints at import reaches stdout, where `lambench local --json` speaks.
 */
export function withHandlerConsoleOnStderr<T>(load: () => Promise<T>): Promise<T> {
  captureConsole();
  return logContext.run({ requestId: 'init', format: 'Text', events: [], write: (line) => process.stderr.write(line) }, load);
}

export interface FunctionRuntimeOptions {
  accountConcurrency?: number;
  /** Every invocation's log (sync and async), as it completes. */
  onLog?: (functionName: string, log: string) => void;
  /** Every invocation's log events, as it completes, with the environment's log stream (the CloudWatch Logs store takes them). */
  onLogEvents?: (fn: LocalFunction, logStreamName: string, events: LogEvent[]) => void;
  /** A fault switch: the message of an error this run must fail with instead of running the handler, or undefined. */
  injectedError?: (functionName: string) => string | undefined;
  /** The function's environment variables (functionEnvironment.ts), for its init and every invocation; none: the process's own. */
  environmentOf?: (fn: LocalFunction, executedVersion: string) => Record<string, string>;
}

export class FunctionRuntime {
  private readonly idle = new Map<string, Environment[]>();
  private readonly inFlight = new Map<string, number>();
  /** Per function: bumped by retire(), so environments made before are not reused. */
  private readonly generations = new Map<string, number>();
  private totalInFlight = 0;
  private environmentCount = 0;
  private readonly accountConcurrency: number;

  constructor(private readonly options: FunctionRuntimeOptions = {}) {
    this.accountConcurrency = options.accountConcurrency ?? 1000;
    captureConsole();
  }

  /**
   * Retires a function's $LATEST execution environments, as a configuration change does: idle ones
   * go now, busy ones when their invocation ends; the next call starts cold in a new log stream.
   */
  retire(functionName: string): void {
    this.generations.set(functionName, (this.generations.get(functionName) ?? 0) + 1);
    this.idle.delete(`${functionName}:$LATEST`);
  }

  /**
   * Takes one unit of concurrency for the function, or says why it cannot (the 429's Reason).
   * Every successful reserve must be followed by exactly one release.
   */
  reserve(fn: LocalFunction): { ok: true } | { ok: false; reason: string } {
    const current = this.inFlight.get(fn.name) ?? 0;
    const limit = fn.config.reservedConcurrency;
    if (limit !== undefined && current >= limit) return { ok: false, reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
    if (this.totalInFlight >= this.accountConcurrency) return { ok: false, reason: 'ConcurrentInvocationLimitExceeded' };
    this.inFlight.set(fn.name, current + 1);
    this.totalInFlight += 1;
    return { ok: true };
  }

  release(fn: LocalFunction): void {
    this.inFlight.set(fn.name, Math.max(0, (this.inFlight.get(fn.name) ?? 0) - 1));
    this.totalInFlight = Math.max(0, this.totalInFlight - 1);
  }

  /** Runs one invocation on a reserved unit of concurrency (the caller releases it). */
  async invoke(input: InvocationInput): Promise<InvocationResult> {
    const { fn, requestId } = input;
    const sink: LogSink = { requestId, format: fn.config.logFormat, events: [] };
    const poolKey = `${fn.name}:${input.executedVersion}`;
    const config = versionConfig(fn, input.executedVersion);
    let environment = this.idle.get(poolKey)?.pop();
    let initDurationMs: number | undefined;
    if (environment === undefined) {
      const initStart = performance.now();
      const fresh = this.newEnvironmentId(fn, input.executedVersion);
      try {
        environment = await logContext.run(sink, () => this.inEnvironment(input, () => this.createEnvironment(fn, fresh)));
      } catch (error) {
        initDurationMs = performance.now() - initStart;
        const document = errorDocument(error, 'Runtime.ImportModuleError');
        appendLog(sink, outputLine(sink.format, Date.now(), 'undefined', 'ERROR', `Uncaught Exception \t${JSON.stringify(document)}`));
        const outcome = { payload: JSON.stringify(document), functionError: 'Unhandled' as const, errorType: document.errorType };
        return this.finish(input, sink, fresh.streamName, outcome, 0, initDurationMs, 'failure');
      }
      initDurationMs = performance.now() - initStart;
    }

    if (writesPlatformLines(fn)) appendLog(sink, startLine(sink.format, Date.now(), requestId, input.executedVersion));
    const deadline = Date.now() + config.timeoutSeconds * 1000;
    const context: LambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fn.name,
      functionVersion: input.executedVersion,
      invokedFunctionArn: input.invokedArn,
      memoryLimitInMB: String(config.memorySize),
      awsRequestId: requestId,
      logGroupName: fn.config.logGroup,
      logStreamName: environment.streamName,
      ...(input.clientContext !== undefined && { clientContext: input.clientContext }),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    const injected = this.options.injectedError?.(fn.name);
    const result: RunResult =
      injected === undefined
        ? await logContext.run(sink, () => this.inEnvironment(input, () => runWithTimeout(environment.handler, input.event, context, config.timeoutSeconds * 1000)))
        : { error: Object.assign(new Error(injected), { name: 'InjectedFault' }), viaCallback: false };
    const durationMs = performance.now() - start;
    const memoryUsedMb = Math.min(config.memorySize, 40 + Math.max(0, Math.round((process.memoryUsage().heapUsed - heapBefore) / 1048576)));

    let outcome: Pick<InvocationResult, 'payload' | 'functionError' | 'errorType'>;
    let status: InvocationStatus = 'success';
    if ('timedOut' in result) {
      status = 'timeout';
      const message = `Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds`;
      appendLog(sink, `${new Date().toISOString()} ${requestId} ${message}`);
      outcome = {
        payload: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: ${message}` }),
        functionError: 'Unhandled',
        errorType: 'Sandbox.Timedout',
      };
    } else if ('error' in result) {
      status = 'error';
      const document = errorDocument(result.error);
      appendLog(sink, outputLine(sink.format, Date.now(), requestId, 'ERROR', `Invoke Error \t${JSON.stringify(document)}`));
      outcome = { payload: JSON.stringify(document), functionError: result.viaCallback ? 'Handled' : 'Unhandled', errorType: document.errorType };
    } else {
      outcome = serializeResult(result.value, requestId);
      if (outcome.functionError) status = 'error';
    }
    // A timed-out environment is torn down, as Lambda does, and so is one a configuration change retired; the next call starts cold.
    const retired = input.executedVersion === '$LATEST' && environment.generation !== (this.generations.get(fn.name) ?? 0);
    if (status !== 'timeout' && !retired) {
      const pool = this.idle.get(poolKey) ?? [];
      pool.push(environment);
      this.idle.set(poolKey, pool);
    }
    return this.finish(input, sink, environment.streamName, outcome, durationMs, initDurationMs, status, memoryUsedMb);
  }

  private finish(
    input: InvocationInput,
    sink: LogSink,
    streamName: string,
    outcome: Pick<InvocationResult, 'payload' | 'functionError' | 'errorType'>,
    durationMs: number,
    initDurationMs: number | undefined,
    given: InvocationStatus,
    memoryUsedMb = 40,
  ): InvocationResult {
    const { requestId, fn } = input;
    const memorySizeMb = versionConfig(fn, input.executedVersion).memorySize;
    // A runtime's own error (Runtime.MarshalError, …) is a failure, not the function's error.
    const status = given === 'error' && outcome.errorType?.startsWith('Runtime.') ? 'failure' : given;
    const now = Date.now();
    if (writesPlatformLines(fn)) {
      appendLog(sink, endLine(sink.format, now, requestId, status, durationMs, Buffer.byteLength(outcome.payload)), now);
      appendLog(sink, reportLine(sink.format, now, { requestId, durationMs, ...(initDurationMs !== undefined && { initDurationMs }), memorySizeMb, maxMemoryUsedMb: Math.min(memorySizeMb, memoryUsedMb), status }), now);
    }
    const log = sink.events.map((event) => `${event.message}\n`).join('');
    this.options.onLog?.(fn.name, log);
    this.options.onLogEvents?.(fn, streamName, sink.events);
    return {
      requestId,
      executedVersion: input.executedVersion,
      ...outcome,
      log,
      logStreamName: streamName,
      durationMs,
      ...(initDurationMs !== undefined && { initDurationMs }),
    };
  }

  private inEnvironment<T>(input: InvocationInput, work: () => Promise<T>): Promise<T> {
    const { environmentOf } = this.options;
    return environmentOf ? withFunctionEnvironment(environmentOf(input.fn, input.executedVersion), work) : work();
  }

  /** A new environment's identity: 32 hex digits (unique in this process, random-looking as Lambda's), its stream, the function's generation. */
  private newEnvironmentId(fn: LocalFunction, version: string): Omit<Environment, 'handler'> {
    this.environmentCount += 1;
    const id = `${(this.environmentCount * 2654435761).toString(16).padStart(8, '0').slice(-8)}${randomBytes(12).toString('hex')}`;
    return { id, streamName: logStreamName(Date.now(), version, id), generation: this.generations.get(fn.name) ?? 0 };
  }

  private async createEnvironment(fn: LocalFunction, fresh: Omit<Environment, 'handler'>): Promise<Environment> {
    const module = await loadFreshModule(fn.fileUrl, fresh.id);
    if (typeof module.handler !== 'function') throw new TypeError(`${fn.name}.handler is undefined or not exported`);
    return { ...fresh, handler: module.handler };
  }
}

/**
 * Each environment gets its own module instance, so module-level state and init work are per
 * environment, as in Lambda: an ES module through a query string, a CommonJS one by evicting it
 * from require's cache. (Modules the handler itself imports are shared within this process.)
 */
async function loadFreshModule(fileUrl: string, environmentId: string): Promise<{ handler?: Handler }> {
  if (!fileUrl.endsWith('.cjs')) return (await import(`${fileUrl}?environment=${environmentId}`)) as { handler?: Handler };
  const path = fileURLToPath(fileUrl);
  const require = createRequire(path);
  delete require.cache[require.resolve(path)];
  return require(path) as { handler?: Handler };
}

type RunResult = { value: unknown } | { error: unknown; viaCallback: boolean } | { timedOut: true };

function runWithTimeout(handler: Handler, event: unknown, context: LambdaContext, timeoutMs: number): Promise<RunResult> {
  return new Promise<RunResult>((resolve) => {
    let settled = false;
    const settle = (result: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => settle({ timedOut: true }), timeoutMs);
    const callback = (error?: unknown, value?: unknown) =>
      settle(error !== undefined && error !== null ? { error, viaCallback: true } : { value });
    try {
      const returned = handler(event, context, callback);
      if (returned !== null && typeof returned === 'object' && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(
          (value) => settle({ value }),
          (error: unknown) => settle({ error, viaCallback: false }),
        );
      } else if (handler.length < 3) {
        settle({ value: returned });
      }
    } catch (error) {
      settle({ error, viaCallback: false });
    }
  });
}

/** The Node.js runtime's error document: `{errorType, errorMessage, trace}`. */
function errorDocument(error: unknown, errorType?: string): { errorType: string; errorMessage: string; trace?: string[] } {
  if (error instanceof Error) {
    return {
      errorType: errorType ?? error.name ?? 'Error',
      errorMessage: error.message,
      trace: handlerFrames(error.stack ?? ''),
    };
  }
  return { errorType: errorType ?? typeof error, errorMessage: String(error) };
}

const RUNTIME_FILE = new URL(import.meta.url).pathname;

/** The stack down to the handler: this runtime's own frames and the per-environment query dropped. */
function handlerFrames(stack: string): string[] {
  const lines = stack.split('\n').map((line) => line.replace(/\?environment=[0-9a-f]+/g, ''));
  const end = lines.findIndex((line) => line.includes(RUNTIME_FILE));
  return end > 0 ? lines.slice(0, end) : lines;
}

function serializeResult(value: unknown, requestId: string): Pick<InvocationResult, 'payload' | 'functionError' | 'errorType'> {
  let payload: string;
  try {
    payload = JSON.stringify(value) ?? 'null';
  } catch (error) {
    const document = { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${(error as Error).message}` };
    return { payload: JSON.stringify(document), functionError: 'Unhandled', errorType: document.errorType };
  }
  if (Buffer.byteLength(payload) > RESPONSE_LIMIT_BYTES) {
    const document = {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `RequestId: ${requestId} Error: Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT_BYTES} bytes).`,
    };
    return { payload: JSON.stringify(document), functionError: 'Unhandled', errorType: document.errorType };
  }
  return { payload };
}
