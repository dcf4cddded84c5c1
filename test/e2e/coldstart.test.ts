/**
 * `lambench coldstart` against the local stack, whose UpdateFunctionConfiguration retires the warm
 * environments as Lambda does: every forced call is cold (an Init Duration), the warm ones are not,
 * and the function's environment is what it was afterwards, also after Ctrl-C mid-run (read back).
 */
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runLambench, useTestStack } from '../support/helpers.js';

describe('coldstart: cold starts on demand, the configuration put back', { timeout: 180_000 }, () => {
  const local = useTestStack();
  let env: Record<string, string>;
  const ORIGINAL = { TEAM: 'payments', MODE: 'test' };
  before(async () => {
    env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    await local.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'square', Environment: { Variables: ORIGINAL } }));
    for (let round = 0; round < 100; round += 1) {
      if ((await local.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }))).LastUpdateStatus === 'Successful') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  const variables = async () => (await local.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'square' }))).Environment?.Variables;
  const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('-n 5: five cold calls each with an init duration, five warm ones without; the environment as it was', async () => {
    const run = await runLambench(['coldstart', 'square', '-n', '5', '-p', '{"number":4}', '--json'], { env, timeoutMs: 120_000 });
    assert.equal(run.code, 0, run.stderr);
    const events = lines(run.stdout);
    const summary = events.pop()!;
    const cold = events.filter((event) => event.kind === 'cold');
    const warm = events.filter((event) => event.kind === 'warm');
    assert.equal(cold.length, 5);
    assert.equal(warm.length, 5);
    assert.ok(cold.every((call) => typeof call.initDurationMs === 'number'), JSON.stringify(cold));
    assert.ok(warm.every((call) => call.initDurationMs === undefined), JSON.stringify(warm));
    assert.equal((summary.initDurationUs as { count: number }).count, 5);
    assert.equal(summary.notCold, 0);
    assert.equal(summary.restored, true);
    assert.deepEqual(await variables(), ORIGINAL);
  });

  it('Ctrl-C mid-run, once the configuration was changed: exit 130, the environment put back (read back)', async () => {
    // Interrupted once the function shows lambench's variable: the change is under way, the restore must follow.
    let changed = false;
    const watch = setInterval(() => void variables().then((now) => (changed ||= now?.LAMBENCH_COLDSTART !== undefined)), 50);
    try {
      const run = await runLambench(['coldstart', 'square', '-n', '50', '--json'], { env, timeoutMs: 120_000, interruptWhen: () => changed });
      assert.equal(run.code, 130, run.stderr);
      assert.ok(changed, 'the run was interrupted after it changed the configuration');
    } finally {
      clearInterval(watch);
    }
    assert.deepEqual(await variables(), ORIGINAL);
  });

  it('refusals: a version (immutable) and a function that does not exist, nothing changed', async () => {
    const version = await runLambench(['coldstart', 'square:1', '-n', '1'], { env });
    assert.equal(version.code, 2, version.stderr);
    assert.match(version.stderr, /a published version's configuration cannot be changed/);
    const missing = await runLambench(['coldstart', 'nope', '-n', '1'], { env });
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /function nope not found/);
    assert.deepEqual(await variables(), ORIGINAL);
  });
});
