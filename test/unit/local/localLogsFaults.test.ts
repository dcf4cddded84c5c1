/**
 * The local CloudWatch Logs' fault switches (`logs:…`) seen by real clients over 127.0.0.1: the AWS
 * SDK and the AWS CLI get CloudWatch Logs' own answers (400 ThrottlingException "Rate exceeded",
 * 400 AccessDeniedException naming the IAM action), a deny hits only its operation, `p=` draws per
 * request (the stack's own count of what fired equals what the client saw), latency comes first, a
 * hang never answers. Latency is checked as a lower bound, a hang as "no answer within N ms".
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { isThrottlingError } from '@smithy/core/retry';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { LocalStack, LocalStackOptions } from '../../../src/local/index.js';
import { CREDENTIALS, startTestStack } from '../../support/helpers.js';

const execFileAsync = promisify(execFile);
const noAws = await execFileAsync('aws', ['--version'], { timeout: 30_000 }).then(
  () => false as const,
  () => 'the AWS CLI (aws) is not installed: pip install awscli',
);

async function withStack(options: LocalStackOptions, body: (stack: LocalStack, logs: CloudWatchLogsClient) => Promise<void>): Promise<void> {
  const stack = await startTestStack(options);
  const logs = new CloudWatchLogsClient({ region: stack.region, endpoint: stack.logsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    await body(stack, logs);
  } finally {
    logs.destroy();
    await stack.stop();
  }
}

type Refusal = Error & { $metadata?: { httpStatusCode?: number } };
const refusal = (promise: Promise<unknown>): Promise<Refusal> =>
  promise.then(
    () => assert.fail('expected a refusal'),
    (error: Refusal) => error,
  );

/** `aws logs …` against the stack, with none of the caller's AWS settings and no retries; never throws for a non-zero exit. */
async function awsLogs(stack: LocalStack, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const env = { ...inherited, ...stack.env, AWS_PAGER: '', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1' };
  try {
    const { stdout, stderr } = await execFileAsync('aws', ['logs', ...args, '--endpoint-url', stack.logsUrl, '--output', 'json'], { env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

describe('local CloudWatch Logs: fault switches', { timeout: 120_000 }, () => {
  it('throttle: 400 ThrottlingException "Rate exceeded" for every operation, after the latency; the SDK classes it as a throttle', async () => {
    await withStack({ faults: ['logs:latency 200ms', 'logs:throttle'] }, async (stack, logs) => {
      const started = performance.now();
      const throttled = await refusal(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/square' })));
      assert.ok(performance.now() - started >= 195, 'the latency comes before the answer');
      assert.equal(throttled.name, 'ThrottlingException');
      assert.equal(throttled.$metadata?.httpStatusCode, 400);
      assert.match(throttled.message, /^Rate exceeded \(lambench local: injected fault 'logs:throttle'\)$/);
      assert.equal(isThrottlingError(throttled as never), true);
      assert.equal((await refusal(logs.send(new DescribeLogGroupsCommand({})))).name, 'ThrottlingException');
      assert.deepEqual(stack.faultsFired(), [2, 2]);
    });
  });

  it('deny (written as the IAM action): 400 AccessDeniedException for that operation only, before the group is looked up; p= draws per request', async () => {
    await withStack({ faults: ['logs:deny logs:FilterLogEvents', 'logs:throttle p=0.5'] }, async (stack, logs) => {
      assert.deepEqual(stack.faults.map((fault) => fault.spec), ['logs:deny FilterLogEvents', 'logs:throttle p=0.5']);
      const denied = await refusal(logs.send(new FilterLogEventsCommand({ logGroupName: '/no/such/group' })));
      assert.equal(denied.name, 'AccessDeniedException');
      assert.equal(denied.$metadata?.httpStatusCode, 400);
      assert.equal(
        denied.message,
        'User: arn:aws:iam::000000000000:user/local is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:000000000000:log-group:/no/such/group:log-stream: because no identity-based policy allows the logs:FilterLogEvents action',
      );
      // Another operation is not denied: the group is looked up (and missing), unless the throttle drew it.
      const other = await refusal(logs.send(new GetLogEventsCommand({ logGroupName: '/no/such/group', logStreamName: 's' })));
      assert.ok(['ResourceNotFoundException', 'ThrottlingException'].includes(other.name), other.name);
      let throttled = other.name === 'ThrottlingException' ? 1 : 0;
      for (let call = 0; call < 40; call += 1) {
        const answer = await logs.send(new DescribeLogGroupsCommand({})).then(
          () => 'answered',
          (error: Error) => error.name,
        );
        assert.ok(answer === 'answered' || answer === 'ThrottlingException', answer);
        if (answer === 'ThrottlingException') throttled += 1;
      }
      // 41 draws at p=0.5: all alike has a chance of 2 in 2^41.
      assert.ok(throttled > 0 && throttled < 41, String(throttled));
      assert.deepEqual(stack.faultsFired(), [1, throttled], 'the stack counts what the client saw');
    });
  });

  it('hang: the request is held open, never answered, and the stack still stops', async () => {
    await withStack({ faults: ['logs:hang'] }, async (stack) => {
      const { hostname, port } = new URL(stack.logsUrl);
      const answered = await new Promise<boolean>((resolve) => {
        const call = request({ hostname, port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeLogGroups' } });
        const timer = setTimeout(() => {
          resolve(false);
          call.destroy();
        }, 500);
        call.on('response', () => {
          clearTimeout(timer);
          resolve(true);
        });
        call.on('error', () => {
          clearTimeout(timer);
          resolve(true);
        });
        call.end('{}');
      });
      assert.equal(answered, false, 'no answer, not even a closed connection, within 500 ms');
      assert.deepEqual(stack.faultsFired(), [1]);
    });
  });

  it('the AWS CLI: aws logs filter-log-events fails with ThrottlingException, and with AccessDeniedException naming logs:FilterLogEvents', { skip: noAws }, async () => {
    await withStack({ faults: ['logs:throttle'] }, async (stack) => {
      const throttled = await awsLogs(stack, ['filter-log-events', '--log-group-name', '/aws/lambda/square']);
      assert.notEqual(throttled.code, 0);
      assert.match(throttled.stderr, /\(ThrottlingException\) when calling the FilterLogEvents operation.*: Rate exceeded/);
    });
    await withStack({ faults: ['logs:deny FilterLogEvents'] }, async (stack) => {
      const denied = await awsLogs(stack, ['filter-log-events', '--log-group-name', '/aws/lambda/square']);
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /\(AccessDeniedException\) when calling the FilterLogEvents operation: User: .* is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:000000000000:log-group:\/aws\/lambda\/square:log-stream:/);
      // Only that operation: describe-log-groups answers.
      const described = await awsLogs(stack, ['describe-log-groups']);
      assert.equal(described.code, 0, described.stderr);
      assert.ok(Array.isArray(JSON.parse(described.stdout).logGroups));
    });
  });
});
