/**
 * Delivery benchmark: how fast lambench accounts for async completions, and that it accounts for
 * all of them. Through the local stack, N events (default 10,000) are sent with the Invoke API;
 * their success records land on the destination queue.
 *
 * - Capacity, alternating (lambench, peer, peer, lambench): with N records waiting in the queue,
 *   lambench's delivery tracker (decode, match, delete) against a plain drain loop with the same
 *   pollers (ReceiveMessage + DeleteMessageBatch, no decoding or matching), in records per second.
 * - Live: the tracker polls while the events are sent, as `bench --verify-delivery` will; printed:
 *   succeeded + failed + missing = accepted, and the time from the last send to the last match.
 *
 * Usage: npm run bench:delivery [-- N]   Target: >= 2,000 correlations/s, nothing unaccounted.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeliveryTracker, type SentInvocation } from '../src/delivery/deliveryTracker.js';
import { startLocalStack, type LocalStack } from '../src/local/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const N = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 10_000);
const POLLERS = 8;
const SEND_CONCURRENCY = 64;
const DEADLINE = Date.now() + 10 * 60_000;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function checkDeadline(): void {
  if (Date.now() > DEADLINE) throw new Error('time limit (10 minutes) reached');
}

/** Sends N Event invocations of `square`, `SEND_CONCURRENCY` at a time; calls onAccepted per 202. */
async function sendEvents(lambda: LambdaClient, onAccepted: (sent: SentInvocation) => void): Promise<number> {
  let next = 0;
  let lastSendAt = 0;
  const worker = async () => {
    while (next < N) {
      checkDeadline();
      const i = next++;
      const sentAt = Date.now();
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'square', InvocationType: 'Event', Payload: Buffer.from(`{"number":${i}}`) }));
      if (out.StatusCode !== 202 || !out.$metadata.requestId) throw new Error(`event ${i} not accepted: ${out.StatusCode}`);
      lastSendAt = Math.max(lastSendAt, Date.now());
      onAccepted({ requestId: out.$metadata.requestId, sentAt });
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  return lastSendAt;
}

/** Waits until the stack has written every record (its async queue is empty). */
async function waitForRecords(stack: LocalStack): Promise<void> {
  while (stack.pendingAsync() > 0) {
    checkDeadline();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function lambenchDrain(sqs: SQSClient, queueUrl: string, sent: SentInvocation[]): Promise<number> {
  const tracker = new DeliveryTracker({ sqs, queueUrls: [queueUrl], pollersPerQueue: POLLERS });
  for (const invocation of sent) tracker.expect(invocation);
  const start = performance.now();
  tracker.start();
  await tracker.settle(120_000);
  const seconds = (performance.now() - start) / 1000;
  await tracker.stop();
  const report = tracker.report();
  if (report.succeeded !== N || report.missing !== 0) throw new Error(`lambench accounted ${report.succeeded} of ${N} (missing ${report.missing})`);
  return N / seconds;
}

async function plainDrain(sqs: SQSClient, queueUrl: string): Promise<number> {
  let deleted = 0;
  let end = 0;
  const start = performance.now();
  const poller = async () => {
    while (deleted < N) {
      checkDeadline();
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30, MessageAttributeNames: ['All'] }));
      if (Messages.length === 0) continue;
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      deleted += Messages.length;
      // Timed like the tracker: up to the last record, not the pollers' last empty long poll.
      if (deleted >= N && end === 0) end = performance.now();
    }
  };
  await Promise.all(Array.from({ length: POLLERS }, poller));
  return N / ((end - start) / 1000);
}

async function main(): Promise<void> {
  const stack = await startLocalStack({});
  const lambda = new LambdaClient({ region: stack.region, endpoint: stack.lambdaUrl, credentials, maxAttempts: 1, requestHandler: { httpAgent: { keepAlive: true, maxSockets: SEND_CONCURRENCY } } });
  const sqs = new SQSClient({ region: stack.region, endpoint: stack.sqsUrl, credentials, maxAttempts: 3 });
  const queueUrl = stack.queues['lambench-success']!;
  try {
    const rates: Record<'lambench' | 'peer', number[]> = { lambench: [], peer: [] };
    for (const tool of ['lambench', 'peer', 'peer', 'lambench'] as const) {
      const sent: SentInvocation[] = [];
      await sendEvents(lambda, (invocation) => sent.push(invocation));
      await waitForRecords(stack);
      const rate = tool === 'lambench' ? await lambenchDrain(sqs, queueUrl, sent) : await plainDrain(sqs, queueUrl);
      rates[tool].push(rate);
      console.log(`${tool.padEnd(9)} drained ${N} records at ${rate.toFixed(0)}/s`);
    }

    const tracker = new DeliveryTracker({ sqs, queueUrls: [queueUrl], pollersPerQueue: POLLERS });
    tracker.start();
    const sendStart = performance.now();
    const lastSendAt = await sendEvents(lambda, (invocation) => tracker.expect(invocation));
    const sendSeconds = (performance.now() - sendStart) / 1000;
    await tracker.settle(120_000);
    const lastMatchAt = Date.now();
    await tracker.stop();
    const report = tracker.report();
    console.log(`live: sent ${N} in ${sendSeconds.toFixed(1)} s (${(N / sendSeconds).toFixed(0)}/s); accepted ${report.accepted} = succeeded ${report.succeeded} + failed ${report.failed} + missing ${report.missing}`);
    console.log(`live: last match ${lastMatchAt - lastSendAt} ms after the last send; end-to-end p50 ${(report.endToEnd!.p50 / 1000).toFixed(1)} ms, p99 ${(report.endToEnd!.p99 / 1000).toFixed(1)} ms`);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const lambenchRate = mean(rates.lambench);
    console.log(`lambench correlations/s: ${lambenchRate.toFixed(0)} (target >= 2000); unaccounted: ${report.missing}`);
    if (report.missing > 0 || report.accepted !== N) process.exitCode = 1;
    console.log(`ratio: ${(lambenchRate / mean(rates.peer)).toFixed(2)} (lambench / peer, records per second: delivery tracker vs plain receive+delete drain, ${POLLERS} pollers)`);
  } finally {
    lambda.destroy();
    sqs.destroy();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:delivery aborted: ${(error as Error).message}`);
  process.exitCode = 1;
});
