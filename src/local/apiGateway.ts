/**
 * An API Gateway-like HTTP front: a REST API whose methods use Lambda non-proxy ("AWS")
 * integrations, as in seeds 000–002. It invokes the local functions in this process, through the
 * same runtime and async queue as the Invoke API.
 *
 *   GET  /square/{number}  `InvocationType` header → Event or RequestResponse (seeds 001, 002)
 *   POST /run              `meta.async` in a validated JSON body picks the type (seed 000)
 *   POST /run/sync         always RequestResponse   } fixed X-Amz-Invocation-Type
 *   POST /run/async        always Event             } per route (seed 001)
 *
 * The /run routes invoke `square` unless `?function=NAME` names another; the JSON body is the event.
 * Every answer carries API Gateway's own request ID (x-amzn-RequestId), never Lambda's: a client
 * correlates async work through `meta.clientRequestId` in the body, which the function receives.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { invocationTypeFromBody, invocationTypeFromHeaders, parseJsonBody, type InvocationType } from './apiGatewayRequest.js';
import type { AsyncInvoker } from './asyncInvoker.js';
import { AwsServiceError } from './awsErrors.js';
import { resolveInvocationTarget, type LocalFunction, type ResolvedInvocationTarget } from './functionRegistry.js';
import type { Fault, FaultPlan } from './faults.js';
import { breakExchange, drawFrontFault, faultMessage } from './frontFaults.js';
import { header, parseJsonOr, readBody } from './http.js';
import { ASYNC_PAYLOAD_LIMIT_BYTES, SYNC_PAYLOAD_LIMIT_BYTES } from './limits.js';
import { enqueueEvent, invokeWithConcurrency } from './invocation.js';
import type { FunctionRuntime, InvocationResult } from './runtime.js';

/** API Gateway's payload limit. */
const REQUEST_LIMIT_BYTES = 10 * 1024 * 1024;
/** Lambda's own limits, which the integration request must also meet. */
const LAMBDA_LIMIT_BYTES: Record<InvocationType, number> = { RequestResponse: SYNC_PAYLOAD_LIMIT_BYTES, Event: ASYNC_PAYLOAD_LIMIT_BYTES };
const STAGE = 'local';
const SQUARE_PATH = /^\/square\/([^/]+)\/?$/;
const RUN_PATH = /^\/run(?:\/(sync|async))?\/?$/;

/** A defined method: /square/{number}, or one of the /run routes (`fixed` when the route sets the type). */
type Route = { kind: 'square'; number: string } | { kind: 'run'; fixed: InvocationType | undefined };

export interface ApiGatewayDeps {
  functions: Map<string, LocalFunction>;
  region: string;
  runtime: FunctionRuntime;
  asyncInvoker: AsyncInvoker;
  /** The integration timeout (API Gateway's default is 29 s). */
  timeoutMs: number;
  /** The status of an accepted Event: 200 unless the API maps 202. */
  asyncStatus: 200 | 202;
  /** Faults switched on for the `api` front (latency, throttle, status, reset, hang). */
  faults?: FaultPlan;
}

/** What the mapping templates read from `$context`. */
interface RequestContext {
  requestId: string;
  apigwId: string;
  sourceIp: string;
  userAgent: string;
}

export function createApiGatewayServer(deps: ApiGatewayDeps): Server {
  return createServer((req, res) => {
    const context: RequestContext = {
      requestId: randomUUID(),
      // An extended request ID like `Hx4Ab2cDoAMEbXQ=`: 11 random bytes in base64.
      apigwId: randomBytes(11).toString('base64'),
      sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      userAgent: header(req, 'user-agent') ?? '',
    };
    handle(deps, req, res, context).catch((error: unknown) => {
      // API Gateway's error shape: `{"message": …}` and the exception in x-amzn-ErrorType.
      const failure =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError(500, 'InternalServerErrorException', 'Internal server error', { errorMessage: (error as Error).message });
      if (res.headersSent) res.destroy();
      else send(res, context, failure.statusCode, { message: failure.message, ...failure.extra }, { 'x-amzn-ErrorType': failure.errorType, ...failure.headers });
    });
  });
}

