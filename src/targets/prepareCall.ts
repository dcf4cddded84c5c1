/**
 * A call, checked before anything is sent and shared by `invoke` and `bench` (flags or a profile):
 * the target, the payload (and its limits), and the transport's own inputs. Every problem is
 * collected, named as the input it came from. The result is the call's part of the RunConfig,
 * plain data; `callRequests` turns it into the requests to send, in this thread or a worker's.
 */
import type { InvocationType } from '../config/invocationType.js';
import type { Problems } from '../config/problems.js';
import type { CallConfig, HttpCall, LambdaCall, PayloadConfig, QueueCall } from '../config/runConfig.js';
import { randomUUID } from 'node:crypto';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../correlation.js';
import { SQS_MAX_MESSAGE_BYTES } from './queue/sqsTarget.js';
import type { CallInput, Field } from '../config/runInput.js';
import { checkPositiveDuration } from '../config/validate.js';
import { DEFAULT_CALL_DEADLINE_MS } from './wire/deadline.js';
import { UsageError } from '../errors.js';
import { parseAsyncVia, parseHeaderName, parseHeaders, parseHttpUrl, parseMethod } from './http/httpFlags.js';
import { checkPayloadSize, encodeClientContext, encodeJsonPayload, formatBytes, readPayloadText } from './request/payload.js';
import { compileTemplate, type PayloadTemplate } from './request/payloadTemplate.js';
import { createBodyBuilder, DEFAULT_ASYNC_BODY_PATH, DEFAULT_CORRELATION_HEADER, DEFAULT_CORRELATION_PATH } from './request/requestBody.js';
import { parseTargetSpec } from './targetSpec.js';
import type { InvokeRequest } from './types.js';

/** API Gateway's own limit on a request body. */
const HTTP_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/** A request for call number `seq` of a phase (it fills a template's {{seq}}; URL targets get a fresh client request ID each time). */
export type RequestBuilder = (invocationType: InvocationType, seq: number) => InvokeRequest;

export interface CallChecks {
  /** The input that needs lambench's client request ID in the body (`--wait`, verified delivery), named as given. */
  needsCorrelation?: string;
  stdin?: NodeJS.ReadableStream;
}

/**
 * Checks the call for the given invocation types; problems are collected, nothing is thrown for
 * them. The call is returned when none of its own was found.
 */
