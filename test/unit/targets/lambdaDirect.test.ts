/**
 * The direct Invoke API path (load tests) against the SDK it stands in for: the same request on the
 * wire, signature byte for byte, and the same classified outcome for every answer the service gives.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalStack } from '../../../src/local/index.js';
import type { ResolvedAwsConfig } from '../../../src/aws/awsConfig.js';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { createRequestSigner } from '../../../src/targets/wire/signRequest.js';
import { serviceError } from '../../../src/targets/wire/serviceError.js';
import { createDirectLambdaTarget, unsignedInvoke } from '../../../src/targets/lambda/directTarget.js';
import { createSdkLambdaTarget } from '../../../src/targets/lambda/sdkTarget.js';
import type { InvokeRequest, Outcome, Target } from '../../../src/targets/types.js';
import { CREDENTIALS, startTestStack } from '../../support/helpers.js';

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Records every request and answers like the Invoke API would (200 + request ID). */
async function startCaptureServer(): Promise<{ server: Server; url: string; captured: Captured[] }> {
  const captured: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'x-amzn-requestid': `req-${captured.length}`, 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, captured };
}

const SESSION_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

const CASES: { name: string; functionName: string; qualifier?: string; request: InvokeRequest }[] = [
  { name: 'async with a payload', functionName: 'square', request: { invocationType: 'Event', payload: Buffer.from('{"n":3,"meta":{"x":"é"}}') } },
  { name: 'sync, ARN, qualifier, Tail, client context', functionName: 'arn:aws:lambda:us-east-1:123456789012:function:square', qualifier: 'live', request: { invocationType: 'RequestResponse', payload: Buffer.from('{}'), logType: 'Tail', clientContext: Buffer.from('{"custom":{"a":1}}').toString('base64') } },
  { name: 'dry run, name:version, no payload', functionName: 'square:$LATEST', request: { invocationType: 'DryRun', payload: new Uint8Array(0) } },
];

