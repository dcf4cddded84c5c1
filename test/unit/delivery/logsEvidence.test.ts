/**
 * CloudWatch Logs as evidence, read from the local stack's CloudWatch Logs (its real START/END/REPORT
 * lines, one stream per environment, a 300 ms ingestion delay): every async invocation's REPORT is
 * found by request ID in the text and the JSON format, a failing event shows one REPORT per attempt
 * (the stack's 2 retries: 3), cold starts are the streams' first invocations, both ways of looking
 * (by name, every REPORT in the window) find the same, and an ID that never ran is said not found;
 * a log group that does not exist yet is nothing found, not an error (it appears with the first line).
 * Reading every REPORT of the window ('all', a queue's mappings): an invocation logged more than a
 * pass after the first is still counted (the count must hold for the lag allowance), and a group
 * with nothing in it is taken as 0 once that allowance has passed, not read for the whole settle.
 * Throttling, against a scripted JSON-protocol server (the stack throttles at random; this one says
 * exactly when): each throttle backed off from and the same page asked again, more throttles in a
 * row than the backoff table has while --settle lasts, and nothing lost across an empty page.
 * A long-lived stop signal: 200 calls leave no listener or dependent signal on it, and stopping a
 * call under way returns what was found rather than throwing.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { getEventListeners } from 'node:events';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { findInvocationLogs, readFilteredEvents, type LogFormat } from '../../../src/delivery/logsEvidence.js';
import { CREDENTIALS, listen, useTestStack } from '../../support/helpers.js';

describe('findInvocationLogs against the local CloudWatch Logs', { timeout: 120_000 }, () => {
  const local = useTestStack({ logsDelayMs: 300, functionConfig: { flaky: { logFormat: 'JSON' } } });
  let logs: CloudWatchLogsClient;
  before(() => {
    logs = new CloudWatchLogsClient({ region: local.stack.region, endpoint: local.stack.logsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => logs.destroy());

  async function invokeAsync(functionName: string, payloads: object[]): Promise<string[]> {
    const ids: string[] = [];
    for (const payload of payloads) {
      const answer = await local.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
      ids.push(answer.$metadata.requestId!);
    }
    return ids;
  }

  it('a log group that does not exist (yet): nothing found, said, not thrown', async () => {
    const id = randomUUID();
    const findings = await findInvocationLogs({ logs, logGroup: '/aws/lambda/never-ran', format: 'Text', startTime: Date.now() - 1000, settleMs: 0 }, [id]);
    assert.deepEqual(findings.notFound, [id]);
    assert.equal(findings.groupMissing, true);
  });

  for (const [functionName, format, failing] of [['square', 'Text', false], ['flaky', 'JSON', true]] as const) {
    it(`${format} format (${functionName}): every invocation found by request ID, ${failing ? 'each failing event with 3 attempts' : 'one attempt each'}`, async () => {
      const startTime = Date.now() - 1000;
      const payloads = failing ? [{ fail: true }, { fail: true }, {}] : [{ number: 1 }, { number: 2 }, { number: 3 }, { number: 4 }];
      const ids = await invokeAsync(functionName, payloads);
      const ghost = randomUUID();
      const search = { logs, logGroup: `/aws/lambda/${functionName}`, format: format as LogFormat, startTime, settleMs: 20_000 };
      const byName = await findInvocationLogs(search, [...ids, ghost]);
      assert.deepEqual(byName.notFound, [ghost]);
      assert.equal(byName.method, 'by request ID');
      for (const [index, id] of ids.entries()) {
        const attempts = failing && index < 2 ? 3 : 1;
        const found = byName.found.get(id)!;
        assert.equal(found.reports.length, attempts, `${id}: ${JSON.stringify(found)}`);
        if (format === 'JSON') assert.equal(found.reports[0]!.status, failing && index < 2 ? 'error' : 'success', 'a function error is status error in platform.report');
        assert.ok(found.reports.every((report) => report.billedDurationMs >= 1 && report.memorySizeMb > 0 && report.logStream));
      }
      // Cold starts: one Init Duration per stream (an environment's first invocation).
      const reports = [...byName.found.values()].flatMap((invocation) => invocation.reports);
      const streams = new Set(reports.map((report) => report.logStream));
      assert.equal(reports.filter((report) => report.initDurationMs !== undefined).length, streams.size);

      // The other way of looking, for many IDs: every REPORT in the window, matched here. The same findings.
      const many = [...ids, ...Array.from({ length: 250 }, () => randomUUID())];
      const everyReport = await findInvocationLogs({ ...search, settleMs: 0 }, many);
      assert.equal(everyReport.method, 'every REPORT in the window');
      for (const id of ids) assert.equal(everyReport.found.get(id)?.reports.length, byName.found.get(id)!.reports.length, id);
      assert.equal(everyReport.notFound.length, 250);
    });
  }

  it("'all': an invocation logged two passes after the first is counted (the count must hold for stableForMs), then the read ends well before the settle", async () => {
    const startTime = Date.now() - 1000;
    const [first] = await invokeAsync('sleep', [{ ms: 1 }]);
    const search = { logs, logGroup: '/aws/lambda/sleep', format: 'Text' as const, startTime, settleMs: 60_000, stableForMs: 8_000 };
    const reading = findInvocationLogs(search, 'all');
    // Once the first read found the first REPORT, a second invocation: two passes (2 s apart) would find the same count before it is in.
    const began = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const [second] = await invokeAsync('sleep', [{ ms: 1 }]);
    const findings = await reading;
    assert.deepEqual([...findings.found.keys()].sort(), [first, second].sort());
    assert.ok(Date.now() - began < 60_000, 'ended once the count held, not at the settle');
  });

  it("'all': a group with nothing in the window is taken as 0 once the count held for stableForMs", async () => {
    const began = Date.now();
    const findings = await findInvocationLogs({ logs, logGroup: '/aws/lambda/never-ran', format: 'Text', startTime: Date.now() - 1000, settleMs: 60_000, stableForMs: 3_000 }, 'all');
    assert.deepEqual([findings.found.size, findings.groupMissing], [0, true]);
    assert.ok(findings.calls >= 2, 'read more than once: 0 is accepted only once it has held');
    const took = Date.now() - began;
    assert.ok(took >= 3_000 && took < 60_000, `${took} ms`);
  });
});

/** One scripted answer: a throttle, or a page of REPORTs for these request IDs (and a nextToken). */
type Answer = 'throttle' | { ids: string[]; nextToken?: string };

