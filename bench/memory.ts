/**
 * No per-request memory growth: the peak RSS of a 1,000,000-call `lambench bench` must be within
 * 10% of a 100,000-call one. Both runs use the Invoke API path (closed loop, 50 in flight) on a
 * stub in its own process and stream every call to a raw NDJSON file, so the hot path, the
 * recorder and the raw writer are all in. Runs alternate (100k, 1M, 100k); the peak is the
 * process's own maxRSS, from the report's `client` block.
 *
 * Usage: npm run bench:memory [-- CALLS]   (default 1000000)   Target: ratio <= 1.10.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INVOKE_STUB, LAMBENCH, mean, reportAbort, runNode, startServer } from './support.js';

const LARGE = Number(process.argv[2] ?? process.env.BENCH_CALLS ?? 1_000_000);
const SMALL = Math.round(LARGE / 10);

const run = (args: string[]) => runNode(args, { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });

async function lambench(endpoint: string, calls: number, rawPath: string): Promise<{ rssMb: number; rate: number }> {
  const report = JSON.parse(await run([LAMBENCH, 'bench', 'square', '--endpoint-url', endpoint, '-c', '50', '-n', String(calls), '-p', '{"number":4}', '--raw', rawPath, '--json']));
  const phase = report.phases[0];
  if (phase.requests !== calls || phase.outcomes.ok !== calls) throw new Error(`expected ${calls} ok calls: ${JSON.stringify(phase.outcomes)}`);
  return { rssMb: report.client.peakRssBytes / 1024 / 1024, rate: phase.throughputPerSecond };
}

async function main(): Promise<void> {
  const stub = await startServer(INVOKE_STUB);
  const dir = await mkdtemp(join(tmpdir(), 'lambench-memory-'));
  try {
    const endpoint = stub.origin;
    const small: number[] = [];
    let large = 0;
    for (const calls of [SMALL, LARGE, SMALL]) {
      const result = await lambench(endpoint, calls, join(dir, `raw-${calls}.ndjson`));
      if (calls === LARGE) large = result.rssMb;
      else small.push(result.rssMb);
      console.log(`${String(calls).padStart(8)} calls   peak RSS ${result.rssMb.toFixed(1)} MB   ${result.rate.toFixed(0)} calls/s`);
      await rm(join(dir, `raw-${calls}.ndjson`), { force: true });
    }
    const ratio = large / mean(small);
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, peak RSS: ${LARGE.toLocaleString('en')} calls / ${SMALL.toLocaleString('en')} calls, same run shape; target <= 1.10)`);
  } finally {
    stub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch(reportAbort('bench:memory'));
