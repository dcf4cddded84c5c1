/**
 * The real AWS CLI (`aws`) as a client of the local stack, over real sockets on 127.0.0.1: Invoke in
 * every invocation type, qualifiers, log tails, function errors, unknown functions, and async
 * outcomes read back from SQS with `aws sqs receive-message`.
 *
 * Works with AWS CLI v1 and v2. Differences handled here:
 * - v1 has no `--cli-binary-format` (it sends a `--payload` string as raw bytes already); v2 needs
 *   `--cli-binary-format raw-in-base64-out` to do the same.
 * - v1 reads the region from AWS_DEFAULT_REGION only (not AWS_REGION); it is set for the calls below,
 *   and the last test checks that `stack.env` alone is enough.
 * - v1 forces https://queue.amazonaws.com for `aws sqs` in us-east-1 unless `--endpoint-url` is given
 *   (its SSL common-name customization ignores AWS_ENDPOINT_URL_SQS), so SQS calls always pass it.
 */
import assert from 'node:assert/strict';
import { execFile, type ExecFileException } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startLocalStack, type LocalStack } from '../../src/local/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const execFileAsync = promisify(execFile);
const CALL_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 90_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCOUNT_ID = '000000000000';

/** `aws --version` ("aws-cli/1.45.11 Python/…"), or undefined when there is no `aws` on PATH. */
const awsVersion: string | undefined = await execFileAsync('aws', ['--version'], { timeout: CALL_TIMEOUT_MS }).then(
  ({ stdout, stderr }) => (stdout.trim() || stderr.trim()),
  (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`'aws --version' failed: ${error.message}`, { cause: error });
  },
);
const skip = awsVersion === undefined ? 'the AWS CLI (aws) is not installed: pip install awscli' : false;
/** v1 sends `--payload` text as is and rejects this option; v2 needs it to do the same. */
const BINARY_FORMAT_ARGS = awsVersion?.startsWith('aws-cli/1.') ? [] : ['--cli-binary-format', 'raw-in-base64-out'];

