/**
 * The lean HTTP/1.1 connection a load test's lanes send on (src/targets/wire/http1Connection.ts),
 * through the HTTP target as bench uses it, against raw TCP servers that answer byte by byte as
 * scripted: every split of an answer over reads, chunked bodies, 1xx, bodiless answers, closes,
 * resets, malformed answers, what goes on the wire, interrupts, timeouts and TLS.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { runClosedLoop } from '../../src/load/closedLoop.js';
import { Http1Connection } from '../../src/targets/wire/http1Connection.js';
import { createHttpTarget } from '../../src/targets/http/httpTarget.js';
import type { InvokeRequest, Outcome, Target } from '../../src/targets/types.js';
import { runLambench } from '../support/helpers.js';

/** One request as the server read it. */
interface Received {
  head: string;
  body: Buffer;
}

type Answer = (received: Received, socket: Socket) => Promise<void> | void;

/** A TCP server that reads whole HTTP/1.1 requests and answers each with the next scripted answer. */
function scriptedServer() {
  const answers: Answer[] = [];
  const received: Received[] = [];
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let busy = false;
    const next = async () => {
      if (busy) return;
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.toString('latin1', 0, end);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.subarray(end + 4, end + 4 + length);
      buffer = buffer.subarray(end + 4 + length);
      const request = { head, body };
      received.push(request);
      busy = true;
      const answer = answers.shift() ?? ((_: Received, s: Socket) => void s.write('HTTP/1.1 500 Unscripted\r\ncontent-length: 0\r\n\r\n'));
      await answer(request, socket);
      busy = false;
      await next();
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      void next();
    });
    socket.on('error', () => {});
  });
  return {
    server,
    answers,
    received,
    connections: () => connections,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` in the given pieces, letting each arrive on its own. */
async function writePieces(socket: Socket, pieces: (string | Buffer)[]): Promise<void> {
  for (const piece of pieces) {
    socket.write(piece);
    await tick(2);
  }
}

/** Every way of cutting `text` in two, plus byte by byte. */
function splits(text: string): string[][] {
  const cuts = Array.from({ length: text.length - 1 }, (_, index) => [text.slice(0, index + 1), text.slice(index + 1)]);
  return [[text], ...cuts, [...text]];
}

/** A TCP server that accepts and never says anything (a TLS handshake never completes on it). */
async function silentServer() {
  const accepted = new Set<Socket>();
  const server = createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const request = (payload = ''): InvokeRequest => ({ invocationType: 'RequestResponse', payload: Buffer.from(payload) });

describe('the lean HTTP/1.1 connection of a lane', { timeout: 60_000 }, () => {
  const scripted = scriptedServer();
  let target: Target;
  let origin = '';
  const call = (options: { payload?: string; signal?: AbortSignal } = {}): Promise<Outcome> => target.invoke(request(options.payload), options.signal, 0);

  before(async () => {
    origin = await scripted.listen();
    target = createHttpTarget({ url: new URL(`${origin}/run?x=1`), headers: { 'x-api-key': 'k' }, asyncVia: 'header', asyncHeader: 'InvocationType', keepOkBodies: true });
  });
  after(async () => {
    await target.close();
    await scripted.close();
  });

  it('reads a Content-Length answer cut anywhere over reads, on one kept-alive connection', async () => {
    const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Amzn-RequestId: r-1\r\nX-Amz-Apigw-Id: g-1\r\n\r\nhello world';
    const before = scripted.connections();
    for (const pieces of splits(answer)) {
      scripted.answers.push((_, socket) => writePieces(socket, pieces));
      const outcome = await call();
      assert.equal(outcome.class, 'ok', `${JSON.stringify(pieces)}: ${outcome.errorMessage}`);
      assert.equal(outcome.statusCode, 200);
      assert.equal(Buffer.from(outcome.payload!).toString(), 'hello world', JSON.stringify(pieces));
      assert.deepEqual([outcome.requestId, outcome.apigwId], ['r-1', 'g-1']);
    }
    assert.equal(scripted.connections() - before, 1, 'every answer on the same connection');
  });

  it('reads chunked answers (extensions, trailers) cut anywhere', async () => {
    const answer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';
    for (const pieces of splits(answer)) {
      scripted.answers.push((_, socket) => writePieces(socket, pieces));
      const outcome = await call();
      assert.equal(Buffer.from(outcome.payload ?? []).toString(), 'hello world', `${JSON.stringify(pieces)}: ${outcome.errorMessage}`);
    }
    // A second call on the same connection still reads from a clean start.
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    assert.equal(Buffer.from((await call()).payload!).toString(), 'ok');
  });

  it('skips 1xx answers, reads 204 and 304 without a body, and keeps going', async () => {
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}'));
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 204 No Content\r\n\r\n'));
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 304 Not Modified\r\ncontent-length: 10\r\n\r\n'));
    // An empty line before the status line (left over from a previous body) is skipped.
    scripted.answers.push((_, socket) => void socket.write('\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n!'));
    assert.equal((await call()).statusCode, 202);
    for (const status of [204, 304]) {
      const outcome = await call();
      assert.equal(outcome.statusCode, status);
      assert.equal(outcome.payload, undefined);
    }
    assert.equal(Buffer.from((await call()).payload!).toString(), '!', 'the bodiless answers left nothing behind');
  });

  it('Connection: close, an idle connection closed by the server, and an answer read until the server closes: the next call reconnects', async () => {
    const before = scripted.connections();
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 1\r\n\r\na'));
    assert.equal((await call()).class, 'ok');
    scripted.answers.push((_, socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb');
      setTimeout(() => socket.end(), 5);
    });
    assert.equal((await call()).class, 'ok');
    await tick(50); // the server's close arrives while the lane is idle
    scripted.answers.push((_, socket) => {
      socket.write('HTTP/1.0 200 OK\r\n\r\nuntil ');
      setTimeout(() => socket.end('the end'), 5);
    });
    const untilClose = await call();
    assert.equal(Buffer.from(untilClose.payload!).toString(), 'until the end');
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nc'));
    assert.equal(Buffer.from((await call()).payload!).toString(), 'c');
    assert.equal(scripted.connections() - before, 3, 'a new connection after each of the three closes (the first call used the open one)');
  });

  it('an answer framed both ways (chunked and Content-Length) is read as chunked, and its connection not used again', async () => {
    const before = scripted.connections();
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 99\r\n\r\n2\r\nok\r\n0\r\n\r\n'));
    assert.equal(Buffer.from((await call()).payload!).toString(), 'ok');
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    assert.equal((await call()).class, 'ok');
    assert.equal(scripted.connections() - before, 1, 'the second call went on a new connection');
  });

  it('a reset mid-body, a malformed answer and a bad Content-Length fail that call only', async () => {
    scripted.answers.push((_, socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
      setTimeout(() => socket.destroy(), 5);
    });
    const reset = await call();
    assert.equal(reset.class, 'networkError');
    assert.equal(reset.statusCode, undefined);
    for (const [answer, pattern] of [
      ['SMTP ready\r\n\r\n', /not an HTTP\/1\.x status line/],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /a malformed header line/],
      ['HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nabc', /a bad Content-Length/],
      ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', /a bad chunk size/],
      ['HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok', /a malformed header line/],
      ['HTTP/1.1 200 OK\ncontent-length: 2\n\nok', /lines ended by LF alone/],
      ['HTTP/1.1 200 OK\r\ncontent-length: 0x2\r\n\r\nok', /a bad Content-Length/],
    ] as const) {
      scripted.answers.push((_, socket) => void socket.write(answer));
      const outcome = await call();
      assert.equal(outcome.class, 'networkError', answer);
      assert.equal(outcome.errorType, 'HPE_INVALID_RESPONSE');
      assert.match(outcome.errorMessage!, pattern);
    }
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    assert.equal((await call()).class, 'ok', 'the lane recovers on a new connection');
  });

  it('sends the request a server expects: method, path, headers, host, length and body in one piece', async () => {
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    const outcome = await call({ payload: '{"number":3}' });
    assert.equal(outcome.class, 'ok');
    const { head, body } = scripted.received.at(-1)!;
    assert.deepEqual(head.split('\r\n'), [
      'POST /run?x=1 HTTP/1.1',
      'x-api-key: k',
      'content-type: application/json',
      'invocationtype: RequestResponse',
      `host: ${new URL(origin).host}`,
      'content-length: 12',
    ]);
    assert.equal(body.toString(), '{"number":3}');
  });

  it('an interrupt and a timeout end a call waiting for its answer; the lane goes on', async () => {
    scripted.answers.push(() => {}); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 30);
    const interrupted = await call({ signal: controller.signal });
    assert.deepEqual([interrupted.class, interrupted.errorType], ['timeout', 'Interrupted']);

    const slow = scriptedServer();
    const slowOrigin = await slow.listen();
    const timed = createHttpTarget({ url: new URL(`${slowOrigin}/`), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType', timeoutMs: 50 });
    try {
      slow.answers.push(() => {});
      const outcome = await timed.invoke(request(), undefined, 3);
      assert.equal(outcome.class, 'timeout');
      assert.match(outcome.errorMessage!, /no complete answer within 50 ms/);
      slow.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
      assert.equal((await timed.invoke(request(), undefined, 3)).class, 'ok');
    } finally {
      await timed.close();
      await slow.close();
    }
    scripted.answers.push((_, socket) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    assert.equal((await call()).class, 'ok');
  });

  it('refuses a header value that would split the request, sending nothing', async () => {
    const sent = scripted.received.length;
    const injected = createHttpTarget({ url: new URL(`${origin}/`), headers: { 'x-evil': 'a\r\nx-injected: 1' }, asyncVia: 'header', asyncHeader: 'InvocationType' });
    try {
      const outcome = await injected.invoke(request(), undefined, 0);
      assert.equal(outcome.class, 'networkError');
      assert.match(outcome.errorMessage!, /invalid character in header "x-evil"/);
      await tick(20);
      assert.equal(scripted.received.length, sent);
      // A closed loop of such calls (each refused without I/O) still lets timers run.
      let ticks = 0;
      const interval = setInterval(() => (ticks += 1), 10);
      const stats = await runClosedLoop(2, { durationMs: 300 }, { call: (_seq, lane) => injected.invoke(request(), undefined, lane), onOutcome: () => {}, onDropped: () => {} });
      clearInterval(interval);
      assert.ok(stats.started > 100, `${stats.started} calls`);
      assert.ok(ticks >= 10, `timers ran during the loop (${ticks})`);
    } finally {
      await injected.close();
    }
  });
});

describe('connections that do not behave', { timeout: 60_000 }, () => {

  it('--timeout while the connection is still being made: each call times out, the lane goes on, the event loop keeps turning', async () => {
    const silent = await silentServer();
    const target = createHttpTarget({ url: new URL(`https://127.0.0.1:${silent.port}/`), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType', timeoutMs: 100 });
    let ticks = 0;
    const interval = setInterval(() => (ticks += 1), 10);
    try {
      const started = performance.now();
      const outcomes: Outcome[] = [];
      for (let index = 0; index < 3; index += 1) outcomes.push(await target.invoke(request(), undefined, 0));
      assert.deepEqual(outcomes.map((outcome) => [outcome.class, outcome.attempts]), [['timeout', 0], ['timeout', 0], ['timeout', 0]]);
      assert.ok(performance.now() - started < 2000, 'each call ended at its own timeout');
      assert.ok(ticks >= 10, `timers ran meanwhile (${ticks})`);
    } finally {
      clearInterval(interval);
      await target.close();
      await silent.close();
    }
  });

  it('no connection within the connect timeout, and no answer within the idle timeout, end the call', async () => {
    const silent = await silentServer();
    const outcomeOf = (connection: Http1Connection) =>
      new Promise<string>((resolve) => {
        connection.dispatch({ path: '/', method: 'GET', headers: {} }, { onResponseEnd: () => resolve('answered'), onResponseError: (_controller, error) => resolve(String((error as { code?: string }).code)) });
      });
    try {
      const tls = new Http1Connection(`https://127.0.0.1:${silent.port}`, () => {}, {}, { connectMs: 150, idleMs: 5000 });
      assert.equal(await outcomeOf(tls), 'UND_ERR_CONNECT_TIMEOUT');
      const plain = new Http1Connection(`http://127.0.0.1:${silent.port}`, () => {}, {}, { connectMs: 5000, idleMs: 150 });
      assert.equal(await outcomeOf(plain), 'UND_ERR_HEADERS_TIMEOUT');
      // close() with a call in flight ends it too.
      const closing = new Http1Connection(`http://127.0.0.1:${silent.port}`, () => {});
      const pending = outcomeOf(closing);
      await tick(30);
      closing.close();
      assert.equal(await pending, 'UND_ERR_DESTROYED');
    } finally {
      await silent.close();
    }
  });

  it('an answer that comes before the request body was all written (an early 413): the next call goes on a new connection', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.on('error', () => {});
      let seen = '';
      socket.on('data', (chunk: Buffer) => {
        if (seen.includes('\r\n\r\n')) return;
        seen += chunk.toString('latin1');
        if (!seen.includes('\r\n\r\n')) return;
        const big = /content-length: (\d+)/.exec(seen) && Number(/content-length: (\d+)/.exec(seen)![1]) > 1_000_000;
        if (big) {
          socket.write('HTTP/1.1 413 Request Entity Too Large\r\ncontent-length: 0\r\n\r\n');
          setTimeout(() => socket.destroy(), 20); // the unread body makes this a reset
        } else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = createHttpTarget({ url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType' });
    try {
      const big = { invocationType: 'RequestResponse' as const, payload: Buffer.alloc(8 * 1024 * 1024, 0x20) };
      const tooLarge = await target.invoke(big, undefined, 0);
      assert.equal(tooLarge.statusCode, 413);
      const next = await target.invoke(request(), undefined, 0);
      assert.equal(next.class, 'ok', `${next.errorType}: ${next.errorMessage}`);
      assert.equal(connections, 2);
    } finally {
      await target.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('interrupting every call in flight at once', { timeout: 60_000 }, () => {
  for (const lanes of [true, false]) {
    it(`one abort ends all of them, waiting or still connecting (${lanes ? 'a lane each' : 'the shared pool'})`, async () => {
      const silent = await silentServer();
      const target = createHttpTarget({ url: new URL(`http://127.0.0.1:${silent.port}/`), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType', connections: 8 });
      const controller = new AbortController();
      try {
        const calls = Array.from({ length: 6 }, (_, lane) => target.invoke(request(), controller.signal, lanes ? lane : undefined));
        await tick(50);
        // Two more, aborted while their connections are still being made.
        calls.push(target.invoke(request(), controller.signal, lanes ? 6 : undefined), target.invoke(request(), controller.signal, lanes ? 7 : undefined));
        controller.abort(new DOMException('stop', 'AbortError'));
        const settled = await Promise.race([Promise.all(calls), tick(2000).then(() => undefined)]);
        assert.ok(settled, 'every call ended within 2 s of the abort');
        assert.deepEqual(settled.map((outcome) => [outcome.class, outcome.errorType]), Array.from({ length: 8 }, () => ['timeout', 'Interrupted']));
      } finally {
        await target.close();
        await silent.close();
      }
    });
  }
});

describe('the lean connection over TLS', { timeout: 60_000 }, () => {
  const OPENSSL = '/usr/bin/openssl';
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-tls-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('bench on an https URL: the certificate checked against a CA given as NODE_EXTRA_CA_CERTS, every call answered', async (t) => {
    if (!existsSync(OPENSSL)) {
      t.skip('openssl is not installed here: no certificate can be made for a local https server');
      return;
    }
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    let calls = 0;
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      calls += 1;
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const trusted = await runLambench(['bench', `https://localhost:${port}/`, '-c', '3', '-n', '30', '--json'], { env: { NODE_EXTRA_CA_CERTS: cert } });
      assert.equal(trusted.code, 0, trusted.stderr);
      const phase = JSON.parse(trusted.stdout).phases[0];
      assert.deepEqual([phase.outcomes.ok, phase.connectionsOpened, calls], [30, 3, 30]);
      // Without the CA the certificate is refused: no call is answered.
      const untrusted = await runLambench(['bench', `https://localhost:${port}/`, '-c', '1', '-n', '2', '--json']);
      const refused = JSON.parse(untrusted.stdout).phases[0];
      assert.equal(refused.outcomes.networkError, 2);
      assert.match(refused.errors[0].type, /CERT|SELF_SIGNED|UNABLE/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
