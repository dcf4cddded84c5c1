/** `lambench local`: the local stack in the foreground until Ctrl-C. */
import { UsageError } from '../../errors.js';
import { parseDuration } from '../../duration.js';
import type { EventSourceMappingConfiguration, FunctionConfig, LocalStack } from '../../local/index.js';
import { parseFaults } from '../../local/faults.js';
import { readFunctionSettings } from '../../local/settings.js';
import { styleFor } from '../style.js';

export interface LocalArgs {
  port?: number;
  apiPort?: number;
  sqsPort?: number;
  eventsPort?: number;
  logsPort?: number;
  /** CloudWatch Logs' ingestion delay, e.g. `2s`. */
  logsDelay?: string;
  apiTimeout?: string;
  apiAsyncStatus?: number;
  functions?: string;
  queue?: string[];
  eventBus?: string[];
  topic?: string[];
  bucket?: string[];
  reservedConcurrency?: string[];
  /** A JSON file: `{ "NAME": { "maximumRetryAttempts": 0, … } }`. */
  config?: string;
  /** `NAME.key=value`, applied after --config and --reserved-concurrency. */
  set?: string[];
  /** Fault switches in the grammar of src/local/faults.ts, applied after those of --config. */
  fault?: string[];
  timeScale?: number;
  region?: string;
  quiet?: boolean;
  json?: boolean;
}