export async function checkCall(input: CallInput, types: InvocationType[], problems: Problems, checks: CallChecks = {}): Promise<CallConfig | undefined> {
  const { names } = problems;
  const before = problems.list.length;
  const notAFunction = /^(https?:\/\/|sqs:|arn:[^:]*:sqs:)/i.test(input.target.trim());
  if (input.qualifier !== undefined && input.qualifier.trim() === '') problems.add('qualifier', `needs a version or alias (e.g. ${names.of('qualifier')} live)`);
  // The qualifier applies to functions only; for a URL or a queue it is one of the Invoke API inputs refused below, named as given.
  const spec = problems.check(() => parseTargetSpec(input.target, notAFunction ? undefined : input.qualifier));
  checkPositiveDuration(input.timeoutMs, 'timeoutMs', `the default ${DEFAULT_CALL_DEADLINE_MS / 60_000} minutes`, problems);
  if (input.retries !== undefined && (!Number.isInteger(input.retries) || input.retries < 0 || input.retries > 10)) {
    problems.add('retries', `${input.retries} must be a whole number from 0 to 10`);
  }
  const payloadField: Field = input.payloadFile !== undefined ? 'payloadFile' : 'payload';
  const bothPayloads = input.payload !== undefined && input.payloadFile !== undefined;
  if (bothPayloads) problems.add(undefined, `give either ${names.of('payload')} or ${names.of('payloadFile')}, not both`);
  const read = bothPayloads ? undefined : await problems.checkAsync(() => readPayloadText(input, checks.stdin));
  // A template is checked by filling it in once; the sample stands for the payload in every check below.
  const template = read && input.template ? problems.check(() => compileTemplate(read.text, input.templateDir ?? process.cwd()), payloadField) : undefined;
  const payload: PayloadConfig | undefined = read && (!input.template || template) ? { bytes: read.bytes, text: read.text, source: read.source, template: input.template ? { dir: input.templateDir ?? process.cwd() } : undefined } : undefined;
  // The transport's own inputs are checked whatever the payload's fate, and the payload whatever
  // theirs (with what could be read of them), so that every problem is said at once.
  const transport =
    spec?.kind === 'http' ? checkHttpInputs(input, types, problems) : spec?.kind === 'lambda' ? checkLambdaInputs(input, types, problems) : spec?.kind === 'queue' ? checkQueueInputs(input, spec.fifo, types, problems) : undefined;
  if (!spec || !transport || !payload) return undefined;
  const base = { target: input.target, payload, timeoutMs: input.timeoutMs, aws: { region: input.region, profile: input.profile, endpointUrl: input.endpointUrl } };
  const call: CallConfig =
    spec.kind === 'http'
      ? { ...base, kind: 'http', url: spec.url.href, ...(transport as HttpInputs) }
      : spec.kind === 'queue'
        ? { ...base, kind: 'queue', queue: spec.queue, fifo: spec.fifo, ...(transport as QueueInputs) }
        : { ...base, kind: 'lambda', functionName: spec.functionName, qualifier: spec.qualifier, ...(transport as LambdaInputs) };
  // Building the requests checks what only the payload can tell: JSON, the paths written into it, the limits.
  const build = problems.check(() => requestBuilder(call, template));
  if (!build) return undefined;
  if (call.kind === 'lambda') {
    const sample = build(types[0] ?? 'RequestResponse', 0);
    for (const type of types) problems.check(() => checkPayloadSize(sample.payload.length, type));
  } else if (call.kind === 'queue') {
    const probe = build('Event', 0);
    const attributeBytes = Object.entries(call.attributes).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value) + 6, QUEUE_CORRELATION_ATTRIBUTE.length + 42);
    if (probe.payload.length + attributeBytes > SQS_MAX_MESSAGE_BYTES) {
      problems.add(payloadField, `makes a message of ${formatBytes(probe.payload.length + attributeBytes)} (body and attributes), over SQS's ${formatBytes(SQS_MAX_MESSAGE_BYTES)} limit: send less data`);
    }
    const refused = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(Buffer.from(probe.payload).toString('utf8'));
    if (refused) problems.add(payloadField, `holds a character SQS refuses in a message body (U+${refused[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}): SQS takes text only (tab, newline and printable Unicode)`);
  } else {
    const probe = build(types[0] ?? 'RequestResponse', 0);
    if (checks.needsCorrelation && probe.clientRequestId === undefined) {
      const off = names.isFlag('correlationPath') ? 'drop --no-correlation-id' : `remove ${names.of('correlationPath')}: null`;
      problems.add(undefined, `${checks.needsCorrelation} on a URL finds completions by lambench's client request ID: keep it on (${off})`);
    }
    if (probe.payload.length > HTTP_PAYLOAD_LIMIT_BYTES) {
      problems.add(undefined, `the payload is ${formatBytes(probe.payload.length)}, over API Gateway's ${formatBytes(HTTP_PAYLOAD_LIMIT_BYTES)} limit: send less data`);
    }
  }
  return problems.list.length === before ? call : undefined;
}

/** The requests of a checked call (a worker thread builds its own from the call it is handed). */
export function callRequests(call: CallConfig): RequestBuilder {
  const template = call.payload.template ? compileTemplate(call.payload.text, call.payload.template.dir) : undefined;
  return requestBuilder(call, template);
}

