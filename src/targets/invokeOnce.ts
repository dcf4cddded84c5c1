/**
 * One invocation, as `lambench invoke` makes it: inputs checked (every problem listed) before
 * anything is sent, one call, and a result document that `--json` prints as is.
 */
import { UsageError } from '../errors.js';
import type { CompletionRecord } from '../delivery/completionRecord.js';
import type { DeliveryTracker } from '../delivery/deliveryTracker.js';
import { createTarget, type HttpOptions } from './index.js';
import { parseAsyncVia, parseHeaders, parseHttpUrl, parseMethod } from './httpOptions.js';
import { parseInvocationType } from './invocationType.js';
import { parseReportLine, type ReportFigures } from './lambdaLog.js';
import { decodePayload } from './payloadCodec.js';
import { checkPayloadSize, encodeClientContext, encodeJsonPayload, formatBytes, readPayloadText } from './payload.js';
import { createBodyBuilder, DEFAULT_ASYNC_BODY_PATH, DEFAULT_CORRELATION_HEADER, DEFAULT_CORRELATION_PATH } from './requestBody.js';
import { parseTargetSpec } from './targetSpec.js';
import type { InvocationType, InvokeRequest, Outcome, Target } from './types.js';

/** API Gateway's own limit on a request body. */
const HTTP_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export interface InvokeOnceOptions {
  target: string;
  type?: string;
  payload?: string;
  payloadFile?: string;
  /** Client-side limit on the whole call, in milliseconds. */
  timeoutMs?: number;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Invoke API only. */
  qualifier?: string;
  logType?: string;
  clientContext?: string;
  retries?: number;
  /** HTTP targets only. */
  method?: string;
  headers?: string[];
  asyncVia?: string;
  asyncHeader?: string;
  asyncBodyPath?: string;
  asyncUrl?: string;
  /** Where lambench writes its client request ID in an HTTP body; null turns it off. */
  correlationPath?: string | null;
  /** The header that also carries it (default x-client-request-id). */
  correlationHeader?: string;
  sigv4?: boolean;
  /** Event only: wait for the completion record on these queues. */
  wait?: { destinationQueue?: string; dlq?: string; timeoutMs: number };
  stdin?: NodeJS.ReadableStream;
  note: (message: string) => void;
}

/** What `invoke --json` prints: one object. */
export interface InvokeResultDocument {
  target: string;
  invocationType: InvocationType;
  /** HTTP targets: how async was asked for. */
  asyncVia?: string;
  outcome: Outcome['class'];
  statusCode?: number;
  requestId?: string;
  apigwId?: string;
  /** When the call was sent (epoch milliseconds): with the IDs, what `poll --correlate` matches on. */
  sentAt: number;
  latencyMs: number;
  attempts: number;
  payload?: unknown;
  functionError?: string;
  executedVersion?: string;
  logResult?: string;
  report?: ReportFigures;
  errorType?: string;
  errorMessage?: string;
  /** Why a throttle happened (the service's `Reason`). */
  reason?: string;
  clientRequestId?: string;
  completion?: CompletionRecord | null;
  /** Event with --wait: from the send to the completion record's timestamp, in milliseconds. */
  endToEndMs?: number;
}

export interface InvokeOnceResult {
  document: InvokeResultDocument;
  outcome: Outcome;
  target: Target;
}

type Check = <T>(check: () => T) => T | undefined;

