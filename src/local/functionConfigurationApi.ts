/**
 * The Lambda control plane's GetFunctionConfiguration (`GET /2015-03-31/functions/{name}/configuration`,
 * `?Qualifier=`), answered from the local functions' settings in the shape the SDK and the AWS CLI
 * read: what lambench's discovery asks of a function (its timeout, for the visibility-timeout check;
 * its memory, architecture and log group; its async DLQ, a queue's or a topic's ARN), each settable
 * per function (memorySize, timeout, architecture, deadLetterTarget, logFormat, logGroup). Read-only:
 * UpdateFunctionConfiguration is not served.
 */
import type { ServerResponse } from 'node:http';
import { notFound, AwsServiceError } from './awsErrors.js';
import { parseDestination } from './destinationArns.js';
import { resolveInvocationTarget, type LocalFunction } from './functionRegistry.js';

const CONFIGURATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;

export function isFunctionConfigurationPath(pathname: string): boolean {
  return CONFIGURATION_PATH.test(pathname);
}

export function answerFunctionConfiguration(functions: Map<string, LocalFunction>, region: string, url: URL, method: string | undefined, res: ServerResponse, requestId: string): void {
  if (method !== 'GET') throw new AwsServiceError(405, 'UnknownOperationException', `Unknown operation ${method} ${url.pathname}: this local stack reads a function's configuration, it does not change it`);
  const target = resolveInvocationTarget(functions, region, decodeURIComponent(CONFIGURATION_PATH.exec(url.pathname)![1]!), url.searchParams.get('Qualifier') ?? undefined);
  if ('notFound' in target) throw notFound(target.notFound);
  if ('conflict' in target) throw new AwsServiceError(400, 'InvalidParameterValueException', target.conflict);
  const { fn, executedVersion } = target;
  const { config } = fn;
  const deadLetter = config.deadLetterQueue === null ? undefined : parseDestination(config.deadLetterQueue, region);
  const body = JSON.stringify({
    FunctionName: fn.name,
    FunctionArn: executedVersion === '$LATEST' ? fn.arn : `${fn.arn}:${executedVersion}`,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: `arn:aws:iam::${fn.arn.split(':')[4]}:role/lambench-local`,
    Timeout: config.timeoutSeconds,
    MemorySize: config.memorySize,
    Version: executedVersion,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [config.architecture],
    LoggingConfig: { LogFormat: config.logFormat, LogGroup: config.logGroup },
    ...(deadLetter && 'arn' in deadLetter && { DeadLetterConfig: { TargetArn: deadLetter.arn } }),
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId });
  res.end(body);
}
