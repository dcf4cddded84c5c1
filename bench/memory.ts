/**
 * No per-request memory growth: the peak RSS of a 1,000,000-call `lambench bench` must be within
 * 10% of a 100,000-call one. Both runs use the Invoke API path (closed loop, 50 in flight) on a
 * stub in its own process and stream every call to a raw NDJSON file, so the hot path, the
 * recorder and the raw writer are all in. Runs alternate (100k, 1M, 100k); the peak is the
 * process's own maxRSS, from the report's `client` block.
 *
 * Usage: npm run bench:memory [-- CALLS]   (default 1000000)   Target: ratio <= 1.10.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LARGE = Number(process.argv[2] ?? process.env.BENCH_CALLS ?? 1_000_000);
const SMALL = Math.round(LARGE / 10);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LAMBENCH = fileURLToPath(new URL('../../bin/lambench.js', import.meta.url));

const STUB = `
const http = require('node:http');
const body = JSON.stringify({ squared: 16 });
let id = 0;
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-amzn-requestid': 'stub-' + (++id) });
    res.end(body);
  });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`lambench exited ${code}: ${stderr.trim().slice(0, 400)}`))));
  });
}

async function lambench(endpoint: string, calls: number, rawPath: string): Promise<{ rssMb: number; rate: number }> {
  const report = JSON.parse(await run([LAMBENCH, 'bench', 'square', '--endpoint-url', endpoint, '-c', '50', '-n', String(calls), '-p', '{"number":4}', '--raw', rawPath, '--json']));
  const phase = report.phases[0];
  if (phase.requests !== calls || phase.outcomes.ok !== calls) throw new Error(`expected ${calls} ok calls: ${JSON.stringify(phase.outcomes)}`);
  return { rssMb: report.client.peakRssBytes / 1024 / 1024, rate: phase.throughputPerSecond };
}

async function main(): Promise<void> {
  const stub = spawn(process.execPath, ['-e', STUB], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = await mkdtemp(join(tmpdir(), 'lambench-memory-'));
  try {
    const port = await new Promise<string>((resolve) => stub.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    const endpoint = `http://127.0.0.1:${port}`;
    const small: number[] = [];
    let large = 0;
    for (const calls of [SMALL, LARGE, SMALL]) {
      const result = await lambench(endpoint, calls, join(dir, `raw-${calls}.ndjson`));
      if (calls === LARGE) large = result.rssMb;
      else small.push(result.rssMb);
      console.log(`${String(calls).padStart(8)} calls   peak RSS ${result.rssMb.toFixed(1)} MB   ${result.rate.toFixed(0)} calls/s`);
      await rm(join(dir, `raw-${calls}.ndjson`), { force: true });
    }
    const ratio = large / (small.reduce((a, b) => a + b, 0) / small.length);
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, peak RSS: ${LARGE.toLocaleString('en')} calls / ${SMALL.toLocaleString('en')} calls, same run shape; target <= 1.10)`);
  } finally {
    stub.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:memory aborted: ${(error as Error).message}`);
  process.exitCode = 1;
});
