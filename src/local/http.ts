/** Small HTTP helpers shared by the local stack's servers (the Lambda API, the API Gateway front, EventBridge, the SQS proxy). */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Listens on 127.0.0.1 only; resolves to the port (the one asked for, or the free one 0 picked). */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Drops every connection (idle or busy) and waits until the server is closed; harmless if it never listened. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
