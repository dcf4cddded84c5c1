/**
 * Runs handlers the way the Node.js Lambda runtime does, in this process: each execution
 * environment imports its own copy of the module (a cold start, timed as Init Duration), serves one
 * invocation at a time, and is reused while warm. Logs written with `console` during an invocation
 * are captured per request (AsyncLocalStorage) and framed by START / END / REPORT lines.
 *
 * Over 300 lines on purpose: one execution environment's whole life (import, init, invoke,
 * callback and promise handlers, timeout, logs and the REPORT line) reads best in one place.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { withFunctionEnvironment } from './functionEnvironment.js';
import type { LocalFunction } from './localFunction.js';
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
  /** START … REPORT, as CloudWatch Logs would hold it. */
  log: string;
  durationMs: number;
  initDurationMs?: number;
}

interface Environment {
  id: string;
  handler: Handler;
}

interface LogSink {
  requestId: string;
  text: string;
  /** Set when the output goes straight somewhere (module loading), not into an invocation's log. */
  write?: (line: string) => void;
}

const logContext = new AsyncLocalStorage<LogSink>();
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
      appendLog(sink, `${new Date().toISOString()}\t${sink.requestId}\t${level}\t${format(...args)}`);
    };
  }
}

function appendLog(sink: LogSink, line: string): void {
  const text = line.endsWith('\n') ? line : `${line}\n`;
  if (sink.write) sink.write(text);
  else sink.text += text;
}

/**
 * Runs `load` with the console of any handler code it runs (a module's init) sent to stderr, so
 * that nothing a handler prints at import reaches stdout, where `lambench local --json` speaks.
 */
export function withHandlerConsoleOnStderr<T>(load: () => Promise<T>): Promise<T> {
  captureConsole();
  return logContext.run({ requestId: 'init', text: '', write: (line) => process.stderr.write(line) }, load);
}

export class FunctionRuntime {
  private readonly idle = new Map<string, Environment[]>();
  private readonly inFlight = new Map<string, number>();
  private totalInFlight = 0;
  private environmentCount = 0;

