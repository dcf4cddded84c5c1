/**
 * Everything about a call that can be checked before anything is sent, shared by `invoke` and
 * `bench`: the target, the payload (and its limits), and the transport's own options. Every
 * problem is collected, so the user fixes them all at once.
 */
import { UsageError } from '../errors.js';
import type { HttpOptions } from './index.js';
import { parseAsyncVia, parseHeaderName, parseHeaders, parseHttpUrl, parseMethod } from './http/httpFlags.js';
import { checkPayloadSize, encodeClientContext, encodeJsonPayload, formatBytes, readPayloadText } from './request/payload.js';
import { compileTemplate, type PayloadTemplate } from './request/payloadTemplate.js';
import { createBodyBuilder, DEFAULT_ASYNC_BODY_PATH, DEFAULT_CORRELATION_HEADER, DEFAULT_CORRELATION_PATH } from './request/requestBody.js';
import { parseTargetSpec, type TargetSpec } from './targetSpec.js';
import type { InvocationType, InvokeRequest } from './types.js';

/** API Gateway's own limit on a request body. */
const HTTP_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export interface CallOptions {
  target: string;
  payload?: string;
  payloadFile?: string;
  /** The payload already read, as bytes: what worker threads are handed (see PayloadInput). */
  payloadBytes?: Uint8Array;
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
  /** The flag that needs the correlation ID (e.g. '--wait'), if any. */
  needsCorrelation?: string;
  stdin?: NodeJS.ReadableStream;
  /** Fill the payload's placeholders ({{uuid}}, {{seq}}, {{randomInt A B}}, {{file PATH}}) for each call. */
  template?: boolean;
  /** Where `{{file …}}` paths start from (the profile's folder; default the working directory). */
  templateDir?: string;
}

type Check = <T>(check: () => T) => T | undefined;

/** Checks the call for the given invocation types; problems are appended, nothing is thrown for them. */
export async function prepareCall(options: CallOptions, types: InvocationType[], problems: string[]): Promise<PreparedCall | undefined> {
  const check: Check = (fn) => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  if (options.qualifier !== undefined && options.qualifier.trim() === '') problems.push('--qualifier needs a version or alias (e.g. --qualifier live)');
  const spec = check(() => parseTargetSpec(options.target, qualifierFor(options)));
  if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0 || options.retries > 10)) {
    problems.push(`--retries ${options.retries} must be a whole number from 0 to 10`);
  }
  const read = await readPayloadText(options, options.stdin).catch((error: unknown) => {
    if (!(error instanceof UsageError)) throw error;
    problems.push(error.message);
    return undefined;
  });
  // A template is checked by filling it in once; the sample stands for the payload in every check below.
  const template = read && options.template ? check(() => compileTemplate(read.text, options.templateDir ?? process.cwd())) : undefined;
  const sample = template?.render(0);
  const payloadText = read && (!options.template || template) ? { ...read, ...(sample !== undefined && { text: sample, bytes: Buffer.from(sample, 'utf8') }), template } : undefined;
  let prepared: Prepared | undefined;
  if (spec?.kind === 'http') prepared = prepareHttp(options, types, payloadText, check, problems);
  else if (spec?.kind === 'lambda') prepared = prepareLambda(options, types, payloadText, check, problems);
  return spec && prepared && read && payloadText ? { spec, ...prepared, payloadText: read.text, payloadBytes: read.bytes, payloadSource: read.source } : undefined;
}

/** The qualifier flag applies to functions only; for a URL it is reported by prepareHttp. */
function qualifierFor(options: CallOptions): string | undefined {
  return /^https?:\/\//i.test(options.target.trim()) ? undefined : options.qualifier;
}

export interface PreparedCall {
  spec: TargetSpec;
  /** A request for one call: `seq` fills a template's {{seq}} (a fresh client request ID each time, for URL targets). */
  request: (invocationType: InvocationType, seq: number) => InvokeRequest;
  http?: HttpOptions;
  /** The payload as read (from the flag, a file or stdin; a template unfilled): what worker threads are handed. */
  payloadText: string;
  /** The payload's bytes as read: what is sent (and what worker threads are handed). */
  payloadBytes: Uint8Array;
  payloadSource: string;
}

type Prepared = Omit<PreparedCall, 'spec' | 'payloadText' | 'payloadBytes' | 'payloadSource'>;

type PayloadInput = { text: string; bytes: Buffer; source: string; template: PayloadTemplate | undefined };

