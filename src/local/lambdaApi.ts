/**
 * The Lambda Invoke API over HTTP: `POST /2015-03-31/functions/{FunctionName}/invocations`,
 * with the headers, statuses and error shapes of the real service, so that the AWS SDK, the AWS CLI
 * and lambench itself can all talk to it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ASYNC_PAYLOAD_LIMIT_BYTES, CLIENT_CONTEXT_LIMIT_BYTES, SYNC_PAYLOAD_LIMIT_BYTES } from './limits.js';
import { AwsServiceError, notFound, sendAwsError } from './awsErrors.js';
import type { AsyncInvoker } from './asyncInvoker.js';
import { handleEventSourceMappingRequest, isEventSourceMappingPath } from './eventSourceMappingApi.js';
import { handleFunctionConfigurationRequest, isFunctionConfigurationPath } from './functionConfigurationApi.js';
import type { FunctionUpdates } from './functionUpdates.js';
import { eventInvokeConfigOperation, handleEventInvokeConfigRequest, isEventInvokeConfigPath } from './eventInvokeConfigApi.js';
import type { EventInvokeConfigs } from './eventInvokeConfigs.js';
import type { EventSourceMappings } from './eventSourceMappings.js';
import { ACCOUNT_ID, resolveInvocationTarget, type LocalFunction } from './functionRegistry.js';
import { header, readBody } from './http.js';
import type { FaultPlan } from './faults.js';
import { breakExchange, drawFrontFault, faultMessage, throttleReason } from './frontFaults.js';
import { enqueueEvent, invokeWithConcurrency } from './invocation.js';
import type { FunctionRuntime } from './runtime.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const LOG_TAIL_BYTES = 4096;

export interface LambdaApiDeps {
  functions: Map<string, LocalFunction>;
  region: string;
  runtime: FunctionRuntime;
  asyncInvoker: AsyncInvoker;
  /** Faults switched on for the `lambda` front (latency, throttle, status, reset, hang); Invoke only. */
  faults?: FaultPlan;
  /** The event source mappings behind the …/event-source-mappings operations. */
  mappings?: EventSourceMappings;
  /** The event invoke configs behind the …/event-invoke-config operations (and the async invoker). */
  configs?: EventInvokeConfigs;
  /** UpdateFunctionConfiguration's state (GetFunctionConfiguration reads what it changed). */
  updates: FunctionUpdates;
}

export function createLambdaApiServer(deps: LambdaApiDeps): Server {
  return createServer((req, res) => {
    const requestId = randomUUID();
    handle(deps, req, res, requestId).catch((error: unknown) => {
      const failure = error instanceof AwsServiceError ? error : new AwsServiceError(500, 'ServiceException', (error as Error).message);
      if (!res.headersSent) sendAwsError(res, failure, requestId);
      else res.destroy();
    });
  });
}

async function handle(deps: LambdaApiDeps, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  refuseIfDenied(deps, req, url);
  if (deps.mappings && isEventSourceMappingPath(url.pathname)) return handleEventSourceMappingRequest(deps.mappings, req, res, url, requestId);
  if (deps.configs && isEventInvokeConfigPath(url.pathname)) return handleEventInvokeConfigRequest(deps.configs, deps.functions, deps.region, req, res, url, requestId);
  if (isFunctionConfigurationPath(url.pathname)) return handleFunctionConfigurationRequest(deps.functions, deps.region, deps.updates, req, url, res, requestId);
  const match = INVOKE_PATH.exec(url.pathname);
  if (req.method !== 'POST' || !match) {
    req.resume();
    throw new AwsServiceError(404, 'UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}: this local stack serves Invoke, Get/UpdateFunctionConfiguration, the event invoke config and the event source mapping operations only`);
  }
  const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
    req.resume();
    throw new AwsServiceError(
      400,
      'InvalidParameterValueException',
      `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const limit = invocationType === 'Event' ? ASYNC_PAYLOAD_LIMIT_BYTES : SYNC_PAYLOAD_LIMIT_BYTES;
  const body = await readBody(req, limit);

  const target = resolveInvocationTarget(deps.functions, deps.region, decodeURIComponent(match[1]!), url.searchParams.get('Qualifier') ?? undefined);
  if ('notFound' in target) throw notFound(target.notFound);
  if ('conflict' in target) throw new AwsServiceError(400, 'InvalidParameterValueException', target.conflict);

  if (body.tooLarge) {
    const operation = invocationType === 'Event' ? 'InvokeAsync' : 'Invoke';
    res.setHeader('connection', 'close');
    throw new AwsServiceError(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`);
  }
  const text = body.data.toString('utf8');
  let event: unknown = {};
  if (text.trim() !== '') {
    try {
      event = JSON.parse(text);
    } catch (error) {
      throw new AwsServiceError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
    }
  }
  const clientContext = decodeClientContext(header(req, 'x-amz-client-context'));

  const fault = await drawFrontFault(deps.faults, 'lambda', target.fn.name);
  if (fault && breakExchange(fault, req)) return;
  if (fault?.kind === 'throttle') {
    throw new AwsServiceError(429, 'TooManyRequestsException', `Rate Exceeded. (${faultMessage(fault)})`, { Reason: throttleReason(fault) }, { 'retry-after': '1' });
  }
  if (fault?.kind === 'status') throw new AwsServiceError(fault.status!, 'ServiceException', faultMessage(fault));

  if (invocationType === 'DryRun') {
    res.writeHead(204, { 'x-amzn-requestid': requestId });
    res.end();
    return;
  }
  if (invocationType === 'Event') {
    enqueueEvent(deps.asyncInvoker, target, { requestId, event, body: text });
    res.writeHead(202, { 'x-amzn-requestid': requestId, 'content-length': 0 });
    res.end();
    return;
  }

  const invocation = await invokeWithConcurrency(deps.runtime, target, { requestId, event, clientContext });
  if ('throttled' in invocation) {
    throw new AwsServiceError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: invocation.throttled }, { 'retry-after': '1' });
  }
  const { result } = invocation;
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(result.payload),
    'x-amzn-requestid': requestId,
    'x-amz-executed-version': result.executedVersion,
  };
  if (result.functionError) headers['x-amz-function-error'] = result.functionError;
  if (header(req, 'x-amz-log-type')?.toLowerCase() === 'tail') headers['x-amz-log-result'] = logTail(result.log);
  res.writeHead(200, headers);
  res.end(result.payload);
}

