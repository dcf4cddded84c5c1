/**
 * `lambench demo` as a new user runs it: every step shown in order, the poll-based step's messages
 * reconciled exactly (sent = processed + dead-lettered + still in the queue), the main job's report
 * written, exit 0.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runLambench } from '../support/helpers.js';

describe('lambench demo', () => {
  it('shows the seven steps, the queue step reconciled (60 sent = 54 processed + 6 dead-lettered + 0), and writes the main job\'s report', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-demo-'));
    try {
      // Act
      const result = await runLambench(['demo', '--out-dir', dir], { timeoutMs: 110_000 });
      // Assess
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      const steps = [...result.stdout.matchAll(/^── (\d)\. ([^:(]+)/gm)].map((match) => `${match[1]}. ${match[2]!.trim()}`);
      assert.deepEqual(steps, ['1. synchronous', '2. asynchronous', '3. an async event that fails', '4. dry run', '5. async through API Gateway', '6. poll-based', '7. the main job']);
      // The queue step: the orders profile at 20/s for 3 s, orders 0, 10 … 50 failing on purpose.
      const queueStep = result.stdout.slice(result.stdout.indexOf('── 6.'), result.stdout.indexOf('── 7.'));
      assert.match(queueStep, /^\$ lambench run profiles\/orders-queue\.yaml$/m);
      assert.match(queueStep, /^read by +orders \(Enabled, batch 10, ≤5 at once\)$/m);
      assert.match(queueStep, /^processed +54\/60$/m);
      assert.match(queueStep, /^dead-lettered +6$/m);
      assert.match(queueStep, /^still in the queue +0$/m);
      assert.match(queueStep, /queue: sent 60 = processed 54 \+ dead-lettered 6 \+ in the queue 0/);
      assert.match(queueStep, /✔ delivered>=85% \(queue: 90\.00%\)/);
      assert.match(result.stdout, /^Through SQS, 60 messages sent = 54 processed by orders \+ 6 dead-lettered \(the orders that fail on purpose\) \+ 0 still in the queue\.$/m);
      // The main job's report is the sync-vs-async profile's, not the queue's.
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      assert.deepEqual(report.phases.map((phase: { name: string }) => phase.name), ['sync', 'async']);
      assert.equal(report.config.profile, 'profiles/square-sync-vs-async.yaml');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
