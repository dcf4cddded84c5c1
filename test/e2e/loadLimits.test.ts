/**
 * Usage problems of a load, said in terms of what was given: a shard with no calls does not blame
 * a `--workers` nobody gave; a load above the process's open-file limit is refused up front (exit 2,
 * with how to raise the limit) instead of failing its calls with EMFILE as the network's fault; and
 * an EMFILE that happens anyway is said to be the client's limit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { judge } from '../../src/run/verdict.js';
import { LambenchError } from '../../src/errors.js';
import { connectionsAllowed, descriptorProblem, descriptorRoom, SPARE_DESCRIPTORS } from '../../src/load/fileDescriptors.js';
import { buildRunConfig } from '../../src/run/runConfig.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { phaseReport } from '../../src/run/phaseReport.js';
import { REPO_ROOT } from '../support/helpers.js';

async function usageMessage(options: Parameters<typeof buildRunConfig>[0]): Promise<string> {
  try {
    await buildRunConfig(options);
  } catch (error) {
    assert.ok(error instanceof LambenchError);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail('the run was accepted');
}

/** `lambench …` under `ulimit -n <limit>`: stdout, stderr, exit code. */
function underFileLimit(limit: number, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, join(REPO_ROOT, 'bin', 'lambench.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stderr });
    });
  });
}

describe('load problems named by what was given', () => {
  it('--shard 4/4 -c 3 says the shard gets no calls, and does not blame --workers, which was not given', async () => {
    const message = await usageMessage({ target: 'http://127.0.0.1:1/', concurrency: 3, durationMs: 1000, shard: { index: 4, of: 4 } });
    assert.equal(message, '--shard 4/4: some shards get no calls in flight from --concurrency 3: give at least 4, one per shard');
  });

  it('--workers given and short of calls is still said, with the shard\'s part', async () => {
    assert.equal(await usageMessage({ target: 'http://127.0.0.1:1/', concurrency: 3, durationMs: 1000, workers: 4 }), '--workers 4 needs at least one call in flight per thread: --concurrency 4 or more');
    assert.equal(
      await usageMessage({ target: 'http://127.0.0.1:1/', concurrency: 3, durationMs: 1000, workers: 2, shard: { index: 2, of: 2 } }),
      '--workers 2 needs at least one call in flight per thread (--shard 2/2 leaves this shard 1 of --concurrency 3): --concurrency 4 or more',
    );
  });
});

describe('the open-file limit', () => {
  it('is read on Linux, and a load is measured against it with spares kept', async () => {
    const room = await descriptorRoom();
    if (process.platform === 'linux') assert.ok(room && room.limit > 0 && room.open > 0, JSON.stringify(room));
    const small = { limit: 256, open: 20 };
    assert.equal(connectionsAllowed(small), 256 - 20 - SPARE_DESCRIPTORS);
    assert.equal(descriptorProblem(connectionsAllowed(small), '--concurrency 172', small), undefined);
    assert.equal(
      descriptorProblem(500, '--concurrency 500', small),
      '--concurrency 500 needs about 584 open files (one per connection) but this process may open 256 (ulimit -n): raise it first, e.g. `ulimit -n 1024` in this shell, or ask for at most 172 in flight',
    );
    assert.equal(descriptorProblem(100_000, '--concurrency 100000', undefined), undefined, 'unreadable: not checked');
  });

  it('bench -c 500 under ulimit -n 256 is a usage error before anything is sent; -r with the default cap stays within it', { skip: process.platform !== 'linux' }, async () => {
    const closed = await underFileLimit(256, ['bench', 'http://127.0.0.1:1/', '-c', '500', '-d', '1s']);
    assert.equal(closed.code, 2, closed.stderr);
    assert.match(closed.stderr, /^lambench: --concurrency 500 needs about \d+ open files \(one per connection\) but this process may open 256 \(ulimit -n\): raise it first, e\.g\. `ulimit -n 1024` in this shell, or ask for at most \d+ in flight\n$/);
    const open = await underFileLimit(256, ['bench', 'http://127.0.0.1:1/', '-r', '1000', '--max-in-flight', '400', '-d', '1s']);
    assert.equal(open.code, 2, open.stderr);
    assert.match(open.stderr, /^lambench: --max-in-flight 400 needs about/);
    const capped = await underFileLimit(256, ['bench', 'http://127.0.0.1:1/', '-r', '200', '-n', '10']);
    assert.equal(capped.code, 3, `the default cap of 400 in flight was brought within the limit: the run went ahead (and found nothing listening): ${capped.stderr}`);
  });

  it('an EMFILE that happens anyway is said to be the client\'s limit, in the report and in the verdict', async () => {
    const recorder = new Recorder();
    for (let i = 0; i < 3; i += 1) recorder.record({ class: 'networkError', sentAt: 0, serviceTimeMs: 0, endedAt: 0, attempts: 0, errorType: 'EMFILE', errorMessage: 'connect EMFILE 127.0.0.1:8080 - Local (undefined:undefined)' });
    const phase = phaseReport({ config: { name: 'sync', invocationType: 'RequestResponse', load: { kind: 'closed', concurrency: 3 } }, recorder, startedAt: 0, elapsedMs: 1000, started: 3, sentLate: 0 });
    assert.equal(phase.errors![0]!.type, 'EMFILE');
    assert.match(phase.errors![0]!.example, /^the client's own open-file limit \(ulimit -n\) was reached, not the target's fault: raise it, or lower --concurrency \/ --max-in-flight \(connect EMFILE/);
    await assert.rejects(
      judge({ schemaVersion: 1, tool: { name: 'lambench', version: 'test' }, startedAt: '', target: 'x', phases: [phase], thresholds: [], interrupted: false }),
      { exitCode: 3, message: /^no call of the sync phase could open a connection: the client's own open-file limit \(ulimit -n\) was reached/ },
    );
  });
});
