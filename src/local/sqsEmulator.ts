/**
 * SQS, SNS and S3 for the local stack: the fauxqs emulator (SQS's JSON protocol, as the current
 * SDK speaks it; SNS's query protocol and S3's REST on the same port),
 * listening on 127.0.0.1 only, behind the proxy clients talk to (sqsProxy.ts: where SQS faults
 * happen). fauxqs's own `startFauxqs` listens on every interface, so the app is built here and
 * bound to loopback. Queues are created through the real SQS API, and the URL CreateQueue returns
 * is the one used everywhere.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import type { FaultPlan } from './faults.js';
import { listDeadLetterSourceQueues } from './deadLetterSources.js';
import { createSqsProxy } from './sqsProxy.js';
import { listenOnLoopback } from './http.js';

export interface SqsEmulator {
  /** The proxy's URL: what clients use. */
  endpoint: string;
  /** fauxqs itself, behind the proxy: for the stack's own traffic (never faulted). */
  internalEndpoint: string;
  /** The stack's own client: straight to fauxqs, never faulted. */
  client: SQSClient;
  /** The stack's own SNS and S3 clients, to fauxqs's SNS and S3 (the same port as its SQS), never faulted. */
  sns: SNSClient;
  s3: S3Client;
  /** Topic name → ARN, and bucket names, of those the stack created. */
  topicArns: Map<string, string>;
  buckets: Set<string>;
  createTopic(name: string): Promise<string>;
  createBucket(name: string): Promise<void>;
  /** Queue name → the URL CreateQueue returned (the proxy's host and port). */
  queueUrls: Map<string, string>;
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  /** A queue's URL by its name, whoever created it (the stack, or a client through SQS's API); undefined when there is no such queue. */
  urlOf(name: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** A queue to create: its name, or its name and attributes (e.g. VisibilityTimeout, RedrivePolicy). */
export type QueueSpec = string | { name: string; attributes?: Record<string, string> };

export async function startSqsEmulator(options: { port: number; region: string; queues: QueueSpec[]; faults?: FaultPlan }): Promise<SqsEmulator> {
  const app = buildApp({ logger: false, defaultRegion: options.region });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const upstream = { host: '127.0.0.1', port: (app.server.address() as AddressInfo).port };
  // The actions fauxqs lacks, answered by the proxy through the stack's own client (made below).
  const proxy = createSqsProxy(upstream, options.faults, { ListDeadLetterSourceQueues: (input) => listDeadLetterSourceQueues(client, input) });
  let proxyPort: number;
  try {
    proxyPort = await listenOnLoopback(proxy.server, options.port);
  } catch (error) {
    await app.close();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${proxyPort}`;
  const client = new SQSClient({
    region: options.region,
    endpoint: `http://${upstream.host}:${upstream.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // Destination records are written in bursts (thousands of events settling at once): enough
    // sockets that the SDK need not queue, and warn about, them.
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: 256 } },
  });
  // fauxqs builds a new queue's URL from the Host header: this client presents the proxy's, so the
  // URLs are the ones clients can reach, and being explicit about its endpoint it still goes to fauxqs.
  client.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers.host = `127.0.0.1:${proxyPort}`;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'lambenchProxyHostHeader' },
  );
  const internal = { region: options.region, endpoint: `http://${upstream.host}:${upstream.port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const sns = new SNSClient(internal);
  // Path-style: a bucket in the host name would need DNS for *.127.0.0.1.
  const s3 = new S3Client({ ...internal, forcePathStyle: true });
  const topicArns = new Map<string, string>();
  const buckets = new Set<string>();
  const createTopic = async (name: string) => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, ...(name.endsWith('.fifo') && { Attributes: { FifoTopic: 'true' } }) }));
    if (!TopicArn) throw new Error(`SNS CreateTopic for '${name}' returned no TopicArn`);
    topicArns.set(name, TopicArn);
    return TopicArn;
  };
  const createBucket = async (name: string) => {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    buckets.add(name);
  };
  const queueUrls = new Map<string, string>();
  const createQueue = async (name: string, attributes: Record<string, string> = {}) => {
    // SQS requires the FifoQueue attribute for a name ending in .fifo.
    const all = { ...(name.endsWith('.fifo') && { FifoQueue: 'true' }), ...attributes };
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, ...(Object.keys(all).length > 0 && { Attributes: all }) }));
    if (!QueueUrl) throw new Error(`SQS CreateQueue for '${name}' returned no QueueUrl`);
    queueUrls.set(name, QueueUrl);
    return QueueUrl;
  };
  try {
    for (const queue of options.queues) await (typeof queue === 'string' ? createQueue(queue) : createQueue(queue.name, queue.attributes));
  } catch (error) {
    await stopAll();
    throw error;
  }
  async function stopAll() {
    client.destroy();
    sns.destroy();
    s3.destroy();
    proxy.server.closeAllConnections();
    await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
    await proxy.stop();
    await app.close();
  }
  const urlOf = async (name: string) => {
    const known = queueUrls.get(name);
    if (known !== undefined) return known;
    try {
      return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (error) {
      if ((error as Error).name === 'QueueDoesNotExist' || (error as Error).name === 'AWS.SimpleQueueService.NonExistentQueue') return undefined;
      throw error;
    }
  };
  return { endpoint, internalEndpoint: `http://${upstream.host}:${upstream.port}`, client, sns, s3, topicArns, buckets, createTopic, createBucket, queueUrls, createQueue, urlOf, stop: stopAll };
}