export async function invokeOnce(options: InvokeOnceOptions): Promise<InvokeOnceResult> {
  const problems: string[] = [];
  const check: Check = (fn) => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const invocationType = check(() => parseInvocationType(options.type ?? 'RequestResponse'));
  if (options.qualifier !== undefined && options.qualifier.trim() === '') problems.push('--qualifier needs a version or alias (e.g. --qualifier live)');
  const spec = check(() => parseTargetSpec(options.target, qualifierFor(options)));
  if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0 || options.retries > 10)) {
    problems.push(`--retries ${options.retries} must be a whole number from 0 to 10`);
  }
  if (options.wait && invocationType !== 'Event') problems.push('--wait only applies to --type Event: a synchronous call already returns its result');
  if (options.wait && !options.wait.destinationQueue && !options.wait.dlq) {
    problems.push('--wait needs --destination-queue URL and/or --dlq URL to watch for the completion record');
  }
  const payloadText = await readPayloadText(options, options.stdin).catch((error: unknown) => {
    if (!(error instanceof UsageError)) throw error;
    problems.push(error.message);
    return undefined;
  });

  let prepared: Prepared | undefined;
  if (spec?.kind === 'http') prepared = prepareHttp(options, invocationType, payloadText, check, problems);
  else if (spec?.kind === 'lambda') prepared = prepareLambda(options, invocationType, payloadText, check, problems);
  if (problems.length > 0 || !invocationType || !spec || !prepared) throw new UsageError(problems.join('; '));

  // The queues are checked before the call, so a wrong queue URL sends nothing.
  const waiter = options.wait ? await openWaiter(options) : undefined;
  try {
    const target = await createTarget(spec, {
      aws: { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl },
      ...(prepared.http && { http: prepared.http }),
      ...(options.retries !== undefined && { retries: options.retries }),
      maxSockets: 1,
      note: options.note,
    });
    const request = prepared.request(invocationType);
    const signal = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
    const outcome = await target.invoke(request, spec.kind === 'lambda' ? signal : undefined);
    if (outcome.class === 'timeout' && outcome.statusCode === undefined && options.timeoutMs) {
      outcome.errorMessage = `no complete answer within ${options.timeoutMs} ms (--timeout)`;
    }
    const document = resultDocument(options.target, invocationType, outcome);
    if (prepared.http) document.asyncVia = prepared.http.asyncVia;
    if (waiter && outcome.class === 'ok') {
      const tracked = waiter.tracker.expect({
        // Behind API Gateway the response's request ID is the gateway's: only lambench's own ID matches.
        ...(spec.kind === 'lambda' && outcome.requestId && { requestId: outcome.requestId }),
        ...(outcome.clientRequestId && { clientRequestId: outcome.clientRequestId }),
        sentAt: outcome.sentAt,
      });
      waiter.tracker.start();
      await waiter.tracker.settle(options.wait!.timeoutMs);
      document.completion = tracked.record ?? null;
      if (tracked.endToEndMs !== undefined) document.endToEndMs = tracked.endToEndMs;
    }
    return { document, outcome, target };
  } finally {
    await waiter?.close();
  }
}

async function openWaiter(options: InvokeOnceOptions): Promise<{ tracker: DeliveryTracker; close: () => Promise<void> }> {
  const { destinationQueue, dlq } = options.wait!;
  const [{ createSqsClient }, { DeliveryTracker }] = await Promise.all([import('../delivery/sqsClient.js'), import('../delivery/deliveryTracker.js')]);
  const queueUrls = [...new Set([destinationQueue, dlq].filter((url): url is string => Boolean(url)))];
  const sqs = await createSqsClient({ region: options.region, profile: options.profile }, queueUrls, options.note);
  const tracker = new DeliveryTracker({ sqs, queueUrls, pollersPerQueue: 1, onWarning: (message) => options.note(message) });
  const close = async () => {
    await tracker.stop();
    sqs.destroy();
  };
  try {
    await tracker.checkQueues();
  } catch (error) {
    await close();
    throw error;
  }
  return { tracker, close };
}

/** The qualifier flag applies to functions only; for a URL it is reported by prepareHttp. */
function qualifierFor(options: InvokeOnceOptions): string | undefined {
  return /^https?:\/\//i.test(options.target.trim()) ? undefined : options.qualifier;
}

interface Prepared {
  request: (invocationType: InvocationType) => InvokeRequest;
  http?: HttpOptions;
}

function prepareLambda(
  options: InvokeOnceOptions,
  invocationType: InvocationType | undefined,
  payloadText: { text: string; source: string } | undefined,
  check: Check,
  problems: string[],
): Prepared | undefined {
  const httpOnly: [string, unknown][] = [
    ['--method', options.method], ['--header', options.headers?.length ? options.headers : undefined], ['--async-via', options.asyncVia],
    ['--async-url', options.asyncUrl], ['--async-header', options.asyncHeader], ['--async-body-path', options.asyncBodyPath], ['--sigv4', options.sigv4 || undefined],
  ];
  for (const [flag, value] of httpOnly) if (value !== undefined) problems.push(`${flag} applies to URL targets only: a function is called through the Invoke API`);
  const logType = check(() => parseLogType(options.logType, invocationType));
  const clientContext = options.clientContext === undefined ? undefined : check(() => encodeClientContext(options.clientContext!));
  const payload = payloadText && check(() => encodeJsonPayload(payloadText.text, payloadText.source));
  if (payload && invocationType) check(() => checkPayloadSize(payload.length, invocationType));
  if (!payload) return undefined;
  return {
    request: (type) => ({
      invocationType: type,
      payload,
      ...(logType && { logType }),
      ...(clientContext !== undefined && { clientContext }),
    }),
  };
}