interface CliResult {
  /** The exit code; null when the process was killed (e.g. by the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface SqsMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

interface InvokeOutput {
  StatusCode: number;
  ExecutedVersion?: string;
  FunctionError?: string;
  LogResult?: string;
}

interface DestinationRecord {
  version: string;
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

/**
 * The environment of every `aws` call: none of the caller's AWS_* variables (a profile, a default
 * output format or a region of their own must not leak in), the stack's, and no ~/.aws files.
 */
function cliEnv(stack: LocalStack, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...inherited,
    ...stack.env,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

async function runAws(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync('aws', [...args, '--output', 'json'], { env, timeout: CALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, signal: null, stdout, stderr };
  } catch (error) {
    const failure = error as ExecFileException & { stdout?: string; stderr?: string };
    if (typeof failure.code === 'string') throw error; // could not start aws at all
    return { code: failure.code ?? null, signal: failure.signal ?? null, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

function describeCall(args: string[], result: CliResult): string {
  return `aws ${args.join(' ')}\n  exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n  stdout: ${result.stdout.trim()}\n  stderr: ${result.stderr.trim()}`;
}

describe('the AWS CLI against the local stack', { skip, timeout: 5 * TEST_TIMEOUT_MS }, () => {
  let stack: LocalStack;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-aws-cli-'));
    stack = await startLocalStack({ timeScale: 0.001 });
    // AWS CLI v1 reads AWS_DEFAULT_REGION only; stack.env carries AWS_REGION (the last test checks stack.env alone).
    env = cliEnv(stack, { AWS_DEFAULT_REGION: stack.env.AWS_DEFAULT_REGION ?? stack.region });
  });

  after(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `aws`, asserts it exited 0, and returns its JSON output ({} when it printed nothing). */
  async function awsJson<T>(args: string[]): Promise<T> {
    const result = await runAws(args, env);
    assert.equal(result.code, 0, describeCall(args, result));
    return (result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)) as T;
  }

  function invokeArgs(functionName: string, outfile: string, options: { type?: string; payload?: string; qualifier?: string; tail?: boolean } = {}): string[] {
    return [
      'lambda',
      'invoke',
      '--endpoint-url',
      stack.lambdaUrl,
      '--function-name',
      functionName,
      ...(options.type ? ['--invocation-type', options.type] : []),
      ...(options.qualifier ? ['--qualifier', options.qualifier] : []),
      ...(options.tail ? ['--log-type', 'Tail'] : []),
      ...(options.payload !== undefined ? [...BINARY_FORMAT_ARGS, '--payload', options.payload] : []),
      outfile,
    ];
  }

  /** `aws lambda invoke`, asserting exit 0: the CLI's output and the outfile's content. */
  async function invoke(functionName: string, options: Parameters<typeof invokeArgs>[2] = {}): Promise<{ output: InvokeOutput; response: string }> {
    const outfile = join(dir, `${randomUUID()}.json`);
    const output = await awsJson<InvokeOutput>(invokeArgs(functionName, outfile, options));
    const response = await readFile(outfile, 'utf8');
    return { output, response };
  }

  /**
   * Polls a queue with `aws sqs receive-message` until `accept` picks a message, which is then
   * deleted with `aws sqs delete-message`. Others stay visible (--visibility-timeout 0).
   * Bounded: at most `tries` receives and `timeoutMs` in all.
   */
  async function receiveMatching(queueName: string, accept: (message: SqsMessage) => boolean, tries = 20, timeoutMs = 20_000): Promise<SqsMessage> {
    const queueUrl = stack.queues[queueName];
    assert.ok(queueUrl, `the stack has no queue '${queueName}'`);
    const deadline = Date.now() + timeoutMs;
    const seen: string[] = [];
    for (let round = 0; round < tries && Date.now() < deadline; round += 1) {
      const { Messages = [] } = await awsJson<{ Messages?: SqsMessage[] }>([
        'sqs',
        'receive-message',
        '--endpoint-url',
        stack.sqsUrl,
        '--queue-url',
        queueUrl,
        '--max-number-of-messages',
        '10',
        '--wait-time-seconds',
        '1',
        '--visibility-timeout',
        '0',
        '--message-attribute-names',
        'All',
      ]);
      const match = Messages.find(accept);
      seen.push(...Messages.filter((message) => message !== match).map((message) => message.Body));
      if (match) {
        await awsJson(['sqs', 'delete-message', '--endpoint-url', stack.sqsUrl, '--queue-url', queueUrl, '--receipt-handle', match.ReceiptHandle]);
        return match;
      }
    }
    assert.fail(`no matching message on ${queueName} within ${tries} receives / ${timeoutMs} ms; other bodies seen: ${JSON.stringify([...new Set(seen)])}`);
  }

  const parseRecord = (message: SqsMessage): DestinationRecord | undefined => {
    try {
      return JSON.parse(message.Body) as DestinationRecord;
    } catch {
      return undefined;
    }
  };

  it('RequestResponse: StatusCode 200, ExecutedVersion $LATEST, the result in the outfile', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { output, response } = await invoke('square', { type: 'RequestResponse', payload: '{"number": 4}' });
    assert.deepEqual(output, { StatusCode: 200, ExecutedVersion: '$LATEST' });
    assert.deepEqual(JSON.parse(response), { square: 16 });
  });

  it('Event: StatusCode 202, then a Success record on lambench-success (read with aws sqs)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { output, response } = await invoke('square', { type: 'Event', payload: '{"number": 5}' });
    assert.deepEqual(output, { StatusCode: 202 });
    assert.equal(response, '');

    const message = await receiveMatching('lambench-success', (m) => {
      const payload = parseRecord(m)?.requestPayload as { number?: unknown } | undefined;
      return payload?.number === 5;
    });
    const record = parseRecord(message)!;
    assert.equal(record.version, '1.0');
    assert.ok(!Number.isNaN(Date.parse(record.timestamp)), `timestamp ${record.timestamp}`);
    assert.match(record.requestContext.requestId, UUID);
    assert.deepEqual(record.requestContext, {
      requestId: record.requestContext.requestId,
      functionArn: `arn:aws:lambda:${stack.region}:${ACCOUNT_ID}:function:square:$LATEST`,
      condition: 'Success',
      approximateInvokeCount: 1,
    });
    assert.deepEqual(record.requestPayload, { number: 5 });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(record.responsePayload, { square: 25 });
  });

  it('DryRun: StatusCode 204 and no payload', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { output, response } = await invoke('square', { type: 'DryRun', payload: '{"number": 4}' });
    assert.equal(output.StatusCode, 204);
    assert.equal(output.FunctionError, undefined);
    assert.equal(response, '');
  });

  it('--qualifier live runs version 1; --log-type Tail returns the log, ending in a REPORT line', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { output, response } = await invoke('square', { qualifier: 'live', tail: true, payload: '{"number": 6}' });
    assert.equal(output.StatusCode, 200);
    assert.equal(output.ExecutedVersion, '1');
    assert.equal(output.FunctionError, undefined);
    assert.deepEqual(JSON.parse(response), { square: 36 });

    assert.equal(typeof output.LogResult, 'string');
    const log = Buffer.from(output.LogResult!, 'base64').toString('utf8');
    const lines = log.trimEnd().split('\n');
    const start = /^START RequestId: (\S+) Version: 1$/.exec(lines[0] ?? '');
    assert.ok(start, `first line of the log: ${JSON.stringify(lines[0])}\n${log}`);
    const requestId = start[1]!;
    assert.match(requestId, UUID);
    assert.ok(lines.includes(`END RequestId: ${requestId}`), `no END line for ${requestId}:\n${log}`);
    const report = lines.at(-1)!;
    assert.ok(report.startsWith(`REPORT RequestId: ${requestId}\t`), `last line of the log: ${JSON.stringify(report)}`);
    for (const field of ['Duration:', 'Billed Duration:', 'Memory Size: 128 MB', 'Max Memory Used:']) {
      assert.ok(report.includes(field), `REPORT line lacks '${field}': ${JSON.stringify(report)}`);
    }
    assert.match(report, /^REPORT RequestId: \S+\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t/);
  });

