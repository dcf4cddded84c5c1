/**
 * What every reader of a function's logs refuses before anything is sent (run/functionLogs.ts),
 * against the local stack:
 * - Lambda on loopback with no CloudWatch Logs endpoint set: AWS's own group of that name is another
 *   function's, so `bench --logs`, `invoke --logs` (the endpoint from the environment or
 *   --endpoint-url), `coldstart --type event` and `bench --verify-delivery --logs` stop with one
 *   line, exit 2: no function runs, no configuration changes.
 * - A JSON-format function at SystemLogLevel WARN (the stack then writes no START or REPORT, as
 *   Lambda does): `invoke --logs` and `coldstart --type event` refuse (exit 2); `bench --logs` says
 *   once that its group is not read and each phase's logs are unreadable with that reason (exit 0);
 *   as the only delivery evidence, the logs are not read, and with nothing else to read the run is
 *   refused (exit 2), never a run whose every event is "missing".
 */
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { runLambench, useTestStack, type CliResult } from '../support/helpers.js';

const SILENCED = 'its LoggingConfig.SystemLogLevel is WARN: Lambda writes no START or REPORT lines (they are INFO); set it to INFO to read them';

describe('the logs refused before anything is sent', { timeout: 180_000 }, () => {
  /** How many invocations of each function the stack ran. */
  const ran = new Map<string, number>();
  const local = useTestStack({
    functionConfig: { sleep: { logFormat: 'JSON', systemLogLevel: 'WARN', onSuccess: null, onFailure: null, deadLetterQueue: null } },
    onLog: (name) => ran.set(name, (ran.get(name) ?? 0) + 1),
  });
  let dir: string;
  let aws: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-logs-opening-'));
    aws = { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const revision = async (name: string) => (await local.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).RevisionId;
  /** stderr without the notes: the one line a refusal is. */
  const refusal = (run: CliResult) => run.stderr.split('\n').filter((line) => line && !line.startsWith('lambench: note:'));

  it('Lambda on loopback, no Logs endpoint: bench --logs, invoke --logs, coldstart --type event, --verify-delivery --logs: one line, exit 2, nothing run or changed', async () => {
    const env = { ...aws, AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl };
    const why = `Lambda is at ${local.stack.lambdaUrl} but no CloudWatch Logs endpoint is set (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS)`;
    const before = { runs: ran.get('square'), revision: await revision('square') };
    const cases: [string[], Record<string, string>, string][] = [
      [['bench', 'square', '-t', 'sync', '-n', '2', '-c', '1', '--logs'], env, `--logs cannot read the function's logs: ${why}: set it to the Logs endpoint (lambench local prints it), or drop --logs`],
      [['invoke', 'square', '--logs'], env, `--logs cannot read the function's logs: ${why}: set it to the Logs endpoint (lambench local prints it), or drop --logs`],
      // Lambda's endpoint from --endpoint-url, not the environment.
      [['invoke', 'square', '--logs', '--endpoint-url', local.stack.lambdaUrl], aws, `--logs cannot read the function's logs: ${why}: set it to the Logs endpoint (lambench local prints it), or drop --logs`],
      [
        ['coldstart', 'square', '--type', 'event', '-n', '1'],
        env,
        `coldstart --type event cannot read the function's logs: ${why}: set it to the Logs endpoint (lambench local prints it), or use --type sync (each call's REPORT then comes in its log tail)`,
      ],
      [['bench', 'square', '-t', 'async', '-n', '2', '-c', '1', '--verify-delivery', '--logs'], env, `--logs cannot read the function's logs: ${why}: set it to the Logs endpoint (lambench local prints it), or drop --logs`],
    ];
    for (const [args, caseEnv, line] of cases) {
      const run = await runLambench(args, { env: caseEnv });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.deepEqual(refusal(run), [`lambench: ${line}`], args.join(' '));
      assert.equal(run.stdout, '');
    }
    assert.deepEqual({ runs: ran.get('square'), revision: await revision('square') }, before, 'no call made, no configuration changed');
  });

  describe('a JSON-format function at SystemLogLevel WARN: no REPORT line is written', () => {
    let env: Record<string, string>;
    before(() => {
      env = { ...aws, AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: local.stack.logsUrl };
    });

    it('invoke --logs and coldstart --type event: refused with the level and the fix, exit 2, nothing run or changed', async () => {
      const before = { runs: ran.get('sleep'), revision: await revision('sleep') };
      const invoke = await runLambench(['invoke', 'sleep', '-p', '{"ms":1}', '--logs'], { env });
      assert.equal(invoke.code, 2, invoke.stderr);
      assert.deepEqual(refusal(invoke), [`lambench: --logs cannot use /aws/lambda/sleep: ${SILENCED}; or drop --logs`]);
      const coldstart = await runLambench(['coldstart', 'sleep', '--type', 'event', '-n', '1'], { env });
      assert.equal(coldstart.code, 2, coldstart.stderr);
      assert.deepEqual(refusal(coldstart), [`lambench: coldstart --type event cannot use /aws/lambda/sleep: ${SILENCED}; or use --type sync (each call's REPORT then comes in its log tail)`]);
      assert.deepEqual({ runs: ran.get('sleep'), revision: await revision('sleep') }, before);
    });

    it('bench --logs: said once before sending; each phase\'s logs unreadable with that reason, no FilterLogEvents made; exit 0', async () => {
      const runs = ran.get('sleep') ?? 0;
      const out = join(dir, 'silenced.json');
      const run = await runLambench(['bench', 'sleep', '-t', 'sync,async', '-n', '3', '-c', '1', '-p', '{"ms":1}', '--logs', '--settle', '5s', '--out', out], { env, timeoutMs: 60_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.stderr.split('\n').filter((line) => line.includes('is not read')), [`lambench: note: --logs: /aws/lambda/sleep is not read: ${SILENCED}`]);
      const report = JSON.parse(await readFile(out, 'utf8')) as ReportDocument;
      for (const phase of report.phases) {
        const logs = phase.logs!;
        assert.deepEqual([logs.invocations, logs.found, logs.calls, logs.unreadable], [3, 0, 0, SILENCED], phase.name);
      }
      assert.equal(ran.get('sleep'), runs + 6, 'the phases ran');
    });

    it('--verify-delivery with no destination: the logs are not taken as evidence (said), and with nothing else to read: refused, exit 2, nothing sent', async () => {
      const runs = ran.get('sleep');
      const run = await runLambench(['bench', 'sleep', '-t', 'async', '-n', '2', '-c', '1', '--verify-delivery'], { env });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^lambench: note: logs: not read: /aws/lambda/sleep holds no REPORT lines: ${SILENCED.replace(/[.()]/g, '\\$&')}$`, 'm'));
      assert.equal(refusal(run).length, 1, run.stderr);
      assert.match(refusal(run)[0]!, /^lambench: sleep has no on-success or on-failure destination and no DLQ and its logs cannot be read \(\/aws\/lambda\/sleep holds no REPORT lines: .*\): nothing to verify delivery on/);
      assert.equal(ran.get('sleep'), runs, 'nothing sent');
    });
  });
});
