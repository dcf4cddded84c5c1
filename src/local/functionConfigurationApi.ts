/**
 * The Lambda control plane's GetFunctionConfiguration (`GET /2015-03-31/functions/{name}/configuration`,
 * `?Qualifier=`) and UpdateFunctionConfiguration (`PUT` on the same path, $LATEST only), in the
 * shape the SDK and the AWS CLI read: what lambench's discovery asks of a function (its timeout,
 * for the visibility-timeout check; its memory, architecture and log group; its async DLQ, a
 * queue's or a topic's ARN), each settable per function at start (memorySize, timeout,
 * architecture, deadLetterTarget, logFormat, logGroup, systemLogLevel), and what an update changed
 * (functionUpdates.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, AwsServiceError } from './awsErrors.js';
import { parseDestination } from './destinationArns.js';
import { resolveInvocationTarget, type LocalFunction } from './functionRegistry.js';
import { initialRevision, type FunctionUpdates } from './functionUpdates.js';
import { readJsonBody, sendJson } from './restJson.js';
import { versionConfig } from './localFunction.js';

const CONFIGURATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const STARTED_AT = new Date().toISOString().replace('Z', '+0000');

export function isFunctionConfigurationPath(pathname: string): boolean {
  return CONFIGURATION_PATH.test(pathname);
}

export async function handleFunctionConfigurationRequest(
  functions: Map<string, LocalFunction>,
  region: string,
  updates: FunctionUpdates,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const body = method === 'PUT' ? await readJsonBody(req) : (req.resume(), undefined);
  if (method !== 'GET' && method !== 'PUT') throw new AwsServiceError(405, 'UnknownOperationException', `Unknown operation ${method} ${url.pathname}: GET reads a function's configuration, PUT updates it`);
  const target = resolveInvocationTarget(functions, region, decodeURIComponent(CONFIGURATION_PATH.exec(url.pathname)![1]!), url.searchParams.get('Qualifier') ?? undefined);
  if ('notFound' in target) throw notFound(target.notFound);
  if ('conflict' in target) throw new AwsServiceError(400, 'InvalidParameterValueException', target.conflict);
  const { fn, executedVersion } = target;
  if (body !== undefined) {
    const qualifier = target.invokedArn.split(':')[7];
    if (qualifier !== undefined && qualifier !== '$LATEST') {
      throw new AwsServiceError(400, 'InvalidParameterValueException', `Unsupported qualifier ${qualifier}: a published version's configuration cannot change; update the unqualified function ($LATEST) and publish a new version`);
    }
    updates.update(fn, body);
  }
  sendJson(res, 200, configurationDocument(fn, executedVersion, region), requestId);
}

/** FunctionConfiguration, as GetFunctionConfiguration and UpdateFunctionConfiguration answer it. */
function configurationDocument(fn: LocalFunction, version: string, region: string): Record<string, unknown> {
  const { config } = fn;
  const current = versionConfig(fn, version);
  const changes = version === '$LATEST' ? fn.latest : undefined;
  const deadLetter = config.deadLetterQueue === null ? undefined : parseDestination(config.deadLetterQueue, region);
  return {
    FunctionName: fn.name,
    FunctionArn: version === '$LATEST' ? fn.arn : `${fn.arn}:${version}`,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: `arn:aws:iam::${fn.arn.split(':')[4]}:role/lambench-local`,
    Description: current.description,
    Timeout: current.timeoutSeconds,
    MemorySize: current.memorySize,
    LastModified: changes?.lastModified ?? STARTED_AT,
    Version: version,
    ...(Object.keys(current.variables).length > 0 && { Environment: { Variables: current.variables } }),
    RevisionId: changes?.revisionId ?? initialRevision(fn),
    State: 'Active',
    LastUpdateStatus: changes?.lastUpdateStatus ?? 'Successful',
    PackageType: 'Zip',
    Architectures: [config.architecture],
    LoggingConfig: { LogFormat: config.logFormat, LogGroup: config.logGroup, ...(config.logFormat === 'JSON' && { ApplicationLogLevel: 'INFO', SystemLogLevel: config.systemLogLevel ?? 'INFO' }) },
    ...(deadLetter && 'arn' in deadLetter && { DeadLetterConfig: { TargetArn: deadLetter.arn } }),
  };
}
