/**
 * The local stack's API Gateway-like HTTP front over real sockets, with Node's fetch as the client:
 * seed 002's /square route and its InvocationType header, seed 000's validated /run body with
 * meta.async, seed 001's fixed /run/sync and /run/async routes, and the gateway's own answers
 * (403, 400, 413, 429, 502, 504). Async events are followed to the function and to the destination.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalStack } from '../../../src/local/index.js';
import { receiveMatching, sqsClient, startTestStack } from '../../support/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const APIGW_ID = /^[A-Za-z0-9+/]{15}=$/;
const USER_AGENT = 'lambench-test/1.0';
const API_TIMEOUT_MS = 300;

interface TestCall {
  event: { meta?: { clientRequestId?: string }; id?: string };
  awsRequestId: string;
}
const calls = () => ((globalThis as { lambenchTestCalls?: TestCall[] }).lambenchTestCalls ??= []);

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  requestId: string;
}

async function call(stack: LocalStack, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const body = init.body === undefined || typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'user-agent': USER_AGENT, ...(body !== undefined && { 'content-type': 'application/json' }), ...init.headers },
    ...(body !== undefined && { body }),
  });
  const text = await res.text();
  // Every answer, success or error, is JSON and carries the gateway's own IDs.
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.match(res.headers.get('x-amzn-requestid') ?? '', UUID);
  assert.match(res.headers.get('x-amz-apigw-id') ?? '', APIGW_ID);
  return { status: res.status, headers: res.headers, body: JSON.parse(text), requestId: res.headers.get('x-amzn-requestid')! };
}

function assertError(answer: Answer, status: number, errorType: string, body: Record<string, unknown>): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.headers.get('x-amzn-errortype'), errorType);
  assert.deepEqual(answer.body, body);
}

/** Waits (at most 5 s, 250 checks) for the function call `pick` recognises. */
async function awaitCall(pick: (call: TestCall) => boolean): Promise<TestCall> {
  const deadline = Date.now() + 5000;
  for (let check = 0; check < 250 && Date.now() < deadline; check += 1) {
    const found = calls().find(pick);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the function was not called within 5 s');
}

const squareTemplate = (answer: Answer) => ({
  api_stage: 'local',
  api_request_id: answer.requestId,
  api_resource_path: '/square/{number}',
  http_method: 'GET',
  source_ip: '127.0.0.1',
  'user-agent': USER_AGENT,
});

describe('API Gateway front (200 for accepted events)', () => {
  let stack: LocalStack;
  let sqs: SQSClient;

  before(async () => {
    stack = await startTestStack({ apiTimeoutMs: API_TIMEOUT_MS, functionConfig: { slowEcho: { reservedConcurrency: 1 } } });
    sqs = sqsClient(stack);
  });
  after(async () => {
    sqs.destroy();
    await stack.stop();
  });

  it('listens on 127.0.0.1 and publishes its URL in stack.env', () => {
    assert.match(stack.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(stack.apiUrl, stack.lambdaUrl);
    assert.equal(stack.env.LAMBENCH_API_URL, stack.apiUrl);
  });

  it('GET /square/{number} without InvocationType (or RequestResponse) answers synchronously', async () => {
    const variants: Record<string, string>[] = [{}, { InvocationType: 'RequestResponse' }, { InvocationType: 'requestresponse' }];
    for (const headers of variants) {
      const answer = await call(stack, '/square/7', { headers });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ...squareTemplate(answer), synchronous_invocation: 'true', square_of_your_number_is: 49 });
    }
  });

  it('GET /square/{number} with InvocationType: Event answers at once and the function runs afterwards', async () => {
    const answer = await call(stack, '/square/7', { headers: { InvocationType: 'Event' } });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { ...squareTemplate(answer), asynchronous_invocation: 'true', message: 'Event received. Check queue/logs for status' });

    const message = await receiveMatching(sqs, stack.queues['lambench-success']!, (m) => JSON.parse(m.Body ?? '{}').requestPayload?.number === '7');
    const record = JSON.parse(message.Body!);
    assert.deepEqual(record.requestPayload, { number: '7' });
    assert.deepEqual(record.responsePayload, { square: 49 });
    assert.equal(record.requestContext.condition, 'Success');
    assert.equal(record.requestContext.approximateInvokeCount, 1);
    assert.equal(record.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:square:$LATEST');
    // Lambda's request ID is its own: the gateway's ID is never reused for it.
    assert.match(record.requestContext.requestId, UUID);
    assert.notEqual(record.requestContext.requestId, answer.requestId);
  });

  it('GET /square/{number} also takes X-Amz-Invocation-Type, any case, and decodes the segment', async () => {
    const answer = await call(stack, '/square/%31%31', { headers: { 'X-Amz-Invocation-Type': 'EVENT' } });
    assert.equal(answer.status, 200);
    assert.equal((answer.body as { asynchronous_invocation?: string }).asynchronous_invocation, 'true');
    const message = await receiveMatching(sqs, stack.queues['lambench-success']!, (m) => JSON.parse(m.Body ?? '{}').requestPayload?.number === '11');
    assert.deepEqual(JSON.parse(message.Body!).responsePayload, { square: 121 });
  });

  it('GET /square/{number} rejects any other InvocationType with 400', async () => {
    const answer = await call(stack, '/square/7', { headers: { InvocationType: 'DryRun' } });
    assertError(answer, 400, 'BadRequestException', { message: 'Invalid InvocationType: DryRun: use Event or RequestResponse' });
  });

  it('GET /square/{number} maps a function error to 502', async () => {
    const answer = await call(stack, '/square/x');
    assertError(answer, 502, 'InternalServerErrorException', {
      message: 'Internal server error',
      errorType: 'TypeError',
      errorMessage: 'expected {"number": n}, got {"number":"x"}',
    });
  });

  it('POST /run with meta.async: true accepts the event, and the function receives the whole body', async () => {
    const clientRequestId = randomUUID();
    const sent = { meta: { clientRequestId, async: true }, work: { n: 1 } };
    const answer = await call(stack, '/run?function=echo', { body: sent });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { message: 'Event received', api_request_id: answer.requestId });

    const received = await awaitCall((c) => c.event.meta?.clientRequestId === clientRequestId);
    assert.deepEqual(received.event, sent);
    assert.notEqual(received.awsRequestId, answer.requestId);
  });

  it('POST /run without meta.async (or false) answers with the function result', async () => {
    for (const meta of [{ clientRequestId: randomUUID() }, { clientRequestId: randomUUID().toUpperCase(), async: false }]) {
      const sent = { meta, work: { n: 2 } };
      const answer = await call(stack, '/run?function=echo', { body: sent });
      assert.equal(answer.status, 200);
      const result = answer.body as { event: unknown; invokedFunctionArn: string; awsRequestId: string };
      assert.deepEqual(result.event, sent);
      assert.equal(result.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:echo');
      assert.match(result.awsRequestId, UUID);
      assert.notEqual(result.awsRequestId, answer.requestId);
    }
  });

  it('POST /run invokes square unless ?function= names another', async () => {
    const answer = await call(stack, '/run', { body: { number: 5, meta: { clientRequestId: randomUUID() } } });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { square: 25 });
  });

  it('POST /run rejects a body that does not meet the model with 400, before invoking anything', async () => {
    const id = randomUUID();
    const cases: [unknown, string | RegExp][] = [
      [{ work: 1 }, "[body must have required property 'meta']"],
      [{ meta: { async: true } }, "[body/meta must have required property 'clientRequestId']"],
      [{ meta: { clientRequestId: id, extra: 1 } }, "[body/meta must NOT have additional properties ('extra')]"],
      [{ meta: { clientRequestId: id, async: 'yes' } }, '[body/meta/async must be boolean]'],
      [{ meta: { clientRequestId: 'not-a-guid' } }, '[body/meta/clientRequestId must match format "guid"]'],
      [[], "[body must be object]"],
      ['{"meta": ', /^\[body is not JSON: .+\]$/],
      ['', /^\[body is not JSON: .+\]$/],
    ];
    const callsBefore = calls().length;
    for (const [body, errors] of cases) {
      const answer = await call(stack, '/run?function=echo', { body: typeof body === 'string' ? body : JSON.stringify(body) });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.headers.get('x-amzn-errortype'), 'BadRequestException');
      const { message, errors: text } = answer.body as { message: string; errors: string };
      assert.equal(message, 'Invalid request body');
      if (typeof errors === 'string') assert.equal(text, errors);
      else assert.match(text, errors);
    }
    assert.equal(calls().length, callsBefore);
  });

  it('POST /run/sync always answers synchronously, any JSON body, whatever InvocationType says', async () => {
    const sent = { anything: ['goes'], id: randomUUID() };
    const answer = await call(stack, '/run/sync?function=echo', { body: sent, headers: { InvocationType: 'Event' } });
    assert.equal(answer.status, 200);
    assert.deepEqual((answer.body as { event: unknown }).event, sent);
  });

  it('POST /run/async always accepts the event, with no model to meet', async () => {
    const id = randomUUID();
    const answer = await call(stack, '/run/async?function=echo', { body: { id } });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { message: 'Event received', api_request_id: answer.requestId });
    assert.deepEqual((await awaitCall((c) => c.event.id === id)).event, { id });
  });

  it('POST /run/sync and /run/async still want JSON', async () => {
    for (const path of ['/run/sync', '/run/async']) {
      const answer = await call(stack, path, { body: 'number=3' });
      assert.equal(answer.status, 400);
      assert.equal(answer.headers.get('x-amzn-errortype'), 'BadRequestException');
      assert.equal((answer.body as { message: string }).message, 'Invalid request body');
    }
  });

  it('maps a function error to 502 with its errorType and errorMessage', async () => {
    const answer = await call(stack, '/run/sync', { body: { number: 'x' } });
    assertError(answer, 502, 'InternalServerErrorException', {
      message: 'Internal server error',
      errorType: 'TypeError',
      errorMessage: 'expected {"number": n}, got {"number":"x"}',
    });
  });

  it('answers 502 for a function that does not exist', async () => {
    const answer = await call(stack, '/run/sync?function=nope', { body: {} });
    assertError(answer, 502, 'InternalServerErrorException', {
      message: 'Internal server error',
      errorType: 'ResourceNotFoundException',
      errorMessage: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    });
  });

  it('answers 504 past the integration timeout while the function runs on, holding its concurrency (429 meanwhile)', async () => {
    const slowId = randomUUID();
    const started = performance.now();
    const timedOut = await call(stack, '/run/sync?function=slowEcho', { body: { ms: 900, id: slowId } });
    const elapsedMs = performance.now() - started;
    assertError(timedOut, 504, 'InternalServerErrorException', { message: 'Endpoint request timed out' });
    assert.ok(elapsedMs >= API_TIMEOUT_MS - 5 && elapsedMs < 800, `answered after ${elapsedMs.toFixed(0)} ms`);

    // reservedConcurrency 1 and the slow call still running: a sync call is throttled ...
    const throttled = await call(stack, '/run/sync?function=slowEcho', { body: { ms: 0 } });
    assertError(throttled, 429, 'TooManyRequestsException', { message: 'Too Many Requests' });
    // ... while an async one is accepted and waits in Lambda's queue.
    const queuedId = randomUUID();
    const accepted = await call(stack, '/run/async?function=slowEcho', { body: { ms: 0, id: queuedId } });
    assert.equal(accepted.status, 200);

    await awaitCall((c) => c.event.id === slowId);
    await awaitCall((c) => c.event.id === queuedId);
    const afterwards = await call(stack, '/run/sync?function=slowEcho', { body: { ms: 0, id: 'after' } });
    assert.equal(afterwards.status, 200);
    assert.deepEqual(afterwards.body, { event: { ms: 0, id: 'after' }, waitedMs: 0 });
  });

  it('answers 403 Missing Authentication Token for a path or method it does not define', async () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/nope'], ['POST', '/square/7'], ['GET', '/run'], ['PUT', '/run/sync'], ['POST', '/run/later']]) {
      const answer = await call(stack, path!, { method: method!, ...(method !== 'GET' && { body: '{}' }) });
      assertError(answer, 403, 'MissingAuthenticationTokenException', { message: 'Missing Authentication Token' });
    }
  });

  it('answers 413 over 10 MB, and over Lambda\'s 1 MB for an async event', async () => {
    const tooBigForLambdaAsync = { id: randomUUID(), pad: 'x'.repeat(1024 * 1024) };
    assertError(await call(stack, '/run/async?function=echo', { body: tooBigForLambdaAsync }), 413, 'RequestTooLargeException', { message: 'Request Too Long' });
    assertError(await call(stack, '/run/sync?function=echo', { body: { pad: 'x'.repeat(10 * 1024 * 1024) } }), 413, 'RequestTooLargeException', {
      message: 'Request Too Long',
    });
    // The 1 MB body is within the sync limit.
    const sync = await call(stack, '/run/sync?function=echo', { body: tooBigForLambdaAsync });
    assert.equal(sync.status, 200);
    assert.equal(calls().filter((c) => c.event.id === tooBigForLambdaAsync.id).length, 1);
  });
});

