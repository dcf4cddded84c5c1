/**
 * The body of each HTTP request, built from the user's payload once parsed: lambench's own
 * client request ID at a settable path (default `meta.clientRequestId`, as seed 000's APIs carry
 * it), and, when async is asked for in the body, `true` / `false` at another path (default
 * `meta.async`). Both let an async completion be found again behind API Gateway, whose request
 * ID is not Lambda's.
 */
import { randomUUID } from 'node:crypto';
import { UsageError, messageOf } from '../errors.js';
import type { PayloadTemplate } from './payloadTemplate.js';
import type { InvocationType } from './types.js';

export const DEFAULT_CORRELATION_PATH = 'meta.clientRequestId';
export const DEFAULT_ASYNC_BODY_PATH = 'meta.async';
/** Also sent as a header, so that a body-less request (a GET) carries the ID too. */
export const DEFAULT_CORRELATION_HEADER = 'x-client-request-id';

export interface BodyOptions {
  /** Where lambench writes its client request ID; null turns it off. */
  correlationPath: string | null;
  /** Where `true` (Event) / `false` (sync) is written; absent unless async is asked for in the body. */
  asyncBodyPath?: string;
}

export interface BuiltBody {
  payload: Uint8Array;
  clientRequestId?: string;
}

/** `seq` fills a template's {{seq}} (0 when not given). */
export type BodyBuilder = (invocationType: InvocationType, seq?: number) => BuiltBody;

const encoder = new TextEncoder();

/** `perCall`: a payload template with per-call placeholders (its sample render is `text`). */
export function createBodyBuilder(text: string, source: string, options: BodyOptions, perCall?: PayloadTemplate): BodyBuilder {
  const edits = [options.correlationPath, options.asyncBodyPath].filter((path): path is string => Boolean(path));
  if (perCall && !perCall.isStatic) return templatedBodyBuilder(perCall, text, source, options, edits);
  const empty = text.trim() === '';
  if (edits.length === 0) {
    const payload = encoder.encode(text);
    return () => ({ payload });
  }
  if (empty && options.asyncBodyPath === undefined) {
    // No body to write into (a GET): the ID still travels, in the correlation header.
    const payload = new Uint8Array(0);
    return () => ({ payload, clientRequestId: randomUUID() });
  }
  let template: unknown = {};
  if (!empty) {
    try {
      template = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`the payload from ${source} is not valid JSON (${messageOf(error)}): ${reasonForJson(options)}`);
    }
  }
  if (!isObject(template)) {
    throw new UsageError(`the payload from ${source} must be a JSON object: ${reasonForJson(options)}`);
  }
  for (const path of edits) checkPath(template, path);
  // On the hot path: the body is serialised once per invocation type with a 36-character
  // placeholder where the ID goes; each call copies those bytes and writes a fresh UUID over it.
  const encoded = new Map<InvocationType, { bytes: Uint8Array; idOffset: number }>();
  const encodedFor = (invocationType: InvocationType) => {
    let entry = encoded.get(invocationType);
    if (entry === undefined) {
      const body = structuredClone(template) as Record<string, unknown>;
      if (options.correlationPath) setAt(body, options.correlationPath, ID_PLACEHOLDER);
      if (options.asyncBodyPath) setAt(body, options.asyncBodyPath, invocationType === 'Event');
      const bytes = encoder.encode(JSON.stringify(body));
      entry = { bytes, idOffset: options.correlationPath ? Buffer.from(bytes).indexOf(ID_PLACEHOLDER) : -1 };
      encoded.set(invocationType, entry);
    }
    return entry;
  };
  return (invocationType) => {
    const { bytes, idOffset } = encodedFor(invocationType);
    if (idOffset < 0) return { payload: bytes };
    const clientRequestId = randomUUID();
    const payload = Buffer.from(bytes);
    payload.write(clientRequestId, idOffset, 'latin1');
    return { payload, clientRequestId };
  };
}

/**
 * A template changes with every call, so the ID and the async flag are written into each rendered
 * body (parse, set, serialise): dearer than the fixed body's byte copy, and only paid for templates.
 */
function templatedBodyBuilder(template: PayloadTemplate, sample: string, source: string, options: BodyOptions, edits: string[]): BodyBuilder {
  if (edits.length === 0) return (_type, seq = 0) => ({ payload: encoder.encode(template.render(seq)) });
  const parsed: unknown = sample.trim() === '' ? {} : JSON.parse(sample);
  if (!isObject(parsed)) throw new UsageError(`the payload from ${source} must be a JSON object: ${reasonForJson(options)}`);
  for (const path of edits) checkPath(parsed, path);
  return (invocationType, seq = 0) => {
    const text = template.render(seq);
    const body = (text.trim() === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const clientRequestId = options.correlationPath ? randomUUID() : undefined;
    if (options.correlationPath) setAt(body, options.correlationPath, clientRequestId);
    if (options.asyncBodyPath) setAt(body, options.asyncBodyPath, invocationType === 'Event');
    return { payload: encoder.encode(JSON.stringify(body)), ...(clientRequestId && { clientRequestId }) };
  };
}

/** As long as a UUID, and as unlikely in a user's payload. */
const ID_PLACEHOLDER = 'lambench-client-request-id-000000000';
if (ID_PLACEHOLDER.length !== 36) throw new Error('the ID placeholder must be as long as a UUID');

function reasonForJson(options: BodyOptions): string {
  return options.asyncBodyPath !== undefined
    ? `--async-via body writes ${options.asyncBodyPath} into it (use --async-via header for other bodies)`
    : `lambench writes its client request ID to ${options.correlationPath} (pass --no-correlation-id to send it as is)`;
}

function checkPath(value: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  if (keys.some((key) => key === '')) throw new UsageError(`'${path}' is not a body path: use dotted keys like meta.async`);
  let current: unknown = value;
  for (const key of keys.slice(0, -1)) {
    current = (current as Record<string, unknown>)[key];
    if (current === undefined) return;
    if (!isObject(current)) throw new UsageError(`cannot write ${path} into the payload: '${key}' is not an object there`);
  }
}

function setAt(value: Record<string, unknown>, path: string, leaf: unknown): void {
  const keys = path.split('.');
  let current = value;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[keys[keys.length - 1]!] = leaf;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