/**
 * A `deny` fault for this request's operation answers as IAM does when the caller lacks the
 * permission: 403 AccessDeniedException naming the user, the action and the resource.
 */
function refuseIfDenied(deps: LambdaApiDeps, req: IncomingMessage, url: URL): void {
  if (!deps.faults) return;
  const { operation, functionName } = lambdaOperation(req.method, url.pathname);
  const fault = deps.faults.draw('lambda', functionName, ['deny'], operation).fault;
  if (!fault) return;
  // Drained, so the connection stays usable for the client's next call.
  req.resume();
  const qualifier = url.searchParams.get('Qualifier');
  const resource = functionName === undefined ? `arn:aws:lambda:${deps.region}:${ACCOUNT_ID}:event-source-mapping:*` : `arn:aws:lambda:${deps.region}:${ACCOUNT_ID}:function:${functionName}${qualifier ? `:${qualifier}` : ''}`;
  throw new AwsServiceError(
    403,
    'AccessDeniedException',
    `User: arn:aws:iam::${ACCOUNT_ID}:user/local is not authorized to perform: lambda:${operation} on resource: ${resource} because no identity-based policy allows the lambda:${operation} action`,
  );
}

/** Which Lambda API operation a request is, and the function it names (by its name alone). */
function lambdaOperation(method: string | undefined, pathname: string): { operation: string; functionName?: string } {
  const named = /^\/20\d\d-\d\d-\d\d\/functions\/([^/]+)\//.exec(pathname)?.[1];
  const functionName = named === undefined ? undefined : /(?:function:)?([a-zA-Z0-9-_]+)(?::[^:]+)?$/.exec(decodeURIComponent(named))?.[1];
  const withName = (operation: string) => ({ operation, ...(functionName !== undefined && { functionName }) });
  if (isEventInvokeConfigPath(pathname)) return withName(eventInvokeConfigOperation(method, pathname));
  if (isFunctionConfigurationPath(pathname)) return withName(method === 'PUT' ? 'UpdateFunctionConfiguration' : 'GetFunctionConfiguration');
  if (isEventSourceMappingPath(pathname)) {
    const single = !/event-source-mappings\/?$/.test(pathname);
    const operation = { GET: single ? 'GetEventSourceMapping' : 'ListEventSourceMappings', POST: 'CreateEventSourceMapping', PUT: 'UpdateEventSourceMapping', DELETE: 'DeleteEventSourceMapping' }[method ?? ''];
    return { operation: operation ?? 'UnknownOperation' };
  }
  return withName('Invoke');
}

function decodeClientContext(encoded: string | undefined): unknown {
  if (encoded === undefined || encoded === '') return undefined;
  if (encoded.length > CLIENT_CONTEXT_LIMIT_BYTES) {
    throw new AwsServiceError(400, 'InvalidRequestContentException', `Client context must be smaller than ${CLIENT_CONTEXT_LIMIT_BYTES} bytes`);
  }
  try {
    return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new AwsServiceError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }
}

/** The last 4 KB of the log, base64-encoded, as X-Amz-Log-Result carries it. */
function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}