/** A CloudWatch Logs that answers FilterLogEvents from `script`, in order (then empty pages); what each request asked for, kept. */
async function scriptedLogs(script: Answer[]): Promise<{ client: CloudWatchLogsClient; asked: { target: string; nextToken?: string }[]; stop: () => Promise<void> }> {
  const asked: { target: string; nextToken?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const input = JSON.parse(body) as { nextToken?: string };
      asked.push({ target: String(req.headers['x-amz-target']), ...(input.nextToken && { nextToken: input.nextToken }) });
      const answer = script[asked.length - 1] ?? { ids: [] };
      const [status, document] =
        answer === 'throttle'
          ? [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }]
          : [200, { events: answer.ids.map((id, index) => ({ eventId: `${asked.length}-${index}`, logStreamName: 's', timestamp: 1_000 + index, message: `REPORT RequestId: ${id}\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t` })), ...(answer.nextToken && { nextToken: answer.nextToken }) }];
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(status !== 200 && { 'x-amzn-errortype': 'ThrottlingException' }) });
      res.end(JSON.stringify(document));
    });
  });
  const url = await listen(server, '');
  const client = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 });
  return {
    client,
    asked,
    stop: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('findInvocationLogs under throttling (a scripted CloudWatch Logs)', () => {
  it('throttled 7 times in a row, then pages (one empty, with a nextToken), throttled once more between them: every ID found, each throttle counted and backed off from', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const throttles = Array.from({ length: 7 }, () => 'throttle' as const);
    const logs = await scriptedLogs([...throttles, { ids: [a, b], nextToken: 't1' }, 'throttle', { ids: [], nextToken: 't2' }, { ids: [c] }]);
    try {
      const slept: number[] = [];
      const findings = await findInvocationLogs(
        { logs: logs.client, logGroup: '/aws/lambda/f', format: 'Text', startTime: 0, settleMs: 60_000, sleep: async (ms) => void slept.push(ms) },
        [a, b, c],
      );
      assert.deepEqual(findings.notFound, []);
      assert.deepEqual([...findings.found.keys()].sort(), [a, b, c].sort());
      assert.ok([a, b, c].every((id) => findings.found.get(id)!.reports.length === 1 && findings.found.get(id)!.reports[0]!.billedDurationMs === 2));
      assert.deepEqual([findings.throttled, findings.calls], [8, 11]);
      // Doubling to 4 s, then 4 s each (more throttles in a row than the old limit of 5); back to 250 ms after a page came.
      assert.deepEqual(slept, [250, 500, 1000, 2000, 4000, 4000, 4000, 250]);
      // A throttled page is asked again with the same token: none skipped.
      assert.deepEqual(logs.asked.map((request) => request.nextToken ?? '-'), ['-', '-', '-', '-', '-', '-', '-', '-', 't1', 't1', 't2']);
      assert.ok(logs.asked.every((request) => request.target === 'Logs_20140328.FilterLogEvents'));
    } finally {
      await logs.stop();
    }
  });

  it('throttled without end and no --settle left: gives up after 5 backoffs with the throttle, never loops on', async () => {
    const logs = await scriptedLogs(Array.from({ length: 20 }, () => 'throttle' as const));
    try {
      const slept: number[] = [];
      await assert.rejects(
        findInvocationLogs({ logs: logs.client, logGroup: '/aws/lambda/f', format: 'Text', startTime: 0, settleMs: 0, sleep: async (ms) => void slept.push(ms) }, [randomUUID()]),
        { name: 'ThrottlingException' },
      );
      assert.deepEqual(slept, [250, 500, 1000, 2000, 4000]);
      assert.equal(logs.asked.length, 6);
    } finally {
      await logs.stop();
    }
  });
});

