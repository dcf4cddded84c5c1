/**
 * The direct SQS send path (load tests) against the SDK client it stands in for: the same request
 * on the wire (body bytes, signed headers, signature byte for byte), and each answer SQS can give
 * read the way the SDK reads it: accepted with a checked MD5, refused in the batch, refused whole
 * (a missing queue, a throttle), an answer that is not SQS's JSON, a corrupted body.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ResolvedAwsConfig } from '../../../src/aws/awsConfig.js';
import { createRequestSigner } from '../../../src/targets/wire/signRequest.js';
import { createDirectSqsSender, unsignedSend } from '../../../src/targets/queue/directSqsSender.js';
import { sdkSqsSender } from '../../../src/targets/queue/sdkSqsSender.js';
import type { SqsEntry, SqsSender, SqsSendResult } from '../../../src/targets/queue/sqsSender.js';

interface Captured {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Answer = { status: number; headers?: Record<string, string>; body: string };

/** Records every request; answers with what `answer` says for it (by default SQS's own success, MD5s computed). */
async function startSqsDouble(): Promise<{ server: Server; url: string; captured: Captured[]; answer: { next?: (request: Record<string, unknown>) => Answer } }> {
  const captured: Captured[] = [];
  const answer: { next?: (request: Record<string, unknown>) => Answer } = {};
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const success = (request: Record<string, unknown>): Answer => {
    const entries = request.Entries as { Id: string; MessageBody: string }[] | undefined;
    const body = entries
      ? { Successful: entries.map((entry, index) => ({ Id: entry.Id, MessageId: `m-${index}`, MD5OfMessageBody: md5(entry.MessageBody) })), Failed: [] }
      : { MessageId: 'm-one', MD5OfMessageBody: md5(request.MessageBody as string) };
    return { status: 200, body: JSON.stringify(body) };
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      captured.push({ headers: req.headers, body });
      const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const { status, headers, body: text } = (answer.next ?? success)(request);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${captured.length}`, ...headers });
      res.end(text);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, captured, answer };
}

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const DEADLINE_MS = 10_000;

const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
const CASES: { name: string; queue: string; entries: SqsEntry[] }[] = [
  {
    name: 'a batch of three: attributes, a delay, non-ASCII and escapes in the body',
    queue: QUEUE,
    entries: [0, 1, 2].map((n) => ({ Id: String(n), MessageBody: `{"n":${n},"text":"é \\"q\\" \\u0001"}`, DelaySeconds: 2, MessageAttributes: { 'lambench-client-request-id': attribute(`cid-${n}`), tenant: attribute('acme') } })),
  },
  {
    name: 'one FIFO message: a SendMessage with its group and deduplication ID',
    queue: `${QUEUE}.fifo`,
    entries: [{ Id: '0', MessageBody: 'plain text 😀', MessageAttributes: { 'lambench-client-request-id': attribute('cid-0') }, MessageDeduplicationId: 'cid-0', MessageGroupId: 'g1' }],
  },
];

describe('the direct SQS send is the SDK request', () => {
  let double: Awaited<ReturnType<typeof startSqsDouble>>;
  let sdk: SqsSender;
  let direct: SqsSender;
  before(async () => {
    double = await startSqsDouble();
    const aws: ResolvedAwsConfig = { region: 'us-east-1', endpoint: double.url, loopback: true, credentials: CREDENTIALS };
    sdk = sdkSqsSender(new SQSClient({ region: 'us-east-1', endpoint: double.url, useQueueUrlAsEndpoint: false, credentials: CREDENTIALS, maxAttempts: 1 }));
    direct = createDirectSqsSender({ aws, endpoint: new URL(double.url), userAgent: 'lambench/test' });
  });
  after(async () => {
    await Promise.all([sdk.close(), direct.close()]);
    double.server.close();
  });

  for (const { name, queue, entries } of CASES) {
    test(name, async () => {
      const [bySdk, byDirect] = [await sdk.send(queue, entries, undefined, DEADLINE_MS), await direct.send(queue, entries, undefined, DEADLINE_MS)];
      assert.deepEqual(byDirect, bySdk, 'the same result');
      assert.ok(bySdk.answered && bySdk.accepted.length === entries.length);
      const [fromSdk, fromDirect] = double.captured.splice(0);
      assert.ok(fromSdk && fromDirect);
      assert.deepEqual(fromDirect.body, fromSdk.body, 'the same body bytes');
      const signedHeaders = (headers: IncomingHttpHeaders) => /SignedHeaders=([^,]+)/.exec(String(headers.authorization))?.[1];
      assert.equal(signedHeaders(fromDirect.headers), signedHeaders(fromSdk.headers));
      for (const header of ['content-type', 'content-length', 'x-amz-target', 'x-amzn-query-mode', 'x-amz-content-sha256', 'x-amz-security-token', 'amz-sdk-request', 'host']) {
        assert.equal(fromDirect.headers[header], fromSdk.headers[header], header);
      }
      // Signature byte for byte: the same request signed with the SDK's date, invocation ID and user agent.
      const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(fromSdk.headers['x-amz-date']))!;
      const signingDate = new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!));
      const { request } = unsignedSend(queue, entries, new URL(double.url).host, String(fromSdk.headers['x-amz-user-agent']), String(fromSdk.headers['amz-sdk-invocation-id']));
      const headers = await createRequestSigner('us-east-1', 'sqs', CREDENTIALS)(request, signingDate);
      assert.equal(headers.authorization, fromSdk.headers.authorization);
    });
  }

  const batch: SqsEntry[] = [0, 1, 2].map((n) => ({ Id: String(n), MessageBody: `{"n":${n}}` }));
  const answers: { name: string; answer: (request: Record<string, unknown>) => Answer; check: (result: SqsSendResult, via: string) => void }[] = [
    {
      name: 'some entries refused in the batch (a throttle among them)',
      answer: () => ({
        status: 200,
        body: JSON.stringify({
          Successful: [{ Id: '0', MessageId: 'm-0', MD5OfMessageBody: createHash('md5').update('{"n":0}').digest('hex') }],
          Failed: [{ Id: '1', Code: 'RequestThrottled', SenderFault: false, Message: 'slow down' }, { Id: '2', Code: 'InvalidParameterValue', SenderFault: true, Message: 'bad' }],
        }),
      }),
      check: (result, via) => {
        assert.ok(result.answered, via);
        assert.deepEqual(result.accepted, [{ id: '0', messageId: 'm-0' }], via);
        assert.deepEqual(result.refused, [{ id: '1', code: 'RequestThrottled', senderFault: false, message: 'slow down' }, { id: '2', code: 'InvalidParameterValue', senderFault: true, message: 'bad' }], via);
      },
    },
    {
      name: 'a queue that does not exist: the whole call refused, named as the SDK names it',
      answer: () => ({ status: 400, headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }, body: JSON.stringify({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }) }),
      check: (result, via) => {
        assert.ok(!result.answered, via);
        assert.equal(result.failure.class, 'httpError', via);
        assert.equal(result.failure.statusCode, 400, via);
        assert.equal(result.failure.errorType, 'QueueDoesNotExist', via);
        assert.equal(result.failure.refusedByService, true, via);
      },
    },
    {
      name: 'a throttled call',
      answer: () => ({ status: 400, body: JSON.stringify({ __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Rate exceeded' }) }),
      check: (result, via) => {
        assert.ok(!result.answered, via);
        assert.equal(result.failure.class, 'throttled', via);
      },
    },
  ];
  for (const { name, answer, check } of answers) {
    test(`read alike: ${name}`, async () => {
      double.answer.next = answer;
      try {
        for (const [via, sender] of [['sdk', sdk], ['direct', direct]] as const) check(await sender.send(QUEUE, batch, undefined, DEADLINE_MS), via);
      } finally {
        delete double.answer.next;
        double.captured.splice(0);
      }
    });
  }

  test('a body whose MD5 SQS gives wrong: that message fails (the SDK fails the whole call), the others are accepted', async () => {
    double.answer.next = (request) => {
      const entries = request.Entries as { Id: string; MessageBody: string }[];
      return { status: 200, body: JSON.stringify({ Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: createHash('md5').update(entry.Id === '1' ? 'tampered' : entry.MessageBody).digest('hex') })), Failed: [] }) };
    };
    try {
      const result = await direct.send(QUEUE, batch, undefined, DEADLINE_MS);
      assert.ok(result.answered);
      assert.deepEqual(result.accepted.map((entry) => entry.id), ['0', '2']);
      assert.equal(result.refused.length, 1);
      assert.equal(result.refused[0]!.id, '1');
      assert.equal(result.refused[0]!.corrupted, true);
      const bySdk = await sdk.send(QUEUE, batch, undefined, DEADLINE_MS);
      assert.ok(!bySdk.answered);
      assert.match(String(bySdk.failure.errorMessage), /MD5/);
    } finally {
      delete double.answer.next;
      double.captured.splice(0);
    }
  });

  test('a 200 that is not SQS JSON (a proxy page): a failed call, never accepted messages', async () => {
    double.answer.next = () => ({ status: 200, body: '<html>hello</html>' });
    try {
      const result = await direct.send(QUEUE, batch, undefined, DEADLINE_MS);
      assert.ok(!result.answered);
      assert.equal(result.failure.class, 'httpError');
      assert.equal(result.failure.errorType, 'UnreadableAnswer');
    } finally {
      delete double.answer.next;
      double.captured.splice(0);
    }
  });

  test('SQS silent past the deadline: a timeout, not a hang', async () => {
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const sender = createDirectSqsSender({ aws: { region: 'us-east-1', endpoint: url, loopback: true, credentials: CREDENTIALS }, endpoint: new URL(url), userAgent: 'lambench/test' });
    try {
      const result = await sender.send(QUEUE, batch, undefined, 300);
      assert.ok(!result.answered);
      assert.equal(result.failure.class, 'timeout');
    } finally {
      silent.closeAllConnections();
      silent.close();
      await sender.close();
    }
  });
});
