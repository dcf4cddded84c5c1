/**
 * The body of each HTTP request, the user's payload with, written into its text: lambench's own
 * client request ID at a settable path (default `meta.clientRequestId`, as seed 000's APIs carry
 * it), and, when async is asked for in the body, `true` / `false` at another path (default
 * `meta.async`). Both let an async completion be found again behind API Gateway, whose request
 * ID is not Lambda's.
 */
import { randomUUID } from 'node:crypto';
import { UsageError, messageOf } from '../../errors.js';
import { writeIntoJson, type JsonWrite } from './jsonWrite.js';
import type { PayloadTemplate } from './payloadTemplate.js';
import type { InvocationType } from '../types.js';

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

/** Keys that a JavaScript server reads as an object's machinery, not as data: never on a path. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The user's bytes are sent as given; the ID and the async flag are written into their text
 * (jsonWrite.ts), never by parsing and re-serialising the payload.
 * `perCall`: a payload template with per-call placeholders (its sample render is `bytes`).
 */
export function createBodyBuilder(given: Uint8Array | string, source: string, options: BodyOptions, perCall?: PayloadTemplate): BodyBuilder {
  const bytes = typeof given === 'string' ? Buffer.from(given, 'utf8') : given;
  const writes = bodyWrites(options);
  if (perCall && !perCall.isStatic) return templatedBodyBuilder(perCall, bytes, source, options, writes);
  const text = Buffer.from(bytes).toString('utf8');
  const empty = text.trim() === '';
  if (writes.length === 0) {
    const payload = bytes;
    return () => ({ payload });
  }
  if (empty && options.asyncBodyPath === undefined) {
    // No body to write into (a GET): the ID still travels, in the correlation header.
    const payload = new Uint8Array(0);
    return () => ({ payload, clientRequestId: randomUUID() });
  }
  const original = empty ? Buffer.from('{}') : Buffer.from(bytes);
  if (!empty) checkObject(text, source, options);
  const correlation = options.correlationPath ? 0 : -1;
  // Checked now, so that a payload the paths cannot be written into is refused before anything is sent.
  writeIntoJson(original, valuesFor(writes, options, 'RequestResponse', ID_VALUE));
  // On the hot path: the body is written once per invocation type with a 36-character
  // placeholder where the ID goes; each call copies those bytes and writes a fresh UUID over it.
  const encoded = new Map<InvocationType, { bytes: Uint8Array; idOffset: number }>();
  const encodedFor = (invocationType: InvocationType) => {
    let entry = encoded.get(invocationType);
    if (entry === undefined) {
      const written = writeIntoJson(original, valuesFor(writes, options, invocationType, ID_VALUE));
      // The value is the quoted placeholder: the ID starts after its opening quote.
      entry = { bytes: written.bytes, idOffset: correlation < 0 ? -1 : written.offsets[correlation]! + 1 };
      encoded.set(invocationType, entry);
    }
    return entry;
  };
  return (invocationType) => {
    const { bytes: body, idOffset } = encodedFor(invocationType);
    if (idOffset < 0) return { payload: body };
    const clientRequestId = randomUUID();
    const payload = Buffer.from(body);
    payload.write(clientRequestId, idOffset, 'latin1');
    return { payload, clientRequestId };
  };
}

/**
 * A template changes with every call, so the ID and the async flag are written into each rendered
 * body: dearer than the fixed body's byte copy, and only paid for templates.
 */
function templatedBodyBuilder(template: PayloadTemplate, sample: Uint8Array, source: string, options: BodyOptions, writes: JsonWrite[]): BodyBuilder {
  if (writes.length === 0) return (_type, seq = 0) => ({ payload: Buffer.from(template.render(seq), 'utf8') });
  const sampleText = Buffer.from(sample).toString('utf8');
  if (sampleText.trim() !== '') checkObject(sampleText, source, options);
  const render = (seq: number) => {
    const text = template.render(seq);
    return text.trim() === '' ? Buffer.from('{}') : Buffer.from(text, 'utf8');
  };
  writeIntoJson(render(0), valuesFor(writes, options, 'RequestResponse', ID_VALUE));
  return (invocationType, seq = 0) => {
    const clientRequestId = options.correlationPath ? randomUUID() : undefined;
    const written = writeIntoJson(render(seq), valuesFor(writes, options, invocationType, clientRequestId && `"${clientRequestId}"`));
    return { payload: written.bytes, ...(clientRequestId && { clientRequestId }) };
  };
}

/** As long as a UUID, and as unlikely in a user's payload. */
const ID_PLACEHOLDER = 'lambench-client-request-id-000000000';
if (ID_PLACEHOLDER.length !== 36) throw new Error('the ID placeholder must be as long as a UUID');
const ID_VALUE = `"${ID_PLACEHOLDER}"`;

function reasonForJson(options: BodyOptions): string {
  return options.asyncBodyPath !== undefined
    ? `--async-via body writes ${options.asyncBodyPath} into it (use --async-via header for other bodies)`
    : `lambench writes its client request ID to ${options.correlationPath} (pass --no-correlation-id to send it as is)`;
}

function checkObject(text: string, source: string, options: BodyOptions): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the payload from ${source} is not valid JSON (${messageOf(error)}): ${reasonForJson(options)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`the payload from ${source} must be a JSON object: ${reasonForJson(options)}`);
  }
}

/**
 * The paths to write, checked: dotted keys, none that a JavaScript server reads as an object's
 * prototype, and never one inside the other (the second write would replace the first: the ID
 * lost, or the async flag).
 */
function bodyWrites(options: BodyOptions): JsonWrite[] {
  const named: [string, string | null | undefined][] = [['--correlation-path', options.correlationPath], ['--async-body-path', options.asyncBodyPath]];
  const writes: (JsonWrite & { flag: string })[] = [];
  for (const [flag, path] of named) {
    if (!path) continue;
    const keys = path.split('.');
    if (keys.some((key) => key === '')) throw new UsageError(`'${path}' is not a body path: use dotted keys like meta.async`);
    const reserved = keys.find((key) => RESERVED_KEYS.has(key));
    if (reserved) throw new UsageError(`${flag} '${path}': '${reserved}' cannot be a key on the path (a JavaScript server reads it as the object's prototype, not as data); choose another name`);
    writes.push({ keys, value: '', path, flag });
  }
  const [first, second] = writes;
  if (first && second) {
    const shorter = Math.min(first.keys.length, second.keys.length);
    if (first.keys.slice(0, shorter).join('\u0000') === second.keys.slice(0, shorter).join('\u0000')) {
      throw new UsageError(
        `${first.flag} '${first.path}' and ${second.flag} '${second.path}' overlap: one would overwrite the other; choose paths that are not one inside the other (e.g. meta.clientRequestId and meta.async)`,
      );
    }
  }
  return writes.map(({ keys, path }) => ({ keys, value: '', path }));
}

/** The writes with their values: the ID (JSON text) at the correlation path, the async flag at its own. */
function valuesFor(writes: JsonWrite[], options: BodyOptions, invocationType: InvocationType, id: string | undefined): JsonWrite[] {
  return writes.map((write) => ({ ...write, value: options.correlationPath && write.path === options.correlationPath ? id! : String(invocationType === 'Event') }));
}
