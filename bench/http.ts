/**
 * HTTP load generation: lambench against autocannon on the same local HTTP server, with the same
 * connections (closed loop, 50), alternating (lambench, autocannon, autocannon, lambench) so that
 * drift on this shared machine falls on both. The server runs in its own process, and so does
 * each tool; the figure is requests per second, as each tool reports it.
 *
 * Usage: npm run bench:http [-- SECONDS]   Target: ratio >= 1.0.
 */
import { fileURLToPath } from 'node:url';
import { LAMBENCH, mean, reportAbort, runNode, startServer } from './support.js';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const AUTOCANNON = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ ok: true });
http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

const run = (args: string[]) => runNode(args, { timeoutMs: (SECONDS + 60) * 1000 });

async function lambench(url: string): Promise<{ rps: number; p99Ms: number }> {
  const report = JSON.parse(await run([LAMBENCH, 'bench', url, '-c', String(CONNECTIONS), '-d', `${SECONDS}s`, '--no-correlation-id', '--json']));
  const phase = report.phases[0];
  if (phase.outcomes.ok !== phase.requests) throw new Error(`lambench saw failures: ${JSON.stringify(phase.outcomes)}`);
  return { rps: phase.throughputPerSecond, p99Ms: phase.latencyUs.p99 / 1000 };
}

async function autocannon(url: string): Promise<{ rps: number; p99Ms: number }> {
  const result = JSON.parse(await run([AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(SECONDS), '--json', url]));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw failures: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.total / (result.duration || SECONDS), p99Ms: result.latency.p99 };
}

async function main(): Promise<void> {
  const server = await startServer(SERVER);
  try {
    const url = `${server.origin}/`;
    const results: Record<'lambench' | 'autocannon', { rps: number; p99Ms: number }[]> = { lambench: [], autocannon: [] };
    for (const tool of ['lambench', 'autocannon', 'autocannon', 'lambench'] as const) {
      const result = tool === 'lambench' ? await lambench(url) : await autocannon(url);
      results[tool].push(result);
      console.log(`${tool.padEnd(10)} ${result.rps.toFixed(0).padStart(7)} req/s   p99 ${result.p99Ms.toFixed(1)} ms`);
    }
    const ratio = mean(results.lambench.map((r) => r.rps)) / mean(results.autocannon.map((r) => r.rps));
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, requests per second: lambench bench vs autocannon, ${CONNECTIONS} connections, closed loop, ${SECONDS} s each)`);
  } finally {
    server.stop();
  }
}

main().catch(reportAbort('bench:http'));
