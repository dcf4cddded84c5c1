/**
 * `lambench local --fault` and `--functions` as a user runs them: faults from flags and the config
 * file (per function and per front) listed in --json, the human output and at Ctrl-C; bad faults
 * refused in one line with exit 2; modules whose names Lambda does not allow skipped, and said so.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runLambench, startLocalProcess } from '../support/helpers.js';

describe('lambench local --fault and --functions, as a user runs them', () => {
  it('lists the faults (flags and --config, per function and per front) in --json, and says which modules it skipped and why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-faults-cli-'));
    try {
      await writeFile(join(dir, 'my.handler.js'), 'export const handler = async () => 1;\n');
      await writeFile(join(dir, 'good_one.mjs'), 'export const handler = async () => 2;\n');
      const config = join(dir, 'config.json');
      await writeFile(config, JSON.stringify({ faults: ['sqs:hang 1s..2s'], square: { maximumRetryAttempts: 0, faults: ['error p=0.5', 'api:latency 10ms'] } }));
      const local = startLocalProcess(['--json', '--quiet', '--functions', dir, '--config', config, '--fault', 'lambda:throttle p=10%']);
      try {
        const info = JSON.parse(await local.firstLine);
        assert.deepEqual(info.faults, ['sqs:hang 1s..2s', 'lambda:square:error p=0.5', 'api:square:latency 10ms', 'lambda:throttle p=0.1']);
        assert.equal(info.functionConfig.square.maximumRetryAttempts, 0);
        assert.deepEqual(info.functions, ['flaky', 'orders', 'sleep', 'square', 'good_one']);
        assert.deepEqual(info.skippedFiles, [
          { file: join(dir, 'my.handler.js'), reason: "'my.handler' is not a Lambda function name (1-64 letters, digits, - and _): rename the file, e.g. my-handler.js" },
        ]);
        assert.match(local.output().stderr, /^lambench local: skipped .*my\.handler\.js: 'my\.handler' is not a Lambda function name/m);
      } finally {
        local.child.kill('SIGINT');
      }
      assert.equal(await local.exited, 0);
      assert.match(local.output().stderr, /lambench local: faults fired: sqs:hang 1s\.\.2s ×0, lambda:square:error p=0\.5 ×0, api:square:latency 10ms ×0, lambda:throttle p=0\.1 ×0\n/);

      const human = startLocalProcess(['--quiet', '--fault', 'api:status 503 p=0.5']);
      try {
        await human.firstLine;
        for (let round = 0; round < 100 && !human.output().stdout.includes('Ctrl-C'); round += 1) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.match(human.output().stdout, /\n {2}faults\n {4}api:status 503 p=0\.5\n/);
      } finally {
        human.child.kill('SIGINT');
      }
      assert.equal(await human.exited, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a bad fault is one line naming it and the fix, exit 2, nothing started', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-faults-bad-'));
    try {
      const config = join(dir, 'config.json');
      await writeFile(config, JSON.stringify({ faults: ['sqs:reset'] }));
      const badList = join(dir, 'bad-list.json');
      await writeFile(badList, JSON.stringify({ square: { faults: 'error' } }));
      const cases: [string[], RegExp][] = [
        [['--fault', 'lambda:square:eror'], /^lambench: --fault 'lambda:square:eror': kind 'eror' is not one of lambda's: latency, error, throttle, status, reset, hang, deny\n$/],
        [['--fault', 'sqs:refuse 5s..3s'], /^lambench: --fault 'sqs:refuse 5s\.\.3s': '5s\.\.3s' is not a window from an earlier to a later time/],
        [['--fault', 'lambda:nosuch:error'], /^lambench: fault 'lambda:nosuch:error': no function named 'nosuch' \(the functions are flaky, orders, sleep, square\)\n$/],
        [['--config', config], /^lambench: --config .*config\.json: fault 'sqs:reset': kind 'reset' is not one of sqs's/],
        [['--config', badList], /^lambench: --config .*bad-list\.json: square\.faults must be a list of faults as --fault writes them/],
      ];
      for (const [args, pattern] of cases) {
        const result = await runLambench(['local', ...args]);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, pattern);
        assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
        assert.equal(result.stdout, '');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