function prepareLambda(
  options: CallOptions,
  types: InvocationType[],
  payloadText: PayloadInput | undefined,
  check: Check,
  problems: string[],
): Prepared | undefined {
  const httpOnly: [string, unknown][] = [
    ['--method', options.method], ['--header', options.headers?.length ? options.headers : undefined], ['--async-via', options.asyncVia],
    ['--async-url', options.asyncUrl], ['--async-header', options.asyncHeader], ['--async-body-path', options.asyncBodyPath], ['--sigv4', options.sigv4 || undefined],
  ];
  for (const [flag, value] of httpOnly) if (value !== undefined) problems.push(`${flag} applies to URL targets only: a function is called through the Invoke API`);
  const logType = check(() => parseLogType(options.logType, types));
  const clientContext = options.clientContext === undefined ? undefined : check(() => encodeClientContext(options.clientContext!));
  const payload = payloadText && check(() => encodeJsonPayload(payloadText.text, payloadText.source, payloadText.bytes));
  if (payload) for (const type of types) check(() => checkPayloadSize(payload.length, type));
  if (!payload) return undefined;
  const template = payloadText?.template && !payloadText.template.isStatic ? payloadText.template : undefined;
  return {
    request: (type, seq) => ({
      invocationType: type,
      payload: template ? Buffer.from(template.render(seq), 'utf8') : payload,
      // Lambda returns logs for synchronous calls only.
      ...(logType && type === 'RequestResponse' && { logType }),
      ...(clientContext !== undefined && { clientContext }),
    }),
  };
}

function prepareHttp(
  options: CallOptions,
  types: InvocationType[],
  payloadText: PayloadInput | undefined,
  check: Check,
  problems: string[],
): Prepared | undefined {
  const invokeApiOnly: [string, unknown][] = [['--qualifier', options.qualifier], ['--log-type', options.logType], ['--client-context', options.clientContext], ['--retries', options.retries || undefined]];
  for (const [flag, value] of invokeApiOnly) if (value !== undefined) problems.push(`${flag} applies to the Lambda Invoke API only, not to a URL`);
  const asyncVia = check(() => parseAsyncVia(options.asyncVia ?? (options.asyncUrl ? 'url' : 'header')));
  const headers = check(() => parseHeaders(options.headers ?? []));
  const method = options.method === undefined ? undefined : check(() => parseMethod(options.method!));
  if (options.asyncHeader !== undefined) check(() => parseHeaderName(options.asyncHeader!, '--async-header'));
  if (options.correlationHeader !== undefined) check(() => parseHeaderName(options.correlationHeader!, '--correlation-header'));
  const asyncUrl = options.asyncUrl === undefined ? undefined : check(() => parseHttpUrl(options.asyncUrl!, '--async-url'));
  if (asyncVia === 'url' && options.asyncUrl === undefined) problems.push('--async-via url needs --async-url URL: the route that invokes asynchronously (e.g. …/run/async)');
  if (asyncVia !== undefined && asyncVia !== 'url' && asyncUrl) problems.push(`--async-url only applies with --async-via url (not ${asyncVia})`);
  if (types.includes('DryRun') && asyncVia !== 'header') problems.push('--type DryRun over HTTP needs --async-via header (the API must map the header to X-Amz-Invocation-Type)');
  const correlationPath = options.correlationPath === undefined ? DEFAULT_CORRELATION_PATH : options.correlationPath;
  const asyncBodyPath = asyncVia === 'body' ? (options.asyncBodyPath ?? DEFAULT_ASYNC_BODY_PATH) : undefined;
  if (options.asyncBodyPath !== undefined && asyncVia !== 'body') problems.push('--async-body-path only applies with --async-via body');
  const build = payloadText && check(() => createBodyBuilder(payloadText.bytes, payloadText.source, { correlationPath, ...(asyncBodyPath && { asyncBodyPath }) }, payloadText.template));
  if (!build || !asyncVia || !headers) return undefined;
  const probe = build(types[0] ?? 'RequestResponse', 0);
  if (options.needsCorrelation && probe.clientRequestId === undefined) {
    problems.push(`${options.needsCorrelation} on a URL finds completions by lambench's client request ID: keep it on (drop --no-correlation-id)`);
  }
  if (probe.payload.length > HTTP_PAYLOAD_LIMIT_BYTES) {
    problems.push(`the payload is ${formatBytes(probe.payload.length)}, over API Gateway's ${formatBytes(HTTP_PAYLOAD_LIMIT_BYTES)} limit: send less data`);
  }
  return {
    request: (type, seq) => {
      const body = build(type, seq);
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

function parseLogType(text: string | undefined, types: InvocationType[]): 'None' | 'Tail' | undefined {
  if (text === undefined) return undefined;
  const logType = text.toLowerCase() === 'tail' ? 'Tail' : text.toLowerCase() === 'none' ? 'None' : undefined;
  if (!logType) throw new UsageError(`--log-type '${text}' is not a log type: use Tail or None`);
  if (logType === 'Tail' && types.length > 0 && !types.includes('RequestResponse')) {
    throw new UsageError('--log-type Tail only works with --type RequestResponse: Lambda returns logs only for synchronous calls');
  }
  return logType;
}
