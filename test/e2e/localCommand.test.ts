/**
 * `lambench local` as a user runs it: a foreground process that prints its endpoints once
 * listening, serves the user's own handlers, and stops cleanly on Ctrl-C (SIGINT).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CREDENTIALS, decode, startLocalProcess } from '../support/helpers.js';

const startLocal = startLocalProcess;

describe('lambench local', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-local-'));
    await writeFile(join(dir, 'greet.mjs'), "export const handler = async (event) => { console.log('greeting', event.name); return { hello: event.name }; };\n");
    await writeFile(join(dir, 'README.txt'), 'not a handler\n');
    await writeFile(join(dir, 'noisy.mjs'), "console.log('init work done');\nexport const handler = async () => 'ok';\n");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints one JSON line with its endpoints, serves the user folder and extra queues, stops on SIGINT with exit 0', async () => {
    const local = startLocal(['--json', '--functions', dir, '--queue', 'my-dest']);
    try {
      const info = JSON.parse(await local.firstLine);
      assert.match(info.lambda, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(info.sqs, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(info.api, /^http:\/\/127\.0\.0\.1:\d+$/);
      const front = await fetch(`${info.api}/square/6`);
      assert.equal(front.status, 200);
      assert.equal(((await front.json()) as { square_of_your_number_is: number }).square_of_your_number_is, 36);
      assert.deepEqual(Object.keys(info.queues).sort(), ['lambench-dlq', 'lambench-failure', 'lambench-orders', 'lambench-orders-dlq', 'lambench-orders-out', 'lambench-success', 'my-dest']);
      assert.deepEqual(info.functions, ['flaky', 'orders', 'sleep', 'square', 'greet', 'noisy'], 'the JSON line comes first, before any handler output');

      const lambda = new LambdaClient({ region: 'us-east-1', endpoint: info.lambda, credentials: CREDENTIALS, maxAttempts: 1 });
      const sqs = new SQSClient({ region: 'us-east-1', endpoint: info.sqs, credentials: CREDENTIALS, maxAttempts: 1 });
      try {
        const out = await lambda.send(new InvokeCommand({ FunctionName: 'greet', Payload: Buffer.from('{"name":"ada"}') }));
        assert.deepEqual(decode(out.Payload), { hello: 'ada' });
        const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
        assert.deepEqual(QueueUrls.sort(), Object.values(info.queues as Record<string, string>).sort());
      } finally {
        lambda.destroy();
        sqs.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(local.output().stderr, /\[greet\] \S+\t[0-9a-f-]{36}\tINFO\tgreeting ada\n/, 'function logs on stderr');
      assert.equal(local.output().stdout.split('\n').filter(Boolean).length, 1, 'stdout holds only the JSON line');
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0);
  });

  it('prints the endpoints and the environment to export for humans', async () => {
    const local = startLocal(['--quiet']);
    try {
      await local.firstLine;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { stdout } = local.output();
      assert.match(stdout, /Lambda Invoke API {2}http:\/\/127\.0\.0\.1:\d+\n/);
      assert.match(stdout, /API Gateway front {2}http:\/\/127\.0\.0\.1:\d+ {2}\(GET \/square\/\{n\}, POST \/run, \/run\/sync, \/run\/async\)\n/);
      assert.match(stdout, /export AWS_ENDPOINT_URL_LAMBDA=http:\/\/127\.0\.0\.1:\d+ AWS_ENDPOINT_URL_SQS=http:\/\/127\.0\.0\.1:\d+\n/);
      assert.match(stdout, /export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n/);
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0);
  });

  it('refuses a busy port, a missing folder, a module without handler and bad flags, each with one line and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busyPort = (blocker.address() as { port: number }).port;
    const broken = await mkdtemp(join(tmpdir(), 'lambench-broken-'));
    await writeFile(join(broken, 'nohandler.js'), 'export const other = 1;\n');
    try {
      const cases: [string[], RegExp][] = [
        [['--port', String(busyPort)], /a port is already in use .*: pick another with --port/],
        [['--functions', join(dir, 'missing')], /--functions '.*missing' cannot be read/],
        [['--functions', broken], /nohandler\.js does not export a handler/],
        [['--port', '70000', '--reserved-concurrency', 'sleep'], /--port 70000 must be a port from 0 to 65535.*; --reserved-concurrency 'sleep' must look like NAME=N/],
        [['--api-async-status', '201', '--api-timeout', 'soon'], /--api-timeout 'soon' is not a duration.*; --api-async-status 201 must be 200/],
      ];
      for (const [args, pattern] of cases) {
        const local = startLocal(args);
        local.firstLine.catch(() => {});
        const code = await local.exited;
        const { stderr } = local.output();
        assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
        assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
        assert.match(stderr, pattern);
      }
    } finally {
      blocker.close();
      await rm(broken, { recursive: true, force: true });
    }
  });
});