/** A signal dependent on `signal` through AbortSignal.any, still tracked by it (Node's own bookkeeping; 0 where Node has none). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === 'kDependantSignals');
  return key ? ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[key]?.size ?? 0) : 0;
}

describe('findInvocationLogs on a long-lived stop signal (a run\'s: logs as delivery evidence reads for as long as the run)', () => {
  it('200 calls leave no listener and no dependent signal on it', async () => {
    const logs = await scriptedLogs([]);
    const stop = new AbortController();
    try {
      const reading = { calls: 0, throttled: 0 };
      const search = { logs: logs.client, logGroup: '/aws/lambda/f', format: 'Text' as const, startTime: 0, settleMs: 0, signal: stop.signal };
      for (let call = 0; call < 200; call += 1) await readFilteredEvents(search, '"REPORT RequestId"', reading, () => {}, async () => {}, Date.now());
      assert.equal(reading.calls, 200);
      assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
      assert.equal(dependants(stop.signal), 0);
    } finally {
      await logs.stop();
    }
  });

  it('stopped while a call is under way (a Logs endpoint that never answers): what was found is returned, nothing thrown', async () => {
    let asked = 0;
    const server = createServer(() => void (asked += 1));
    const url = await listen(server, '');
    const client = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 });
    const stop = new AbortController();
    try {
      const reading = findInvocationLogs({ logs: client, logGroup: '/aws/lambda/f', format: 'Text', startTime: 0, settleMs: 60_000, signal: stop.signal }, [randomUUID()]);
      for (let wait = 0; wait < 500 && asked === 0; wait += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(asked, 1, 'the call is under way');
      stop.abort();
      const findings = await reading;
      assert.deepEqual([findings.found.size, findings.notFound.length, findings.calls], [0, 1, 1]);
      assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
