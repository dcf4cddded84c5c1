/**
 * lambench as the client of the local API Gateway front: each way of asking for async really runs
 * the function later (found again by lambench's client request ID), sync returns the result, and
 * the gateway's own failures (504, 400) are classified as a client would need them.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { invokeOnce, type InvokeOnceOptions } from '../../src/run/invokeOnce.js';
import { closeServer, delayServer, listen, runLambench, useTestStack } from '../support/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
type Call = { awsRequestId: string; event: { marker?: string; meta?: { clientRequestId?: string; async?: boolean } } };
const calls = () => ((globalThis as { lambenchTestCalls?: Call[] }).lambenchTestCalls ??= []);

describe('lambench invoke <url> against the local API Gateway front', () => {
  const local = useTestStack({ apiTimeoutMs: 300 });
  const call = async (options: Omit<InvokeOnceOptions, 'note' | 'region'>): ReturnType<typeof invokeOnce> => {
    const result = await invokeOnce({ ...options, region: local.stack.region, note: () => {} });
    await result.target.close();
    return result;
  };

  before(() => {
    Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });

  const success = () => ({ destinationQueue: local.stack.queues['lambench-success']!, timeoutMs: 10_000 });

  it('async in the body (seed 000): accepted with 200, then the function ran with the client request ID, found by --wait', async () => {
    const { document } = await call({ target: `${local.stack.apiUrl}/run?function=echo`, type: 'event', asyncVia: 'body', payload: '{"n": 1}', wait: success() });
    assert.equal(document.statusCode, 200);
    assert.equal(document.outcome, 'ok');
    assert.equal((document.payload as { message: string }).message, 'Event received');
    assert.match(document.clientRequestId ?? '', UUID);
    assert.equal(document.completion?.condition, 'Success');
    assert.equal(document.completion?.clientRequestId, document.clientRequestId);
    assert.equal(document.completion?.attempts, 1);
    assert.ok(document.endToEndMs !== undefined && document.endToEndMs >= 0 && document.endToEndMs < 10_000);
    const ran = calls().find((c) => c.event.meta?.clientRequestId === document.clientRequestId);
    assert.ok(ran, 'the function received the client request ID');
    assert.equal(ran.event.meta?.async, true);
    assert.notEqual(ran.awsRequestId, document.requestId, "API Gateway's request ID is not Lambda's");
  });

  it('async by separate route (seed 001): /run/async accepted, /run/sync answers with the result', async () => {
    const asyncCall = await call({ target: `${local.stack.apiUrl}/run/sync?function=echo`, asyncUrl: `${local.stack.apiUrl}/run/async?function=echo`, type: 'event', payload: '{"k": "v"}', wait: success() });
    assert.equal(asyncCall.document.statusCode, 200);
    assert.equal(asyncCall.document.completion?.condition, 'Success');
    assert.equal(asyncCall.document.completion?.clientRequestId, asyncCall.document.clientRequestId);
    const syncCall = await call({ target: `${local.stack.apiUrl}/run/sync?function=echo`, asyncUrl: `${local.stack.apiUrl}/run/async?function=echo`, payload: '{"k": "v"}' });
    const echoed = syncCall.document.payload as Call;
    assert.equal(echoed.event.meta?.clientRequestId, syncCall.document.clientRequestId);
    assert.match(echoed.awsRequestId, UUID);
  });

  it('async by header (seeds 001, 002): GET /square/7 with InvocationType: Event is accepted; without it returns the square', async () => {
    const accepted = await call({ target: `${local.stack.apiUrl}/square/7`, type: 'event' });
    assert.equal(accepted.document.statusCode, 200);
    assert.equal((accepted.document.payload as { message: string }).message, 'Event received. Check queue/logs for status');
    assert.match(accepted.document.requestId ?? '', UUID);
    assert.ok(accepted.document.apigwId);
    const sync = await call({ target: `${local.stack.apiUrl}/square/7` });
    assert.equal((sync.document.payload as { square_of_your_number_is: number }).square_of_your_number_is, 49);
    assert.equal((sync.document.payload as { synchronous_invocation: string }).synchronous_invocation, 'true');
  });

  it('the integration timeout is a 504 timeout; a bad /run body is a 400 HTTP error', async () => {
    const slow = await call({ target: `${local.stack.apiUrl}/run/sync?function=slowEcho`, payload: '{"ms": 1000}' });
    assert.equal(slow.document.statusCode, 504);
    assert.equal(slow.document.outcome, 'timeout');
    assert.equal(slow.document.errorType, 'InternalServerErrorException');
    assert.equal(slow.document.errorMessage, 'Endpoint request timed out');
    assert.ok(slow.document.latencyMs >= 280 && slow.document.latencyMs < 1000, `latency ${slow.document.latencyMs}`);

    const bad = await call({ target: `${local.stack.apiUrl}/run`, payload: '{"n": 1}', correlationPath: null });
    assert.equal(bad.document.statusCode, 400);
    assert.equal(bad.document.outcome, 'httpError');
    assert.equal(bad.document.errorType, 'BadRequestException');
    assert.equal(bad.document.errorMessage, 'Invalid request body');
  });

  it('GET /square/{n} with InvocationType: Event correlates by the client request ID the header carries', async () => {
    const { document } = await call({ target: `${local.stack.apiUrl}/square/12`, type: 'event', wait: success() });
    assert.equal(document.statusCode, 200);
    assert.match(document.clientRequestId ?? '', UUID);
    assert.equal(document.completion?.condition, 'Success');
    assert.equal(document.completion?.clientRequestId, document.clientRequestId);
    assert.deepEqual(document.completion?.requestPayload, { number: '12', meta: { clientRequestId: document.clientRequestId } });
    assert.deepEqual(document.completion?.responsePayload, { square: 144 });
  });

  it('--wait on a URL without the correlation ID is refused before sending', async () => {
    // echo leaves a trace of every event it runs with: none may carry this call's marker. (/run/async
    // takes any JSON, so a call sent there would run. Counting all calls instead caught the slowEcho
    // of the test before, which finishes after its 504, and /square leaves no trace at all.)
    const marker = `refused-${Date.now()}`;
    await assert.rejects(
      call({ target: `${local.stack.apiUrl}/run/sync?function=echo`, asyncUrl: `${local.stack.apiUrl}/run/async?function=echo`, type: 'event', payload: JSON.stringify({ marker }), correlationPath: null, wait: success() }),
      /--wait on a URL finds completions by lambench's client request ID: keep it on/,
    );
    // Refused before sending: a counting server as the target receives nothing, from the use case or the command.
    const counting = delayServer();
    const url = await listen(counting.server, '/square/7');
    try {
      await assert.rejects(call({ target: url, type: 'event', correlationPath: null, wait: success() }), /--wait on a URL finds completions by lambench's client request ID: keep it on/);
      const cli = await runLambench(['invoke', url, '--type', 'Event', '--no-correlation-id', '--wait', '--destination-queue', local.stack.queues['lambench-success']!], { env: { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
      assert.equal(cli.code, 2, cli.stderr);
      assert.match(cli.stderr, /--wait on a URL finds completions by lambench's client request ID: keep it on/);
      assert.equal(counting.count(), 0, 'no request reached the target');
    } finally {
      await closeServer(counting.server);
    }
    // Had it been sent, the event would have run by now (the CLI run above takes over a second).
    assert.deepEqual(calls().filter((ran) => ran.event.marker === marker), [], 'the function never ran');
  });
});
