/**
 * The local stack's fault switches: the grammar (every bad part named), the plan's windows and
 * probabilities on a fake clock, and each switch seen by real clients (the AWS SDK, fetch, raw
 * sockets) over 127.0.0.1. No assertion here depends on the machine being fast: latencies are
 * checked as lower bounds, hangs as "no answer within N ms".
 */
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { isThrottlingError } from '@smithy/core/retry';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { FaultPlan, parseFault, parseFaults, FaultSpecError } from '../src/local/faults.js';
import type { AsyncCompletion, LocalStack, LocalStackOptions } from '../src/local/index.js';
import { decode, lambdaClient, runLambench, sqsClient, startLocalProcess, startTestStack } from './helpers.js';

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

describe('fault grammar', () => {
  it('reads every kind, scope, value, probability and window, and writes it back normalised', () => {
    const cases: [string, string][] = [
      ['lambda:square:error p=0.2', 'lambda:square:error p=0.2'],
      ['  api:latency   50ms..500ms  ', 'api:latency 50ms..500ms'],
      ['api:latency 0.2s', 'api:latency 200ms'],
      ['sqs:refuse 3s..5s', 'sqs:refuse 3s..5s'],
      ['sqs:hang 3000ms..', 'sqs:hang 3s..'],
      ['lambda:throttle p=10%', 'lambda:throttle p=0.1'],
      ['api:my-fn_2:status 503 p=0.5 1s..2s', 'api:my-fn_2:status 503 p=0.5 1s..2s'],
      ['lambda:reset', 'lambda:reset'],
      ['sqs:throttle 60s..', 'sqs:throttle 1m..'],
      ['lambda:error 0ms..3600s', 'lambda:error 0s..1h'],
    ];
    for (const [line, spec] of cases) assert.equal(parseFault(line).spec, spec, line);
    assert.deepEqual(parseFault('api:square:latency 50ms..500ms p=0.5 2s..4s'), {
      spec: 'api:square:latency 50ms..500ms p=0.5 2s..4s',
      front: 'api',
      functionName: 'square',
      kind: 'latency',
      latencyMs: { min: 50, max: 500 },
      probability: 0.5,
      window: { fromMs: 2000, toMs: 4000 },
    });
  });

  it('names the bad part and the fix, one line each, every problem at once', () => {
    const cases: [string, RegExp][] = [
      ['square:error', /^fault 'square:error': scope 'square' must be lambda, api or sqs/],
      ['lambda', /^fault 'lambda': 'lambda' must be SCOPE:KIND or SCOPE:FUNCTION:KIND/],
      ['lambda:square:eror', /kind 'eror' is not one of lambda's: latency, error, throttle, status, reset, hang$/],
      ['api:error', /kind 'error' is not one of api's: .*write lambda:FUNCTION:error/],
      ['sqs:reset', /kind 'reset' is not one of sqs's: latency, throttle, refuse, hang$/],
      ['sqs:queue:refuse', /'sqs:queue' takes no function name/],
      ['lambda:my.fn:error', /function 'my\.fn' is not a function name/],
      ['lambda:latency', /latency needs how long: a duration \(200ms\) or a uniform range/],
      ['lambda:latency 500ms..50ms', /latency '500ms\.\.50ms' needs how long/],
      ['lambda:latency fast', /latency 'fast' needs how long/],
      ['api:status', /status needs a 5xx status code, e\.g\. status 503/],
      ['api:status 429', /status '429' needs a 5xx status code/],
      ['lambda:error p=0', /'p=0' must be a probability above 0 and at most 1/],
      ['lambda:error p=1.5', /'p=1\.5' must be a probability/],
      ['lambda:error p=', /'p=' must be a probability/],
      ['lambda:error 5s..3s', /'5s\.\.3s' is not a window from an earlier to a later time/],
      ['lambda:error 1s..2s 3s..4s', /'3s\.\.4s' is not a window .*or a second one/],
      ['lambda:error 3', /'3' is neither p=P nor a window FROM\.\.TO/],
      ['lambda:error 3..5', /'3\.\.5' is not a window/],
    ];
    for (const [line, pattern] of cases) {
      assert.throws(() => parseFault(line), (error: Error) => error instanceof FaultSpecError && pattern.test(error.message) && !error.message.includes('\n'), line);
    }
    const { faults, problems } = parseFaults(['lambda:error', 'x:y', 'sqs:hang', 'api:nope']);
    assert.deepEqual(faults.map((fault) => fault.spec), ['lambda:error', 'sqs:hang']);
    assert.equal(problems.length, 2);
  });

  it('a window is active only inside it, counted from start(); p draws per request; latencies add; the first other fault wins', () => {
    let now = 1000;
    const draws = [0.05, 0.5, 0.95];
    let drawIndex = 0;
    const plan = new FaultPlan(
      ['lambda:square:error 3s..5s', 'sqs:refuse 2s..', 'api:latency 100ms..300ms', 'api:latency 50ms', 'api:status 503 p=0.1', 'api:throttle'].map(parseFault),
      () => now,
      () => draws[drawIndex++ % draws.length]!,
    );
    assert.equal(plan.draw('sqs', undefined, ['refuse']).fault, undefined, 'nothing fires before the stack has started');
    plan.start();
    const errorAt = (ms: number) => {
      now = 1000 + ms;
      return plan.draw('lambda', 'square', ['error']).fault?.spec;
    };
    assert.deepEqual([errorAt(0), errorAt(2999), errorAt(3000), errorAt(4999), errorAt(5000), errorAt(60_000)], [undefined, undefined, 'lambda:square:error 3s..5s', 'lambda:square:error 3s..5s', undefined, undefined]);
    assert.equal(plan.draw('lambda', 'sleep', ['error']).fault, undefined, 'scoped to square');
    now = 1000 + 2000;
    assert.equal(plan.draw('sqs', undefined, ['refuse']).fault?.spec, 'sqs:refuse 2s..', 'an open window runs on');
    now = 1000 + 3_600_000;
    assert.equal(plan.draw('sqs', undefined, ['refuse']).fault?.spec, 'sqs:refuse 2s..');

    // api: the uniform latency draws 0.05 → 110 ms, the fixed one adds 50; p=0.1 draws 0.5 (no), the throttle always fires.
    drawIndex = 0;
    const first = plan.draw('api', 'square', ['latency', 'status', 'throttle']);
    assert.equal(first.latencyMs, 110 + 50);
    assert.equal(first.fault?.spec, 'api:throttle');
    // Next: latency draws 0.95 → 290 ms; p=0.1 draws 0.05 (yes): the status, given first, wins over the throttle.
    const second = plan.draw('api', 'square', ['latency', 'status', 'throttle']);
    assert.equal(second.latencyMs, 290 + 50);
    assert.equal(second.fault?.spec, 'api:status 503 p=0.1');
    assert.deepEqual(plan.fired, [2, 2, 2, 2, 1, 1]);
  });
});

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
        assert.deepEqual(info.functions, ['flaky', 'sleep', 'square', 'good_one']);
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
        [['--fault', 'lambda:square:eror'], /^lambench: --fault 'lambda:square:eror': kind 'eror' is not one of lambda's: latency, error, throttle, status, reset, hang\n$/],
        [['--fault', 'sqs:refuse 5s..3s'], /^lambench: --fault 'sqs:refuse 5s\.\.3s': '5s\.\.3s' is not a window from an earlier to a later time/],
        [['--fault', 'lambda:nosuch:error'], /^lambench: fault 'lambda:nosuch:error': no function named 'nosuch' \(the functions are flaky, sleep, square\)\n$/],
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
