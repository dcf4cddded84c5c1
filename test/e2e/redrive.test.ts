/**
 * `lambench redrive <dlq>` against the local stack's SQS: every dead-lettered message goes back to
 * its source exactly once (body and attributes intact), sent before it is deleted; --dry-run,
 * --max and --match move what they say and leave the rest (foreign messages included) in the DLQ;
 * a queue that is no DLQ and a queue that does not exist are refused with one line and nothing moved.
 */
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { execFile, execSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { LocalStack } from '../../src/local/index.js';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../../src/correlation.js';
import { lambdaClient, runLambench, sqsClient, startTestStack } from '../support/helpers.js';

/** Polls `check` every 200 ms until it holds, at most `timeoutMs` (then fails, naming `what`). */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < 1_000 && Date.now() < deadline; round++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

const run = promisify(execFile);

describe('redrive: dead-lettered messages back to their source, sent first, deleted after', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  let env: Record<string, string>;
  let pairs = 0;

  before(async () => {
    stack = await startTestStack();
    sqs = sqsClient(stack);
    env = { AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_REGION: stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(async () => {
    sqs.destroy();
    await stack.stop();
  });

  /** A source queue whose RedrivePolicy names a fresh DLQ (maxReceiveCount 1). */
  async function sourceAndDlq(): Promise<{ source: string; dlq: string; dlqArn: string }> {
    const n = ++pairs;
    const { QueueUrl: dlq } = await sqs.send(new CreateQueueCommand({ QueueName: `redrive-dlq-${n}` }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const { QueueUrl: source } = await sqs.send(
      new CreateQueueCommand({ QueueName: `redrive-src-${n}`, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }),
    );
    return { source: source!, dlq: dlq!, dlqArn };
  }

  const send = (queueUrl: string, body: string, id?: string) =>
    sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...(id && { MessageAttributes: { [QUEUE_CORRELATION_ATTRIBUTE]: { DataType: 'String', StringValue: id } } }) }));

  async function depth(queueUrl: string): Promise<number> {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
  }

  /** Everything in a queue, deleted as read (bounded: 50 receives). */
  async function drain(queueUrl: string): Promise<{ body: string; id?: string }[]> {
    const seen: { body: string; id?: string }[] = [];
    for (let round = 0, empty = 0; round < 50 && empty < 2; round++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
      empty = Messages.length === 0 ? empty + 1 : 0;
      for (const message of Messages) {
        const id = message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue;
        seen.push({ body: message.Body!, ...(id && { id }) });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
    return seen;
  }

  it('moves every message once, really dead-lettered by receives, with body and attributes; the DLQ is empty after', async () => {
    const { source, dlq } = await sourceAndDlq();
    for (let i = 0; i < 25; i++) await send(source, JSON.stringify({ n: i }), `id-${i}`);
    // Dead-letter them the way SQS does: one receive each (maxReceiveCount 1), then the next receive moves them.
    for (let round = 0; round < 20 && (await depth(dlq)) < 25; round++) {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    }
    assert.equal(await depth(dlq), 25, 'the redrive policy moved all 25 to the DLQ');
    assert.equal(await depth(source), 0);

    const result = await runLambench(['redrive', dlq, '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const moved = lines.filter((line) => line.type === 'moved');
    assert.equal(moved.length, 25);
    assert.equal(new Set(moved.map((line) => line.messageId)).size, 25, 'each message moved once');
    assert.ok(moved.every((line) => line.to === source && line.receiveCount >= 2), 'each went to its source, having been received at least maxReceiveCount + 1 times');
    const summary = lines.at(-1);
    assert.deepEqual([summary.type, summary.examined, summary.moved, summary.notMatched], ['summary', 25, 25, 0]);

    assert.equal(await depth(dlq), 0, 'deleted from the DLQ');
    const back = await drain(source);
    assert.equal(back.length, 25, 'exactly once at the source');
    assert.deepEqual(back.map((message) => message.id).sort(), Array.from({ length: 25 }, (_, i) => `id-${i}`).sort(), 'correlation attribute kept');
    assert.deepEqual(new Set(back.map((message) => JSON.parse(message.body).n)), new Set(Array.from({ length: 25 }, (_, i) => i)), 'bodies kept');
  });

  it('--dry-run lists what would move and moves nothing; --max moves that many; --match leaves foreign messages in the DLQ', async () => {
    const { source, dlq, dlqArn } = await sourceAndDlq();
    for (let i = 0; i < 6; i++) await send(dlq, `ours-${i}`, `ours-${i}`);
    for (let i = 0; i < 4; i++) await send(dlq, `foreign-${i}`, `foreign-${i}`);

    const dry = await runLambench(['redrive', dlqArn, '--dry-run'], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout.trim().split('\n').filter((line) => line.startsWith('would move')).length, 10);
    assert.match(dry.stderr, /10 examined; 10 would move \(dry run: nothing sent, nothing deleted\)/);
    assert.equal(await depth(dlq), 10, 'a dry run moves nothing');
    assert.equal(await depth(source), 0);

    const limited = await runLambench(['redrive', dlq, '--max', '2', '--match', 'ours-0,ours-1,ours-2,ours-3,ours-4,ours-5'], { env });
    assert.equal(limited.code, 0, limited.stderr);
    assert.match(limited.stderr, /2 moved/);
    assert.equal(await depth(source), 2);
    assert.equal(await depth(dlq), 8, 'the rest is visible again in the DLQ');

    const rest = await runLambench(['redrive', dlq, '--match', 'ours-0,ours-1,ours-2,ours-3,ours-4,ours-5'], { env });
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stderr, /8 examined; 4 moved.*4 not matching --match, left in the DLQ/);
    assert.equal(await depth(source), 6);
    const left = await drain(dlq);
    assert.deepEqual(left.map((message) => message.body).sort(), ['foreign-0', 'foreign-1', 'foreign-2', 'foreign-3'], 'foreign messages never moved or deleted');
  });

  it('refuses a queue that is no DLQ (exit 2) and a queue that does not exist (exit 3, as any target not found): one line, nothing moved', async () => {
    const { source } = await sourceAndDlq();
    await send(source, 'stays');
    const notDlq = await runLambench(['redrive', source], { env });
    assert.equal(notDlq.code, 2);
    assert.match(notDlq.stderr, /^lambench: .*is no dead-letter queue: no queue's RedrivePolicy names it \(give --to QUEUE to move its messages anyway\)\n$/);
    assert.equal(await depth(source), 1);

    const missing = await runLambench(['redrive', `${stack.sqsUrl}/000000000000/no-such-queue`], { env });
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /^lambench: DLQ .*no-such-queue: no such queue/);
    assert.equal(missing.stderr.split('\n').length, 2, 'one line');

    const badMatch = await runLambench(['redrive', source, '--match', ''], { env });
    assert.equal(badMatch.code, 2);
  });

  it('the second pass processes them: dead-lettered by a failing function, redriven once the mapping calls a fixed one, each processed exactly once', async () => {
    const lambda = lambdaClient(stack);
    const { source, dlq } = await sourceAndDlq();
    const sourceArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    // Over orders' 1 s timeout, so a batch is never received twice while it runs (AWS's advice is 6 ×).
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: source, Attributes: { VisibilityTimeout: '3' } }));
    const markers = Array.from({ length: 12 }, (_, i) => `second-pass-${i}`);
    // The bug: orders fails every one of these (and reports it), so the redrive policy dead-letters them.
    const broken = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: sourceArn, FunctionName: 'orders', BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }));
    for (const marker of markers) await send(source, JSON.stringify({ fail: true, marker }), marker);
    await waitUntil('all 12 dead-lettered', async () => (await depth(dlq)) >= 12, 30_000);
    const deadLettered = await depth(dlq);
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: broken.UUID }));
    // Deleting takes a moment (its pollers finish their batches), as on AWS: gone before the fix is mapped.
    await waitUntil('the failing mapping deleted', () => lambda.send(new GetEventSourceMappingCommand({ UUID: broken.UUID })).then(() => false, () => true), 30_000);
    // The fix: the mapping now calls echo, which succeeds and leaves a trace of each record it saw.
    const calls = ((globalThis as { lambenchTestCalls?: { event: { Records?: { body: string }[] } }[] }).lambenchTestCalls ??= []);
    const seen = () => calls.flatMap((call) => call.event.Records ?? []).map((record) => JSON.parse(record.body).marker as string).filter((marker) => markers.includes(marker));
    const fixed = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: sourceArn, FunctionName: 'echo', BatchSize: 10 }));
    try {
      const result = await runLambench(['redrive', dlq], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`${deadLettered} examined; ${deadLettered} moved`));
      await waitUntil('each redriven message processed', async () => seen().length >= deadLettered && (await depth(source)) === 0, 30_000).catch(async (error) => {
        throw new Error(`${error.message}: seen ${seen().length}, calls ${calls.length}, source ${await depth(source)}, dlq ${await depth(dlq)}, ${JSON.stringify(calls.slice(-1)).slice(0, 300)}`);
      });
      assert.equal(seen().length, deadLettered, 'each message moved back processed exactly once on the second pass');
      assert.deepEqual([...new Set(seen())].sort(), [...markers].sort(), 'every order that failed was processed');
      assert.equal(await depth(dlq), 0);
    } finally {
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID: fixed.UUID }));
      lambda.destroy();
    }
  });

  it('the AWS CLI sees the DLQ\'s sources through the local stack (ListDeadLetterSourceQueues)', { skip: !hasAwsCli() && 'no aws CLI installed' }, async () => {
    const { source, dlq } = await sourceAndDlq();
    const { stdout } = await run('aws', ['sqs', 'list-dead-letter-source-queues', '--queue-url', dlq, '--endpoint-url', stack.sqsUrl, '--output', 'json'], { env: { ...process.env, ...env, AWS_DEFAULT_REGION: stack.region }, timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout).queueUrls, [source]);
  });
});

function hasAwsCli(): boolean {
  try {
    execSync('aws --version', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
