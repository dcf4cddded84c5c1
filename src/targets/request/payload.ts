/**
 * The request body: read from --payload, --payload-file or stdin, checked as JSON and against the
 * Invoke API's size limits before anything is sent.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError, messageOf } from '../../errors.js';
import type { InvocationType } from '../types.js';

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
  /** The payload already read, as bytes (handed to worker threads): it stands for the flags above. */
  payloadBytes?: Uint8Array;
}

/**
 * No target takes a larger request body (API Gateway's 10 MB; the Invoke API's 6 MB): a payload is
 * read up to one byte past it, so `--payload-file /dev/zero` fails at once instead of filling memory.
 */
export const PAYLOAD_READ_LIMIT_BYTES = 10 * 1024 * 1024;
/** How long a named pipe may go without a writer before lambench says so and stops waiting. */
export const FIFO_WRITER_WAIT_MS = 10_000;

export interface PayloadRead {
  /** The payload's bytes as given: sent as they are. */
  bytes: Buffer;
  /** The same decoded as UTF-8, for checks and for display. */
  text: string;
  source: string;
}

export async function readPayloadText(input: PayloadInput, stdin: NodeJS.ReadableStream = process.stdin): Promise<PayloadRead> {
  if (input.payloadBytes !== undefined) return read(Buffer.from(input.payloadBytes), '--payload');
  if (input.payload !== undefined && input.payloadFile !== undefined) {
    throw new UsageError('give either --payload or --payload-file, not both');
  }
  if (input.payload === '-' || input.payloadFile === '-') {
    return read(await readStream(stdin, 'stdin'), 'stdin');
  }
  if (input.payloadFile !== undefined) {
    try {
      return read(await readPayloadFile(input.payloadFile), input.payloadFile);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : messageOf(error);
      throw new UsageError(`--payload-file '${input.payloadFile}' cannot be read: ${why}`, { cause: error });
    }
  }
  return read(Buffer.from(input.payload ?? '', 'utf8'), '--payload');
}

function read(bytes: Buffer, source: string): PayloadRead {
  return { bytes, text: bytes.toString('utf8'), source };
}

function tooLarge(source: string): UsageError {
  return new UsageError(`${source} holds more than ${formatBytes(PAYLOAD_READ_LIMIT_BYTES)}, more than any target accepts (API Gateway's limit): send less data`);
}

/**
 * A file, a device or a named pipe, read to its end or one byte past the limit. A pipe is waited
 * on without blocking the process: `<(…)` (process substitution) is a pipe with a writer and is
 * read as it comes; a named pipe that no one opens for writing is given up after a stated time.
 */
async function readPayloadFile(path: string): Promise<Buffer> {
  const source = `--payload-file '${path}'`;
  const isPipe = (await stat(path)).isFIFO();
  const handle = await open(path, isPipe ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const waitUntil = Date.now() + FIFO_WRITER_WAIT_MS;
    for (let round = 0; ; round += 1) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, PAYLOAD_READ_LIMIT_BYTES + 1 - total));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (error) {
        // A pipe with a writer and nothing in it yet: waited on as `cat | lambench …` waits on
        // its writer (the user's own process; Ctrl-C ends it).
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        await sleep(PIPE_POLL_MS);
        continue;
      }
      if (bytesRead > 0) {
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > PAYLOAD_READ_LIMIT_BYTES) throw tooLarge(source);
        continue;
      }
      // The end: of a file, or of a pipe whose writer is done. A pipe that has had no writer yet
      // also reads as its end: waited on, for a bounded time.
      if (!isPipe || total > 0) break;
      if (Date.now() > waitUntil || round > FIFO_WRITER_WAIT_MS / PIPE_POLL_MS + 1000) {
        throw new UsageError(`${source} is a named pipe that nothing wrote to within ${FIFO_WRITER_WAIT_MS / 1000} s: start its writer first, or pass the payload with --payload`);
      }
      await sleep(PIPE_POLL_MS);
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

const PIPE_POLL_MS = 20;

async function readStream(stream: NodeJS.ReadableStream, source: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(bytes);
    total += bytes.length;
    if (total > PAYLOAD_READ_LIMIT_BYTES) throw tooLarge(source);
  }
  return Buffer.concat(chunks);
}

/** Checks that the payload is JSON (empty means "no payload"); its bytes are sent as given. */
export function encodeJsonPayload(text: string, source: string, bytes: Uint8Array = Buffer.from(text, 'utf8')): Uint8Array {
  if (text.trim() === '') return new Uint8Array(0);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the payload from ${source} is not valid JSON (${messageOf(error)}): the Invoke API accepts only JSON`);
  }
  return bytes;
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
