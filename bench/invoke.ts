/**
 * The Invoke API path under load: `lambench bench` against a plain `@aws-sdk/client-lambda` loop
 * (`maxAttempts: 1`, the same 50 calls in flight), both on the same stub Invoke API, alternating
 * (lambench, SDK, SDK, lambench). The stub runs in its own process and so does each client; the
 * figure is completed calls per second.
 *
 * Usage: npm run bench:invoke [-- SECONDS]   Target: ratio >= 4.
 */
import { INVOKE_STUB, LAMBENCH, mean, reportAbort, runNode, startServer } from './support.js';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 50;

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

const run = (args: string[]) =>
  runNode(args, { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' }, timeoutMs: (SECONDS + 60) * 1000 });

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
  const stub = await startServer(INVOKE_STUB);
  try {
    const endpoint = stub.origin;
    const results: Record<'lambench' | 'sdk', number[]> = { lambench: [], sdk: [] };
    for (const tool of ['lambench', 'sdk', 'sdk', 'lambench'] as const) {
      const rate = tool === 'lambench' ? await lambench(endpoint) : await sdkLoop(endpoint);
      results[tool].push(rate);
      console.log(`${tool === 'lambench' ? 'lambench' : 'SDK loop'}  ${rate.toFixed(0).padStart(7)} calls/s`);
    }
    const ratio = mean(results.lambench) / mean(results.sdk);
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, Invoke API calls per second: lambench bench vs a plain SDK loop, ${CONCURRENCY} in flight, ${SECONDS} s each)`);
  } finally {
    stub.stop();
  }
}

main().catch(reportAbort('bench:invoke'));
