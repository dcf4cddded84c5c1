/** `lambench local`: the local stack in the foreground until Ctrl-C. */
import { UsageError } from '../../errors.js';
import { parseDuration } from '../duration.js';
import type { FunctionConfig, LocalStack } from '../../local/index.js';
import { styleFor } from '../style.js';

export interface LocalArgs {
  port?: number;
  apiPort?: number;
  sqsPort?: number;
  apiTimeout?: string;
  apiAsyncStatus?: number;
  functions?: string;
  queue?: string[];
  reservedConcurrency?: string[];
  timeScale?: number;
  region?: string;
  quiet?: boolean;
  json?: boolean;
}

export async function localCommand(args: LocalArgs): Promise<void> {
  const problems: string[] = [];
  for (const [flag, port] of [['--port', args.port], ['--api-port', args.apiPort], ['--sqs-port', args.sqsPort]] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) problems.push(`${flag} ${port} must be a port from 0 to 65535 (0 = any free port)`);
  }
  const functionConfig: Record<string, Partial<FunctionConfig>> = {};
  for (const item of args.reservedConcurrency ?? []) {
    const match = /^([a-zA-Z0-9-_]+)=(\d+)$/.exec(item);
    if (match) functionConfig[match[1]!] = { reservedConcurrency: Number(match[2]) };
    else problems.push(`--reserved-concurrency '${item}' must look like NAME=N, e.g. sleep=5`);
  }
  if (args.timeScale !== undefined && !(args.timeScale > 0 && args.timeScale <= 1)) problems.push(`--time-scale ${args.timeScale} must be above 0 and at most 1 (1 = AWS's real retry delays)`);
  let apiTimeoutMs: number | undefined;
  try {
    apiTimeoutMs = args.apiTimeout === undefined ? undefined : parseDuration(args.apiTimeout, '--api-timeout');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (args.apiAsyncStatus !== undefined && args.apiAsyncStatus !== 200 && args.apiAsyncStatus !== 202) {
    problems.push(`--api-async-status ${args.apiAsyncStatus} must be 200 (API Gateway's default) or 202`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));

  const { startLocalStack } = await import('../../local/index.js');
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      ...(args.port !== undefined && { port: args.port }),
      ...(args.sqsPort !== undefined && { sqsPort: args.sqsPort }),
      ...(args.apiPort !== undefined && { apiPort: args.apiPort }),
      ...(apiTimeoutMs !== undefined && { apiTimeoutMs }),
      ...((args.apiAsyncStatus === 200 || args.apiAsyncStatus === 202) && { apiAsyncStatus: args.apiAsyncStatus }),
      ...(args.functions !== undefined && { functionsDir: args.functions }),
      ...(args.queue && { queues: args.queue }),
      ...(args.region !== undefined && { region: args.region }),
      ...(args.timeScale !== undefined && { timeScale: args.timeScale }),
      functionConfig,
      ...(!args.quiet && { onLog: (name: string, log: string) => process.stderr.write(log.replace(/^(?=.)/gm, `[${name}] `)) }),
      onWarning: (message) => process.stderr.write(`lambench local: ${message}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`a port is already in use (${(error as Error).message}): pick another with --port / --sqs-port, or 0 for any free port`, { cause: error });
    if (code === 'EACCES') throw new UsageError(`not allowed to listen (${(error as Error).message}): use a port above 1024, or 0`, { cause: error });
    throw new UsageError((error as Error).message, { cause: error });
  }

  if (args.json) {
    const line = { lambda: stack.lambdaUrl, api: stack.apiUrl, sqs: stack.sqsUrl, queues: stack.queues, functions: stack.functions, region: stack.region };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else {
    process.stdout.write(describeStack(stack));
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('lambench local: stopping…\n');
  await stack.stop();
}

export function describeStack(stack: LocalStack): string {
  const style = styleFor(process.stdout);
  const queueWidth = Math.max(...Object.keys(stack.queues).map((name) => name.length));
  const env = stack.env;
  return [
    style.bold('lambench local stack, listening on 127.0.0.1'),
    `  Lambda Invoke API  ${stack.lambdaUrl}`,
    `  API Gateway front  ${stack.apiUrl}  ${style.dim('(GET /square/{n}, POST /run, /run/sync, /run/async)')}`,
    `  SQS                ${stack.sqsUrl}`,
    `  functions          ${stack.functions.join(', ')}  ${style.dim('($LATEST, version 1, alias live)')}`,
    `  queues`,
    ...Object.entries(stack.queues).map(([name, url]) => `    ${name.padEnd(queueWidth)}  ${url}`),
    '',
    'Use it from another shell:',
    `  export AWS_ENDPOINT_URL_LAMBDA=${env.AWS_ENDPOINT_URL_LAMBDA} AWS_ENDPOINT_URL_SQS=${env.AWS_ENDPOINT_URL_SQS}`,
    `  export AWS_REGION=${env.AWS_REGION} AWS_DEFAULT_REGION=${env.AWS_REGION} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    `  lambench invoke square --payload '{"number": 4}'`,
    `  lambench invoke ${stack.apiUrl}/square/7 --type event        ${style.dim('# through the front: InvocationType: Event')}`,
    `  lambench invoke ${stack.apiUrl}/run --type event --async-via body --payload '{"number": 3}'`,
    `  lambench invoke flaky --type event --payload '{"fail": true}' --wait --destination-queue ${stack.queues['lambench-failure'] ?? 'URL'}`,
    `  aws lambda invoke --function-name square --payload '{"number": 4}' out.json   ${style.dim('(AWS CLI v2: add --cli-binary-format raw-in-base64-out)')}`,
    `  aws sqs receive-message --endpoint-url ${env.AWS_ENDPOINT_URL_SQS} --queue-url ${stack.queues['lambench-success'] ?? 'URL'}`,
    '',
    style.dim('Ctrl-C stops it.'),
    '',
  ].join('\n');
}
