/**
 * Per-function async configuration in the local stack, over real sockets with SQS through the
 * fauxqs emulator: MaximumRetryAttempts and MaximumEventAgeInSeconds as AWS applies them, zero
 * reserved concurrency, destinations on queues named only by a function's configuration, the
 * exact record and DLQ formats, validation that lists every problem, and `lambench local
 * --config / --set` as a user runs it.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FunctionConfigError, type LocalStack, type LocalStackOptions } from '../../src/local/index.js';
import { lambdaClient, receiveMatching, runLambench, sqsClient, startLocalProcess, startTestStack } from '../support/helpers.js';

const TIME_SCALE = 0.001;
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const FLAKY_ERROR = 'flaky: failing as asked (event.fail === true)';
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

interface Harness {
  stack: LocalStack;
  lambda: LambdaClient;
  sqs: SQSClient;
  /** performance.now() at the end of each run of a request ID, from the function logs. */
  runs: Map<string, number[]>;
  close(): Promise<void>;
}

async function harness(options: LocalStackOptions): Promise<Harness> {
  const runs = new Map<string, number[]>();
  const stack = await startTestStack({
    timeScale: TIME_SCALE,
    ...options,
    onLog: (_name, log) => {
      const requestId = /^START RequestId: (\S+)/m.exec(log)?.[1];
      if (requestId) runs.set(requestId, [...(runs.get(requestId) ?? []), performance.now()]);
    },
  });
  const lambda = lambdaClient(stack);
  const sqs = sqsClient(stack);
  return {
    stack,
    lambda,
    sqs,
    runs,
    async close() {
      lambda.destroy();
      sqs.destroy();
      await stack.stop();
    },
  };
}

/** Sends an Event; returns the request ID and when it was accepted (performance.now()). */
async function sendEvent(h: Harness, functionName: string, event: unknown): Promise<{ requestId: string; sentAt: number; sentAtMs: number }> {
  const sentAt = performance.now();
  const sentAtMs = Date.now();
  const out = await h.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: json(event) }));
  assert.equal(out.StatusCode, 202);
  return { requestId: out.$metadata.requestId!, sentAt, sentAtMs };
}

async function record(h: Harness, queue: string, marker: string): Promise<Record<string, any>> {
  const url = h.stack.queues[queue];
  assert.ok(url, `queue ${queue} exists`);
  return JSON.parse((await receiveMatching(h.sqs, url, (m) => m.Body?.includes(marker) ?? false)).Body!);
}

async function deadLetter(h: Harness, marker: string) {
  const message = await receiveMatching(h.sqs, h.stack.queues['lambench-dlq']!, (m) => m.Body?.includes(marker) ?? false);
  const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, { DataType: value.DataType, StringValue: value.StringValue }]));
  return { body: JSON.parse(message.Body!), attributes };
}

