/**
 * Issue 11, items 11 and 12: the user's payload reaches the target byte for byte (big integers,
 * `1.0`, `1e2`, duplicate keys, bytes that are not UTF-8), with lambench's client request ID and
 * async flag written into its text, never re-serialised; body paths that would lose the ID or the
 * flag are refused before anything is sent. Checked on what a real server receives.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runLambench } from '../support/helpers.js';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const dir = mkdtempSync(join(tmpdir(), 'lambench-payload-'));
/** A number past 2^64, a float written as 1.0, an exponent, a duplicate key and a byte that is not UTF-8. */
const ODD = Buffer.concat([Buffer.from('{"id":12345678901234567890,"f":1.0,"e":1e2,"d":1,"d":2,"s":"', 'latin1'), Buffer.from([0xff, 0xfe]), Buffer.from('"}', 'latin1')]);
const oddFile = join(dir, 'odd.json');
writeFileSync(oddFile, ODD);

describe('the payload is sent as given', () => {
  let server: Server;
  let origin: string;
  const received: Received[] = [];

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'r-1' });
        response.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    received.length = 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('URL target, --no-correlation-id: exactly the bytes of the file', async () => {
    const result = await runLambench(['invoke', `${origin}/run`, '--payload-file', oddFile, '--no-correlation-id', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(received.length, 1);
    assert.deepEqual(received[0]!.body, ODD);
  });

  it('URL target: the ID is added to the top-level object, every other byte as given', async () => {
    const result = await runLambench(['invoke', `${origin}/run`, '--payload-file', oddFile, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const id = received[0]!.headers['x-client-request-id'] as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(JSON.parse(result.stdout).clientRequestId, id);
    const expected = Buffer.concat([ODD.subarray(0, -1), Buffer.from(`,"meta":{"clientRequestId":"${id}"}}`)]);
    assert.deepEqual(received[0]!.body, expected);
  });

  it('URL target, --async-via body: the ID and the flag go into an existing object, its spacing and order kept', async () => {
    const payload = '{ "meta" : { "tenant": "t" } ,"n": 1.50 }';
    const result = await runLambench(['invoke', `${origin}/run`, '--payload', payload, '--async-via', 'body', '--type', 'event', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const id = received[0]!.headers['x-client-request-id'] as string;
    assert.equal(received[0]!.body.toString('utf8'), `{ "meta" : { "tenant": "t" ,"clientRequestId":"${id}","async":true} ,"n": 1.50 }`);
  });

  it('URL target, a template: each call\'s render keeps its numbers as written', async () => {
    const result = await runLambench(['bench', `${origin}/run`, '--payload', '{"big":12345678901234567890,"seq":{{seq}},"x":{"f":2.0}}', '--template', '-c', '1', '-n', '2', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(received.length, 2);
    received.forEach((call, seq) => {
      const id = call.headers['x-client-request-id'] as string;
      assert.equal(call.body.toString('utf8'), `{"big":12345678901234567890,"seq":${seq},"x":{"f":2.0},"meta":{"clientRequestId":"${id}"}}`);
    });
  });

  it('Invoke API (SDK path for invoke, direct path for bench): exactly the bytes of the file', async () => {
    const env = { AWS_REGION: 'us-east-1' };
    const invoke = await runLambench(['invoke', 'fn', '--endpoint-url', origin, '--payload-file', oddFile, '--json'], { env });
    assert.equal(invoke.code, 0, invoke.stderr);
    const bench = await runLambench(['bench', 'fn', '--endpoint-url', origin, '--payload-file', oddFile, '-c', '1', '-n', '1', '--json'], { env });
    assert.equal(bench.code, 0, bench.stderr);
    assert.equal(received.length, 2);
    for (const call of received) {
      assert.match(call.url, /^\/2015-03-31\/functions\/fn\/invocations/);
      assert.deepEqual(call.body, ODD);
    }
  });

  it('bench --workers 2: the worker threads send the same bytes', async () => {
    const result = await runLambench(['bench', `${origin}/run`, '--payload-file', oddFile, '--no-correlation-id', '-w', '2', '-c', '2', '-n', '4', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(received.length, 4);
    for (const call of received) assert.deepEqual(call.body, ODD);
  });

  it('body paths that would lose the ID or the flag are usage errors, and nothing is sent', async () => {
    const cases: [string[], RegExp][] = [
      [['--async-via', 'body', '--async-body-path', 'meta'], /--correlation-path 'meta\.clientRequestId' and --async-body-path 'meta' overlap/],
      [['--async-via', 'body', '--async-body-path', 'meta.clientRequestId'], /overlap: one would overwrite the other/],
      [['--async-via', 'body', '--correlation-path', 'a.b', '--async-body-path', 'a.b.c'], /--correlation-path 'a\.b' and --async-body-path 'a\.b\.c' overlap/],
      [['--correlation-path', '__proto__.x'], /--correlation-path '__proto__\.x': '__proto__' cannot be a key on the path/],
      [['--async-via', 'body', '--async-body-path', '__proto__.x'], /--async-body-path '__proto__\.x': '__proto__' cannot be a key/],
      [['--correlation-path', 'a.constructor'], /'constructor' cannot be a key/],
      [['--correlation-path', 'prototype'], /'prototype' cannot be a key/],
    ];
    for (const [flags, message] of cases) {
      const result = await runLambench(['invoke', `${origin}/run`, '--payload', '{"n":1}', '--type', 'event', ...flags]);
      assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    const duplicate = await runLambench(['invoke', `${origin}/run`, '--payload', '{"meta":{},"meta":{}}']);
    assert.equal(duplicate.code, 2, duplicate.stderr);
    assert.match(duplicate.stderr, /the payload has the key 'meta' 2 times where meta\.clientRequestId goes/);
    assert.equal(received.length, 0);
  });
});
