/**
 * Issue 11, item 6: an error body is kept only as far as it is used. A target answering 500 with a
 * 50 MB body took the client to 791 MB at -c 8 when every body was buffered whole; now a load test
 * keeps a bounded prefix of each and drains the rest. Measured loosely (the report's own peak RSS),
 * not by timing.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpTarget } from '../../src/targets/http/httpTarget.js';
import { ERROR_BODY_LIMIT_BYTES, SHOWN_BODY_LIMIT_BYTES } from '../../src/targets/wire/exchange.js';
import { runLambench } from '../support/helpers.js';

const BODY_BYTES = 50 * 1024 * 1024;
const MB = 1024 * 1024;

describe('error bodies are kept to a bounded prefix, the rest drained', () => {
  let server: Server;
  let url: string;
  let answered = 0;
  const body = Buffer.alloc(BODY_BYTES, 'x');
  body.write('{"message":"big failure"', 0, 'latin1');

  before(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        answered += 1;
        response.writeHead(500, { 'content-type': 'application/json', 'content-length': String(BODY_BYTES) });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fail`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('bench -c 8 against a 500 with a 50 MB body stays under 200 MB of peak memory', async () => {
    const result = await runLambench(['bench', url, '-c', '8', '-d', '2s', '--json', '--payload', '{}'], { timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { phases: { requests: number; outcomes: Record<string, number> }[]; client: { peakRssBytes: number } };
    const phase = report.phases[0]!;
    assert.ok(phase.outcomes.httpError! > 0, 'the 500s were counted');
    assert.equal(phase.outcomes.httpError, phase.requests, 'every call was an HTTP error');
    assert.ok(report.client.peakRssBytes < 200 * MB, `peak RSS ${(report.client.peakRssBytes / MB).toFixed(0)} MB`);
  });

  // Through the SDK, Node's own HTTP client reads the socket, a new Buffer per read, and Node 24's
  // collector lets those pile up for longer (a bare 8-socket drain of these bodies peaks at 186 MB
  // there, 85 MB on Node 20); lambench's own lanes read into one shared buffer and stay under 200 MB
  // on both (above). So the SDK path's bound on Node 22+ is 250 MB (measured 194-207 MB); whole
  // bodies took it to 587 MB on Node 20, which either bound refuses.
  const sdkBoundMb = Number(process.versions.node.split('.')[0]) >= 22 ? 250 : 200;
  it(`bench --sdk (the SDK client reads bodies whole) -c 8: under ${sdkBoundMb} MB too`, async () => {
    const origin = new URL(url).origin;
    const result = await runLambench(['bench', 'f', '--endpoint-url', origin, '--sdk', '-c', '8', '-d', '2s', '--json', '--payload', '{}'], { env: { AWS_REGION: 'us-east-1' }, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { phases: { requests: number; outcomes: Record<string, number> }[]; client: { peakRssBytes: number } };
    const phase = report.phases[0]!;
    assert.ok(phase.requests > 0);
    assert.equal(phase.outcomes.httpError, phase.requests, JSON.stringify(phase.outcomes));
    assert.ok(report.client.peakRssBytes < sdkBoundMb * MB, `peak RSS ${(report.client.peakRssBytes / MB).toFixed(0)} MB`);
  });

  it('one-off and load targets alike read the whole answer but keep only what they use', async () => {
    const load = createHttpTarget({ url: new URL(url), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType', keepOkBodies: false });
    const before = answered;
    try {
      for (const lane of [undefined, 0]) {
        const outcome = await load.invoke({ invocationType: 'RequestResponse', payload: Buffer.from('{}') }, undefined, lane);
        assert.equal(outcome.class, 'httpError');
        assert.equal(outcome.statusCode, 500);
        assert.equal(outcome.payload?.length, ERROR_BODY_LIMIT_BYTES);
        assert.equal(outcome.payloadCut, true);
      }
      // The lane's connection is reused: the 50 MB were read to the end, not left on the socket.
      const again = await load.invoke({ invocationType: 'RequestResponse', payload: Buffer.from('{}') }, undefined, 0);
      assert.equal(again.statusCode, 500);
      assert.equal(answered - before, 3);
      assert.equal(load.connectionsOpened?.(), 2);
    } finally {
      await load.close();
    }
  });

  it('a one-off call keeps a body whole up to 32 MB and says when it was cut', async () => {
    const oneOff = createHttpTarget({ url: new URL(url), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType' });
    try {
      const outcome = await oneOff.invoke({ invocationType: 'RequestResponse', payload: Buffer.from('{}') });
      assert.equal(outcome.statusCode, 500);
      assert.equal(outcome.payload?.length, SHOWN_BODY_LIMIT_BYTES);
      assert.equal(outcome.payloadCut, true);
      assert.equal(Buffer.from(outcome.payload!.subarray(0, 24)).toString(), '{"message":"big failure"');
    } finally {
      await oneOff.close();
    }
  });
});
