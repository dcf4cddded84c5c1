/**
 * Sending to a queue under load: `lambench bench <queue>` against a plain `@aws-sdk/client-sqs`
 * loop of SendMessageBatch (ten a batch, the same messages in flight), both on the same local SQS
 * (the built-in stack's, in its own process), alternating (lambench, SDK, SDK, lambench). The figure
 * is messages SQS accepted per second. lambench's closed loop runs 10 × BATCHES calls in flight, so
 * both keep BATCHES batch requests of ten out at a time. lambench's messages each carry a
 * correlation attribute and ID the peer's do not; lambench sends on its direct signed path
 * (targets/queue/directSqsSender.ts), as every load test does unless `--sdk`.
 *
 * Usage: npm run bench:queue [-- SECONDS]   Target: ratio >= 0.9.
 */
import { spawn } from 'node:child_process';
import { LAMBENCH, mean, reportAbort, runNode } from './support.js';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const BATCHES = 8;

/** The peer: one client, BATCHES loops each sending a batch of ten back to back. */
const SDK_LOOP = `
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
const [endpoint, queueUrl, seconds, batches] = process.argv.slice(1);
const client = new SQSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: Number(batches) } } });
const body = JSON.stringify({ order: 42, items: ['a', 'b'] });
const end = performance.now() + Number(seconds) * 1000;
let ok = 0, failed = 0;
const start = performance.now();
await Promise.all(Array.from({ length: Number(batches) }, async () => {
  while (performance.now() < end) {
    try {
      const answer = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body })) }));
      ok += answer.Successful?.length ?? 0; failed += answer.Failed?.length ?? 0;
    } catch { failed += 10; }
  }
}));
console.log(JSON.stringify({ ok, failed, seconds: (performance.now() - start) / 1000 }));
client.destroy();
`;

const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' };
const run = (args: string[]) => runNode(args, { env, timeoutMs: (SECONDS + 60) * 1000 });

async function lambench(sqsUrl: string, queueUrl: string): Promise<number> {
  const report = JSON.parse(
    await run([LAMBENCH, 'bench', queueUrl, '--endpoint-url', sqsUrl, '--no-discover', '-c', String(BATCHES * 10), '-d', `${SECONDS}s`, '-p', '{"order":42,"items":["a","b"]}', '--json']),
  );
  const phase = report.phases[0];
  if (phase.outcomes.ok !== phase.requests) throw new Error(`lambench saw failures: ${JSON.stringify(phase.outcomes)}`);
  return phase.throughputPerSecond;
}

async function sdkLoop(sqsUrl: string, queueUrl: string): Promise<number> {
  const result = JSON.parse(await run(['--input-type=module', '-e', SDK_LOOP, sqsUrl, queueUrl, String(SECONDS), String(BATCHES)]));
  if (result.failed > 0) throw new Error(`the SDK loop saw ${result.failed} failures`);
  return result.ok / result.seconds;
}

async function main(): Promise<void> {
  // The local stack in its own process, with a queue no mapping reads (messages pile up; that is fine for sending).
  // A fresh queue for each run: the emulator slows as a queue fills, and no run should pay for the ones before it.
  const stack = spawn(process.execPath, [LAMBENCH, 'local', '--json', '--quiet', ...[1, 2, 3, 4].flatMap((n) => ['--queue', `bench-queue-${n}`])], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      stack.once('exit', (code) => reject(new Error(`lambench local exited (${code}) before listening`)));
      stack.stdout.on('data', (chunk: Buffer) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
      });
    });
    const endpoints = JSON.parse(line) as { sqs: string; queues: Record<string, string> };
    const results: Record<'lambench' | 'sdk', number[]> = { lambench: [], sdk: [] };
    for (const [index, tool] of (['lambench', 'sdk', 'sdk', 'lambench'] as const).entries()) {
      const queueUrl = endpoints.queues[`bench-queue-${index + 1}`]!;
      const rate = tool === 'lambench' ? await lambench(endpoints.sqs, queueUrl) : await sdkLoop(endpoints.sqs, queueUrl);
      results[tool].push(rate);
      console.log(`${tool === 'lambench' ? 'lambench' : 'SDK loop'}  ${rate.toFixed(0).padStart(7)} messages/s`);
    }
    const ratio = mean(results.lambench) / mean(results.sdk);
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, messages sent per second: lambench bench <queue> vs a plain SendMessageBatch loop, ${BATCHES} batches of 10 in flight, ${SECONDS} s each)`);
  } finally {
    stack.kill('SIGINT');
  }
}

main().catch(reportAbort('bench:queue'));
