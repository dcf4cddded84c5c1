/**
 * Ctrl-C that comes while a finished run (or poll) is closing — its delivery tracker handing back
 * the messages it hid — interrupts nothing: the run's report is not marked interrupted, and poll
 * exits 0. The moment is caught exactly: an HTTP proxy in front of the local stack's SQS fires the
 * interrupt when the hand-back call (ChangeMessageVisibilityBatch, made only while closing) arrives.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runBench } from '../../src/run/runBench.js';
import { listen, REPO_ROOT, useTestStack } from '../support/helpers.js';
import { destinationRecord } from '../support/queues.js';

const HAND_BACK = 'AmazonSQS.ChangeMessageVisibilityBatch';

/** Forwards every SQS call to `upstream`; `before` sees each call's X-Amz-Target first, and may hold it. */
async function startSqsProxy(upstream: string, beforeForward: (target: string) => Promise<void> | void): Promise<{ url: string; server: Server }> {
  const up = new URL(upstream);
  const server = createServer(async (incoming, answer) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    await beforeForward(String(incoming.headers['x-amz-target'] ?? ''));
    const forward = request({ host: up.hostname, port: up.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
      answer.writeHead(response.statusCode ?? 500, response.headers);
      response.pipe(answer);
    });
    forward.on('error', () => answer.destroy());
    forward.end(Buffer.concat(chunks));
  });
  return { url: await listen(server, ''), server };
}

const foreignRecord = (requestId: string) => destinationRecord(requestId, { requestPayload: {} });

describe('Ctrl-C while a finished run or poll closes', () => {
  const local = useTestStack();
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) server.close();
  });

  it('bench --verify-delivery: a Ctrl-C during the hand-back leaves the report not interrupted, its 5 events delivered', async () => {
    const queueUrl = local.stack.queues['lambench-success']!;
    // Someone else's record: the tracker hides it while reading, and hands it back when it closes.
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: foreignRecord('someone-elses') }));
    const interrupt = new AbortController();
    let handBacks = 0;
    const proxy = await startSqsProxy(local.stack.sqsUrl, (target) => {
      if (target !== HAND_BACK) return;
      handBacks += 1;
      interrupt.abort();
    });
    servers.push(proxy.server);
    process.env.AWS_ENDPOINT_URL_SQS = proxy.url;
    const report = await runBench({
      note: () => {},
      target: 'square',
      payload: '{"number": 4}',
      endpointUrl: local.stack.lambdaUrl,
      region: local.stack.region,
      types: 'async',
      concurrency: 1,
      requests: 5,
      verifyDelivery: true,
      destinationQueue: queueUrl,
      settleMs: 15_000,
      signal: interrupt.signal,
    }).finally(() => delete process.env.AWS_ENDPOINT_URL_SQS);
    assert.equal(handBacks, 1, 'the interrupt came during the hand-back, after the phase and its settle');
    assert.ok(interrupt.signal.aborted);
    const delivery = report.phases[0]!.delivery!;
    assert.equal(delivery.accepted, 5);
    assert.equal(delivery.succeeded, 5);
    assert.equal(delivery.foreignMessages, 1);
    assert.equal(report.interrupted, false, 'nothing measured was cut short');
  });

  it('poll: a Ctrl-C during the hand-back exits 0 (not 130), the record printed and left in the queue', async () => {
    const queueUrl = local.stack.queues['lambench-dlq']!;
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: foreignRecord('poll-close') }));
    let child: ReturnType<typeof spawn> | undefined;
    let handBacks = 0;
    const proxy = await startSqsProxy(local.stack.sqsUrl, async (target) => {
      if (target !== HAND_BACK) return;
      handBacks += 1;
      child?.kill('SIGINT');
      // The call is answered only after the signal has surely reached the poll (which is still closing).
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    servers.push(proxy.server);
    const env = { PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_ENDPOINT_URL_SQS: proxy.url, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'lambench.js'), 'poll', queueUrl, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child!.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child!.on('close', resolve));
    clearTimeout(timer);
    assert.equal(handBacks, 1);
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout.trim()).requestId, 'poll-close');
  });
});
