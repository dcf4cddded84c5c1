/**
 * Issue 11, item 4: every Lambda and HTTP call ends. A server that accepts and never answers, and
 * one that answers a byte at a time, are given up at the deadline on every transport: the SDK
 * client (whose own request timeout only warned), the direct Invoke path and HTTP targets, pooled
 * and on a load test's lane. Without --timeout the deadline is the stated default.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ResolvedAwsConfig } from '../../src/aws/awsConfig.js';
import { callDeadlineMs, DEFAULT_CALL_DEADLINE_MS, HTTP_SILENCE_LIMIT_MS, silenceLimitMs } from '../../src/targets/wire/deadline.js';
import { createHttpTarget } from '../../src/targets/http/httpTarget.js';
import { createDirectLambdaTarget } from '../../src/targets/lambda/directTarget.js';
import { createSdkLambdaTarget } from '../../src/targets/lambda/sdkTarget.js';
import type { Target } from '../../src/targets/types.js';
import { SWEPT_DEADLINE_MS } from '../../src/targets/wire/exchange.js';
import { epochAt } from '../../src/time.js';
import { CREDENTIALS, runLambench } from '../support/helpers.js';

const DEADLINE_MS = 400;

describe('every call has a deadline', () => {
  let silent: Server;
  let drip: HttpServer;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let silentOrigin: string;
  let dripOrigin: string;

  before(async () => {
    // Accepts, reads, never answers.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    // Answers at once with headers, then one byte of the body every 50 ms (at most 1,000 of them).
    drip = createHttpServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      let sent = 0;
      const timer = setInterval(() => {
        response.write(' ');
        sent += 1;
        if (sent >= 1000) clearInterval(timer);
      }, 50);
      timers.add(timer);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    silentOrigin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    dripOrigin = `http://127.0.0.1:${(drip.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const timer of timers) clearInterval(timer);
    for (const socket of sockets) socket.destroy();
    drip.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await new Promise((resolve) => drip.close(resolve));
  });

  const targetsOn = (origin: string): [string, Target, number | undefined][] => {
    const aws: ResolvedAwsConfig = { region: 'us-east-1', endpoint: origin, loopback: true, credentials: CREDENTIALS };
    const direct = createDirectLambdaTarget({ functionName: 'f', aws, userAgent: 'lambench/test', timeoutMs: DEADLINE_MS });
    const http = createHttpTarget({ url: new URL(`${origin}/run`), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType', timeoutMs: DEADLINE_MS });
    return [
      ['SDK client', createSdkLambdaTarget({ functionName: 'f', aws, timeoutMs: DEADLINE_MS }), undefined],
      ['direct Invoke, pooled', direct, undefined],
      ['direct Invoke, lane', direct, 0],
      ['HTTP, pooled', http, undefined],
      ['HTTP, lane', http, 0],
    ];
  };

  for (const [what, origin] of [['accepts and never answers', () => silentOrigin], ['answers a byte at a time', () => dripOrigin]] as const) {
    it(`a server that ${what}: every transport ends the call at the deadline, as a timeout`, { timeout: 30_000 }, async () => {
      const targets = targetsOn(origin());
      try {
        for (const [name, target, lane] of targets) {
          const outcome = await target.invoke({ invocationType: 'RequestResponse', payload: Buffer.from('{}') }, undefined, lane);
          assert.equal(outcome.class, 'timeout', `${name}: ${JSON.stringify(outcome)}`);
          assert.equal(outcome.errorMessage, `no complete answer within ${DEADLINE_MS} ms`, name);
          assert.ok(outcome.serviceTimeMs >= DEADLINE_MS - 5, `${name}: ended at ${outcome.serviceTimeMs} ms`);
          const now = epochAt(performance.now());
          assert.ok(outcome.endedAt <= now && outcome.endedAt > now - 1000, `${name}: endedAt is when the call ended, set by the transport`);
        }
      } finally {
        await Promise.all([...new Set(targets.map(([, target]) => target))].map((target) => target.close()));
      }
    });
  }

  it(`a deadline of ${SWEPT_DEADLINE_MS / 1000} s or more, on calls under a run's signal, is kept by sweeping the run's list (no timer per call)`, { timeout: 30_000 }, async () => {
    // An HTTP target: its connections may stay silent 300 s, so only the deadline can end these calls
    // (an Invoke API connection's silence limit is the deadline itself, and could win the race).
    const http = createHttpTarget({ url: new URL(`${silentOrigin}/run`), headers: {}, asyncVia: 'header', asyncHeader: 'InvocationType', timeoutMs: SWEPT_DEADLINE_MS });
    const run = new AbortController();
    try {
      const call = (lane: number | undefined) => http.invoke({ invocationType: 'RequestResponse', payload: Buffer.from('{}') }, run.signal, lane);
      const outcomes = await Promise.all([call(0), call(undefined)]);
      for (const outcome of outcomes) {
        assert.equal(outcome.class, 'timeout', JSON.stringify(outcome));
        assert.equal(outcome.errorMessage, `no complete answer within ${SWEPT_DEADLINE_MS} ms`);
        assert.ok(outcome.serviceTimeMs >= SWEPT_DEADLINE_MS - 5, `ended at ${outcome.serviceTimeMs} ms`);
      }
    } finally {
      await http.close();
    }
  });

  it('without --timeout the deadline is Lambda\'s 15 minutes and a minute; an HTTP connection silent for 300 s ends sooner', () => {
    assert.equal(DEFAULT_CALL_DEADLINE_MS, 960_000);
    assert.equal(callDeadlineMs(undefined), 960_000);
    assert.equal(callDeadlineMs(1500), 1500);
    assert.equal(silenceLimitMs('http', callDeadlineMs(undefined)), HTTP_SILENCE_LIMIT_MS);
    assert.equal(silenceLimitMs('http', 600_000), 600_000);
    assert.equal(silenceLimitMs('http', 1000), HTTP_SILENCE_LIMIT_MS);
    // A function may run 15 minutes without a byte on the wire: its calls are not cut at 300 s.
    assert.equal(silenceLimitMs('lambda', callDeadlineMs(undefined)), 960_000);
  });

  it('bench --sdk --timeout ends a call the target never answers (the SDK\'s own timeout only warned)', { timeout: 40_000 }, async () => {
    const result = await runLambench(['bench', 'f', '--endpoint-url', silentOrigin, '--sdk', '-c', '1', '-n', '2', '--timeout', '300ms', '--json'], {
      env: { AWS_REGION: 'us-east-1' },
      timeoutMs: 30_000,
    });
    // No call got an answer: the one exit-3 rule (the report is still on stdout).
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /no call of the sync phase was answered in time \(TimeoutError/);
    assert.doesNotMatch(result.stderr, /requestTimeout/);
    const phase = (JSON.parse(result.stdout) as { phases: { requests: number; outcomes: Record<string, number> }[] }).phases[0]!;
    assert.equal(phase.requests, 2);
    assert.equal(phase.outcomes.timeout, 2);
  });

  it('invoke --timeout against a silent Invoke API and a silent URL: exit 3, one line naming the timeout', { timeout: 40_000 }, async () => {
    for (const target of ['f', `${silentOrigin}/run`]) {
      const result = await runLambench(['invoke', target, '--endpoint-url', silentOrigin, '--timeout', '300ms'], { env: { AWS_REGION: 'us-east-1' }, timeoutMs: 30_000 });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /^lambench: no answer from http:\/\/127\.0\.0\.1:\d+ in time: no complete answer within 300 ms \(--timeout\)$/m);
    }
  });
});
