/**
 * HTTP load generation: lambench against autocannon on the same local HTTP server, with the same
 * connections (closed loop, 50) and the same request (GET with the `InvocationType:
 * RequestResponse` header lambench sends for a sync call), alternating (lambench, autocannon,
 * autocannon, lambench, …) so that drift on this shared machine falls on both. The server runs in its own process, and so
 * does each tool. The figures are requests per second as each tool reports them, and the client
 * CPU each request cost (user + system, the whole process, start-up included). The ratio compares
 * each tool's median run (the mean is printed too). On two cores the
 * server can be the limit for both tools: its CPU use is printed too, so a ratio near 1.0 with the
 * server near 100% reads as "both saturate it", and the CPU per request says which tool is cheaper.
 *
 * Usage: npm run bench:http [-- SECONDS [PAIRS]]   Target: ratio >= 1.0.
 */
import { readFileSync } from 'node:fs';
import { LAMBENCH, mean, median, reportAbort, runNode, startServer } from './support.js';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const PAIRS = Number(process.argv[3] ?? process.env.BENCH_PAIRS ?? 4);
const CONNECTIONS = 50;

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ ok: true });
http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

/** autocannon's own engine through its programmatic API, in its own process, with the CPU it used. */
const AUTOCANNON = `
const autocannon = require('autocannon');
const [url, connections, duration] = process.argv.slice(1);
// The same request lambench sends for a sync call (its default --async-via header names the mode).
autocannon({ url, connections: Number(connections), duration: Number(duration), headers: { InvocationType: 'RequestResponse' } }, (error, result) => {
  if (error) throw error;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ total: result.requests.total, duration: result.duration, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99, cpuMs: (cpu.user + cpu.system) / 1000 }));
});
`;

interface Figures {
  rps: number;
  p99Ms: number;
  cpuUsPerRequest: number;
}

const run = (args: string[]) => runNode(args, { timeoutMs: (SECONDS + 60) * 1000 });

async function lambench(url: string, seconds = SECONDS): Promise<Figures> {
  const report = JSON.parse(await run([LAMBENCH, 'bench', url, '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--no-correlation-id', '--json']));
  const phase = report.phases[0];
  if (phase.outcomes.ok !== phase.requests) throw new Error(`lambench saw failures: ${JSON.stringify(phase.outcomes)}`);
  const cpuMs = report.client.cpuUserMs + report.client.cpuSystemMs;
  return { rps: phase.throughputPerSecond, p99Ms: phase.latencyUs.p99 / 1000, cpuUsPerRequest: (cpuMs * 1000) / phase.requests };
}

async function autocannon(url: string, seconds = SECONDS): Promise<Figures> {
  const result = JSON.parse(await run(['-e', AUTOCANNON, url, String(CONNECTIONS), String(seconds)]));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw failures: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.total / (result.duration || seconds), p99Ms: result.p99, cpuUsPerRequest: (result.cpuMs * 1000) / result.total };
}

/** The server's CPU time so far in ms (Linux /proc), to tell whether it was the limit. */
function serverCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const server = await startServer(SERVER);
  try {
    const url = `${server.origin}/`;
    const results: Record<'lambench' | 'autocannon', Figures[]> = { lambench: [], autocannon: [] };
    // The server's own warm-up (its JIT, its first connections) would fall on whichever tool runs
    // first: one short run of each, not counted, warms it for both.
    await lambench(url, 2);
    await autocannon(url, 2);
    const order = Array.from({ length: PAIRS }, (_, pair) => (pair % 2 === 0 ? (['lambench', 'autocannon'] as const) : (['autocannon', 'lambench'] as const))).flat();
    for (const tool of order) {
      const before = serverCpuMs(server.pid);
      const startedAt = performance.now();
      const result = tool === 'lambench' ? await lambench(url) : await autocannon(url);
      const after = serverCpuMs(server.pid);
      const serverBusy = before !== undefined && after !== undefined ? `   server busy ${((100 * (after - before)) / (performance.now() - startedAt)).toFixed(0)}%` : '';
      results[tool].push(result);
      console.log(`${tool.padEnd(10)} ${result.rps.toFixed(0).padStart(7)} req/s   p99 ${result.p99Ms.toFixed(1).padStart(5)} ms   client CPU ${result.cpuUsPerRequest.toFixed(1)} µs/request${serverBusy}`);
    }
    const cpuRatio = median(results.lambench.map((r) => r.cpuUsPerRequest)) / median(results.autocannon.map((r) => r.cpuUsPerRequest));
    console.log(`client CPU per request: ${cpuRatio.toFixed(2)} (lambench / autocannon; below 1.0 lambench is the cheaper client)`);
    const meanRatio = mean(results.lambench.map((r) => r.rps)) / mean(results.autocannon.map((r) => r.rps));
    console.log(`mean requests per second: ${meanRatio.toFixed(2)} (lambench / autocannon)`);
    // The median of each tool's runs: on this shared machine one disturbed run (either tool's) must not decide it.
    const ratio = median(results.lambench.map((r) => r.rps)) / median(results.autocannon.map((r) => r.rps));
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, median requests per second: lambench bench vs autocannon, ${CONNECTIONS} connections, closed loop, same request, ${SECONDS} s each, ${PAIRS} pairs)`);
  } finally {
    server.stop();
  }
}

main().catch(reportAbort('bench:http'));