describe('API Gateway front with 202 mapped for accepted events', () => {
  let stack: LocalStack;
  let sqs: SQSClient;

  before(async () => {
    stack = await startTestStack({ apiAsyncStatus: 202 });
    sqs = sqsClient(stack);
  });
  after(async () => {
    sqs.destroy();
    await stack.stop();
  });

  it('answers 202 on every async route, and sync stays 200', async () => {
    const square = await call(stack, '/square/9', { headers: { InvocationType: 'Event' } });
    assert.equal(square.status, 202);
    assert.deepEqual(square.body, { ...squareTemplate(square), asynchronous_invocation: 'true', message: 'Event received. Check queue/logs for status' });
    const message = await receiveMatching(sqs, stack.queues['lambench-success']!, (m) => JSON.parse(m.Body ?? '{}').requestPayload?.number === '9');
    assert.deepEqual(JSON.parse(message.Body!).responsePayload, { square: 81 });

    const run = await call(stack, '/run', { body: { number: 2, meta: { clientRequestId: randomUUID(), async: true } } });
    assert.equal(run.status, 202);
    assert.deepEqual(run.body, { message: 'Event received', api_request_id: run.requestId });
    const fixed = await call(stack, '/run/async', { body: { number: 3 } });
    assert.equal(fixed.status, 202);

    const sync = await call(stack, '/square/9');
    assert.equal(sync.status, 200);
    assert.equal((sync.body as { square_of_your_number_is: number }).square_of_your_number_is, 81);
  });
});

describe('API Gateway front over a square that answers the wrong shape', () => {
  let stack: LocalStack;
  let dir: string;

  before(async () => {
    // A user's square.js replaces the sample; kept out of the shared fixtures so other suites keep the real one.
    dir = await mkdtemp(join(tmpdir(), 'lambench-apigw-'));
    await writeFile(join(dir, 'square.js'), 'export const handler = async (event) => ({ squared: String(event.number) });\n');
    stack = await startTestStack({ functionsDir: dir });
  });
  after(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 502 when the result cannot fill the /square response template', async () => {
    const answer = await call(stack, '/square/4');
    assertError(answer, 502, 'InternalServerErrorException', {
      message: 'Internal server error',
      errorMessage: 'Unable to transform response: the function returned no numeric "square": {"squared":"4"}',
    });
    // The pass-through routes do not care about the shape.
    const run = await call(stack, '/run/sync', { body: { number: 4 } });
    assert.equal(run.status, 200);
    assert.deepEqual(run.body, { squared: '4' });
  });
});