  it('a handler that throws: StatusCode 200, FunctionError Unhandled, the error document in the outfile', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { output, response } = await invoke('square', { payload: '{"number": "x"}' });
    assert.deepEqual(output, { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    const document = JSON.parse(response) as { errorType: string; errorMessage: string; trace?: unknown };
    assert.equal(document.errorType, 'TypeError');
    assert.equal(document.errorMessage, 'expected {"number": n}, got {"number":"x"}');
    assert.ok(Array.isArray(document.trace), `trace: ${JSON.stringify(document.trace)}`);
  });

  it('an unknown function: exit 255, ResourceNotFoundException on stderr', { timeout: TEST_TIMEOUT_MS }, async () => {
    const name = `no-such-function-${randomUUID().slice(0, 8)}`;
    const args = invokeArgs(name, join(dir, `${randomUUID()}.json`), { payload: '{}' });
    const result = await runAws(args, env);
    assert.equal(result.code, 255, describeCall(args, result));
    assert.equal(result.stdout.trim(), '');
    assert.ok(
      result.stderr.includes(
        `An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:${stack.region}:${ACCOUNT_ID}:function:${name}`,
      ),
      describeCall(args, result),
    );
  });

  it('a failing Event: retried twice, then in lambench-dlq (the event, RequestID …) and on lambench-failure (RetriesExhausted, 3)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const tag = randomUUID();
    const event = { fail: true, tag };
    const { output } = await invoke('flaky', { type: 'Event', payload: JSON.stringify(event) });
    assert.deepEqual(output, { StatusCode: 202 });

    const dlqMessage = await receiveMatching('lambench-dlq', (m) => m.Body.includes(tag));
    assert.deepEqual(JSON.parse(dlqMessage.Body), event);
    const attributes = dlqMessage.MessageAttributes ?? {};
    assert.deepEqual(Object.keys(attributes).sort(), ['ErrorCode', 'ErrorMessage', 'RequestID']);
    const requestId = attributes.RequestID?.StringValue ?? '';
    assert.equal(attributes.RequestID?.DataType, 'String');
    assert.match(requestId, UUID);
    assert.deepEqual(attributes.ErrorCode, { DataType: 'Number', StringValue: '200' });
    assert.deepEqual(attributes.ErrorMessage, { DataType: 'String', StringValue: 'flaky: failing as asked (event.fail === true)' });

    const failureMessage = await receiveMatching('lambench-failure', (m) => m.Body.includes(tag));
    const record = parseRecord(failureMessage)!;
    assert.equal(record.version, '1.0');
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: `arn:aws:lambda:${stack.region}:${ACCOUNT_ID}:function:flaky:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    assert.deepEqual(record.requestPayload, event);
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    const responsePayload = record.responsePayload as { errorType?: string; errorMessage?: string };
    assert.equal(responsePayload.errorType, 'Error');
    assert.equal(responsePayload.errorMessage, 'flaky: failing as asked (event.fail === true)');
  });

  it('stack.env alone is enough for the AWS CLI to invoke (no --region, no --endpoint-url)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const outfile = join(dir, `${randomUUID()}.json`);
    const args = ['lambda', 'invoke', '--function-name', 'square', ...BINARY_FORMAT_ARGS, '--payload', '{"number": 7}', outfile];
    const result = await runAws(args, cliEnv(stack));
    assert.equal(result.code, 0, `${describeCall(args, result)}\n  (AWS CLI v1 reads the region from AWS_DEFAULT_REGION only; stack.env has ${Object.keys(stack.env).join(', ')})`);
    assert.deepEqual(JSON.parse(result.stdout), { StatusCode: 200, ExecutedVersion: '$LATEST' });
    assert.deepEqual(JSON.parse(await readFile(outfile, 'utf8')), { square: 49 });
  });
});
