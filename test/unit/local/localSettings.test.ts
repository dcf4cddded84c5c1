/**
 * `lambench local`'s per-function settings read from its flags (src/local/settings.ts), without
 * starting a stack: --config FILE, then --reserved-concurrency, then --set (the last one wins);
 * each value read by its key's kind; every problem collected and named by its flag.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFunctionSettings } from '../../../src/local/settings.js';

describe('readFunctionSettings', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-local-settings-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const configFile = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('no flags: no overrides, no faults, no problems', async () => {
    assert.deepEqual(await readFunctionSettings({}), { functionConfig: {}, faultLines: [], problems: [] });
  });

  it('applies --config, then --reserved-concurrency, then --set, the last one winning key by key', async () => {
    // Prepare
    const file = await configFile('order.json', JSON.stringify({ sleep: { reservedConcurrency: 5, maximumRetryAttempts: 1 }, square: { onFailure: 'my-failures' } }));
    // Act
    const settings = await readFunctionSettings({ config: file, reservedConcurrency: ['sleep=2'], set: ['sleep.reservedConcurrency=3', 'square.onFailure=null', 'flaky.maximumRetryAttempts=0'] });
    // Assess
    assert.deepEqual(settings, {
      functionConfig: {
        sleep: { reservedConcurrency: 3, maximumRetryAttempts: 1 },
        square: { onFailure: null },
        flaky: { maximumRetryAttempts: 0 },
      },
      faultLines: [],
      problems: [],
    });
  });

  it('reads each --set value by its key\'s kind: a number, null, a queue name as written, a JSON list or object', async () => {
    const settings = await readFunctionSettings({
      set: [
        'square.memorySize= 256 ',
        'square.reservedConcurrency=null',
        'square.onSuccess=my-queue.fifo',
        'square.deadLetterQueue=null',
        'square.versions=["1","2"]',
        'square.aliases={"live":"2"}',
        'square.timeoutSeconds=0.5',
      ],
    });
    assert.deepEqual(settings.problems, []);
    assert.deepEqual(settings.functionConfig, {
      square: { memorySize: 256, reservedConcurrency: null, onSuccess: 'my-queue.fifo', deadLetterQueue: null, versions: ['1', '2'], aliases: { live: '2' }, timeoutSeconds: 0.5 },
    });
  });

  it('collects every --set and --reserved-concurrency problem, naming the flag, the value and the fix, and applies none of them', async () => {
    const settings = await readFunctionSettings({
      reservedConcurrency: ['sleep:2'],
      set: ['flaky=0', 'flaky.retries=0', 'flaky.maximumRetryAttempts=two', 'flaky.maximumRetryAttempts=3', 'square.versions=[1', 'square.memorySize=', 'square.maximumRetryAttempts=null'],
    });
    assert.deepEqual(settings.functionConfig, {});
    assert.deepEqual(settings.problems, [
      "--reserved-concurrency 'sleep:2' must look like NAME=N, e.g. sleep=5",
      "--set 'flaky=0' must look like NAME.key=value, e.g. flaky.maximumRetryAttempts=0 or square.onSuccess=null",
      "--set flaky.retries=0: unknown key 'retries' (known: memorySize, timeoutSeconds, timeout, reservedConcurrency, maximumRetryAttempts, maximumEventAgeSeconds, onSuccess, onFailure, deadLetterQueue, deadLetterTarget, eventInvokeConfig, architecture, logFormat, logGroup, systemLogLevel, versions, aliases)",
      '--set flaky.maximumRetryAttempts=two: maximumRetryAttempts takes a number',
      '--set flaky.maximumRetryAttempts 3 must be an integer from 0 to 2',
      '--set square.versions=[1: versions takes a JSON list, e.g. ["1","2"]',
      '--set square.memorySize=: memorySize takes a number',
      '--set square.maximumRetryAttempts=null: maximumRetryAttempts takes a number',
    ]);
  });

  it('reads destination ARNs of every kind, the function-configuration words, and an eventInvokeConfig object; refuses what AWS would', async () => {
    // Prepare
    const eventInvokeConfig = { MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/results' }, OnFailure: { Destination: 'arn:aws:s3:::failures' } } };
    const file = await configFile('destinations.json', JSON.stringify({ sleep: { eventInvokeConfig }, echo: { eventInvokeConfig: { MaximumRetryAttempts: 5 } } }));
    // Act
    const settings = await readFunctionSettings({
      config: file,
      set: [
        'flaky.onFailure=arn:aws:sns:us-east-1:000000000000:my-topic',
        'flaky.onSuccess=arn:aws:lambda:us-east-1:000000000000:function:echo',
        'flaky.deadLetterTarget=arn:aws:sns:us-east-1:000000000000:dlq',
        'flaky.architecture=arm64',
        'flaky.logFormat=JSON',
        'flaky.logGroup=/custom/flaky',
        'square.onSuccess=arn:aws:s3:::no-success-bucket',
        'square.deadLetterQueue=arn:aws:events:us-east-1:000000000000:event-bus/default',
        'square.architecture=sparc',
      ],
    });
    // Assess
    assert.deepEqual(settings.functionConfig, {
      sleep: { eventInvokeConfig },
      flaky: {
        onFailure: 'arn:aws:sns:us-east-1:000000000000:my-topic',
        onSuccess: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
        deadLetterTarget: 'arn:aws:sns:us-east-1:000000000000:dlq',
        architecture: 'arm64',
        logFormat: 'JSON',
        logGroup: '/custom/flaky',
      },
    });
    assert.equal(settings.problems.length, 4, settings.problems.join('\n'));
    assert.match(settings.problems[0]!, /^--config .*: echo\.eventInvokeConfig \{"MaximumRetryAttempts":5\} has MaximumRetryAttempts 5, not an integer from 0 to 2: it must be PutFunctionEventInvokeConfig's body/);
    assert.match(settings.problems[1]!, /^--set square\.onSuccess "arn:aws:s3:::no-success-bucket" must be .*\(an S3 bucket is for on-failure only\)/);
    assert.equal(settings.problems[2], '--set square.deadLetterQueue "arn:aws:events:us-east-1:000000000000:event-bus/default" must be an SQS queue name, an SQS queue ARN or an SNS topic ARN, or null to turn it off');
    assert.equal(settings.problems[3], '--set square.architecture "sparc" must be x86_64 or arm64');
  });

  it('a --set value may hold = and newlines: only the first = splits', async () => {
    const settings = await readFunctionSettings({ set: ['square.aliases={"a=b":\n"1"}'] });
    assert.deepEqual(settings.problems, ['--set square.aliases {"a=b":"1"} must be an object of alias name → version, e.g. {"live": "1"}']);
  });

  it('--config: the file\'s fault lists come back in the --fault grammar, a function\'s own scoped to it', async () => {
    const file = await configFile('faults.json', JSON.stringify({
      faults: ['sqs:refuse 3s..5s'],
      flaky: { maximumRetryAttempts: 0, faults: ['error p=0.2', 'api:latency 200ms'] },
    }));
    const settings = await readFunctionSettings({ config: file });
    assert.deepEqual(settings, {
      functionConfig: { flaky: { maximumRetryAttempts: 0 } },
      faultLines: ['sqs:refuse 3s..5s', 'lambda:flaky:error p=0.2', 'api:flaky:latency 200ms'],
      problems: [],
    });
  });

  it('--config problems: a missing file, a file that is not JSON, not an object, a bad setting, a fault list that is not one', async () => {
    const missing = join(dir, 'missing.json');
    const broken = await configFile('broken.json', '{"flaky": ');
    const list = await configFile('list.json', '[1]');
    const bad = await configFile('bad.json', JSON.stringify({ flaky: { maximumRetryAttempts: 0, retries: 1 }, sleep: 5, square: { faults: 'error' }, faults: [1] }));

    const missingProblems = (await readFunctionSettings({ config: missing })).problems;
    assert.equal(missingProblems.length, 1);
    assert.match(missingProblems[0]!, /^--config .*missing\.json cannot be read \(ENOENT[^)]*\): it must hold \{"NAME": \{"maximumRetryAttempts": 0, …\}, …\}$/);
    const brokenProblems = (await readFunctionSettings({ config: broken })).problems;
    assert.equal(brokenProblems.length, 1);
    assert.match(brokenProblems[0]!, /^--config .*broken\.json is not JSON \(.+\): it must hold/);
    assert.deepEqual((await readFunctionSettings({ config: list })).problems, [`--config ${list} must hold a JSON object of function name → settings, e.g. {"flaky": {"maximumRetryAttempts": 0}}`]);

    const settings = await readFunctionSettings({ config: bad, set: ['flaky.timeoutSeconds=1'] });
    assert.deepEqual(settings.functionConfig, { flaky: { timeoutSeconds: 1 }, square: {} }, 'a function with a bad setting gets none of its file settings; --set still applies');
    assert.deepEqual(settings.faultLines, []);
    const examples = "e.g. 'lambda:square:error p=0.2', 'api:latency 50ms..500ms', 'sqs:refuse 3s..5s', 'lambda:deny GetFunctionEventInvokeConfig'";
    assert.deepEqual(settings.problems, [
      `--config ${bad}: flaky: unknown key 'retries' (known: memorySize, timeoutSeconds, timeout, reservedConcurrency, maximumRetryAttempts, maximumEventAgeSeconds, onSuccess, onFailure, deadLetterQueue, deadLetterTarget, eventInvokeConfig, architecture, logFormat, logGroup, systemLogLevel, versions, aliases)`,
      `--config ${bad}: sleep must be an object of settings, e.g. {"maximumRetryAttempts": 0}`,
      `--config ${bad}: square.faults must be a list of faults as --fault writes them, ${examples}`,
      `--config ${bad}: faults must be a list of faults as --fault writes them, ${examples}`,
    ]);
  });
});
