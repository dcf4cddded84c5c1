/**
 * The Invoke API path under load: `lambench bench` against a plain `@aws-sdk/client-lambda` loop
 * (`maxAttempts: 1`, the same 50 calls in flight), both on the same stub Invoke API, alternating
 * (lambench, SDK, SDK, lambench). The stub runs in its own process and so does each client; the
 * figure is completed calls per second.
 *
 * Usage: npm run bench:invoke [-- SECONDS]   Target: ratio >= 4.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 50;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LAMBENCH = fileURLToPath(new URL('../../bin/lambench.js', import.meta.url));

/** Answers every Invoke like Lambda does for a synchronous call: 200, a request ID, the function's result. */
const STUB = `
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

/** The peer: what a user would write with the SDK, one client, N loops sending back to back. */
const SDK_LOOP = `
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
const [endpoint, seconds, concurrency] = process.argv.slice(1);
const client = new LambdaClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: Number(concurrency) } } });
const payload = Buffer.from(JSON.stringify({ number: 4 }));
const end = performance.now() + Number(seconds) * 1000;
let ok = 0, failed = 0;
const start = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, async () => {
  while (performance.now() < end) {
    try { await client.send(new InvokeCommand({ FunctionName: 'square', InvocationType: 'RequestResponse', Payload: payload })); ok += 1; } catch { failed += 1; }
  }
}));
console.log(JSON.stringify({ ok, failed, seconds: (performance.now() - start) / 1000 }));
client.destroy();
`;

const ENV = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' };

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.trim().slice(0, 400)}`));
    });
  });
}

async function lambench(endpoint: string): Promise<number> {
  const report = JSON.parse(await run([LAMBENCH, 'bench', 'square', '--endpoint-url', endpoint, '-c', String(CONCURRENCY), '-d', `${SECONDS}s`, '-p', '{"number":4}', '--json']));
  const phase = report.phases[0];
  if (phase.outcomes.ok !== phase.requests) throw new Error(`lambench saw failures: ${JSON.stringify(phase.outcomes)}`);
  return phase.throughputPerSecond;
}

async function sdkLoop(endpoint: string): Promise<number> {
  const result = JSON.parse(await run(['--input-type=module', '-e', SDK_LOOP, endpoint, String(SECONDS), String(CONCURRENCY)]));
  if (result.failed > 0) throw new Error(`the SDK loop saw ${result.failed} failures`);
  return result.ok / result.seconds;
}

async function main(): Promise<void> {
  const stub = spawn(process.execPath, ['-e', STUB], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve) => stub.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    const endpoint = `http://127.0.0.1:${port}`;
    const results: Record<'lambench' | 'sdk', number[]> = { lambench: [], sdk: [] };
    for (const tool of ['lambench', 'sdk', 'sdk', 'lambench'] as const) {
      const rate = tool === 'lambench' ? await lambench(endpoint) : await sdkLoop(endpoint);
      results[tool].push(rate);
      console.log(`${tool === 'lambench' ? 'lambench' : 'SDK loop'}  ${rate.toFixed(0).padStart(7)} calls/s`);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const ratio = mean(results.lambench) / mean(results.sdk);
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, Invoke API calls per second: lambench bench vs a plain SDK loop, ${CONCURRENCY} in flight, ${SECONDS} s each)`);
  } finally {
    stub.kill();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:invoke aborted: ${(error as Error).message}`);
  process.exitCode = 1;
});
