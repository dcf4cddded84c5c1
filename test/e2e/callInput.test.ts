/**
 * Issue 11, the smaller items on a call's input and output: a target's escape sequences never reach
 * the terminal through `invoke` (and `--json` stays exact); a URL with a password is refused;
 * `--rate abc`, `--duration -1s` and a header value with a line break are named as what they are
 * (exit 2, nothing sent); `--payload-file` stops at the limit and does not wait forever on a named
 * pipe that nobody writes to, while a pipe with a writer is read.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runLambench } from '../support/helpers.js';

const ESC = '\u001b';
/** A window title (OSC), a screen clear (CSI) and an 8-bit CSI: each would steer a terminal. */
const HOSTILE = `${ESC}]0;pwned\u0007${ESC}[2Jhello\u009b31m world`;

describe('a call\'s input and output', () => {
  let server: Server;
  let origin: string;
  const bodies: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lambench-input-'));

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        if (request.url === '/text') {
          response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(HOSTILE);
        } else if (request.url === '/json') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ note: HOSTILE }));
        } else if (request.url === '/fail') {
          response.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'Boom' });
          response.end(JSON.stringify({ message: HOSTILE }));
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    bodies.length = 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('invoke prints a target\'s text without its escape sequences; --json keeps it exact', async () => {
    for (const path of ['/text', '/json']) {
      const result = await runLambench(['invoke', `${origin}${path}`, '--no-correlation-id']);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout, /[\u001b\u0007\u009b]/, path);
      assert.match(result.stdout, /hello/, path);
    }
    const failed = await runLambench(['invoke', `${origin}/fail`, '--no-correlation-id']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.doesNotMatch(failed.stdout + failed.stderr, /[\u001b\u0007\u009b]/);
    assert.match(failed.stderr, /^lambench: Boom \(500\): hello/m);
    const json = await runLambench(['invoke', `${origin}/json`, '--no-correlation-id', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { payload: { note: string } }).payload.note, HOSTILE);
  });

  it('bad input is named as what it is: exit 2, one line, nothing sent', async () => {
    const cases: [string[], RegExp][] = [
      [['invoke', `http://user:s3cret@${origin.slice('http://'.length)}/run`], /^lambench: the target URL http:\/\/127\.0\.0\.1:\d+\/run has a user name or password in it.*--header 'authorization: Basic/],
      [['invoke', `${origin}/run`, '--async-url', `http://user:s3cret@${origin.slice('http://'.length)}/async`], /^lambench: --async-url http:\/\/127\.0\.0\.1:\d+\/async has a user name or password/],
      [['bench', `${origin}/run`, '--rate', 'abc', '-d', '1s'], /^lambench: --rate 'abc' is not a number$/],
      [['bench', `${origin}/run`, '-c', 'two', '-d', '1s'], /^lambench: -c 'two' is not a number$/],
      [['bench', `${origin}/run`, '-c', '1', '--duration', '-1s'], /^lambench: --duration -1s must be positive$/],
      [['invoke', `${origin}/run`, '--header', 'x-a: one\r\nx-injected: two'], /^lambench: --header 'x-a': its value holds a line break or another control character/],
      [['invoke', `${origin}/run`, '--header', 'x-b: bell\u0007'], /^lambench: --header 'x-b': its value holds a line break or another control character/],
      [['invoke', `${origin}/run`, '--correlation-header', 'x-id\r\nx-injected: 1'], /^lambench: --correlation-header "x-id\\r\\nx-injected: 1" is not a valid header name/],
      [['invoke', `${origin}/run`, '--payload-file', '/dev/zero'], /^lambench: --payload-file '\/dev\/zero' holds more than 10 MB, more than any target accepts/],
    ];
    for (const [args, message] of cases) {
      const result = await runLambench(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr.trimEnd(), message);
      assert.doesNotMatch(result.stdout + result.stderr, /s3cret/);
      assert.equal(result.stdout, '');
    }
    assert.equal(bodies.length, 0);
  });

  it('--payload-file: a named pipe with a writer is read; one with none is given up, said in one line', { timeout: 60_000 }, async () => {
    const fed = join(dir, 'fed.fifo');
    const idle = join(dir, 'idle.fifo');
    execFileSync('mkfifo', [fed, idle]);
    // The writer opens the pipe after lambench has started waiting on it, as `<(…)` may.
    const writer = spawn('sh', ['-c', `sleep 0.5; printf '{"from":"pipe"}' > '${fed}'`], { stdio: 'ignore' });
    const [withWriter, withoutWriter] = await Promise.all([
      runLambench(['invoke', `${origin}/run`, '--payload-file', fed, '--no-correlation-id', '--json']),
      runLambench(['invoke', `${origin}/run`, '--payload-file', idle], { timeoutMs: 40_000 }),
    ]);
    writer.kill();
    assert.equal(withWriter.code, 0, withWriter.stderr);
    assert.deepEqual(bodies, ['{"from":"pipe"}']);
    assert.equal(withoutWriter.code, 2, withoutWriter.stderr);
    assert.match(withoutWriter.stderr, /^lambench: --payload-file '.*idle\.fifo' is a named pipe that nothing wrote to within 10 s: start its writer first, or pass the payload with --payload\n$/);
  });
});
