/**
 * The request body: read from --payload, --payload-file or stdin, checked as JSON and against the
 * Invoke API's size limits before anything is sent.
 */
import { readFile } from 'node:fs/promises';
import { UsageError, messageOf } from '../errors.js';
import type { InvocationType } from './types.js';

/** Invoke API request limits: 6 MB synchronous, 1 MB asynchronous (raised from 256 KB in 2025). */
export const PAYLOAD_LIMIT_BYTES: Record<InvocationType, number> = {
  RequestResponse: 6 * 1024 * 1024,
  DryRun: 6 * 1024 * 1024,
  Event: 1024 * 1024,
};

/** The Invoke API's limit on the base64-encoded client context. */
export const CLIENT_CONTEXT_LIMIT_BYTES = 3583;

export interface PayloadInput {
  payload?: string;
  payloadFile?: string;
}

export async function readPayloadText(input: PayloadInput, stdin: NodeJS.ReadableStream = process.stdin): Promise<{ text: string; source: string }> {
  if (input.payload !== undefined && input.payloadFile !== undefined) {
    throw new UsageError('give either --payload or --payload-file, not both');
  }
  if (input.payload === '-' || input.payloadFile === '-') {
    return { text: await readAll(stdin), source: 'stdin' };
  }
  if (input.payloadFile !== undefined) {
    try {
      return { text: await readFile(input.payloadFile, 'utf8'), source: input.payloadFile };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : messageOf(error);
      throw new UsageError(`--payload-file '${input.payloadFile}' cannot be read: ${why}`, { cause: error });
    }
  }
  return { text: input.payload ?? '', source: '--payload' };
}

/** Checks that the text is JSON (empty means "no payload") and encodes it once. */
export function encodeJsonPayload(text: string, source: string): Uint8Array {
  if (text.trim() === '') return new Uint8Array(0);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the payload from ${source} is not valid JSON (${messageOf(error)}): the Invoke API accepts only JSON`);
  }
  return Buffer.from(text, 'utf8');
}

export function checkPayloadSize(bytes: number, invocationType: InvocationType): void {
  const limit = PAYLOAD_LIMIT_BYTES[invocationType];
  if (bytes > limit) {
    const mode = invocationType === 'Event' ? 'asynchronous (Event)' : 'synchronous';
    throw new UsageError(
      `the payload is ${formatBytes(bytes)}, over the ${formatBytes(limit)} limit for ${mode} invocations: send less data (e.g. a reference to S3)`,
    );
  }
}

/** `--client-context '{"custom":{…}}'` → the base64 the Invoke API carries, checked for size. */
export function encodeClientContext(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--client-context is not valid JSON (${messageOf(error)}): give an object like '{"custom":{"k":"v"}}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--client-context must be a JSON object, like '{"custom":{"k":"v"}}'`);
  }
  const encoded = Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
  if (encoded.length > CLIENT_CONTEXT_LIMIT_BYTES) {
    throw new UsageError(
      `--client-context is ${encoded.length} bytes once base64-encoded, over the ${CLIENT_CONTEXT_LIMIT_BYTES}-byte limit: shorten it`,
    );
  }
  return encoded;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KB`;
  return `${bytes} B`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