describe('local stack async configuration', () => {
  describe('MaximumRetryAttempts', () => {
    for (const maximumRetryAttempts of [0, 1]) {
      it(`maximumRetryAttempts ${maximumRetryAttempts}: exactly ${maximumRetryAttempts + 1} run(s), then the failure destination and the DLQ`, async () => {
        const h = await harness({ functionConfig: { flaky: { maximumRetryAttempts } } });
        try {
          assert.equal(h.stack.functionConfigs.flaky!.maximumRetryAttempts, maximumRetryAttempts);
          const marker = `retries-${maximumRetryAttempts}-${Date.now()}`;
          const { requestId } = await sendEvent(h, 'flaky', { fail: true, marker });

          const failure = await record(h, 'lambench-failure', marker);
          assert.deepEqual(failure.requestContext, {
            requestId,
            functionArn: `${ARN}:flaky:$LATEST`,
            condition: 'RetriesExhausted',
            approximateInvokeCount: maximumRetryAttempts + 1,
          });
          assert.deepEqual(failure.requestPayload, { fail: true, marker });
          assert.deepEqual(failure.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
          assert.equal(failure.responsePayload.errorMessage, FLAKY_ERROR);

          const dead = await deadLetter(h, marker);
          assert.deepEqual(dead.body, { fail: true, marker });
          assert.deepEqual(dead.attributes, {
            RequestID: { DataType: 'String', StringValue: requestId },
            ErrorCode: { DataType: 'Number', StringValue: '200' },
            ErrorMessage: { DataType: 'String', StringValue: FLAKY_ERROR },
          });

          const runs = h.runs.get(requestId) ?? [];
          assert.equal(runs.length, maximumRetryAttempts + 1, 'the handler ran once per attempt, no more');
          if (runs.length === 2) {
            // AWS waits about a minute before the first retry: 60 s × 0.001 = 60 ms (1 ms timer tolerance).
            assert.ok(runs[1]! - runs[0]! >= 59, `retry came ${runs[1]! - runs[0]!} ms after the first run`);
          }
          assert.equal(h.stack.pendingAsync(), 0);
        } finally {
          await h.close();
        }
      });
    }
  });

  describe('MaximumEventAgeInSeconds and reserved concurrency', () => {
    let h: Harness;
    before(async () => {
      h = await harness({
        functionConfig: {
          // 60 s × 0.001: the event may wait 60 ms.
          sleep: { reservedConcurrency: 1, maximumEventAgeSeconds: 60 },
          flaky: { maximumEventAgeSeconds: 60 },
          square: { reservedConcurrency: 0 },
        },
      });
    });
    after(() => h.close());

    it('a throttled event whose age runs out: EventAgeExceeded, approximateInvokeCount 0, no responseContext, DLQ with 429', async () => {
      const busy = h.lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: json({ ms: 400 }) }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const marker = `age-${Date.now()}`;
      const { requestId, sentAtMs } = await sendEvent(h, 'sleep', { ms: 1, marker });

      const failure = await record(h, 'lambench-failure', marker);
      assert.deepEqual(Object.keys(failure).sort(), ['requestContext', 'requestPayload', 'timestamp', 'version']);
      assert.equal(failure.version, '1.0');
      assert.deepEqual(failure.requestContext, { requestId, functionArn: `${ARN}:sleep:$LATEST`, condition: 'EventAgeExceeded', approximateInvokeCount: 0 });
      assert.deepEqual(failure.requestPayload, { ms: 1, marker });
      const settledAfter = Date.parse(failure.timestamp) - sentAtMs;
      assert.ok(settledAfter >= 55 && settledAfter < 350, `settled ${settledAfter} ms after the send: at the 60 ms age limit, while the slot was still busy`);

      const dead = await deadLetter(h, marker);
      assert.deepEqual(dead.body, { ms: 1, marker });
      assert.deepEqual(dead.attributes, {
        RequestID: { DataType: 'String', StringValue: requestId },
        ErrorCode: { DataType: 'Number', StringValue: '429' },
        ErrorMessage: { DataType: 'String', StringValue: 'Rate Exceeded.' },
      });
      assert.equal(h.runs.get(requestId), undefined, 'the handler never ran');
      assert.equal((await busy).StatusCode, 200);
    });

    it('an event whose age runs out while it waits for a retry: EventAgeExceeded after 1 run, not a second run', async () => {
      const marker = `age-retry-${Date.now()}`;
      const { requestId } = await sendEvent(h, 'flaky', { fail: true, marker });

      const failure = await record(h, 'lambench-failure', marker);
      assert.deepEqual(failure.requestContext, { requestId, functionArn: `${ARN}:flaky:$LATEST`, condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
      assert.deepEqual(failure.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
      assert.equal(failure.responsePayload.errorMessage, FLAKY_ERROR);
      const dead = await deadLetter(h, marker);
      assert.deepEqual(dead.attributes, {
        RequestID: { DataType: 'String', StringValue: requestId },
        ErrorCode: { DataType: 'Number', StringValue: '200' },
        ErrorMessage: { DataType: 'String', StringValue: FLAKY_ERROR },
      });
      // Let the would-be retry time (60 ms after the run) pass: still one run.
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(h.runs.get(requestId)?.length, 1);
    });

    it('reserved concurrency 0: the event goes to the failure destination and the DLQ at once, never run (ZeroReservedConcurrency)', async () => {
      const marker = `zero-${Date.now()}`;
      const { requestId, sentAtMs } = await sendEvent(h, 'square', { number: 3, marker });

      const failure = await record(h, 'lambench-failure', marker);
      assert.deepEqual(Object.keys(failure).sort(), ['requestContext', 'requestPayload', 'timestamp', 'version']);
      assert.deepEqual(failure.requestContext, { requestId, functionArn: `${ARN}:square:$LATEST`, condition: 'ZeroReservedConcurrency', approximateInvokeCount: 0 });
      assert.ok(Date.parse(failure.timestamp) - sentAtMs < 1000, 'without waiting for the 6 h event age');
      const dead = await deadLetter(h, marker);
      assert.deepEqual(dead.body, { number: 3, marker });
      assert.deepEqual(dead.attributes, {
        RequestID: { DataType: 'String', StringValue: requestId },
        ErrorMessage: { DataType: 'String', StringValue: 'Function not invoked. Function isconfigured with zero reserved concurrent executions' },
      });
      assert.equal(h.runs.get(requestId), undefined, 'the handler never ran');
    });
  });

  describe('destinations named only by configuration', () => {
    let h: Harness;
    before(async () => {
      h = await harness({ functionConfig: { square: { onSuccess: 'my-dest', deadLetterQueue: null } } });
    });
    after(() => h.close());

    it('creates the queue and writes the success record there (qualifier kept in functionArn), not on lambench-success', async () => {
      assert.deepEqual(Object.keys(h.stack.queues).sort(), ['lambench-dlq', 'lambench-failure', 'lambench-orders', 'lambench-orders-dlq', 'lambench-orders-out', 'lambench-success', 'my-dest']);
      assert.deepEqual(h.stack.functionConfigs.square, {
        memorySize: 128,
        timeoutSeconds: 3,
        maximumRetryAttempts: 2,
        maximumEventAgeSeconds: 21600,
        onSuccess: 'my-dest',
        onFailure: 'lambench-failure',
        deadLetterQueue: null,
        architecture: 'x86_64',
        logFormat: 'Text',
        logGroup: '/aws/lambda/square',
        versions: ['1'],
        aliases: { live: '1' },
      });
      const marker = `dest-${Date.now()}`;
      const { requestId } = await sendEvent(h, 'square:live', { number: 5, marker });

      const success = await record(h, 'my-dest', marker);
      assert.deepEqual(success.requestContext, { requestId, functionArn: `${ARN}:square:live`, condition: 'Success', approximateInvokeCount: 1 });
      assert.deepEqual(success.requestPayload, { number: 5, marker });
      assert.deepEqual(success.responseContext, { statusCode: 200, executedVersion: '1' });
      assert.deepEqual(success.responsePayload, { square: 25 });

      const { Messages = [] } = await h.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: h.stack.queues['lambench-success'], MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
      );
      assert.equal(Messages.filter((m) => m.Body?.includes(marker)).length, 0);
    });
  });

  describe('validation', () => {
    it('lists every problem of the overrides in one error, naming the function, the field and the fix', async () => {
      const rejected = startTestStack({
        functionConfig: {
          flaky: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 10 },
          square: { memorySize: 100, timeoutSeconds: 0, reservedConcurrency: -1, onFailure: 'no such/queue' },
          nosuch: { maximumRetryAttempts: 1 },
        },
      });
      await assert.rejects(rejected, (error: unknown) => {
        assert.ok(error instanceof FunctionConfigError, String(error));
        assert.deepEqual(error.problems, [
          'flaky.maximumRetryAttempts 3 must be an integer from 0 to 2',
          'flaky.maximumEventAgeSeconds 10 must be an integer number of seconds from 60 to 21600 (6 h)',
          'square.memorySize 100 must be an integer number of MB from 128 to 10240',
          'square.timeoutSeconds 0 must be a number of seconds above 0 and at most 900',
          'square.reservedConcurrency -1 must be an integer of 0 or more (null: unreserved)',
          'square.onFailure "no such/queue" must be an SQS queue name or the ARN of an SQS queue, SNS topic, EventBridge event bus (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), Lambda function or (on failure only) S3 bucket (arn:aws:s3:::BUCKET), or null to turn it off',
          "no function named 'nosuch' to configure (the functions are flaky, orders, sleep, square, callbackError, counter, echo, slow, slowEcho)",
        ]);
        assert.equal(error.message, `invalid function configuration: ${error.problems.join('; ')}`);
        return true;
      });
    });

    it("checks a module's own config too: unknown keys and out-of-range values, with the file named", async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lambench-config-'));
      try {
        await writeFile(join(dir, 'typo.mjs'), 'export const config = { maxRetries: 1, timeoutSeconds: 901, onSuccess: "' + 'q'.repeat(81) + '" };\nexport const handler = async () => ({});\n');
        await assert.rejects(startTestStack({ functionsDir: dir }), (error: unknown) => {
          assert.ok(error instanceof FunctionConfigError, String(error));
          const file = join(dir, 'typo.mjs');
          assert.equal(error.problems.length, 3, error.problems.join('\n'));
          assert.match(error.problems[0]!, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: config: unknown key 'maxRetries' \\(known: memorySize, `));
          assert.equal(error.problems[1], `${file}: config.timeoutSeconds 901 must be a number of seconds above 0 and at most 900`);
          assert.match(error.problems[2]!, /: config\.onSuccess "q{81}" must be an SQS queue name/);
          return true;
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('accepts the edges of every range, a .fifo queue name and null destinations', async () => {
      const h = await harness({
        functionConfig: {
          flaky: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 21600, memorySize: 10240, timeoutSeconds: 900, reservedConcurrency: 0 },
          square: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 60, memorySize: 128, timeoutSeconds: 0.5, onSuccess: null, onFailure: 'ordered.fifo', deadLetterQueue: null },
        },
      });
      try {
        assert.equal(h.stack.functionConfigs.flaky!.reservedConcurrency, 0);
        assert.equal(h.stack.functionConfigs.square!.onFailure, 'ordered.fifo');
        assert.ok(h.stack.queues['ordered.fifo'], 'the FIFO queue named by the configuration exists');
      } finally {
        await h.close();
      }
    });
  });
});

describe('lambench local --config / --set', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-local-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = startLocalProcess;

  it('--json shows each function configuration with --config, --reserved-concurrency and --set applied in that order', async () => {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ square: { onFailure: 'my-failures', maximumRetryAttempts: 1 }, sleep: { reservedConcurrency: 5 } }));
    const local = run(['--json', '--quiet', '--config', file, '--reserved-concurrency', 'sleep=2', '--set', 'flaky.maximumRetryAttempts=0', '--set', 'square.onSuccess=null', '--set', 'sleep.maximumEventAgeSeconds=3600']);
    try {
      const info = JSON.parse(await local.firstLine);
      assert.equal(info.functionConfig.flaky.maximumRetryAttempts, 0);
      assert.deepEqual(info.functionConfig.flaky, {
        memorySize: 128,
        timeoutSeconds: 3,
        maximumRetryAttempts: 0,
        maximumEventAgeSeconds: 21600,
        onSuccess: 'lambench-success',
        onFailure: 'lambench-failure',
        deadLetterQueue: 'lambench-dlq',
        architecture: 'x86_64',
        logFormat: 'Text',
        logGroup: '/aws/lambda/flaky',
        versions: ['1'],
        aliases: { live: '1' },
        reservedConcurrency: null,
      });
      assert.deepEqual(
        { ...info.functionConfig.square, versions: undefined, aliases: undefined },
        { memorySize: 128, timeoutSeconds: 3, maximumRetryAttempts: 1, maximumEventAgeSeconds: 21600, onSuccess: null, onFailure: 'my-failures', deadLetterQueue: 'lambench-dlq', architecture: 'x86_64', logFormat: 'Text', logGroup: '/aws/lambda/square', reservedConcurrency: null, versions: undefined, aliases: undefined },
      );
      assert.equal(info.functionConfig.sleep.reservedConcurrency, 2, '--reserved-concurrency after --config');
      assert.equal(info.functionConfig.sleep.maximumEventAgeSeconds, 3600);
      assert.equal(info.functionConfig.sleep.timeoutSeconds, 60, "the module's own config stays under the overrides");
      assert.deepEqual(Object.keys(info.queues).sort(), ['lambench-dlq', 'lambench-failure', 'lambench-orders', 'lambench-orders-dlq', 'lambench-orders-out', 'lambench-success', 'my-failures']);
      for (const key of ['lambda', 'api', 'sqs', 'functions', 'region']) assert.ok(key in info, `keeps ${key}`);
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0, local.output().stderr);
  });

  it('prints the configuration table for humans, one aligned line per function', async () => {
    const local = run(['--quiet', '--set', 'flaky.maximumRetryAttempts=0', '--reserved-concurrency', 'sleep=2', '--set', 'sleep.maximumEventAgeSeconds=5400', '--set', 'square.onSuccess=null']);
    try {
      await local.firstLine;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { stdout } = local.output();
      const table = [
        '  async config       (retry delays, throttle backoff and max age × 0.005; --config / --set to change)',
        '    flaky   unreserved · timeout 3s · retries 0 · max age 6h    · success→lambench-success · failure→lambench-failure · dlq→lambench-dlq',
        '    orders  unreserved · timeout 1s · retries 2 · max age 6h    · success→lambench-success · failure→lambench-failure · dlq→lambench-dlq',
        '    sleep   reserved 2 · timeout 1m · retries 2 · max age 1h30m · success→lambench-success · failure→lambench-failure · dlq→lambench-dlq',
        '    square  unreserved · timeout 3s · retries 2 · max age 6h    · success→none             · failure→lambench-failure · dlq→lambench-dlq',
        '  queues',
      ].join('\n');
      assert.ok(stdout.includes(`\n${table}\n`), stdout);
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0, local.output().stderr);
  });

  it('refuses an unknown function or key, an out-of-range value and a missing or broken file, each with one line and exit 2', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"flaky": {"maximumRetryAttempts": 0, "retries": 1}}');
    const cases: [string[], RegExp][] = [
      [['--set', 'nosuch.x=1'], /^lambench: --set nosuch\.x=1: unknown key 'x' \(known: memorySize, /],
      [['--set', 'nosuch.maximumRetryAttempts=1'], /^lambench: invalid function configuration: no function named 'nosuch' to configure \(the functions are flaky, orders, sleep, square\)$/],
      [['--set', 'flaky.maximumRetryAttempts=9'], /^lambench: --set flaky\.maximumRetryAttempts 9 must be an integer from 0 to 2$/],
      [['--set', 'flaky.maximumRetryAttempts=two', '--set', 'flaky'], /^lambench: --set flaky\.maximumRetryAttempts=two: maximumRetryAttempts takes a number; --set 'flaky' must look like NAME\.key=value/],
      [['--config', join(dir, 'missing.json')], /^lambench: --config .*missing\.json cannot be read \(ENOENT: .*\): it must hold \{"NAME": /],
      [['--config', broken], /^lambench: --config .*broken\.json: flaky: unknown key 'retries' \(known: /],
    ];
    for (const [args, pattern] of cases) {
      const { code, stdout, stderr } = await runLambench(['local', ...args]);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.equal(stdout, '');
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr.trimEnd(), pattern);
    }
  });
});
