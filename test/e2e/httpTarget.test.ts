/**
 * `lambench invoke <url>` against HTTP servers that are not ours (plain Node servers in the test):
 * each way of asking for async, the correlation ID, headers, status classification, SigV4
 * verified by recomputing the signature, and the bad inputs with their exit codes.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { invokeOnce, type InvokeOnceOptions } from '../../src/run/invokeOnce.js';
import { listen as listenAt, REPO_ROOT, runLambench } from '../support/helpers.js';

/** This file's servers are addressed by origin (no trailing slash). */
const listen = (server: Server) => listenAt(server, '');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/** Records every request; answers by path: /status/NNN, /slow, else 200 echoing nothing. */
function recordingServer(seen: Seen[]): Server {
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const status = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
    if (req.url === '/slow') {
      setTimeout(() => res.end('{}'), 2000).unref();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': `gw-${seen.length}`, 'x-amz-apigw-id': 'Q2xpZW50SWQ=' };
    if (status >= 400) headers['x-amzn-errortype'] = status === 429 ? 'TooManyRequestsException' : status === 504 ? 'InternalServerErrorException:http://internal.amazon.com/' : 'SomeError';
    res.writeHead(status, headers);
    res.end(JSON.stringify(status >= 400 ? { message: `status ${status}` } : { ok: true }));
  });
}

const quiet: Pick<InvokeOnceOptions, 'note'> = { note: () => {} };

