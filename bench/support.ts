/**
 * What the load benchmarks share: a server in its own process (so it never competes with the
 * client's event loop), child processes run to completion, and the figures' arithmetic.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const LAMBENCH = fileURLToPath(new URL('../../bin/lambench.js', import.meta.url));

/** Answers every Invoke like Lambda does for a synchronous call: 200, a request ID, the function's result. */
export const INVOKE_STUB = `
const http = require('node:http');
const body = JSON.stringify({ squared: 16 });
let id = 0;
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-amzn-requestid': 'stub-' + (++id), 'x-amz-executed-version': '$LATEST' });
    res.end(body);
  });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

/** Runs CommonJS `source` in its own Node process; it must print its port first. */
export async function startServer(source: string): Promise<{ origin: string; pid: number | undefined; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { origin: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill() };
}

/** Runs `node ARGS` from the repository to the end and returns its stdout; a non-zero exit rejects with its stderr. */
export function runNode(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${args[0]} exited ${code}: ${stderr.trim().slice(0, 400)}`));
    });
  });
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The middle value (the mean of the middle two for an even count): one disturbed run cannot move it. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Ends a benchmark that could not measure: one line, exit 1. */
export function reportAbort(name: string): (error: unknown) => void {
  return (error) => {
    console.error(`${name} aborted: ${(error as Error).message}`);
    process.exitCode = 1;
  };
}
