/**
 * The local stack's fault switches seen by real clients (the AWS SDK, the AWS CLI, fetch, raw
 * sockets) over 127.0.0.1 (the grammar: faultGrammar.test.ts; the CLI: localFaultsCli.test.ts).
 * No assertion here depends on the machine being fast: latencies are checked as lower bounds,
 * hangs as "no answer within N ms".
 */
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { isThrottlingError } from '@smithy/core/retry';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { AsyncCompletion, LocalStack, LocalStackOptions } from '../../src/local/index.js';
import { decode, lambdaClient, sqsClient, startTestStack } from '../support/helpers.js';

async function withStack(options: LocalStackOptions, body: (stack: LocalStack) => Promise<void>): Promise<void> {
  const stack = await startTestStack(options);
  try {
    await body(stack);
  } finally {
    await stack.stop();
  }
}

/** True when a raw POST to `url` + `path` got no answer (not even a closed connection) within `ms`. */
function unansweredFor(url: string, path: string, ms: number, headers: Record<string, string> = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const call = request({ hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    const timer = setTimeout(() => {
      resolve(true);
      call.destroy();
    }, ms);
    const answered = () => {
      clearTimeout(timer);
      resolve(false);
    };
    call.on('response', answered);
    call.on('error', answered);
    call.end('{}');
  });
}

const invokeSync = (stack: LocalStack, name: string, payload: unknown = {}): Promise<InvokeCommandOutput> => {
  const lambda = lambdaClient(stack);
  return lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) })).finally(() => lambda.destroy());
};

const rejection = async (promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; code?: string; Reason?: string; cause?: { code?: string } }> => {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a rejection');
};