export async function localCommand(args: LocalArgs): Promise<void> {
  const problems: string[] = [];
  for (const [flag, port] of [['--port', args.port], ['--api-port', args.apiPort], ['--sqs-port', args.sqsPort], ['--events-port', args.eventsPort], ['--logs-port', args.logsPort]] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) problems.push(`${flag} ${port} must be a port from 0 to 65535 (0 = any free port)`);
  }
  const { functionConfig, faultLines, eventSourceMappings, problems: settingProblems } = await readFunctionSettings(args);
  problems.push(...settingProblems);
  const fromConfig = parseFaults(faultLines);
  const fromFlags = parseFaults(args.fault ?? []);
  // Each problem says where the fault came from: "--config F: fault '…': …" or "--fault '…': …".
  problems.push(...fromConfig.problems.map((problem) => `--config ${args.config}: ${problem}`));
  problems.push(...fromFlags.problems.map((problem) => problem.replace(/^fault /, '--fault ')));
  const faults = [...fromConfig.faults, ...fromFlags.faults];
  for (const name of args.eventBus ?? []) {
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name) || name === 'default') problems.push(`--event-bus '${name}' must be a bus name other than default: 1-64 letters, digits, ., - and _`);
  }
  for (const name of args.topic ?? []) {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) problems.push(`--topic '${name}' must be an SNS topic name: 1-256 letters, digits, - and _ (a standard topic: Lambda does not write to FIFO ones)`);
  }
  for (const name of args.bucket ?? []) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) problems.push(`--bucket '${name}' must be an S3 bucket name: 3-63 lowercase letters, digits, . and -, starting and ending with a letter or digit`);
  }
  if (args.timeScale !== undefined && !(args.timeScale > 0 && args.timeScale <= 1)) problems.push(`--time-scale ${args.timeScale} must be above 0 and at most 1 (1 = AWS's real retry delays)`);
  let apiTimeoutMs: number | undefined;
  try {
    apiTimeoutMs = args.apiTimeout === undefined ? undefined : parseDuration(args.apiTimeout, '--api-timeout');
  } catch (error) {
    problems.push((error as Error).message);
  }
  let logsDelayMs: number | undefined;
  try {
    logsDelayMs = args.logsDelay === undefined ? undefined : parseDuration(args.logsDelay, '--logs-delay');
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
      ...(args.eventsPort !== undefined && { eventsPort: args.eventsPort }),
      ...(args.logsPort !== undefined && { logsPort: args.logsPort }),
      ...(logsDelayMs !== undefined && { logsDelayMs }),
      ...(args.eventBus && { eventBuses: args.eventBus }),
      ...(args.topic && { topics: args.topic }),
      ...(args.bucket && { buckets: args.bucket }),
      ...(apiTimeoutMs !== undefined && { apiTimeoutMs }),
      ...((args.apiAsyncStatus === 200 || args.apiAsyncStatus === 202) && { apiAsyncStatus: args.apiAsyncStatus }),
      ...(args.functions !== undefined && { functionsDir: args.functions }),
      ...(args.queue && { queues: args.queue }),
      ...(args.region !== undefined && { region: args.region }),
      ...(args.timeScale !== undefined && { timeScale: args.timeScale }),
      functionConfig,
      faults,
      ...(eventSourceMappings && { eventSourceMappings: eventSourceMappings as Record<string, unknown>[] }),
      ...(!args.quiet && { onLog: (name: string, log: string) => process.stderr.write(log.replace(/^(?=.)/gm, `[${name}] `)) }),
      onWarning: (message) => process.stderr.write(`lambench local: ${message}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`a port is already in use (${(error as Error).message}): pick another with --port / --sqs-port, or 0 for any free port`, { cause: error });
    if (code === 'EACCES') throw new UsageError(`not allowed to listen (${(error as Error).message}): use a port above 1024, or 0`, { cause: error });
    if ((error as Error).name === 'EventSourceMappingConfigError') {
      throw new UsageError(`--config ${args.config}: ${(error as Error & { problems: string[] }).problems.join('; ')}`, { cause: error });
    }
    throw new UsageError((error as Error).message, { cause: error });
  }

  for (const { file, reason } of stack.skippedFiles) process.stderr.write(`lambench local: skipped ${file}: ${reason}\n`);

  // Heard before the endpoints are printed: a supervisor may stop us as soon as it reads them.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (args.json) {
    const line = {
      lambda: stack.lambdaUrl,
      api: stack.apiUrl,
      sqs: stack.sqsUrl,
      events: stack.eventsUrl,
      logs: stack.logsUrl,
      queues: stack.queues,
      eventBuses: stack.eventBuses,
      topics: stack.topics,
      buckets: stack.buckets,
      functions: stack.functions,
      region: stack.region,
      // null, not absent, for an unreserved function: every setting is spelled out.
      functionConfig: Object.fromEntries(Object.entries(stack.functionConfigs).map(([name, config]) => [name, { ...config, reservedConcurrency: config.reservedConcurrency ?? null }])),
      // Each in the --fault grammar, normalised: what a user can pass back.
      faults: stack.faults.map((fault) => fault.spec),
      // As ListEventSourceMappings returns them.
      eventSourceMappings: stack.eventSourceMappings(),
      skippedFiles: stack.skippedFiles,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else {
    process.stdout.write(describeStack(stack));
  }
  await stopRequested;
  process.stderr.write('lambench local: stopping…\n');
  const fired = stack.faultsFired();
  if (stack.faults.length > 0) process.stderr.write(`lambench local: faults fired: ${stack.faults.map((fault, index) => `${fault.spec} ×${fired[index]}`).join(', ')}\n`);
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
    `  SNS, S3            ${stack.sqsUrl}  ${style.dim(`(fauxqs, with SQS; S3 path-style; topics: ${Object.keys(stack.topics).join(', ') || 'none'}; buckets: ${stack.buckets.join(', ') || 'none'})`)}`,
    `  EventBridge        ${stack.eventsUrl}  ${style.dim(`(buses: ${Object.keys(stack.eventBuses).join(', ')})`)}`,
    `  CloudWatch Logs    ${stack.logsUrl}  ${style.dim('(log group /aws/lambda/NAME, one stream per execution environment)')}`,
    `  functions          ${stack.functions.join(', ')}  ${style.dim('($LATEST, version 1, alias live)')}`,
    `  async config       ${style.dim(`(retry delays, throttle backoff and max age × ${stack.timeScale}; --config / --set to change)`)}`,
    ...describeFunctionConfigs(stack.functionConfigs).map((line) => `    ${line}`),
    `  queues`,
    ...Object.entries(stack.queues).map(([name, url]) => `    ${name.padEnd(queueWidth)}  ${url}`),
    `  event source mappings  ${style.dim('(Lambda API …/event-source-mappings; "eventSourceMappings" in --config)')}`,
    ...describeMappings(stack.eventSourceMappings()).map((line) => `    ${line}`),
    stack.faults.length === 0 ? `  faults             ${style.dim('none (--fault to switch some on, e.g. --fault \'lambda:square:error p=0.2\')')}` : '  faults',
    ...stack.faults.map((fault) => `    ${fault.spec}`),
    '',
    'Use it from another shell:',
    `  export AWS_ENDPOINT_URL_LAMBDA=${env.AWS_ENDPOINT_URL_LAMBDA} AWS_ENDPOINT_URL_SQS=${env.AWS_ENDPOINT_URL_SQS}`,
    `  export AWS_ENDPOINT_URL_SNS=${env.AWS_ENDPOINT_URL_SNS} AWS_ENDPOINT_URL_S3=${env.AWS_ENDPOINT_URL_S3} AWS_ENDPOINT_URL_EVENTBRIDGE=${env.AWS_ENDPOINT_URL_EVENTBRIDGE}`,
    `  export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=${env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS}`,
    `  export AWS_REGION=${env.AWS_REGION} AWS_DEFAULT_REGION=${env.AWS_REGION} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    `  export LAMBENCH_API_URL=${env.LAMBENCH_API_URL}   ${style.dim('# read by profiles: target: ${LAMBENCH_API_URL}/run')}`,
    `  lambench invoke square --payload '{"number": 4}'`,
    `  lambench invoke ${stack.apiUrl}/square/7 --type event        ${style.dim('# through the front: InvocationType: Event')}`,
    `  lambench invoke ${stack.apiUrl}/run --type event --async-via body --payload '{"number": 3}'`,
    `  lambench invoke flaky --type event --payload '{"fail": true}' --wait --destination-queue ${stack.queues['lambench-failure'] ?? 'URL'}`,
    `  aws lambda invoke --function-name square --payload '{"number": 4}' out.json   ${style.dim('(AWS CLI v2: add --cli-binary-format raw-in-base64-out)')}`,
    `  aws logs filter-log-events --log-group-name /aws/lambda/square --filter-pattern '"REPORT"'   ${style.dim('# every REPORT line (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS)')}`,
    `  aws sqs receive-message --endpoint-url ${env.AWS_ENDPOINT_URL_SQS} --queue-url ${stack.queues['lambench-success'] ?? 'URL'}`,
    `  aws sqs send-message --endpoint-url ${env.AWS_ENDPOINT_URL_SQS} --queue-url ${stack.queues['lambench-orders'] ?? 'URL'} --message-body '{"fail": true}'   ${style.dim('# → orders, then lambench-orders-dlq')}`,
    '',
    style.dim('Ctrl-C stops it.'),
    '',
  ].join('\n');
}

