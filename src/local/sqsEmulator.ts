/**
 * SQS for the local stack: the fauxqs emulator (JSON protocol, as the current SDK speaks it),
 * listening on 127.0.0.1 only. fauxqs's own `startFauxqs` listens on every interface, so the app
 * is built here and bound to loopback. Queues are created through the real SQS API, and the URL
 * CreateQueue returns is the one used everywhere.
 */
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';

export interface SqsEmulator {
  endpoint: string;
  client: SQSClient;
  /** Queue name → the URL CreateQueue returned. */
  queueUrls: Map<string, string>;
  createQueue(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startSqsEmulator(options: { port: number; region: string; queues: string[] }): Promise<SqsEmulator> {
  const app = buildApp({ logger: false, defaultRegion: options.region });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({
    region: options.region,
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // Destination records are written in bursts (thousands of events settling at once): enough
    // sockets that the SDK need not queue, and warn about, them.
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: 256 } },
  });
  const queueUrls = new Map<string, string>();
  const createQueue = async (name: string) => {
    // SQS requires the FifoQueue attribute for a name ending in .fifo.
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, ...(name.endsWith('.fifo') && { Attributes: { FifoQueue: 'true' } }) }));
    if (!QueueUrl) throw new Error(`SQS CreateQueue for '${name}' returned no QueueUrl`);
    queueUrls.set(name, QueueUrl);
    return QueueUrl;
  };
  for (const name of options.queues) await createQueue(name);
  return {
    endpoint,
    client,
    queueUrls,
    createQueue,
    async stop() {
      client.destroy();
      await app.close();
    },
  };
}
