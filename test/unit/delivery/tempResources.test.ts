/**
 * A run's temporary resources: named lambench-<run id>-<purpose> (a pattern the local stack's
 * lambench-success never matches), removed last-made first, and one that cannot be removed said
 * with the command that removes it by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRunId, resourceName, runIdOf, runStartedAt } from '../../../src/delivery/runId.js';
import { TempResources } from '../../../src/delivery/tempResources.js';
import { createTapQueue } from '../../../src/delivery/tapQueue.js';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { sqsClient, useTestStack } from '../../support/helpers.js';

describe('run IDs and temporary resources', () => {
  it('a run ID is the UTC minute and four characters; names carry it and stay within 64 characters', () => {
    const runId = newRunId(new Date('2026-12-02T13:05:42Z'));
    assert.match(runId, /^20261202t1305-[a-z0-9]{4}$/);
    assert.equal(runStartedAt(runId)?.toISOString(), '2026-12-02T13:05:00.000Z');
    const name = resourceName(runId, `failure-sns-${'x'.repeat(100)}`);
    assert.equal(name.length, 64);
    assert.equal(runIdOf(name), runId);
    for (const other of ['lambench-success', 'lambench-orders-dlq', 'lambench-2026-x', 'my-lambench-20261202t1305-abcd-q']) assert.equal(runIdOf(other), undefined, other);
  });

  it('removes in reverse order, once, and says how to remove by hand what it could not', async () => {
    const resources = new TempResources();
    const removed: string[] = [];
    resources.add('queue q', 'aws sqs delete-queue --queue-url URL', async () => void removed.push('queue'));
    resources.add('subscription s', 'aws sns unsubscribe --subscription-arn ARN', async () => {
      throw new Error('AuthorizationError');
    });
    resources.add('rule r', 'aws events delete-rule --name r', async () => void removed.push('rule'));
    const warnings: string[] = [];
    const failures = await resources.removeAll((line) => warnings.push(line));
    assert.deepEqual(removed, ['rule', 'queue']);
    assert.deepEqual(failures, ['could not remove subscription s (AuthorizationError): remove it with: aws sns unsubscribe --subscription-arn ARN']);
    assert.deepEqual(warnings, failures);
    assert.deepEqual(await resources.removeAll(() => {}), failures, 'a second call removes nothing more');
    assert.deepEqual(removed, ['rule', 'queue']);
  });
});

describe('a tap whose create answer was lost is removed all the same', () => {
  const local = useTestStack();

  it('CreateQueue made the queue but the client never heard: removeAll finds it by name and deletes it; a queue never made is nothing to remove', async () => {
    const sqs = sqsClient(local.stack);
    try {
      const name = resourceName(newRunId(), 'lost-answer');
      let lose = true;
      // The answer arrives, then the client throws as if it had timed out.
      sqs.middlewareStack.add(
        (next, context) => async (args) => {
          const answer = await next(args);
          if (lose && context.commandName === 'CreateQueueCommand') throw new Error('TimeoutError: no answer in time');
          return answer;
        },
        { step: 'deserialize', name: 'loseCreateAnswer' },
      );
      const resources = new TempResources();
      await assert.rejects(createTapQueue(sqs, resources, name), /TimeoutError/);
      lose = false;
      const { QueueUrls: made = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
      assert.equal(made.length, 1, 'the queue exists, made by the call whose answer was lost');
      assert.deepEqual(await resources.removeAll(() => {}), []);
      const { QueueUrls: left = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
      assert.deepEqual(left, []);
      // Refused before it was made: its removal finds no such queue, and that is no failure.
      const never = new TempResources();
      const refusing = sqsClient(local.stack);
      refusing.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'CreateQueueCommand') throw new Error('AccessDenied');
          return next(args);
        },
        { step: 'initialize', name: 'refuseCreate' },
      );
      await assert.rejects(createTapQueue(refusing, never, resourceName(newRunId(), 'never-made')), /AccessDenied/);
      assert.deepEqual(await never.removeAll(() => {}), []);
      refusing.destroy();
    } finally {
      sqs.destroy();
    }
  });
});