/** One aligned line per function: concurrency, timeout, retries, max event age, destinations and DLQ. */
export function describeFunctionConfigs(configs: Record<string, FunctionConfig>): string[] {
  const rows = Object.entries(configs).map(([name, config]) => [
    name,
    config.reservedConcurrency === undefined ? 'unreserved' : `reserved ${config.reservedConcurrency}`,
    `timeout ${formatSeconds(config.timeoutSeconds)}`,
    `retries ${config.maximumRetryAttempts}`,
    `max age ${formatSeconds(config.maximumEventAgeSeconds)}`,
    `success→${config.onSuccess ?? 'none'}`,
    `failure→${config.onFailure ?? 'none'}`,
    `dlq→${config.deadLetterQueue ?? 'none'}`,
  ]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]!.length))) ?? [];
  return rows.map((row) => {
    const [name, ...cells] = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)));
    return `${name}  ${cells.join(' · ')}`.trimEnd();
  });
}

/** One line per mapping: queue → function, batching, scaling, state, UUID. */
export function describeMappings(mappings: EventSourceMappingConfiguration[]): string[] {
  return mappings.map((mapping) =>
    [
      `${mapping.EventSourceArn.split(':').pop()} → ${mapping.FunctionArn.split(':function:').pop()}`,
      `batch ${mapping.BatchSize}`,
      `window ${mapping.MaximumBatchingWindowInSeconds}s`,
      mapping.FunctionResponseTypes.includes('ReportBatchItemFailures') ? 'ReportBatchItemFailures' : 'whole-batch failures',
      mapping.ScalingConfig ? `max concurrency ${mapping.ScalingConfig.MaximumConcurrency}` : 'scales to 1000',
      `${mapping.State} ${mapping.UUID}`,
    ].join(' · '),
  );
}

/** 21600 → 6h, 5400 → 1h30m, 90 → 1m30s, 3 → 3s, 0.2 → 0.2s. */
function formatSeconds(seconds: number): string {
  if (seconds < 60 || !Number.isInteger(seconds)) return `${seconds}s`;
  const parts: string[] = [];
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  if (rest) parts.push(`${rest}s`);
  return parts.join('');
}
