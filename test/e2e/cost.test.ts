/**
 * A run's cost estimate from the REPORT lines it read (`--log-type Tail` on the local stack): the
 * function's architecture read from its configuration (x86_64 and arm64 priced apart), every figure
 * of the estimate held to the same sums by hand, prices given on the command line, a bad price refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { runLambench, useTestStack } from '../support/helpers.js';

describe('bench: what the calls cost', { timeout: 120_000 }, () => {
  const local = useTestStack({ functionConfig: { sleep: { architecture: 'arm64', memorySize: 256 } } });
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-cost-'));
    env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function bench(args: string[], name: string) {
    const out = join(dir, `${name}.json`);
    const run = await runLambench(['bench', ...args, '--log-type', 'Tail', '-n', '40', '-c', '4', '--out', out], { env, timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    return { run, phase: (JSON.parse(await readFile(out, 'utf8')) as ReportDocument).phases[0]! };
  }

  it('x86_64 (square) and arm64 (sleep) at us-east-1 prices: requests × $0.20/1M + GB-s × the architecture\'s price, per 1M calls too', async () => {
    for (const [fn, payload, architecture, gbSecond] of [['square', '{"number":3}', 'x86_64', 0.0000166667], ['sleep', '{"ms":20}', 'arm64', 0.0000133334]] as const) {
      const { run, phase } = await bench([fn, '-p', payload], fn);
      const cost = phase.cost!;
      assert.equal(cost.invocations, 40);
      assert.equal(cost.invocations, phase.lambda!.reports);
      assert.equal(cost.gbSeconds, phase.lambda!.gbSeconds);
      assert.equal(cost.prices.architecture, architecture);
      assert.ok(Math.abs(cost.requestsUsd - 40 * 0.2e-6) < 1e-15);
      assert.ok(Math.abs(cost.durationUsd - cost.gbSeconds * gbSecond) < 1e-15);
      assert.ok(Math.abs(cost.totalUsd - cost.requestsUsd - cost.durationUsd) < 1e-15);
      assert.ok(Math.abs(cost.perMillionCallsUsd! - (cost.totalUsd / 40) * 1e6) < 1e-9);
      // sleep: at least 40 × 20 ms billed at 256 MB.
      if (fn === 'sleep') assert.ok(cost.gbSeconds >= 40 * 0.02 * 0.25, String(cost.gbSeconds));
      assert.match(run.stdout, /^cost \(estimate\) +\$0\.0/m);
      assert.match(run.stdout, new RegExp(`sync: cost \\$[0-9.]+ = 40 invocations .* GB-s .*\\(${architecture}, .*\\); an estimate: the free tier and volume tiers are not applied`));
    }
  });

  it('prices from the command line; a price that is no price is refused before anything is sent', async () => {
    const { phase } = await bench(['square', '-p', '{"number":2}', '--price-gb-s', '0.001', '--price-request', '1'], 'given');
    const cost = phase.cost!;
    assert.equal(cost.prices.gbSecondUsd, 0.001);
    assert.equal(cost.prices.requestPerMillionUsd, 1);
    assert.ok(Math.abs(cost.totalUsd - (40 * 1e-6 + cost.gbSeconds * 0.001)) < 1e-15);
    const bad = await runLambench(['bench', 'square', '-n', '1', '-c', '1', '--price-gb-s', '-1'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lambench: --price-gb-s -1 must be a price in USD, 0 or more/);
  });
});