describe('the direct Invoke API request is the SDK request', () => {
  let capture: Awaited<ReturnType<typeof startCaptureServer>>;
  before(async () => {
    capture = await startCaptureServer();
  });
  after(() => capture.server.close());

  for (const { name, functionName, qualifier, request } of CASES) {
    test(name, async () => {
      const aws: ResolvedAwsConfig = { region: 'us-east-1', endpoint: capture.url, loopback: true, credentials: SESSION_CREDENTIALS };
      const client = new LambdaClient({ region: 'us-east-1', endpoint: capture.url, credentials: SESSION_CREDENTIALS, maxAttempts: 1 });
      await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: request.invocationType,
          ...(qualifier && { Qualifier: qualifier }),
          ...(request.logType && { LogType: request.logType }),
          ...(request.clientContext && { ClientContext: request.clientContext }),
          ...(request.payload.length > 0 && { Payload: request.payload }),
        }),
      );
      client.destroy();
      const target = createDirectLambdaTarget({ functionName, ...(qualifier && { qualifier }), aws, userAgent: 'lambench/test' });
      const outcome = await target.invoke(request);
      // A load test's call goes on its lane's own connection (lambench's lean HTTP/1.1): the same request.
      const onLane = await target.invoke(request, undefined, 0);
      await target.close();
      assert.equal(outcome.class, 'ok');
      assert.equal(onLane.class, 'ok');
      const [sdk, ...directs] = capture.captured.splice(0);
      assert.ok(sdk && directs.length === 2);

      // On the wire: same method, path and query, body, and the same signed header names.
      const signedHeaders = (headers: IncomingHttpHeaders) => /SignedHeaders=([^,]+)/.exec(String(headers.authorization))?.[1];
      for (const [index, direct] of directs.entries()) {
        const via = index === 0 ? 'pool' : 'lane';
        assert.equal(direct!.method, sdk.method, via);
        assert.equal(direct!.url, sdk.url, via);
        assert.deepEqual(direct!.body, sdk.body, via);
        assert.equal(signedHeaders(direct!.headers), signedHeaders(sdk.headers), via);
        for (const header of ['content-type', 'content-length', 'x-amz-invocation-type', 'x-amz-log-type', 'x-amz-client-context', 'x-amz-content-sha256', 'x-amz-security-token', 'amz-sdk-request', 'host']) {
          assert.equal(direct!.headers[header], sdk.headers[header], `${via}: ${header}`);
        }
      }

      // Signature byte for byte: sign the same request with the SDK's date, invocation ID and user agent.
      const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(sdk.headers['x-amz-date']))!;
      const signingDate = new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!));
      const unsigned = unsignedInvoke(functionName, qualifier, request, new URL(capture.url).host, String(sdk.headers['x-amz-user-agent']), String(sdk.headers['amz-sdk-invocation-id']));
      const headers = await createRequestSigner(aws.region, 'lambda', aws.credentials)(unsigned, signingDate);
      assert.equal(headers.authorization, sdk.headers.authorization);
    });
  }

  test('the signer agrees with @smithy/signature-v4 on 300 generated requests', async () => {
    // A fixed-seed generator: the same cases every run, and a failure names its case.
    let seed = 42;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = <T>(items: T[]) => items[next(items.length)]!;
    for (let index = 0; index < 300; index += 1) {
      const credentials = { accessKeyId: `AKID${next(1000)}`, secretAccessKey: `secret/${next(1000)}+x`, ...(next(2) === 0 && { sessionToken: `tok${next(1000)}==` }) };
      const region = pick(['us-east-1', 'eu-west-2', 'ap-southeast-1', 'us-gov-west-1']);
      const functionName = pick(['f', 'my-fn_2.v', 'fn:$LATEST', 'fn:live', 'arn:aws:lambda:eu-west-2:123456789012:function:fn', '123456789012:function:fn:7']);
      const qualifier = pick([undefined, 'live', '$LATEST', '12']);
      const request: InvokeRequest = {
        invocationType: pick(['RequestResponse', 'Event', 'DryRun'] as const),
        payload: Buffer.from('x'.repeat(next(3) === 0 ? 0 : next(5000))),
        ...(next(2) === 0 && { logType: pick(['Tail', 'None'] as const) }),
        ...(next(3) === 0 && { clientContext: Buffer.from(`{"n":${next(99)}}`).toString('base64') }),
      };
      const host = pick(['lambda.eu-west-2.amazonaws.com', '127.0.0.1:4566', 'localhost:9001']);
      const date = new Date(Date.UTC(2026, next(12), 1 + next(28), next(24), next(60), next(60)));
      const unsigned = unsignedInvoke(functionName, qualifier, request, host, 'lambench/test', `id-${index}`);
      const ours = await createRequestSigner(region, 'lambda', credentials)(unsigned, date);
      const reference = await new SignatureV4({ service: 'lambda', region, credentials, sha256: Sha256, uriEscapePath: true }).sign(
        { method: 'POST', protocol: 'https:', hostname: host.split(':')[0]!, path: unsigned.path, query: unsigned.query, headers: unsigned.headers },
        { signingDate: date },
      );
      assert.deepEqual(ours, reference.headers, `case ${index}: ${functionName} ${qualifier} ${region}`);
    }
  });

  test('errors decode as the SDK names them', () => {
    assert.deepEqual(serviceError(429, 'TooManyRequestsException:http://internal.amazon.com/coral/com.amazonaws.awsgirawebservice/', Buffer.from('{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}')), {
      errorType: 'TooManyRequestsException',
      errorMessage: 'Rate Exceeded.',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    assert.deepEqual(serviceError(400, undefined, Buffer.from('{"__type":"com.amazon.coral#InvalidRequestContentException","Message":"bad"}')), { errorType: 'InvalidRequestContentException', errorMessage: 'bad' });
    assert.deepEqual(serviceError(502, undefined, Buffer.from('<html>bad gateway</html>')), { errorType: 'Http502', errorMessage: 'HTTP 502' });
  });
});

