/**
 * The real AWS CLI (`aws`, v1 here; v2 works the same for these commands) managing event source
 * mappings on the local stack: create, get, list with its pagination (--max-items / --starting-token,
 * --page-size), update, delete, and a refusal with AWS's error type and exit code. The CLI sends
 * the paths with a trailing slash and its own JSON; botocore parses the answers with Lambda's model.
 */
import assert from 'node:assert/strict';
import { execFile, type ExecFileException } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startLocalStack, type LocalStack } from '../../src/local/index.js';
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { lambdaClient, sqsClient } from '../support/helpers.js';
import { createQueue, ESM_FIXTURES, waitFor } from '../support/esm.js';

const execFileAsync = promisify(execFile);
const CALL_TIMEOUT_MS = 30_000;

/** `aws --version`, or undefined when there is no `aws` on PATH. */
const awsVersion: string | undefined = await execFileAsync('aws', ['--version'], { timeout: CALL_TIMEOUT_MS }).then(
  ({ stdout, stderr }) => stdout.trim() || stderr.trim(),
  (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`'aws --version' failed: ${error.message}`, { cause: error });
  },
);
const skip = awsVersion === undefined ? 'the AWS CLI (aws) is not installed: pip install awscli' : false;

interface Mapping {
  UUID: string;
  State: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  FunctionArn: string;
  EventSourceArn: string;
  FunctionResponseTypes: string[];
  ScalingConfig?: { MaximumConcurrency: number };
  LastModified: number | string;
}

describe('the AWS CLI managing event source mappings', { skip, timeout: 180_000 }, () => {
  let stack: LocalStack;
  let env: NodeJS.ProcessEnv;
  const queueArns: string[] = [];

  before(async () => {
    stack = await startLocalStack({ functionsDir: ESM_FIXTURES, timeScale: 0.001 });
    const sqs = sqsClient(stack);
    for (const name of ['cli-a', 'cli-b', 'cli-c', 'cli-d', 'cli-e']) queueArns.push((await createQueue(sqs, `esm-${name}`)).arn);
    sqs.destroy();
    // None of the caller's AWS settings or files; the stack's endpoints and dummy credentials. v1 reads AWS_DEFAULT_REGION only.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    env = { ...inherited, ...stack.env, AWS_PAGER: '', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
  });
  after(() => stack?.stop());

  async function aws(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync('aws', ['lambda', ...args, '--endpoint-url', stack.lambdaUrl, '--output', 'json'], { env, timeout: CALL_TIMEOUT_MS });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as ExecFileException & { stdout?: string; stderr?: string };
      if (typeof failure.code === 'string') throw error;
      return { code: failure.code ?? null, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
    }
  }

  async function awsJson<T>(args: string[]): Promise<T> {
    const result = await aws(args);
    assert.equal(result.code, 0, `aws lambda ${args.join(' ')}\n${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  it('create, get, update (disable), delete', async () => {
    const created = await awsJson<Mapping>([
      'create-event-source-mapping',
      '--function-name',
      'batchProbe',
      '--event-source-arn',
      queueArns[0]!,
      '--batch-size',
      '5',
      '--function-response-types',
      'ReportBatchItemFailures',
      '--scaling-config',
      'MaximumConcurrency=3',
    ]);
    assert.equal(created.State, 'Creating');
    assert.equal(created.BatchSize, 5);
    assert.deepEqual(created.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.deepEqual(created.ScalingConfig, { MaximumConcurrency: 3 });
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:batchProbe');
    assert.equal(created.EventSourceArn, queueArns[0]);
    assert.ok(created.LastModified, 'LastModified parsed and printed');

    await waitFor('Enabled', async () => (await awsJson<Mapping>(['get-event-source-mapping', '--uuid', created.UUID])).State === 'Enabled');
    const disabling = await awsJson<Mapping>(['update-event-source-mapping', '--uuid', created.UUID, '--no-enabled', '--batch-size', '8']);
    assert.equal(disabling.State, 'Disabling');
    assert.equal(disabling.BatchSize, 8);
    await waitFor('Disabled', async () => (await awsJson<Mapping>(['get-event-source-mapping', '--uuid', created.UUID])).State === 'Disabled');

    const deleting = await awsJson<Mapping>(['delete-event-source-mapping', '--uuid', created.UUID]);
    assert.equal(deleting.State, 'Deleting');
    const gone = await waitFor('the mapping to be gone', async () => {
      const result = await aws(['get-event-source-mapping', '--uuid', created.UUID]);
      return result.code !== 0 ? result : undefined;
    });
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /\(ResourceNotFoundException\) when calling the GetEventSourceMapping operation: The resource you requested does not exist\./);
  });

  it('list: filtered by function, paged by --max-items / --starting-token, and all at once through --page-size', async () => {
    // Made (and removed) through the SDK: the CLI's part here is the listing (each `aws` call takes a second).
    const lambda = lambdaClient(stack);
    const uuids: string[] = [];
    for (const arn of queueArns) uuids.push((await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: arn, Enabled: false }))).UUID!);
    const first = await awsJson<{ EventSourceMappings: Mapping[]; NextToken?: string }>(['list-event-source-mappings', '--function-name', 'batchProbe', '--max-items', '2']);
    assert.deepEqual(first.EventSourceMappings.map((mapping) => mapping.UUID), uuids.slice(0, 2));
    assert.ok(first.NextToken, 'more to come');
    const rest = await awsJson<{ EventSourceMappings: Mapping[]; NextToken?: string }>(['list-event-source-mappings', '--function-name', 'batchProbe', '--starting-token', first.NextToken]);
    assert.deepEqual(rest.EventSourceMappings.map((mapping) => mapping.UUID), uuids.slice(2));
    const paged = await awsJson<{ EventSourceMappings: Mapping[] }>(['list-event-source-mappings', '--function-name', 'batchProbe', '--page-size', '2']);
    assert.deepEqual(paged.EventSourceMappings.map((mapping) => mapping.UUID), uuids, 'the CLI followed NextMarker over 3 pages');
    const byQueue = await awsJson<{ EventSourceMappings: Mapping[] }>(['list-event-source-mappings', '--event-source-arn', queueArns[2]!]);
    assert.deepEqual(byQueue.EventSourceMappings.map((mapping) => mapping.UUID), [uuids[2]]);
    for (const uuid of uuids) await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    lambda.destroy();
  });

  it('a refusal is the AWS error, exit code non-zero, nothing created', async () => {
    const result = await aws(['create-event-source-mapping', '--function-name', 'batchProbe', '--event-source-arn', queueArns[1]!, '--batch-size', '11']);
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /An error occurred \(InvalidParameterValueException\) when calling the CreateEventSourceMapping operation: Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10/,
    );
    const listed = await awsJson<{ EventSourceMappings: Mapping[] }>(['list-event-source-mappings', '--event-source-arn', queueArns[1]!]);
    assert.deepEqual(listed.EventSourceMappings, []);
  });
});