async function handle(deps: ApiGatewayDeps, req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
  const { pathname, searchParams } = new URL(req.url ?? '/', 'http://localhost');
  const route = matchRoute(req.method, pathname);
  if (route === undefined) {
    req.resume();
    // A REST API answers a path or method it does not define as if the caller were unauthenticated.
    throw new AwsServiceError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const body = await readBody(req, REQUEST_LIMIT_BYTES);
  if (body.tooLarge) {
    res.setHeader('connection', 'close');
    throw tooLarge();
  }
  const functionName = route.kind === 'square' ? 'square' : (searchParams.get('function') ?? 'square');
  const fault = await drawFrontFault(deps.faults, 'api', functionName);
  if (fault && breakExchange(fault, req)) return;
  if (fault) throw faultAnswer(fault);
  if (route.kind === 'square') await squareIntegration(deps, req, res, context, route.number);
  else await runIntegration(deps, res, context, body.data, functionName, route.fixed);
}

/** API Gateway's own answers for a throttle or a 5xx fault, with its messages for those statuses. */
function faultAnswer(fault: Fault): AwsServiceError {
  const detail = { fault: faultMessage(fault) };
  if (fault.kind === 'throttle') return new AwsServiceError(429, 'TooManyRequestsException', 'Too Many Requests', detail);
  const status = fault.status ?? 500;
  const message = status === 503 ? 'Service Unavailable' : status === 504 ? 'Endpoint request timed out' : 'Internal server error';
  return new AwsServiceError(status, 'InternalServerErrorException', message, detail);
}

/** The method for this request, if the API defines one. A trailing slash is ignored, as REST APIs do. */
function matchRoute(method: string | undefined, pathname: string): Route | undefined {
  const square = SQUARE_PATH.exec(pathname);
  if (method === 'GET' && square) return { kind: 'square', number: decodeSegment(square[1]!) };
  const run = RUN_PATH.exec(pathname);
  if (method === 'POST' && run) return { kind: 'run', fixed: run[1] === 'sync' ? 'RequestResponse' : run[1] === 'async' ? 'Event' : undefined };
  return undefined;
}

/**
 * Seed 002: the request template `{"number": "$input.params('number')"}` and its response
 * templates. A GET has no body to carry a client's correlation ID, so the template also maps the
 * `x-client-request-id` header, when sent, to `meta.clientRequestId` (as seed 000 names it).
 */
async function squareIntegration(deps: ApiGatewayDeps, req: IncomingMessage, res: ServerResponse, context: RequestContext, number: string): Promise<void> {
  const type = invocationTypeFromHeaders(req);
  const clientRequestId = header(req, 'x-client-request-id');
  const event = { number, ...(clientRequestId && { meta: { clientRequestId } }) };
  const target = resolveFunction(deps, 'square');
  const templated = {
    api_stage: STAGE,
    api_request_id: context.requestId,
    api_resource_path: '/square/{number}',
    http_method: 'GET',
    source_ip: context.sourceIp,
    'user-agent': context.userAgent,
  };
  if (type === 'Event') {
    accept(deps, target, event, JSON.stringify(event));
    send(res, context, deps.asyncStatus, { ...templated, asynchronous_invocation: 'true', message: 'Event received. Check queue/logs for status' });
    return;
  }
  const result = await invokeSync(deps, target, event, JSON.stringify(event));
  const square = (parseJsonOr(result.payload, undefined) as { square?: unknown } | undefined)?.square;
  if (typeof square !== 'number') {
    // The response template reads $input.path('$.square'); without it the mapping fails, and the
    // API answers 500 on AWS. 502 here, like every other failed integration response.
    throw internalError({ errorMessage: `Unable to transform response: the function returned no numeric "square": ${result.payload.slice(0, 200)}` });
  }
  send(res, context, 200, { ...templated, synchronous_invocation: 'true', square_of_your_number_is: square });
}

/** Seeds 000 and 001: the JSON body passes through as the event (`$input.json('$')`). */
async function runIntegration(
  deps: ApiGatewayDeps,
  res: ServerResponse,
  context: RequestContext,
  data: Buffer,
  functionName: string,
  fixed: InvocationType | undefined,
): Promise<void> {
  // Only /run has a request validator with seed 000's model; the fixed routes take any JSON.
  const body = parseJsonBody(data, fixed === undefined);
  const type = fixed ?? invocationTypeFromBody(body.value);
  const target = resolveFunction(deps, functionName);
  if (type === 'Event') {
    accept(deps, target, body.value, body.text);
    send(res, context, deps.asyncStatus, { message: 'Event received', api_request_id: context.requestId });
    return;
  }
  const result = await invokeSync(deps, target, body.value, body.text);
  // Non-proxy pass-through: the function's result is the body, as it came.
  sendText(res, context, 200, result.payload);
}

/**
 * The integration's target. A function that does not exist makes Lambda answer 404 and real API
 * Gateway 500 "Internal server error"; 502 here, so a client classes it with other upstream failures.
 */
function resolveFunction(deps: ApiGatewayDeps, name: string): ResolvedInvocationTarget {
  const target = resolveInvocationTarget(deps.functions, deps.region, name, undefined);
  if ('fn' in target) return target;
  const reason = 'notFound' in target ? `Function not found: ${target.notFound}` : target.conflict;
  throw internalError({ errorType: 'ResourceNotFoundException', errorMessage: reason });
}

/** An Event invocation; Lambda's async queue absorbs throttles, so none reach the client. */
function accept(deps: ApiGatewayDeps, target: ResolvedInvocationTarget, event: unknown, text: string): void {
  checkLambdaLimit('Event', text);
  enqueueEvent(deps.asyncInvoker, target, { requestId: randomUUID(), event, body: text });
}

/**
 * A RequestResponse invocation within the integration timeout. On a timeout the client gets its 504
 * at once while the function runs on, holding its concurrency until it really ends (as on AWS).
 * A function error maps to 502, as a non-proxy API usually maps it (an integration response whose
 * selection pattern matches any errorMessage); without one, API Gateway would pass the error
 * document through with a 200.
 */
async function invokeSync(deps: ApiGatewayDeps, target: ResolvedInvocationTarget, event: unknown, text: string): Promise<InvocationResult> {
  checkLambdaLimit('RequestResponse', text);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timedOut'>((resolve) => {
    timer = setTimeout(() => resolve('timedOut'), deps.timeoutMs);
  });
  const outcome = await Promise.race([invokeWithConcurrency(deps.runtime, target, { requestId: randomUUID(), event }), timedOut]).finally(() =>
    clearTimeout(timer),
  );
  if (outcome === 'timedOut') throw new AwsServiceError(504, 'InternalServerErrorException', 'Endpoint request timed out');
  // Lambda's 429 reaches the client with API Gateway's own throttle answer.
  if ('throttled' in outcome) throw new AwsServiceError(429, 'TooManyRequestsException', 'Too Many Requests');
  const { result } = outcome;
  if (result.functionError) {
    const document = parseJsonOr(result.payload, undefined) as { errorType?: string; errorMessage?: string } | undefined;
    throw internalError({ errorType: document?.errorType ?? result.errorType ?? 'Unknown', errorMessage: document?.errorMessage ?? result.payload });
  }
  return result;
}

/** The integration request must fit Lambda's limit for its type (6 MB sync, 1 MB async). */
function checkLambdaLimit(type: InvocationType, text: string): void {
  if (Buffer.byteLength(text) > LAMBDA_LIMIT_BYTES[type]) throw tooLarge();
}

const tooLarge = () => new AwsServiceError(413, 'RequestTooLargeException', 'Request Too Long');
const internalError = (detail: Record<string, string>) => new AwsServiceError(502, 'InternalServerErrorException', 'Internal server error', detail);

function send(res: ServerResponse, context: RequestContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, context, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, context: RequestContext, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return; // the client gave up; the work went on without it
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-RequestId': context.requestId,
    'x-amz-apigw-id': context.apigwId,
    ...headers,
  });
  res.end(body);
}

/** `$input.params()` hands the template the decoded path segment. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

