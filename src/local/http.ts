/** Small HTTP helpers shared by the local stack's servers (the Invoke API and the API Gateway front). */
import type { IncomingMessage } from 'node:http';

/** One request header's value (the first, if repeated). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the whole body, keeping at most `limit` bytes (the rest is drained, not stored). */
export async function readBody(req: IncomingMessage, limit: number): Promise<{ data: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return { data: Buffer.concat(chunks), tooLarge: size > limit };
}

/** The text as JSON, or `fallback` when it does not parse. */
export function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