describe('the direct path classifies every answer as the SDK path does', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startTestStack({ functionConfig: { sleep: { reservedConcurrency: 0 } } });
  });
  after(() => stack.stop());

  const comparable = (outcome: Outcome) => ({
    class: outcome.class,
    statusCode: outcome.statusCode,
    errorType: outcome.errorType,
    reason: outcome.reason,
    refusedByService: outcome.refusedByService,
    functionError: outcome.functionError,
    executedVersion: outcome.executedVersion,
    hasRequestId: typeof outcome.requestId === 'string' && outcome.requestId.length > 0,
    logHasReport: outcome.logResult?.includes('REPORT RequestId') ?? false,
  });
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const scenarios: { name: string; functionName: string; qualifier?: string; request: InvokeRequest; expect: Outcome['class'] }[] = [
    { name: 'sync ok with Tail', functionName: 'square', request: { invocationType: 'RequestResponse', payload: json({ number: 4 }), logType: 'Tail' }, expect: 'ok' },
    { name: 'async accepted', functionName: 'square', request: { invocationType: 'Event', payload: json({ number: 4 }) }, expect: 'ok' },
    { name: 'dry run', functionName: 'square', request: { invocationType: 'DryRun', payload: new Uint8Array(0) }, expect: 'ok' },
    { name: 'unhandled function error', functionName: 'flaky', request: { invocationType: 'RequestResponse', payload: json({ fail: true }) }, expect: 'functionError' },
    { name: 'handled function error', functionName: 'callbackError', request: { invocationType: 'RequestResponse', payload: json({}) }, expect: 'functionError' },
    { name: 'no such function', functionName: 'nope', request: { invocationType: 'RequestResponse', payload: json({}) }, expect: 'httpError' },
    { name: 'no such qualifier', functionName: 'square', qualifier: '42', request: { invocationType: 'RequestResponse', payload: json({}) }, expect: 'httpError' },
    { name: 'throttled (reserved concurrency 0)', functionName: 'sleep', request: { invocationType: 'RequestResponse', payload: json({}) }, expect: 'throttled' },
    { name: 'payload over 6 MB', functionName: 'square', request: { invocationType: 'RequestResponse', payload: Buffer.alloc(6 * 1024 * 1024 + 10, 0x20) }, expect: 'httpError' },
  ];
  for (const { name, functionName, qualifier, request, expect } of scenarios) {
    test(name, async () => {
      const aws: ResolvedAwsConfig = { region: stack.region, endpoint: stack.lambdaUrl, loopback: true, credentials: CREDENTIALS };
      const options = { functionName, ...(qualifier && { qualifier }), aws };
      const targets: Target[] = [createSdkLambdaTarget(options), createDirectLambdaTarget({ ...options, userAgent: 'lambench/test', keepOkBodies: true })];
      const [viaSdk, direct] = await Promise.all(targets.map((target) => target.invoke(request)));
      // And on a load test's lane (lambench's own HTTP/1.1 connection): the same reading.
      const onLane = await targets[1]!.invoke(request, undefined, 0);
      await Promise.all(targets.map((target) => target.close()));
      for (const [via, outcome] of [['pool', direct!], ['lane', onLane]] as const) {
        assert.equal(outcome.class, expect, `${via}: ${JSON.stringify(outcome)}`);
        assert.deepEqual(comparable(outcome), comparable(viaSdk!), via);
        if (expect !== 'ok' || request.invocationType === 'RequestResponse') assert.deepEqual(Buffer.from(outcome.payload ?? []), Buffer.from(viaSdk!.payload ?? []), via);
      }
    });
  }

  test('nothing listening is a network error, as with the SDK', async () => {
    const aws: ResolvedAwsConfig = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', loopback: true, credentials: CREDENTIALS };
    const target = createDirectLambdaTarget({ functionName: 'square', aws, userAgent: 'lambench/test' });
    const outcome = await target.invoke({ invocationType: 'RequestResponse', payload: json({}) });
    const onLane = await target.invoke({ invocationType: 'RequestResponse', payload: json({}) }, undefined, 0);
    await target.close();
    for (const result of [outcome, onLane]) {
      assert.equal(result.class, 'networkError');
      assert.equal(result.errorType, 'ECONNREFUSED');
    }
  });
});

describe('a gateway or proxy in front of the Invoke API: the same error type both ways', () => {
  // Answers that carry no x-amzn-ErrorType and no error document: a load balancer's 503 page, a 502, an empty 500.
  const answers: { name: string; status: number; contentType: string; body: string; errorType: string }[] = [
    { name: '503 with an HTML page', status: 503, contentType: 'text/html', body: '<html><body>Service Unavailable</body></html>', errorType: 'Http503' },
    { name: '502 with an empty body', status: 502, contentType: 'text/plain', body: '', errorType: 'Http502' },
    { name: '500 with JSON that names no error', status: 500, contentType: 'application/json', body: '{"oops":true}', errorType: 'Http500' },
  ];
  let server: Server;
  let url: string;
  let current = answers[0]!;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(current.status, { 'content-type': current.contentType, 'x-amzn-requestid': 'gw-1' });
        res.end(current.body);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const answer of answers) {
    test(answer.name, async () => {
      current = answer;
      const aws: ResolvedAwsConfig = { region: 'us-east-1', endpoint: url, loopback: true, credentials: CREDENTIALS };
      const viaSdk = createSdkLambdaTarget({ functionName: 'square', aws });
      const direct = createDirectLambdaTarget({ functionName: 'square', aws, userAgent: 'lambench/test' });
      const request: InvokeRequest = { invocationType: 'RequestResponse', payload: Buffer.from('{}') };
      try {
        const outcomes = [await viaSdk.invoke(request), await direct.invoke(request), await direct.invoke(request, undefined, 0)];
        for (const outcome of outcomes) {
          assert.equal(outcome.class, 'httpError', JSON.stringify(outcome));
          assert.equal(outcome.statusCode, answer.status);
          assert.equal(outcome.errorType, answer.errorType, JSON.stringify(outcome));
          assert.equal(outcome.refusedByService, true);
        }
      } finally {
        await viaSdk.close();
        await direct.close();
      }
    });
  }
});