describe('fault switches seen by real clients', () => {
  it('lambda:FUNCTION:error fails that function wherever it is invoked from: Invoke API, api front (502), async (retries, then the failure destination)', async () => {
    const completions: AsyncCompletion[] = [];
    await withStack({ faults: ['lambda:square:error'], functionConfig: { square: { maximumRetryAttempts: 1 } }, onAsyncCompletion: (completion) => completions.push(completion) }, async (stack) => {
      const out = await invokeSync(stack, 'square', { number: 3 });
      assert.equal(out.FunctionError, 'Unhandled');
      assert.equal(decode(out.Payload).errorType, 'InjectedFault');
      assert.match(decode(out.Payload).errorMessage, /lambench local: injected fault 'lambda:square:error'/);
      assert.deepEqual(decode((await invokeSync(stack, 'sleep', { ms: 1 })).Payload), { slept: 1 }, 'other functions run as usual');

      const front = await fetch(`${stack.apiUrl}/square/4`);
      assert.equal(front.status, 502);
      assert.equal(((await front.json()) as { errorType: string }).errorType, 'InjectedFault');

      const lambda = lambdaClient(stack);
      try {
        await lambda.send(new InvokeCommand({ FunctionName: 'square', InvocationType: 'Event', Payload: Buffer.from('{"number": 2}') }));
      } finally {
        lambda.destroy();
      }
      for (let round = 0; round < 200 && completions.length === 0; round += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.deepEqual(
        completions.map(({ condition, attempts }) => ({ condition, attempts })),
        [{ condition: 'RetriesExhausted', attempts: 2 }],
      );
      assert.deepEqual(stack.faultsFired(), [1 + 1 + 2], 'one draw per run: sync, through the front, and both async attempts');
    });
  });

  it('the Invoke API: throttle (429 with Reason), status (5xx), reset (ECONNRESET), hang (no answer), latency (added), each scoped to its function', async () => {
    await withStack({ faults: ['lambda:square:throttle', 'lambda:sleep:status 503', 'lambda:flaky:reset', 'lambda:echo:hang', 'lambda:counter:latency 300ms'] }, async (stack) => {
      const throttled = await rejection(invokeSync(stack, 'square', { number: 2 }));
      assert.equal(throttled.name, 'TooManyRequestsException');
      assert.equal(throttled.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(throttled.$metadata?.httpStatusCode, 429);

      const unavailable = await rejection(invokeSync(stack, 'sleep', { ms: 1 }));
      assert.equal(unavailable.name, 'ServiceException');
      assert.equal(unavailable.$metadata?.httpStatusCode, 503);

      const reset = await rejection(invokeSync(stack, 'flaky'));
      assert.equal(reset.code, 'ECONNRESET', `${reset.name}: ${reset.message}`);
      assert.equal(reset.$metadata?.httpStatusCode, undefined, 'no answer at all');

      assert.equal(await unansweredFor(stack.lambdaUrl, '/2015-03-31/functions/echo/invocations', 800), true, 'echo never answers');

      const started = performance.now();
      const slowed = await invokeSync(stack, 'counter');
      assert.equal(slowed.StatusCode, 200);
      assert.ok(performance.now() - started >= 295, `answered after ${performance.now() - started} ms`);

      // The api front is another front: lambda: faults do not touch it.
      assert.equal((await fetch(`${stack.apiUrl}/square/5`)).status, 200);
      assert.deepEqual(stack.faultsFired(), [1, 1, 1, 1, 1]);
    });
  });

  it('the api front: throttle (429), status (503), reset, hang, each scoped to the function its route invokes', async () => {
    await withStack({ faults: ['api:square:throttle', 'api:flaky:status 503', 'api:echo:reset', 'api:sleep:hang'] }, async (stack) => {
      const throttled = await fetch(`${stack.apiUrl}/square/2`);
      assert.equal(throttled.status, 429);
      assert.equal(((await throttled.json()) as { message: string }).message, 'Too Many Requests');
      assert.equal(throttled.headers.get('x-amzn-errortype'), 'TooManyRequestsException');

      const unavailable = await fetch(`${stack.apiUrl}/run/sync?function=flaky`, { method: 'POST', body: '{}' });
      assert.equal(unavailable.status, 503);
      assert.match(((await unavailable.json()) as { fault: string }).fault, /injected fault 'api:flaky:status 503'/);

      const reset = await rejection(fetch(`${stack.apiUrl}/run/sync?function=echo`, { method: 'POST', body: '{}' }));
      assert.equal(reset.cause?.code, 'ECONNRESET', String(reset.cause));

      assert.equal(await unansweredFor(stack.apiUrl, '/run/sync?function=sleep', 800), true, 'sleep through the front never answers');
      assert.equal((await fetch(`${stack.apiUrl}/run/sync?function=sleep`, { method: 'POST', body: '{"ms": 1}', signal: AbortSignal.timeout(300) }).catch((error: Error) => error)).constructor, DOMException);

      const direct = await invokeSync(stack, 'square', { number: 2 });
      assert.deepEqual(decode(direct.Payload), { square: 4 }, 'the Invoke API is another front');
    });
  });

  it('a window fault is active only inside its window (generous windows: none ends during the test)', async () => {
    await withStack({ faults: ['lambda:square:error 0s..1h', 'lambda:sleep:error 1h..'] }, async (stack) => {
      assert.equal((await invokeSync(stack, 'square', { number: 2 })).FunctionError, 'Unhandled', 'inside 0s..1h');
      assert.equal((await invokeSync(stack, 'sleep', { ms: 1 })).FunctionError, undefined, 'before 1h..');
      assert.deepEqual(stack.faultsFired(), [1, 0]);
    });
  });

  it('sqs:refuse closes every connection before an answer: the SDK fails with a connection error, and the stack still delivers its own records', async () => {
    const completions: AsyncCompletion[] = [];
    const warnings: string[] = [];
    await withStack({ faults: ['sqs:refuse'], onAsyncCompletion: (completion) => completions.push(completion), onWarning: (warning) => warnings.push(warning) }, async (stack) => {
      const sqs = sqsClient(stack);
      try {
        const refused = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: stack.queues['lambench-success'], MessageBody: 'x' })));
        assert.equal(refused.$metadata?.httpStatusCode, undefined, `${refused.name}: ${refused.message}`);
        assert.match(`${refused.code} ${refused.message}`, /ECONNRESET|socket hang up/);
      } finally {
        sqs.destroy();
      }
      const lambda = lambdaClient(stack);
      try {
        await lambda.send(new InvokeCommand({ FunctionName: 'square', InvocationType: 'Event', Payload: Buffer.from('{"number": 2}') }));
      } finally {
        lambda.destroy();
      }
      for (let round = 0; round < 200 && completions.length === 0; round += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.deepEqual(completions.map((completion) => completion.condition), ['Success']);
      assert.deepEqual(warnings, [], 'the destination record was written (straight to the emulator)');
    });
  });

  it('latency on the api front and on SQS comes before the answer, which is otherwise as usual', async () => {
    await withStack({ faults: ['api:latency 200ms', 'sqs:latency 200ms'] }, async (stack) => {
      let started = performance.now();
      const front = await fetch(`${stack.apiUrl}/square/3`);
      assert.equal(((await front.json()) as { square_of_your_number_is: number }).square_of_your_number_is, 9);
      assert.ok(performance.now() - started >= 195, `the front answered after ${performance.now() - started} ms`);
      const sqs = sqsClient(stack);
      try {
        started = performance.now();
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queues['lambench-success'], AttributeNames: ['QueueArn'] }));
        assert.match(Attributes?.QueueArn ?? '', /:lambench-success$/);
        assert.ok(performance.now() - started >= 195, `SQS answered after ${performance.now() - started} ms`);
      } finally {
        sqs.destroy();
      }
      assert.deepEqual(stack.faultsFired(), [1, 1]);
    });
  });

  it('sqs:hang leaves a request unanswered; sqs:throttle answers RequestThrottled, which the SDK classes as a throttle', async () => {
    await withStack({ faults: ['sqs:hang'] }, async (stack) => {
      assert.equal(await unansweredFor(stack.sqsUrl, '/', 800, { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' }), true);
    });
    await withStack({ faults: ['sqs:throttle'] }, async (stack) => {
      const sqs = sqsClient(stack);
      try {
        const throttled = await rejection(sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queues['lambench-success'], AttributeNames: ['All'] })));
        assert.equal(throttled.name, 'RequestThrottled');
        assert.equal(throttled.$metadata?.httpStatusCode, 403);
        assert.equal(isThrottlingError(throttled as never), true);
      } finally {
        sqs.destroy();
      }
    });
  });
});

