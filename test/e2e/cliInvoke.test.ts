/**
 * `lambench invoke` end to end as a child process against the local stack: every mode, --json,
 * --wait, retries, and each bad input giving one clear line and the contract's exit code.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLambench as lambench, useTestStack, type CliResult } from '../support/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The one line a failing run must print: `lambench: …`, no stack trace. */
function assertOneErrorLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('lambench: note:'));
  assert.equal(lines.length, 1, `one error line, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^lambench: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace without --debug');
}

describe('lambench invoke (child process)', () => {
  const local = useTestStack({ functionConfig: { sleep: { reservedConcurrency: 1 } } });
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-cli-'));
    env = { AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('sync: prints status, request ID, version, latency and the pretty payload; notes dummy credentials once', async () => {
    const result = await lambench(['invoke', 'square', '--payload', '{"number": 4}'], { env });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^✔ square {2}RequestResponse → 200 OK {2}(\d+ µs|\d+\.\d ms)$/);
    assert.match(result.stdout, /\n {2}request ID {8}[0-9a-f-]{36}\n/);
    assert.match(result.stdout, /\n {2}executed version  \$LATEST\n/);
    assert.match(result.stdout, /\n {2}attempts {10}1\n/);
    assert.ok(result.stdout.endsWith('{\n  "square": 16\n}\n'), result.stdout);
    assert.equal(result.stderr, 'lambench: note: no AWS credentials configured; using dummy ones for the loopback endpoint\n');
  });

  it('--json prints exactly one object on stdout with the contract fields', async () => {
    const result = await lambench(['invoke', 'square', '-p', '{"number": 5}', '--json'], { env: { ...env, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'configured credentials: no note');
    assert.equal(result.stdout.trimEnd().split('\n').length, 1);
    const document = JSON.parse(result.stdout);
    assert.equal(document.statusCode, 200);
    assert.match(document.requestId, UUID);
    assert.equal(typeof document.latencyMs, 'number');
    assert.ok(document.latencyMs > 0);
    assert.deepEqual(document.payload, { square: 25 });
    assert.equal(document.executedVersion, '$LATEST');
    assert.equal(document.attempts, 1);
    assert.equal(document.outcome, 'ok');
    assert.equal(document.invocationType, 'RequestResponse');
  });

  it('accepts every spelling of --type, and the qualifier forms', async () => {
    const cases: [string[], number, string | undefined][] = [
      [['--type', 'EVENT'], 202, undefined],
      [['--type', 'async'], 202, undefined],
      [['-t', 'Event'], 202, undefined],
      [['--type', 'dry-run'], 204, undefined],
      [['--type', 'DryRun'], 204, undefined],
      [['--type', 'sync', '--qualifier', 'live'], 200, '1'],
      [['--type', 'requestresponse'], 200, '$LATEST'],
    ];
    for (const [flags, status, version] of cases) {
      const result = await lambench(['invoke', 'square', '-p', '{"number": 2}', '--json', ...flags], { env });
      assert.equal(result.code, 0, `${flags.join(' ')}: ${result.stderr}`);
      const document = JSON.parse(result.stdout);
      assert.equal(document.statusCode, status, flags.join(' '));
      assert.equal(document.executedVersion, version, flags.join(' '));
      if (status !== 200) assert.equal(document.payload, undefined);
    }
    const byName = JSON.parse((await lambench(['invoke', 'square:live', '-p', '{"number": 2}', '--json'], { env })).stdout);
    assert.equal(byName.executedVersion, '1');
  });

  it('--log-type Tail prints the decoded log and the parsed REPORT figures', async () => {
    const json = await lambench(['invoke', 'echo', '-q', '1', '--log-type', 'tail', '--json', '-p', '{"x":1}'], { env });
    assert.equal(json.code, 0, json.stderr);
    const document = JSON.parse(json.stdout);
    assert.match(document.logResult, /^START RequestId: .* Version: 1\n/);
    assert.equal(document.report.requestId, document.requestId);
    assert.equal(document.report.memorySizeMb, 128);
    assert.equal(typeof document.report.initDurationMs, 'number', 'first call of version 1 is a cold start');
    const human = await lambench(['invoke', 'echo', '-q', '1', '--log-type', 'Tail', '-p', '{"x":2}'], { env });
    assert.match(human.stdout, /\n {4}REPORT RequestId: /);
    assert.match(human.stdout, /\n {2}report {12}duration [\d.]+ ms · billed \d+ ms · memory \d+ of 128 MB · warm start\n/);
  });

  it('--client-context reaches context.clientContext; stdin payload with --payload-file -', async () => {
    const result = await lambench(['invoke', 'echo', '--client-context', '{"custom":{"k":"v"}}', '--payload-file', '-', '--json'], { env, input: '{"from":"stdin"}' });
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout);
    assert.deepEqual(document.payload.clientContext, { custom: { k: 'v' } });
    assert.deepEqual(document.payload.event, { from: 'stdin' });
    assert.equal(document.payload.awsRequestId, document.requestId);
  });

  it('a function error is printed, then exits 1 with one line naming the error', async () => {
    const result = await lambench(['invoke', 'square', '-p', '{"number":"x"}', '--json'], { env });
    assert.equal(result.code, 1);
    const document = JSON.parse(result.stdout);
    assert.equal(document.statusCode, 200);
    assert.equal(document.functionError, 'Unhandled');
    assert.equal(document.outcome, 'functionError');
    assert.equal(document.payload.errorType, 'TypeError');
    assertOneErrorLine(result, /^lambench: the function failed \(Unhandled\): TypeError: expected/);
  });

  it('--wait finds the completion record: Success with its end-to-end time, or RetriesExhausted (exit 1)', async () => {
    const ok = await lambench(['invoke', 'square', '--type', 'event', '-p', '{"number": 9}', '--wait', '--destination-queue', local.stack.queues['lambench-success']!, '--wait-timeout', '10s', '--json'], { env });
    assert.equal(ok.code, 0, ok.stderr);
    const done = JSON.parse(ok.stdout);
    assert.equal(done.statusCode, 202);
    assert.equal(done.completion.requestId, done.requestId);
    assert.equal(done.completion.condition, 'Success');
    assert.equal(done.completion.attempts, 1);
    assert.deepEqual(done.completion.responsePayload, { square: 81 });
    assert.ok(done.endToEndMs >= 0 && done.endToEndMs < 10_000, `endToEndMs ${done.endToEndMs}`);

    const failed = await lambench(['invoke', 'flaky', '--type', 'event', '-p', '{"fail": true}', '--wait', '--destination-queue', local.stack.queues['lambench-failure']!, '--wait-timeout', '10s', '--json'], { env });
    assert.equal(failed.code, 1);
    const record = JSON.parse(failed.stdout).completion;
    assert.equal(record.condition, 'RetriesExhausted');
    assert.equal(record.attempts, 3);
    assertOneErrorLine(failed, /the event did not succeed: RetriesExhausted after 3 attempts/);
  });

  it('reports how many attempts a throttled call took with --retries, then exits 3', async () => {
    // Busy long enough for two CLI starts and up to ~3 s of SDK backoff, even on a loaded machine.
    const busy = local.lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: Buffer.from('{"ms": 12000}') }));
    busy.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const once = await lambench(['invoke', 'sleep', '--json'], { env });
    assert.equal(once.code, 3);
    const first = JSON.parse(once.stdout);
    assert.equal(first.statusCode, 429);
    assert.equal(first.outcome, 'throttled');
    assert.equal(first.attempts, 1);
    assertOneErrorLine(once, /^lambench: TooManyRequestsException \(429\): Rate Exceeded\. \[ReservedFunctionConcurrentInvocationLimitExceeded\]/);
    const retried = await lambench(['invoke', 'sleep', '--json', '--retries', '2'], { env });
    assert.equal(retried.code, 3);
    assert.equal(JSON.parse(retried.stdout).attempts, 3);
    assert.equal(JSON.parse(retried.stdout).reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  });

  it('a configured profile is used; an unknown one is a usage error', async () => {
    const credentials = join(dir, 'credentials');
    await writeFile(credentials, '[dev]\naws_access_key_id = AKIDEV\naws_secret_access_key = secret\n');
    const withProfile = await lambench(['invoke', 'square', '-p', '{"number":1}', '--profile', 'dev'], { env: { ...env, AWS_SHARED_CREDENTIALS_FILE: credentials } });
    assert.equal(withProfile.code, 0, withProfile.stderr);
    assert.equal(withProfile.stderr, '');
    const unknown = await lambench(['invoke', 'square', '--profile', 'nosuch'], { env: { ...env, AWS_SHARED_CREDENTIALS_FILE: credentials } });
    assert.equal(unknown.code, 2);
    assertOneErrorLine(unknown, /unknown profile 'nosuch' \(from --profile\)/);
  });

  it('each bad input gives one clear line and the contract exit code, and sends nothing', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }));
    const overAsync = join(dir, 'over-async.json');
    await writeFile(overAsync, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    const cases: [string, string[], number, RegExp][] = [
      ['invalid JSON payload', ['invoke', 'square', '-p', '{"number": 2'], 2, /payload from --payload is not valid JSON/],
      ['oversize sync payload', ['invoke', 'square', '--payload-file', big], 2, /over the 6 MB limit for synchronous invocations/],
      ['oversize async payload', ['invoke', 'square', '-t', 'event', '--payload-file', overAsync], 2, /over the 1 MB limit for asynchronous \(Event\) invocations/],
      ['unknown --type', ['invoke', 'square', '--type', 'later'], 2, /--type 'later' is not an invocation type: use RequestResponse\|Event\|DryRun/],
      ['missing target', ['invoke'], 2, /no target: name a function/],
      ['unknown function', ['invoke', 'nope'], 3, /ResourceNotFoundException \(404\): Function not found: .*function:nope; check the function name/],
      ['unreachable endpoint', ['invoke', 'square', '--endpoint-url', 'http://127.0.0.1:9'], 3, /could not reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/],
      ['unknown region', ['invoke', 'square', '--region', 'mars-1'], 2, /unknown region 'mars-1' \(from --region\)/],
      ['bad endpoint URL', ['invoke', 'square', '--endpoint-url', 'not a url'], 2, /--endpoint-url 'not a url' is not a URL/],
      ['bad client context', ['invoke', 'square', '--client-context', '[1]'], 2, /--client-context must be a JSON object/],
      ['unknown option', ['invoke', 'square', '--payloda', '{}'], 2, /unknown option --payloda/],
      ['unknown command', ['invok', 'square'], 2, /unknown command 'invok'/],
      ['several problems at once', ['invoke', 'square', '--type', 'x', '-p', '{'], 2, /--type 'x' is not an invocation type.*; the payload from --payload is not valid JSON/],
    ];
    for (const [name, args, code, pattern] of cases) {
      const result = await lambench(args, { env });
      assert.equal(result.code, code, `${name}: ${result.stderr}`);
      assertOneErrorLine(result, pattern);
      if (code === 2) assert.equal(result.stdout, '', `${name}: nothing on stdout`);
    }
  });

  it('--debug adds the stack trace to the error line', async () => {
    const result = await lambench(['invoke', 'square', '--region', 'mars-1', '--debug'], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^lambench: unknown region 'mars-1'/);
    assert.match(result.stderr, /\n\s+at /);
  });
});
