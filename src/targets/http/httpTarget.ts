/**
 * The HTTP transport (API Gateway, function URLs, ALB, any HTTP server), on an undici Agent with
 * keep-alive. Async is asked for the way the API is built: a header (`InvocationType: Event`,
 * name settable), a flag in the body (written by the body builder), or a separate URL. The status
 * is recorded as received: API Gateway answers 200 for an accepted event unless 202 is mapped.
 */
import { Connections } from '../wire/connections.js';
import { callDeadlineMs, silenceLimitMs } from '../wire/deadline.js';
import type { ExecuteApiSigner } from '../../aws/signExecuteApi.js';
import type { InvokeRequest, Outcome, OutcomeClass, Target } from '../types.js';
import { ERROR_BODY_LIMIT_BYTES, headerValue, SHOWN_BODY_LIMIT_BYTES, timedExchange, type ExchangeRequest, type HttpAnswer } from '../wire/exchange.js';
import { signingFailure } from '../wire/callFailure.js';

export type AsyncVia = 'header' | 'body' | 'url';

export interface HttpTargetOptions {
  url: URL;
  /** With asyncVia 'url': where Event requests go (the target URL takes the sync ones). */
  asyncUrl?: URL;
  /** Default: POST with a body, GET without. */
  method?: string;
  headers: Record<string, string>;
  asyncVia: AsyncVia;
  /** With asyncVia 'header': the header that carries Event / RequestResponse. */
  asyncHeader: string;
  /**
   * The header that also carries lambench's client request ID: the only carrier a body-less
   * request has (an API maps it into the event with its mapping template). Absent: not sent.
   */
  correlationHeader?: string;
  /** Whole-call deadline in milliseconds (absent: the default, wire/deadline.ts). */
  timeoutMs?: number;
  /** Keep 2xx response bodies (one-off calls show them); a load test only needs error bodies. */
  keepOkBodies?: boolean;
  signer?: ExecuteApiSigner;
  connections?: number;
}

export function createHttpTarget(options: HttpTargetOptions): Target {
  const timeoutMs = callDeadlineMs(options.timeoutMs);
  const connections = new Connections(options.connections ?? 50, silenceLimitMs('http', timeoutMs));
  const asyncHeader = options.asyncHeader.toLowerCase();
  const correlationHeader = options.correlationHeader?.toLowerCase();

  const keepOkBodies = options.keepOkBodies ?? true;
  // The headers every call of one kind shares, built once (the hot path only adds the ID).
  const sharedHeaders = { withBody: new Map<string, Record<string, string>>(), bodiless: new Map<string, Record<string, string>>() };
  const headersFor = (invocationType: string, hasBody: boolean) => {
    const cache = hasBody ? sharedHeaders.withBody : sharedHeaders.bodiless;
    let headers = cache.get(invocationType);
    if (headers === undefined) {
      headers = { ...options.headers };
      if (hasBody && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      if (options.asyncVia === 'header') headers[asyncHeader] = invocationType;
      cache.set(invocationType, headers);
    }
    return headers;
  };

  // Read once per answer; a plain function, not a closure made per call. A one-off call shows the
  // body whole; a load test keeps only the start of an error body (its example is 300 characters).
  const keepBody = keepOkBodies ? () => SHOWN_BODY_LIMIT_BYTES : (status: number) => (status < 200 || status >= 300 ? ERROR_BODY_LIMIT_BYTES : 0);
  const send = (url: URL, method: string, headers: Record<string, string>, request: InvokeRequest, hasBody: boolean, signal: AbortSignal | undefined, lane: number | undefined): Promise<Outcome> => {
    const exchangeRequest: ExchangeRequest = { origin: url.origin, path: `${url.pathname}${url.search}`, method, headers, keepBody };
    if (hasBody) exchangeRequest.body = request.payload;
    if (signal) exchangeRequest.signal = signal;
    exchangeRequest.timeoutMs = timeoutMs;
    return timedExchange(connections.for(url.origin, lane), exchangeRequest, request, readAnswer);
  };

  return {
    description: options.url.href,
    endpoint: options.url.origin,
    invoke(request: InvokeRequest, signal?: AbortSignal, lane?: number): Promise<Outcome> {
      const url = options.asyncVia === 'url' && request.invocationType === 'Event' && options.asyncUrl ? options.asyncUrl : options.url;
      const hasBody = request.payload.length > 0;
      const method = options.method ?? (hasBody ? 'POST' : 'GET');
      let headers = headersFor(request.invocationType, hasBody);
      if (correlationHeader && request.clientRequestId) headers = { ...headers, [correlationHeader]: request.clientRequestId };
      const signer = options.signer;
      if (!signer) return send(url, method, headers, request, hasBody, signal, lane);
      return signer({ method, url, headers, ...(hasBody && { body: request.payload }) }).then(
        (signed) => send(url, method, signed, request, hasBody, signal, lane),
        (error: unknown) => signingFailure(error, request),
      );
    },
    connectionsOpened: () => connections.opened,
    async close() {
      await connections.close();
    },
  };
}

/** The answer as an outcome: the status classified, API Gateway's IDs and error name, the body. */
function readAnswer(response: HttpAnswer, outcome: Outcome): Outcome {
  const { statusCode, headers, body } = response;
  outcome.class = classifyStatus(statusCode);
  const requestId = headerValue(headers, 'x-amzn-requestid') ?? headerValue(headers, 'x-amz-apigw-requestid');
  if (requestId) outcome.requestId = requestId;
  const apigwId = headerValue(headers, 'x-amz-apigw-id');
  if (apigwId) outcome.apigwId = apigwId;
  const errorType = headerValue(headers, 'x-amzn-errortype')?.split(':')[0];
  if (errorType) outcome.errorType = errorType;
  if (body && body.length > 0) outcome.payload = body;
  if (response.bodyCut) outcome.payloadCut = true;
  if (outcome.class !== 'ok') outcome.errorMessage = (body && errorMessageOf(body)) ?? `HTTP ${statusCode}`;
  return outcome;
}

/** 2xx ok; 429 throttled; 504 a (gateway) timeout; any other status >= 300 an HTTP error. */
function classifyStatus(status: number): OutcomeClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'throttled';
  if (status === 504) return 'timeout';
  return 'httpError';
}

/** API Gateway puts its reason in `message` (or `Message`). */
function errorMessageOf(body: Uint8Array): string | undefined {
  try {
    const document = JSON.parse(Buffer.from(body).toString('utf8')) as { message?: unknown; Message?: unknown };
    const message = document.message ?? document.Message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