const execFileAsync = promisify(execFile);
/** `aws` on PATH, or why these checks are skipped. */
const noAws = await execFileAsync('aws', ['--version'], { timeout: 30_000 }).then(
  () => false as const,
  () => 'the AWS CLI (aws) is not installed: pip install awscli',
);

/** Runs `aws` against the stack with none of the caller's AWS settings; never throws for a non-zero exit. */
async function aws(stack: LocalStack, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const env = { ...inherited, ...stack.env, AWS_PAGER: '', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1' };
  try {
    const { stdout, stderr } = await execFileAsync('aws', [...args, '--output', 'json'], { env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

describe('fault switches seen by the AWS CLI', { skip: noAws, timeout: 120_000 }, () => {
  it('aws lambda invoke reports the injected function error; aws sqs fails on a throttle and on a refused connection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-faults-aws-'));
    try {
      await withStack({ faults: ['lambda:square:error'] }, async (stack) => {
        const out = join(dir, 'out.json');
        const invoked = await aws(stack, ['lambda', 'invoke', '--endpoint-url', stack.lambdaUrl, '--function-name', 'square', '--payload', '{"number": 2}', out]);
        assert.equal(invoked.code, 0, invoked.stderr);
        assert.equal(JSON.parse(invoked.stdout).FunctionError, 'Unhandled');
      });
      await withStack({ faults: ['sqs:throttle'] }, async (stack) => {
        const throttled = await aws(stack, ['sqs', 'get-queue-attributes', '--endpoint-url', stack.sqsUrl, '--queue-url', stack.queues['lambench-success']!]);
        assert.notEqual(throttled.code, 0);
        assert.match(throttled.stderr, /RequestThrottled/);
      });
      await withStack({ faults: ['sqs:refuse'] }, async (stack) => {
        const refused = await aws(stack, ['sqs', 'get-queue-attributes', '--endpoint-url', stack.sqsUrl, '--queue-url', stack.queues['lambench-success']!]);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /Connection|reset|closed|aborted/i);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