/** Throws a UsageError for a payload the call cannot send: checkCall says it, callRequests never meets it. */
function requestBuilder(call: CallConfig, template: PayloadTemplate | undefined): RequestBuilder {
  const sample = template ? Buffer.from(template.render(0), 'utf8') : call.payload.bytes;
  const perCall = template && !template.isStatic ? template : undefined;
  if (call.kind === 'lambda') {
    const payload = encodeJsonPayload(Buffer.from(sample).toString('utf8'), call.payload.source, sample);
    const { logType, clientContext } = call;
    return (invocationType, seq) => ({
      invocationType,
      payload: perCall ? Buffer.from(perCall.render(seq), 'utf8') : payload,
      // Lambda returns logs for synchronous calls only.
      ...(logType && invocationType === 'RequestResponse' && { logType }),
      ...(clientContext !== undefined && { clientContext }),
    });
  }
  if (call.kind === 'queue') return queueRequestBuilder(call, sample, perCall);
  const asyncBodyPath = call.asyncVia === 'body' ? call.asyncBodyPath : undefined;
  const build = createBodyBuilder(sample, call.payload.source, { correlationPath: call.correlationPath, ...(asyncBodyPath && { asyncBodyPath }) }, template);
  return (invocationType, seq) => {
    const body = build(invocationType, seq);
    return { invocationType, payload: body.payload, ...(body.clientRequestId && { clientRequestId: body.clientRequestId }) };
  };
}

/**
 * A queue message's body: any text. lambench's correlation ID always travels as a message
 * attribute; in a JSON-object body it is written at the correlation path too (as for HTTP
 * targets), where a function that reads only the body finds it. An empty payload sends `{}`
 * (SQS refuses an empty body).
 */
function queueRequestBuilder(call: QueueCall, sample: Uint8Array, perCall: PayloadTemplate | undefined): RequestBuilder {
  const text = Buffer.from(sample).toString('utf8');
  const given = text.trim() === '' ? Buffer.from('{}') : sample;
  if (call.correlationPath && isJsonObject(given)) {
    const build = createBodyBuilder(given, call.payload.source, { correlationPath: call.correlationPath }, perCall);
    return (invocationType, seq) => {
      const body = build(invocationType, seq);
      return { invocationType, payload: body.payload, clientRequestId: body.clientRequestId ?? randomUUID() };
    };
  }
  return (invocationType, seq) => ({ invocationType, payload: perCall ? Buffer.from(perCall.render(seq), 'utf8') : given, clientRequestId: randomUUID() });
}

