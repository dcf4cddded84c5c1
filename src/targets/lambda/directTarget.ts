/**
 * The Invoke API for load tests, without the SDK's per-call machinery: the same signed request the
 * SDK sends (headers and signature byte for byte, only the user agent differs; a test holds it to
 * that), on an undici Agent, with the SDK's credential chain and a SigV4 signer for this one shape.
 *
 * Why not the SDK client: measured on one core here, `client.send(InvokeCommand)` tops out near
 * 3,100 calls/s with no network at all (its middleware stack, serde and retry bookkeeping), while
 * signing alone runs at 29,000/s (and this path's own signer about three times that). `npm run bench:invoke` measures this path against a plain SDK loop.
 * The SDK client stays the path for one-off calls, `--retries` (its retry strategy) and `--sdk`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Connections } from '../wire/connections.js';
import { callDeadlineMs, silenceLimitMs } from '../wire/deadline.js';
import type { ResolvedAwsConfig } from '../../aws/awsConfig.js';
import { createRequestSigner, EMPTY_SHA256, type SignableRequest } from '../wire/signRequest.js';
import { CLOCK_SKEW_ERRORS, serviceError, skewFrom } from '../wire/serviceError.js';
import type { InvokeRequest, Outcome, Target } from '../types.js';
import { ERROR_BODY_LIMIT_BYTES, headerValue, SHOWN_BODY_LIMIT_BYTES, timedExchange, type ExchangeRequest, type HttpAnswer } from '../wire/exchange.js';
import { signingFailure } from '../wire/callFailure.js';

export interface DirectLambdaTargetOptions {
  functionName: string;
  qualifier?: string;
  aws: ResolvedAwsConfig;
  connections?: number;
  /** Whole-call deadline in milliseconds (absent: the default, wire/deadline.ts). */
  timeoutMs?: number;
  /** Keep 2xx response bodies; a load test reads only the bodies of failures. */
  keepOkBodies?: boolean;
  userAgent: string;
}


/** The request the SDK's InvokeCommand serializes (restJson1), minus signing. */
export function unsignedInvoke(functionName: string, qualifier: string | undefined, request: InvokeRequest, host: string, userAgent: string, invocationId: string): SignableRequest {
  const headers: Record<string, string> = {
    host,
    'content-type': 'application/octet-stream',
    'x-amz-invocation-type': request.invocationType,
    'x-amz-user-agent': userAgent,
    'user-agent': userAgent,
    'amz-sdk-invocation-id': invocationId,
    'amz-sdk-request': 'attempt=1; max=1',
    'x-amz-content-sha256': request.payload.length > 0 ? createHash('sha256').update(request.payload).digest('hex') : EMPTY_SHA256,
  };
  if (request.payload.length > 0) headers['content-length'] = String(request.payload.length);
  if (request.logType !== undefined) headers['x-amz-log-type'] = request.logType;
  if (request.clientContext !== undefined) headers['x-amz-client-context'] = request.clientContext;
  return {
    path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
    query: qualifier !== undefined ? { Qualifier: qualifier } : {},
    headers,
  };
}

export function createDirectLambdaTarget(options: DirectLambdaTargetOptions): Target {
  const { aws } = options;
  const endpoint = new URL(aws.endpoint ?? `https://lambda.${aws.region}.amazonaws.com`);
  const timeoutMs = callDeadlineMs(options.timeoutMs);
  const connections = new Connections(options.connections ?? 50, silenceLimitMs('lambda', timeoutMs));
  const sign = createRequestSigner(aws.region, 'lambda', aws.credentials);
  const keepOkBodies = options.keepOkBodies ?? false;
  const search = options.qualifier !== undefined ? `?Qualifier=${encodeURIComponent(options.qualifier)}` : '';
  let clockOffsetMs = 0;
  // A load test keeps only the start of a failure's body (its example is 300 characters).
  const keepBody = keepOkBodies
    ? () => SHOWN_BODY_LIMIT_BYTES
    : (status: number, responseHeaders: IncomingHttpHeaders) => (status >= 300 || responseHeaders['x-amz-function-error'] !== undefined ? ERROR_BODY_LIMIT_BYTES : 0);
  // Made once, not per call: the answer as an outcome, the SDK's way (clock skew corrected as it does).
  const readAnswer = (response: HttpAnswer, outcome: Outcome): Outcome => {
    const { statusCode: status, headers, body } = response;
    const requestId = headerValue(headers, 'x-amzn-requestid');
    if (status >= 300) {
      const error = serviceError(status, headerValue(headers, 'x-amzn-errortype'), body);
      if (CLOCK_SKEW_ERRORS.has(error.errorType)) clockOffsetMs = skewFrom(headerValue(headers, 'date')) ?? clockOffsetMs;
      const refused: Outcome = { ...outcome, class: status === 429 ? 'throttled' : 'httpError', refusedByService: true, ...error };
      if (requestId) refused.requestId = requestId;
      return refused;
    }
    const functionError = headerValue(headers, 'x-amz-function-error');
    if (functionError) {
      outcome.class = 'functionError';
      outcome.functionError = functionError;
    }
    if (requestId) outcome.requestId = requestId;
    const executedVersion = headerValue(headers, 'x-amz-executed-version');
    if (executedVersion) outcome.executedVersion = executedVersion;
    if (body && body.length > 0) outcome.payload = body;
    if (response.bodyCut) outcome.payloadCut = true;
    const logResult = headerValue(headers, 'x-amz-log-result');
    if (logResult) outcome.logResult = Buffer.from(logResult, 'base64').toString('utf8');
    return outcome;
  };

  return {
    description: options.functionName + (options.qualifier ? ` (qualifier ${options.qualifier})` : ''),
    endpoint: endpoint.origin,
    async invoke(request: InvokeRequest, signal?: AbortSignal, lane?: number): Promise<Outcome> {
      const unsigned = unsignedInvoke(options.functionName, options.qualifier, request, endpoint.host, options.userAgent, randomUUID());
      let headers: Record<string, string>;
      try {
        headers = await sign(unsigned, clockOffsetMs === 0 ? undefined : new Date(Date.now() + clockOffsetMs));
      } catch (error) {
        return signingFailure(error, request);
      }
      const exchangeRequest: ExchangeRequest = { origin: endpoint.origin, path: unsigned.path + search, method: 'POST', headers, keepBody };
      if (request.payload.length > 0) exchangeRequest.body = request.payload;
      if (signal) exchangeRequest.signal = signal;
      exchangeRequest.timeoutMs = timeoutMs;
      return timedExchange(connections.for(endpoint.origin, lane), exchangeRequest, request, readAnswer);
    },
    connectionsOpened: () => connections.opened,
    async close() {
      await connections.close();
    },
  };
}
