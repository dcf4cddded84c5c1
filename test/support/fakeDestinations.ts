/**
 * A function whose async outcomes go to destinations of every kind, for testing lambench's taps
 * before the local stack delivers to SNS, S3 and EventBridge itself (branch local14 is building
 * that): a Lambda API on 127.0.0.1 (port 0) answering GetFunctionEventInvokeConfig,
 * GetFunctionConfiguration and Event invocations, and then writing each event's record as Lambda
 * does, through real SDK clients, to the local stack's real SNS, S3, EventBridge and SQS. This is
 * the one stand-in: everything lambench reads is the emulators'. An event fails when its payload's
 * `n` is a multiple of `failEvery`; `deliver: false` writes nothing (a run left waiting).
 */
import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { LocalStack } from '../../src/local/index.js';
import { CREDENTIALS, closeServer, listen } from './helpers.js';

export interface FakeWiring {
  onSuccess?: string;
  onFailure?: string;
  dlq?: string;
  /** 'none': no event invoke config (404); 'deny': AccessDeniedException on it. */
  invokeConfig?: 'set' | 'none' | 'deny';
}

export interface FakeFunction {
  url: string;
  name: string;
  arn: string;
  /** Event invocations accepted, and how many of them were made to fail. */
  accepted(): number;
  failed(): number;
  /** Record writes still under way. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeFunction(stack: LocalStack, sqs: SQSClient, wiring: FakeWiring, options: { name?: string; failEvery?: number; deliver?: boolean } = {}): Promise<FakeFunction> {
  const name = options.name ?? 'tapped';
  const arn = `arn:aws:lambda:${stack.region}:000000000000:function:${name}`;
  const base = { region: stack.region, credentials: CREDENTIALS, maxAttempts: 1 };
  const sns = new SNSClient({ ...base, endpoint: stack.sqsUrl });
  const s3 = new S3Client({ ...base, endpoint: stack.sqsUrl, forcePathStyle: true });
  const events = new EventBridgeClient({ ...base, endpoint: stack.eventsUrl });
  let accepted = 0;
  let failed = 0;
  const writes = new Set<Promise<void>>();
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown, type?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...(type && { 'x-amzn-errortype': type }) });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      if (path.includes('/event-invoke-config')) {
        if (wiring.invokeConfig === 'deny') return json(res, 403, { Type: 'User', Message: 'not allowed' }, 'AccessDeniedException');
        if (wiring.invokeConfig === 'none' || (!wiring.onSuccess && !wiring.onFailure)) return json(res, 404, { Type: 'User', Message: 'no config' }, 'ResourceNotFoundException');
        return json(res, 200, { FunctionArn: `${arn}:$LATEST`, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnSuccess: wiring.onSuccess ? { Destination: wiring.onSuccess } : {}, OnFailure: wiring.onFailure ? { Destination: wiring.onFailure } : {} } });
      }
      if (path.includes('/configuration')) return json(res, 200, { FunctionName: name, FunctionArn: arn, Timeout: 3, ...(wiring.dlq && { DeadLetterConfig: { TargetArn: wiring.dlq } }) });
      if (path.includes('/invocations') && req.headers['x-amz-invocation-type'] === 'Event') {
        const requestId = randomUUID();
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { n?: number };
        accepted += 1;
        const fails = options.failEvery !== undefined && (payload.n ?? 1) % options.failEvery === 0;
        if (fails) failed += 1;
        res.writeHead(202, { 'x-amzn-requestid': requestId, 'content-length': 0 });
        res.end();
        if (options.deliver === false) return;
        const write = deliver(requestId, payload, fails).catch((error: Error) => console.error(`fake function: a record was not written: ${error.message}`));
        writes.add(write);
        void write.finally(() => writes.delete(write));
        return;
      }
      json(res, 400, { message: `the fake function does not serve ${req.method} ${path}` }, 'InvalidRequestContentException');
    });
  });

  async function deliver(requestId: string, payload: unknown, fails: boolean): Promise<void> {
    const record = JSON.stringify({
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId, functionArn: `${arn}:$LATEST`, condition: fails ? 'RetriesExhausted' : 'Success', approximateInvokeCount: fails ? 3 : 1 },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(fails && { functionError: 'Unhandled' }) },
      responsePayload: fails ? { errorType: 'Error', errorMessage: 'planned failure' } : { ok: true },
    });
    const destination = fails ? wiring.onFailure : wiring.onSuccess;
    if (destination) await write(destination, record, fails);
    if (fails && wiring.dlq) await writeDeadLetter(wiring.dlq, requestId, payload);
  }

  async function write(destination: string, record: string, fails: boolean): Promise<void> {
    const service = destination.split(':')[2];
    if (service === 'sns') await sns.send(new PublishCommand({ TopicArn: destination, Message: record }));
    else if (service === 'sqs') await sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl(destination), MessageBody: record }));
    else if (service === 'events') {
      const bus = destination.split(':event-bus/')[1];
      await events.send(new PutEventsCommand({ Entries: [{ Source: 'lambda', DetailType: `Lambda Function Invocation Result - ${fails ? 'Failure' : 'Success'}`, Detail: record, EventBusName: bus, Resources: [`${arn}:$LATEST`] }] }));
    } else if (service === 's3') {
      const now = new Date().toISOString();
      const key = `aws/lambda/async/${name}/${now.slice(0, 10).replace(/-/g, '/')}/${now.slice(0, 19).replace(/:/g, '.')}-${randomUUID()}`;
      await s3.send(new PutObjectCommand({ Bucket: destination.split(':::')[1], Key: key, Body: record }));
    }
  }

  async function writeDeadLetter(destination: string, requestId: string, payload: unknown): Promise<void> {
    const attributes = { RequestID: { DataType: 'String', StringValue: requestId }, ErrorCode: { DataType: 'Number', StringValue: '200' }, ErrorMessage: { DataType: 'String', StringValue: 'planned failure' } };
    if (destination.split(':')[2] === 'sns') await sns.send(new PublishCommand({ TopicArn: destination, Message: JSON.stringify(payload), MessageAttributes: attributes }));
    else await sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl(destination), MessageBody: JSON.stringify(payload), MessageAttributes: attributes }));
  }

  async function queueUrl(queueArn: string): Promise<string> {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: queueArn.split(':')[5]! }))).QueueUrl!;
  }

  const url = await listen(server, '');
  return {
    url,
    name,
    arn,
    accepted: () => accepted,
    failed: () => failed,
    settled: async () => {
      await Promise.all([...writes]);
    },
    stop: async () => {
      server.closeAllConnections();
      await closeServer(server);
      for (const client of [sns, s3, events]) client.destroy();
    },
  };
}