function isJsonObject(bytes: Uint8Array): boolean {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

type LambdaInputs = Pick<LambdaCall, 'logType' | 'clientContext' | 'retries' | 'sdk'>;
type QueueInputs = Omit<QueueCall, 'kind' | 'target' | 'payload' | 'timeoutMs' | 'aws' | 'queue' | 'fifo'>;

/** The inputs that only a queue target takes. */
const QUEUE_ONLY = (input: CallInput): [Field, unknown][] => [
  ['messageGroupId', input.messageGroupId],
  ['contentDedup', input.contentDedup || undefined],
  ['delayMs', input.delayMs],
  ['messageAttributes', input.messageAttributes?.length ? input.messageAttributes : undefined],
  ['discover', input.discover === false ? false : undefined],
];

/** SQS's rules for a message attribute's name. */
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;

/** A queue target's own inputs, as far as they could be read. */
function checkQueueInputs(input: CallInput, fifo: boolean, types: InvocationType[], problems: Problems): QueueInputs {
  const { names } = problems;
  const notForQueues: [Field, unknown][] = [
    ['qualifier', input.qualifier], ['logType', input.logType], ['clientContext', input.clientContext], ['retries', input.retries || undefined],
    ['method', input.method], ['headers', input.headers?.length ? input.headers : undefined], ['asyncVia', input.asyncVia], ['asyncUrl', input.asyncUrl],
    ['asyncHeader', input.asyncHeader], ['asyncBodyPath', input.asyncBodyPath], ['sigv4', input.sigv4 || undefined], ['correlationHeader', input.correlationHeader],
  ];
  for (const [field, value] of notForQueues) if (value !== undefined) problems.add(field, 'does not apply to a queue: lambench sends the message, and the event source mapping invokes the function');
  if (types.some((type) => type !== 'Event')) problems.add('types', 'does not apply to a queue: its one phase is the messages sent (the event source mapping invokes the function later, synchronously, in batches); leave it out');
  if (fifo && !input.messageGroupId) problems.add('messageGroupId', `is needed: the queue is FIFO (its name ends in .fifo), and every message needs a group (${names.of('messageGroupId')}${names.isFlag('messageGroupId') ? '' : ':'} GROUP)`);
  if (!fifo && input.messageGroupId !== undefined) problems.add('messageGroupId', 'applies to FIFO queues only (names ending in .fifo)');
  if (input.messageGroupId !== undefined && !/^[!-~]{1,128}$/.test(input.messageGroupId)) problems.add('messageGroupId', `'${input.messageGroupId}' must be 1 to 128 printable ASCII characters without spaces`);
  if (!fifo && input.contentDedup) problems.add('contentDedup', 'applies to FIFO queues only (names ending in .fifo)');
  let delaySeconds: number | undefined;
  if (input.delayMs !== undefined) {
    if (fifo) problems.add('delayMs', 'cannot be set per message on a FIFO queue (give the queue a DelaySeconds instead)');
    else if (!(input.delayMs >= 0 && input.delayMs <= 900_000 && input.delayMs % 1000 === 0)) problems.add('delayMs', `${input.delayMs / 1000} s must be whole seconds from 0 to 900 (SQS's range)`);
    else delaySeconds = input.delayMs / 1000;
  }
  const attributes: Record<string, string> = {};
  for (const entry of input.messageAttributes ?? []) {
    const at = entry.indexOf('=');
    const name = at < 0 ? entry : entry.slice(0, at);
    if (at < 0) problems.add('messageAttributes', `'${entry}' must be name=value`);
    else if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name)) problems.add('messageAttributes', `'${name}' is not an attribute name SQS takes: letters, digits, _ - . (not first or last, never two in a row), not starting with AWS. or Amazon.`);
    else if (name === QUEUE_CORRELATION_ATTRIBUTE) problems.add('messageAttributes', `'${name}' is lambench's own correlation attribute: choose another name`);
    else if (at === entry.length - 1) problems.add('messageAttributes', `'${name}' has an empty value: SQS needs at least one character`);
    else attributes[name] = entry.slice(at + 1);
  }
  if (Object.keys(attributes).length > 9) problems.add('messageAttributes', `${Object.keys(attributes).length} attributes: SQS takes 10 a message, and lambench's correlation ID is one`);
  return {
    ...(input.messageGroupId !== undefined && { messageGroupId: input.messageGroupId }),
    contentDedup: Boolean(input.contentDedup),
    ...(delaySeconds !== undefined && { delaySeconds }),
    attributes,
    correlationPath: input.correlationPath === undefined ? DEFAULT_CORRELATION_PATH : input.correlationPath,
    discover: input.discover !== false,
    sdk: Boolean(input.sdk),
  };
}
type HttpInputs = Omit<HttpCall, 'kind' | 'target' | 'payload' | 'timeoutMs' | 'aws' | 'url'>;

/** The Invoke API's own inputs, as far as they could be read (a problem leaves its field out). */
function checkLambdaInputs(input: CallInput, types: InvocationType[], problems: Problems): LambdaInputs {
  const httpOnly: [Field, unknown][] = [
    ['method', input.method], ['headers', input.headers?.length ? input.headers : undefined], ['asyncVia', input.asyncVia],
    ['asyncUrl', input.asyncUrl], ['asyncHeader', input.asyncHeader], ['asyncBodyPath', input.asyncBodyPath], ['sigv4', input.sigv4 || undefined],
  ];
  for (const [field, value] of httpOnly) if (value !== undefined) problems.add(field, 'applies to URL targets only: a function is called through the Invoke API');
  // A function's async destinations are discovered too (--verify-delivery, --wait): --no-discover applies.
  for (const [field, value] of QUEUE_ONLY(input)) if (value !== undefined && field !== 'discover') problems.add(field, 'applies to queue targets only (an SQS queue URL or ARN)');
  const logType = problems.check(() => parseLogType(input.logType, types, problems.names.of('types')), 'logType');
  const clientContext = input.clientContext === undefined ? undefined : problems.check(() => encodeClientContext(input.clientContext!));
  return { logType, clientContext, retries: input.retries ?? 0, sdk: Boolean(input.sdk) };
}

