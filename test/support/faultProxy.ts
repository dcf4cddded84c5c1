/**
 * A switchable TCP proxy in front of a real server (here: the SQS emulator), for tests of what
 * lambench does when a dependency goes away. Modes: 'pass' forwards bytes both ways; 'refuse'
 * destroys every connection, open or new (a client sees ECONNRESET / ECONNREFUSED-like failures);
 * 'hang' accepts and never answers (bytes in are swallowed, open connections stop forwarding).
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'hang';

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  setMode(mode: FaultMode): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamUrl: string, mode: FaultMode = 'pass'): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const open = new Set<Socket>();
  let current = mode;
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (current === 'refuse') return void client.destroy();
    if (current === 'hang') return void client.resume();
    const server = connect(Number(upstream.port), upstream.hostname);
    open.add(server);
    server.on('close', () => open.delete(server));
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    // Forwarding checks the mode on every chunk: a switch to 'hang' stops answering on open connections too.
    client.on('data', (chunk) => (current === 'pass' ? server.write(chunk) : undefined));
    server.on('data', (chunk) => (current === 'pass' ? client.write(chunk) : undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setMode(next) {
      current = next;
      if (next === 'refuse') for (const socket of open) socket.destroy();
    },
    connections: () => accepted,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
