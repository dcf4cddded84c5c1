/**
 * `invoke --type event --wait` when SQS goes away while it waits for the completion record: the
 * call's own answer is still printed (status, request ID), the completion is said to be unknown
 * with why, and the exit is 3 (AWS could not be reached), not 1 (no record: maybe lost). Before,
 * the first failed receive ended the command with exit 3 and nothing of the call shown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLambench, startTestStack } from '../support/helpers.js';

describe('invoke --wait under an SQS outage', () => {
  for (const fault of ['sqs:refuse', 'sqs:hang']) {
    it(`${fault} after the queues were checked: the answer is printed, the completion unknown, exit 3`, { timeout: 60_000 }, async () => {
      // SQS goes away 4 s after the stack started: after the command has checked its queues, before
      // the function (which sleeps 5 s) completes.
      const stack = await startTestStack({ faults: [`${fault} 4s..`] });
      try {
        const env = { AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl, AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_REGION: stack.region };
        const args = ['invoke', 'sleep', '--type', 'event', '--payload', '{"ms": 5000}', '--wait', '--destination-queue', stack.queues['lambench-success']!, '--wait-timeout', '8s'];
        const [json, human] = await Promise.all([runLambench([...args, '--json'], { env, timeoutMs: 45_000 }), runLambench(args, { env, timeoutMs: 45_000 })]);

        assert.equal(json.code, 3, json.stderr);
        const document = JSON.parse(json.stdout) as { statusCode: number; requestId: string; completion: unknown; completionUnverified: string };
        assert.equal(document.statusCode, 202, 'the call was accepted and that is reported');
        assert.match(document.requestId, /^[0-9a-f-]{36}$/);
        assert.equal(document.completion, null);
        assert.match(document.completionUnverified, /cannot tell whether the event completed: .*lambench-success: SQS (unreachable|stopped answering) from/);
        assert.match(json.stderr, /^lambench: cannot tell whether the event completed/m);

        assert.equal(human.code, 3, human.stderr);
        assert.match(human.stdout, /202/);
        assert.match(human.stdout, /completion unknown: cannot tell whether the event completed/);
        assert.doesNotMatch(human.stdout, /no completion record arrived/);
      } finally {
        await stack.stop();
      }
    });
  }
});