/** The HTTP inputs, as far as they could be read (an unknown --async-via reads as the default, header). */
function checkHttpInputs(input: CallInput, types: InvocationType[], problems: Problems): HttpInputs {
  const { names } = problems;
  const invokeApiOnly: [Field, unknown][] = [['qualifier', input.qualifier], ['logType', input.logType], ['clientContext', input.clientContext], ['retries', input.retries || undefined]];
  for (const [field, value] of invokeApiOnly) if (value !== undefined) problems.add(field, 'applies to the Lambda Invoke API only, not to a URL');
  for (const [field, value] of QUEUE_ONLY(input)) if (value !== undefined) problems.add(field, 'applies to queue targets only (an SQS queue URL or ARN)');
  const asyncVia = problems.check(() => parseAsyncVia(input.asyncVia ?? (input.asyncUrl ? 'url' : 'header'), names.of('asyncVia')));
  const headers = problems.check(() => parseHeaders(input.headers ?? [], names.of('headers')));
  const method = input.method === undefined ? undefined : problems.check(() => parseMethod(input.method!, names.of('method')));
  if (input.asyncHeader !== undefined) problems.check(() => parseHeaderName(input.asyncHeader!, names.of('asyncHeader')));
  if (input.correlationHeader !== undefined) problems.check(() => parseHeaderName(input.correlationHeader!, names.of('correlationHeader')));
  const asyncUrl = input.asyncUrl === undefined ? undefined : problems.check(() => parseHttpUrl(input.asyncUrl!, names.of('asyncUrl')));
  if (asyncVia === 'url' && input.asyncUrl === undefined) problems.add('asyncVia', `url needs ${names.of('asyncUrl')} URL: the route that invokes asynchronously (e.g. …/run/async)`);
  if (asyncVia !== undefined && asyncVia !== 'url' && asyncUrl) problems.add('asyncUrl', `only applies with ${names.of('asyncVia')} url (not ${asyncVia})`);
  if (types.includes('DryRun') && asyncVia !== 'header') problems.add('types', `DryRun over HTTP needs ${names.of('asyncVia')} header (the API must map the header to X-Amz-Invocation-Type)`);
  if (input.asyncBodyPath !== undefined && asyncVia !== 'body') problems.add('asyncBodyPath', `only applies with ${names.of('asyncVia')} body`);
  const correlationPath = input.correlationPath === undefined ? DEFAULT_CORRELATION_PATH : input.correlationPath;
  return {
    method,
    headers: headers ?? {},
    asyncVia: asyncVia ?? 'header',
    asyncHeader: input.asyncHeader ?? 'InvocationType',
    asyncUrl: asyncUrl?.href,
    asyncBodyPath: asyncVia === 'body' ? (input.asyncBodyPath ?? DEFAULT_ASYNC_BODY_PATH) : undefined,
    correlationPath,
    correlationHeader: correlationPath === null ? undefined : (input.correlationHeader ?? DEFAULT_CORRELATION_HEADER),
    sigv4: Boolean(input.sigv4),
  };
}

/** Throws a message that follows the log type's name: `'x' is not a log type…`. */
function parseLogType(text: string | undefined, types: InvocationType[], typesName: string): 'None' | 'Tail' | undefined {
  if (text === undefined) return undefined;
  const logType = text.toLowerCase() === 'tail' ? 'Tail' : text.toLowerCase() === 'none' ? 'None' : undefined;
  if (!logType) throw new UsageError(`'${text}' is not a log type: use Tail or None`);
  if (logType === 'Tail' && types.length > 0 && !types.includes('RequestResponse')) {
    throw new UsageError(`Tail only works with ${typesName} RequestResponse: Lambda returns logs only for synchronous calls`);
  }
  return logType;
}
