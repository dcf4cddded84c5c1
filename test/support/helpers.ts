/**
 * Shared test plumbing: the local stack (and one for a describe block, with SDK clients on it),
 * bounded polling of SQS, lambench as a child process, and HTTP test servers.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../src/local/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const FIXTURE_FUNCTIONS = fileURLToPath(new URL('../fixtures/functions/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({ functionsDir: FIXTURE_FUNCTIONS, timeScale: 0.001, ...options });
}

export function lambdaClient(stack: LocalStack): LambdaClient {
  return new LambdaClient({ region: stack.region, endpoint: stack.lambdaUrl, credentials: CREDENTIALS, maxAttempts: 1 });
}

export function sqsClient(stack: LocalStack): SQSClient {
  return new SQSClient({ region: stack.region, endpoint: stack.sqsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
}

export interface TestStack {
  /** The local stack: Lambda API, API Gateway front, SQS (fauxqs) with its queues already made. */
  readonly stack: LocalStack;
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
}

/**
 * The local stack for the describe block this is called in: started (with an SQS and a Lambda
 * client on it) before the block's first test, before the block's own `before` hooks, and
 * everything stopped after its tests. Read the fields in tests and hooks, not at definition time.
 */
export function useTestStack(options: LocalStackOptions = {}): TestStack {
  let started: TestStack | undefined;
  before(async () => {
    const stack = await startTestStack(options);
    started = { stack, sqs: sqsClient(stack), lambda: lambdaClient(stack) };
  });
  after(async () => {
    started?.sqs.destroy();
    started?.lambda.destroy();
    await started?.stack.stop();
  });
  const get = <K extends keyof TestStack>(key: K): TestStack[K] => {
    if (!started) throw new Error(`the test stack's ${key} was read before its before() hook started it`);
    return started[key];
  };
  return {
    get stack() {
      return get('stack');
    },
    get sqs() {
      return get('sqs');
    },
    get lambda() {
      return get('lambda');
    },
  };
}

/**
 * Receives from a queue until `accept` picks a message (which is then deleted and returned), at most
 * `timeoutMs`. Messages not picked are left for others (visibility 0).
 */
export async function receiveMatching(sqs: SQSClient, queueUrl: string, accept: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < 200 && Date.now() < deadline; round += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }),
    );
    const match = Messages.find(accept);
    if (match) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: match.ReceiptHandle }));
      return match;
    }
  }
  throw new Error(`no matching message on ${queueUrl} within ${timeoutMs} ms`);
}

export const decode = (payload: Uint8Array | undefined) => (payload ? JSON.parse(new TextDecoder().decode(payload)) : undefined);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment for `lambench` free of the developer's own AWS settings (no AWS_* variables, no ~/.aws files), without colour, plus `extra`. */
export function lambenchEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_') && value !== undefined) env[key] = value;
  return Object.assign(env, { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', NO_COLOR: '1' }, extra);
}

/** Runs `lambench` as a child process, as a user would, in `lambenchEnv(env)`. */
export function runLambench(
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number; interruptAfterMs?: number; interruptWhen?: () => boolean } = {},
): Promise<CliResult> {
  const env = lambenchEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'lambench.js'), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    const interrupt = options.interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
    // Polled (bounded by the kill timer above): Ctrl-C once the condition holds, whatever the machine's speed.
    const watch = options.interruptWhen && setInterval(() => {
      if (options.interruptWhen!()) {
        clearInterval(watch);
        child.kill('SIGINT');
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(interrupt);
      clearInterval(watch);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * `lambench local` left running as a child process: its first stdout line once it is listening,
 * its output so far, and its exit. Stop it with `child.kill('SIGINT')`.
 */
export function startLocalProcess(args: string[]) {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'lambench.js'), 'local', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const firstLine = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing printed within 15 s; stderr: ${stderr}`)), 15_000);
    child.stdout.on('data', () => {
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.slice(0, stdout.indexOf('\n')));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before printing; stderr: ${stderr}`));
    });
  });
  firstLine.catch(() => {});
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

/** Starts `server` on 127.0.0.1, on any free port; resolves to its URL (`http://127.0.0.1:PORT` + `path`). */
export async function listen(server: Server, path = '/'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

/** Stops `server` listening; resolves once its open connections have ended too. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * An HTTP target with known behaviour: answers request n (from 0) with `{}` after `delayMs(n)` ms;
 * with `failEvery` k, every k-th request (the k-th, 2k-th, …) gets HTTP 500, the rest 200.
 * `count()`: the requests received so far; `stall(ms)`: every answer waits until ms from now at least.
 * Start it with `listen(target.server)`.
 */
export function delayServer(delayMs: (n: number) => number = () => 0, options: { failEvery?: number } = {}) {
  let count = 0;
  let stallUntil = 0;
  const server = createServer((req, res) => {
    const n = count++;
    req.resume();
    const fail = options.failEvery !== undefined && (n + 1) % options.failEvery === 0;
    const wait = Math.max(delayMs(n), stallUntil - Date.now());
    setTimeout(() => {
      res.statusCode = fail ? 500 : 200;
      res.end('{}');
    }, wait);
  });
  return {
    server,
    stall: (ms: number) => (stallUntil = Date.now() + ms),
    count: () => count,
  };
}