function prepareHttp(
  options: InvokeOnceOptions,
  invocationType: InvocationType | undefined,
  payloadText: { text: string; source: string } | undefined,
  check: Check,
  problems: string[],
): Prepared | undefined {
  const invokeApiOnly: [string, unknown][] = [['--qualifier', options.qualifier], ['--log-type', options.logType], ['--client-context', options.clientContext], ['--retries', options.retries || undefined]];
  for (const [flag, value] of invokeApiOnly) if (value !== undefined) problems.push(`${flag} applies to the Lambda Invoke API only, not to a URL`);
  const asyncVia = check(() => parseAsyncVia(options.asyncVia ?? (options.asyncUrl ? 'url' : 'header')));
  const headers = check(() => parseHeaders(options.headers ?? []));
  const method = options.method === undefined ? undefined : check(() => parseMethod(options.method!));
  const asyncUrl = options.asyncUrl === undefined ? undefined : check(() => parseHttpUrl(options.asyncUrl!, '--async-url'));
  if (asyncVia === 'url' && !asyncUrl) problems.push('--async-via url needs --async-url URL: the route that invokes asynchronously (e.g. …/run/async)');
  if (asyncVia !== undefined && asyncVia !== 'url' && asyncUrl) problems.push(`--async-url only applies with --async-via url (not ${asyncVia})`);
  if (invocationType === 'DryRun' && asyncVia !== 'header') problems.push('--type DryRun over HTTP needs --async-via header (the API must map the header to X-Amz-Invocation-Type)');
  const correlationPath = options.correlationPath === undefined ? DEFAULT_CORRELATION_PATH : options.correlationPath;
  const asyncBodyPath = asyncVia === 'body' ? (options.asyncBodyPath ?? DEFAULT_ASYNC_BODY_PATH) : undefined;
  if (options.asyncBodyPath !== undefined && asyncVia !== 'body') problems.push('--async-body-path only applies with --async-via body');
  const build = payloadText && check(() => createBodyBuilder(payloadText.text, payloadText.source, { correlationPath, ...(asyncBodyPath && { asyncBodyPath }) }));
  if (!build || !asyncVia || !headers) return undefined;
  const probe = build(invocationType ?? 'RequestResponse');
  if (options.wait && probe.clientRequestId === undefined) {
    problems.push("--wait on a URL finds the completion by lambench's client request ID: keep it on (drop --no-correlation-id)");
  }
  if (probe.payload.length > HTTP_PAYLOAD_LIMIT_BYTES) {
    problems.push(`the payload is ${formatBytes(probe.payload.length)}, over API Gateway's ${formatBytes(HTTP_PAYLOAD_LIMIT_BYTES)} limit: send less data`);
  }
  return {
    request: (type) => {
      const body = type === (invocationType ?? 'RequestResponse') ? probe : build(type);
      return { invocationType: type, payload: body.payload, ...(body.clientRequestId && { clientRequestId: body.clientRequestId }) };
    },
    http: {
      headers,
      asyncVia,
      asyncHeader: options.asyncHeader ?? 'InvocationType',
      ...(correlationPath !== null && { correlationHeader: options.correlationHeader ?? DEFAULT_CORRELATION_HEADER }),
      ...(method !== undefined && { method }),
      ...(asyncUrl !== undefined && { asyncUrl }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.sigv4 && { sigv4: true }),
    },
  };
}

function parseLogType(text: string | undefined, invocationType: InvocationType | undefined): 'None' | 'Tail' | undefined {
  if (text === undefined) return undefined;
  const logType = text.toLowerCase() === 'tail' ? 'Tail' : text.toLowerCase() === 'none' ? 'None' : undefined;
  if (!logType) throw new UsageError(`--log-type '${text}' is not a log type: use Tail or None`);
  if (logType === 'Tail' && invocationType !== undefined && invocationType !== 'RequestResponse') {
    throw new UsageError('--log-type Tail only works with --type RequestResponse: Lambda returns logs only for synchronous calls');
  }
  return logType;
}

export function resultDocument(target: string, invocationType: InvocationType, outcome: Outcome): InvokeResultDocument {
  const document: InvokeResultDocument = {
    target,
    invocationType,
    outcome: outcome.class,
    sentAt: outcome.sentAt,
    latencyMs: Math.round(outcome.latencyMs * 1000) / 1000,
    attempts: outcome.attempts,
  };
  if (outcome.statusCode !== undefined) document.statusCode = outcome.statusCode;
  if (outcome.requestId) document.requestId = outcome.requestId;
  if (outcome.apigwId) document.apigwId = outcome.apigwId;
  const payload = decodePayload(outcome.payload);
  if (payload !== undefined) document.payload = payload;
  if (outcome.functionError) document.functionError = outcome.functionError;
  if (outcome.executedVersion) document.executedVersion = outcome.executedVersion;
  if (outcome.logResult !== undefined) {
    document.logResult = outcome.logResult;
    const report = parseReportLine(outcome.logResult);
    if (report) document.report = report;
  }
  if (outcome.errorType) document.errorType = outcome.errorType;
  if (outcome.class !== 'ok' && outcome.class !== 'functionError' && outcome.errorMessage) document.errorMessage = outcome.errorMessage;
  if (outcome.reason) document.reason = outcome.reason;
  if (outcome.clientRequestId) document.clientRequestId = outcome.clientRequestId;
  return document;
}