describe('HTTP targets (lambench invoke <url>)', () => {
  const seen: Seen[] = [];
  let server: Server;
  let base: string;

  before(async () => {
    server = recordingServer(seen);
    base = await listen(server);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const last = () => seen.at(-1)!;

  it('asks for async with the InvocationType header by default, POSTs JSON with a correlation ID, and reports the gateway IDs', async () => {
    const { document, target } = await invokeOnce({ ...quiet, target: `${base}/run`, type: 'event', payload: '{"n": 1}', headers: ['x-api-key: k-1'] });
    await target.close();
    assert.equal(last().method, 'POST');
    assert.equal(last().headers.invocationtype, 'Event');
    assert.equal(last().headers['x-api-key'], 'k-1');
    assert.equal(last().headers['content-type'], 'application/json');
    const body = JSON.parse(last().body);
    assert.match(body.meta.clientRequestId, UUID);
    assert.deepEqual(body, { n: 1, meta: { clientRequestId: body.meta.clientRequestId } });
    assert.equal(document.clientRequestId, body.meta.clientRequestId);
    assert.equal(document.statusCode, 200, 'recorded as received: 200 for an accepted event');
    assert.equal(document.outcome, 'ok');
    assert.equal(document.requestId, `gw-${seen.length}`);
    assert.equal(document.apigwId, 'Q2xpZW50SWQ=');
    assert.equal(document.asyncVia, 'header');
  });

  it('sends RequestResponse for sync, a settable header name, and GET without a body, the ID in a header', async () => {
    const sync = await invokeOnce({ ...quiet, target: `${base}/square/4`, asyncHeader: 'X-Amz-Invocation-Type' });
    await sync.target.close();
    assert.equal(last().method, 'GET');
    assert.equal(last().headers['x-amz-invocation-type'], 'RequestResponse');
    assert.equal(last().headers.invocationtype, undefined);
    assert.equal(last().body, '');
    assert.match(sync.document.clientRequestId ?? '', UUID);
    assert.equal(last().headers['x-client-request-id'], sync.document.clientRequestId);
    const named = await invokeOnce({ ...quiet, target: `${base}/square/4`, correlationHeader: 'X-Trace' });
    await named.target.close();
    assert.equal(last().headers['x-trace'], named.document.clientRequestId);
    const off = await invokeOnce({ ...quiet, target: `${base}/square/4`, correlationPath: null });
    await off.target.close();
    assert.equal(last().headers['x-client-request-id'], undefined);
    assert.equal(off.document.clientRequestId, undefined);
    const put = await invokeOnce({ ...quiet, target: `${base}/items`, method: 'put', payload: '{}' });
    await put.target.close();
    assert.equal(last().method, 'PUT');
  });

  it('--async-via body writes meta.async (or a settable path), true for Event and false for sync', async () => {
    for (const [type, expected] of [['async', true], ['sync', false]] as const) {
      const { target } = await invokeOnce({ ...quiet, target: `${base}/run`, type, asyncVia: 'body', payload: '{"meta": {"tenant": "t"}}' });
      await target.close();
      const body = JSON.parse(last().body);
      assert.equal(body.meta.async, expected);
      assert.equal(body.meta.tenant, 't');
      assert.equal(last().headers.invocationtype, undefined, 'no header when async is asked in the body');
    }
    const custom = await invokeOnce({ ...quiet, target: `${base}/run`, type: 'event', asyncVia: 'body', asyncBodyPath: 'options.mode.async', correlationPath: 'trace.id', payload: '' });
    await custom.target.close();
    const body = JSON.parse(last().body);
    assert.equal(body.options.mode.async, true);
    assert.equal(body.trace.id, custom.document.clientRequestId);
  });

  it('--async-url sends Event to the async route and sync to the target URL; --no-correlation-id sends the payload as is', async () => {
    const asyncCall = await invokeOnce({ ...quiet, target: `${base}/run/sync`, asyncUrl: `${base}/run/async`, type: 'event', payload: '{"k":"v"}', correlationPath: null });
    await asyncCall.target.close();
    assert.equal(last().url, '/run/async');
    assert.equal(last().body, '{"k":"v"}');
    assert.equal(asyncCall.document.asyncVia, 'url');
    const syncCall = await invokeOnce({ ...quiet, target: `${base}/run/sync`, asyncUrl: `${base}/run/async`, payload: 'plain text', correlationPath: null });
    await syncCall.target.close();
    assert.equal(last().url, '/run/sync');
    assert.equal(last().body, 'plain text');
  });

  it('classifies 4xx, 429, 5xx, 502, 504 and network failures distinctly', async () => {
    const cases: [string, string, string | undefined][] = [
      ['/status/400', 'httpError', 'SomeError'],
      ['/status/403', 'httpError', 'SomeError'],
      ['/status/429', 'throttled', 'TooManyRequestsException'],
      ['/status/500', 'httpError', 'SomeError'],
      ['/status/502', 'httpError', 'SomeError'],
      ['/status/504', 'timeout', 'InternalServerErrorException'],
    ];
    for (const [path, outcome, errorType] of cases) {
      const { document, target } = await invokeOnce({ ...quiet, target: `${base}${path}` });
      await target.close();
      assert.equal(document.outcome, outcome, path);
      assert.equal(document.statusCode, Number(path.slice(-3)), path);
      assert.equal(document.errorType, errorType, path);
      assert.equal(document.errorMessage, `status ${path.slice(-3)}`, path);
    }
    const closed = createServer();
    const closedUrl = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await invokeOnce({ ...quiet, target: `${closedUrl}/x` });
    await refused.target.close();
    assert.equal(refused.document.outcome, 'networkError');
    assert.equal(refused.document.errorType, 'ECONNREFUSED');
    assert.equal(refused.document.statusCode, undefined);
    const slow = await invokeOnce({ ...quiet, target: `${base}/slow`, timeoutMs: 200 });
    await slow.target.close();
    assert.equal(slow.document.outcome, 'timeout');
    assert.equal(slow.document.errorType, 'TimeoutError');
    assert.equal(slow.document.statusCode, undefined);
    assert.ok(slow.document.latencyMs >= 190 && slow.document.latencyMs < 1500, `latency ${slow.document.latencyMs}`);
  });

  it('--sigv4 signs for execute-api: a server recomputing the signature with @smithy/signature-v4 agrees', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const verdicts: string[] = [];
    const verifier = createServer(async (req, res) => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (name !== 'authorization' && typeof value === 'string') headers[name] = value;
      const amzDate = headers['x-amz-date']!;
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')?.[1]?.split(';') ?? [];
      const expected = await new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: Sha256 }).sign(
        {
          method: req.method ?? 'GET',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: Object.fromEntries(Object.entries(headers).filter(([name]) => signedHeaders.includes(name))),
          ...(body && { body }),
        },
        { signingDate },
      );
      const ok = expected.headers.authorization === req.headers.authorization;
      verdicts.push(ok ? 'valid' : `invalid: got ${req.headers.authorization} expected ${expected.headers.authorization}`);
      res.writeHead(ok ? 200 : 403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    });
    const url = await listen(verifier);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    try {
      const post = await invokeOnce({ ...quiet, target: `${url}/prod/run?x=1&y=a%20b`, sigv4: true, region: 'eu-west-1', type: 'event', payload: '{"n":2}', headers: ['x-api-key: k'] });
      await post.target.close();
      const get = await invokeOnce({ ...quiet, target: `${url}/prod/square/3`, sigv4: true, region: 'eu-west-1' });
      await get.target.close();
      assert.deepEqual(verdicts, ['valid', 'valid']);
      assert.equal(post.document.statusCode, 200);
      const wrongRegion = await invokeOnce({ ...quiet, target: `${url}/prod/run`, sigv4: true, region: 'us-east-1' });
      await wrongRegion.target.close();
      assert.equal(wrongRegion.document.statusCode, 403, 'a signature for another region does not verify');
    } finally {
      for (const [key, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await new Promise<void>((resolve) => verifier.close(() => resolve()));
    }
  });
});

describe('lambench invoke <url> (child process): bad input and unreachable targets', () => {
  let https: Server;
  let httpsUrl: string;
  let plain: Server;
  let plainUrl: string;

  before(async () => {
    const tls = join(REPO_ROOT, 'test', 'fixtures', 'tls');
    https = createHttpsServer({ key: await readFile(join(tls, 'key.pem')), cert: await readFile(join(tls, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
    plain = recordingServer([]);
    plainUrl = await listen(plain);
  });
  after(async () => {
    await new Promise<void>((resolve) => https.close(() => resolve()));
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  });

  const lambench = (args: string[]) => runLambench(args);

  it('each gives one clear line and the contract exit code', async () => {
    const closed = createServer();
    const closedUrl = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const cases: [string, string[], number, RegExp][] = [
      ['malformed URL', ['invoke', 'http://[::1'], 2, /^lambench: 'http:\/\/\[::1' is not a valid URL/],
      ['unreachable host', ['invoke', `${closedUrl}/run`], 3, /^lambench: could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
      ['TLS failure', ['invoke', `${httpsUrl}/run`], 3, /^lambench: could not reach https:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\): TLS failed: the server certificate is not trusted/],
      ['non-JSON payload with --async-via body', ['invoke', `${plainUrl}/run`, '--async-via', 'body', '-p', 'hello'], 2, /^lambench: the payload from --payload is not valid JSON .*--async-via body writes meta\.async into it/],
      ['header without a colon', ['invoke', `${plainUrl}/run`, '--header', 'x-api-key'], 2, /^lambench: --header 'x-api-key' has no colon: write it as name:value/],
      ['unknown --async-via', ['invoke', `${plainUrl}/run`, '--async-via', 'smoke'], 2, /^lambench: --async-via 'smoke' is not one of header, body, url/],
      ['--async-via url without --async-url', ['invoke', `${plainUrl}/run`, '--async-via', 'url'], 2, /^lambench: --async-via url needs --async-url URL/],
      ['Invoke API flags on a URL', ['invoke', `${plainUrl}/run`, '--log-type', 'Tail'], 2, /^lambench: --log-type applies to the Lambda Invoke API only, not to a URL/],
      ['HTTP flags on a function', ['invoke', 'my-fn', '--header', 'a: b'], 2, /^lambench: --header applies to URL targets only/],
      ['an HTTP error status', ['invoke', `${plainUrl}/status/500`], 1, /^lambench: SomeError \(500\): status 500$/],
      ['a gateway timeout', ['invoke', `${plainUrl}/status/504`], 1, /^lambench: InternalServerErrorException \(504\): status 504$/],
      ['a client-side timeout', ['invoke', `${plainUrl}/slow`, '--timeout', '200ms'], 3, /^lambench: no answer from http:\/\/127\.0\.0\.1:\d+ in time: no complete answer within 200 ms \(--timeout\)$/],
    ];
    for (const [name, args, code, pattern] of cases) {
      const result = await lambench(args);
      assert.equal(result.code, code, `${name}: ${result.stderr}`);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${name}: one line, got ${result.stderr}`);
      assert.match(lines[0]!, pattern, name);
      if (code === 2) assert.equal(result.stdout, '', `${name}: nothing on stdout`);
    }
  });

  it('prints status, gateway IDs, the client request ID and the body for a human', async () => {
    const result = await lambench(['invoke', `${plainUrl}/run`, '-t', 'event', '-p', '{"a":1}']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^✔ http:\/\/127\.0\.0\.1:\d+\/run {2}Event → 200 OK {2}[\d.]+ ms\n/);
    assert.match(result.stdout, /\n {2}request ID {8}gw-\d+\n {2}apigw ID {10}Q2xpZW50SWQ=\n {2}client request ID [0-9a-f-]{36}\n {2}async via {9}header\n/);
    assert.ok(result.stdout.endsWith('{\n  "ok": true\n}\n'), result.stdout);
  });
});
