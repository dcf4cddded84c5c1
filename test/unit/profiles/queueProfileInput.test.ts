/**
 * A profile with a queue target as a run's input: the queue given by URL, ARN or a key of queues;
 * the queue section and delivery.outputQueue become the run's inputs, named as the profile writes them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProfile } from '../../../src/profiles/profile.js';
import { profileInput } from '../../../src/profiles/profileInput.js';

describe('queue profile fields to a run\'s input', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-queue-input-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a key of queues is the target (its URL from the resolver; sqs: before a URL that does not read as a queue); the queue section and outputQueue become the inputs, named as the profile writes them', async () => {
    // Prepare
    const file = join(dir, 'q.yaml');
    await writeFile(
      file,
      [
        'target: orders',
        'queues: {orders: orders-queue, out: https://sqs.eu-west-1.amazonaws.com/123456789012/out, dlq: orders-dlq}',
        'load: {rate: 5, requests: 2}',
        'queue: {delay: 5s, attributes: {tenant: acme, trace: "${LAMBENCH_TEST_TRACE:-t1}"}, discover: false, correlationPath: null}',
        'delivery: {outputQueue: out, dlq: dlq, settle: 20s}',
      ].join('\n'),
    );
    const resolved: Record<string, string> = { 'orders-queue': 'https://queues.internal/123456789012/orders-queue', 'orders-dlq': 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq' };
    // Act
    const { input, names } = profileInput(await loadProfile(file), (queue) => resolved[queue] ?? queue, {});
    // Assess
    assert.equal(input.target, 'sqs:https://queues.internal/123456789012/orders-queue');
    assert.equal(input.types, undefined, 'no modes: the run picks the queue phase');
    assert.equal(input.delayMs, 5000);
    assert.deepEqual(input.messageAttributes, ['tenant=acme', 'trace=t1']);
    assert.equal(input.discover, false);
    assert.equal(input.correlationPath, null);
    assert.equal(input.outputQueue, 'https://sqs.eu-west-1.amazonaws.com/123456789012/out');
    assert.equal(input.dlq, 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq');
    assert.equal(input.settleMs, 20_000);
    assert.deepEqual(
      (['messageGroupId', 'contentDedup', 'delayMs', 'messageAttributes', 'discover', 'correlationPath', 'outputQueue'] as const).map((field) => names.of(field)),
      ['queue.messageGroupId', 'queue.contentDedup', 'queue.delay', 'queue.attributes', 'queue.discover', 'queue.correlationPath', 'delivery.outputQueue'],
    );
  });

  it('a queue URL on SQS\'s hosts or an ARN is a target as written', async () => {
    for (const target of ['https://sqs.eu-west-1.amazonaws.com/123456789012/orders', 'arn:aws:sqs:eu-west-1:123456789012:orders']) {
      const file = join(dir, 'direct.yaml');
      await writeFile(file, `target: ${target}\nload: {rate: 5, requests: 2}\n`);
      assert.equal(profileInput(await loadProfile(file), (queue) => queue, {}).input.target, target);
    }
  });
});

describe('a profile\'s logs field', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-logs-input-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('true and false reach the run as --logs and --no-logs do, named logs; absent stays absent (the logs then serve only where destinations leave outcomes unread)', async () => {
    for (const [line, expected] of [['logs: true', true], ['logs: false', false], ['', undefined]] as const) {
      const file = join(dir, `p${String(expected)}.yaml`);
      await writeFile(file, ['target: square', 'modes: [async]', 'load: {concurrency: 1, requests: 1}', 'delivery: {settle: 5s}', line].join('\n'));
      const { input, names } = profileInput(await loadProfile(file), (queue) => queue, {});
      assert.equal(input.logs, expected, line);
      assert.equal(names.of('logs'), 'logs');
    }
  });
});
