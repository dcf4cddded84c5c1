/**
 * Ctrl-C during `poll`, counted as in `bench`: the first stops reading, a second one while the held
 * messages are handed back no longer kills the process (Node's default once `process.once` had
 * fired), so the summary is still written; SIGTERM is heard too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lambenchEnv, REPO_ROOT, sqsClient, startTestStack } from '../support/helpers.js';
import { destinationRecord, sendBodies } from '../support/queues.js';

describe('poll under repeated interrupts', () => {
  it('a second Ctrl-C while poll hands messages back: the summary is still written, exit 0 (--follow ends by Ctrl-C)', { timeout: 60_000 }, async () => {
    // Every SQS call takes 1.5 s longer: the hand-back at the end is slow enough for a second signal to land in it.
    const stack = await startTestStack({ faults: ['sqs:latency 1500ms'] });
    const sqs = sqsClient(stack);
    try {
      const queueUrl = stack.queues['lambench-success']!;
      await sendBodies(sqs, queueUrl, Array.from({ length: 5 }, (_, index) => destinationRecord(`r-${index}`, { requestPayload: { n: index } })));
      const env = lambenchEnv({ AWS_ENDPOINT_URL_SQS: stack.sqsUrl, AWS_REGION: stack.region });
      const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'lambench.js'), 'poll', queueUrl, '--follow'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let interrupted = false;
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          // Once records are printed: Ctrl-C, and a second one 300 ms later, while poll closes.
          if (!interrupted && (stdout.match(/r-\d/g) ?? []).length >= 5) {
            interrupted = true;
            child.kill('SIGINT');
            setTimeout(() => child.kill('SIGINT'), 300);
          }
        });
        child.stderr.on('data', (chunk) => (stderr += chunk));
        const kill = setTimeout(() => child.kill('SIGKILL'), 45_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(kill);
          resolve({ code, signal, stdout, stderr });
        });
      });
      assert.equal(result.signal, null, `not killed by the second signal: ${result.stderr}`);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /second interrupt: the messages still held are being handed back/);
      assert.match(result.stderr, /5 records written to stdout, all left in the queue/);
    } finally {
      sqs.destroy();
      await stack.stop();
    }
  });
});