  constructor(
    private readonly accountConcurrency = 1000,
    /** Every invocation's log (sync and async), as it completes. */
    private readonly onLog?: (functionName: string, log: string) => void,
    /** A fault switch: the message of an error this run must fail with instead of running the handler, or undefined. */
    private readonly injectedError?: (functionName: string) => string | undefined,
    /** The function's environment variables (functionEnvironment.ts), for its init and every invocation; none: the process's own. */
    private readonly environmentOf?: (fn: LocalFunction, executedVersion: string) => Record<string, string>,
  ) {
    captureConsole();
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
    const sink: LogSink = { requestId, text: '' };
    const poolKey = `${fn.name}:${input.executedVersion}`;
    let environment = this.idle.get(poolKey)?.pop();
    let initDurationMs: number | undefined;
    if (environment === undefined) {
      const initStart = performance.now();
      try {
        environment = await logContext.run(sink, () => this.inEnvironment(input, () => this.createEnvironment(fn)));
      } catch (error) {
        initDurationMs = performance.now() - initStart;
        const document = errorDocument(error, 'Runtime.ImportModuleError');
        appendLog(sink, `${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(document)}`);
        return this.finish(input, sink, { payload: JSON.stringify(document), functionError: 'Unhandled', errorType: document.errorType }, 0, initDurationMs, 'error');
      }
      initDurationMs = performance.now() - initStart;
    }

    appendLog(sink, `START RequestId: ${requestId} Version: ${input.executedVersion}`);
    const deadline = Date.now() + fn.config.timeoutSeconds * 1000;
    const context: LambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fn.name,
      functionVersion: input.executedVersion,
      invokedFunctionArn: input.invokedArn,
      memoryLimitInMB: String(fn.config.memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[${input.executedVersion}]${environment.id}`,
      ...(input.clientContext !== undefined && { clientContext: input.clientContext }),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    const injected = this.injectedError?.(fn.name);
    const result: RunResult =
      injected === undefined
        ? await logContext.run(sink, () => this.inEnvironment(input, () => runWithTimeout(environment.handler, input.event, context, fn.config.timeoutSeconds * 1000)))
        : { error: Object.assign(new Error(injected), { name: 'InjectedFault' }), viaCallback: false };
    const durationMs = performance.now() - start;
    const memoryUsedMb = Math.min(fn.config.memorySize, 40 + Math.max(0, Math.round((process.memoryUsage().heapUsed - heapBefore) / 1048576)));

    let outcome: Pick<InvocationResult, 'payload' | 'functionError' | 'errorType'>;
    let status: 'ok' | 'error' | 'timeout' = 'ok';
    if ('timedOut' in result) {
      status = 'timeout';
      const message = `Task timed out after ${fn.config.timeoutSeconds.toFixed(2)} seconds`;
      appendLog(sink, `${new Date().toISOString()} ${requestId} ${message}`);
      outcome = {
        payload: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: ${message}` }),
        functionError: 'Unhandled',
        errorType: 'Sandbox.Timedout',
      };
    } else if ('error' in result) {
      status = 'error';
      const document = errorDocument(result.error);
      appendLog(sink, `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(document)}`);
      outcome = { payload: JSON.stringify(document), functionError: result.viaCallback ? 'Handled' : 'Unhandled', errorType: document.errorType };
    } else {
      outcome = serializeResult(result.value, requestId);
      if (outcome.functionError) status = 'error';
    }
    // A timed-out environment is torn down, as Lambda does; the next call starts cold.
    if (status !== 'timeout') {
      const pool = this.idle.get(poolKey) ?? [];
      pool.push(environment);
      this.idle.set(poolKey, pool);
    }
    return this.finish(input, sink, outcome, durationMs, initDurationMs, status, memoryUsedMb);
  }

  private finish(
    input: InvocationInput,
    sink: LogSink,
    outcome: Pick<InvocationResult, 'payload' | 'functionError' | 'errorType'>,
    durationMs: number,
    initDurationMs: number | undefined,
    status: 'ok' | 'error' | 'timeout',
    memoryUsedMb = 40,
  ): InvocationResult {
    const { requestId, fn } = input;
    appendLog(sink, `END RequestId: ${requestId}`);
    const report = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0)))} ms`,
      `Memory Size: ${fn.config.memorySize} MB`,
      `Max Memory Used: ${Math.min(fn.config.memorySize, memoryUsedMb)} MB`,
      ...(initDurationMs !== undefined ? [`Init Duration: ${initDurationMs.toFixed(2)} ms`] : []),
      ...(status === 'timeout' ? ['Status: timeout'] : status === 'error' && outcome.errorType?.startsWith('Runtime.') ? ['Status: error'] : []),
    ];
    appendLog(sink, `${report.join('\t')}\t`);
    this.onLog?.(fn.name, sink.text);
    return {
      requestId,
      executedVersion: input.executedVersion,
      ...outcome,
      log: sink.text,
      durationMs,
      ...(initDurationMs !== undefined && { initDurationMs }),
    };
  }

  private inEnvironment<T>(input: InvocationInput, work: () => Promise<T>): Promise<T> {
    return this.environmentOf ? withFunctionEnvironment(this.environmentOf(input.fn, input.executedVersion), work) : work();
  }

  private async createEnvironment(fn: LocalFunction): Promise<Environment> {
    this.environmentCount += 1;
    const id = (this.environmentCount * 2654435761).toString(16).padStart(32, '0').slice(-32);
    const module = await loadFreshModule(fn.fileUrl, id);
    if (typeof module.handler !== 'function') throw new TypeError(`${fn.name}.handler is undefined or not exported`);
    return { id, handler: module.handler };
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
