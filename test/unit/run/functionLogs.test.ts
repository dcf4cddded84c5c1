/**
 * The one probe of a function's logs (run/functionLogs.ts) against the local stack's CloudWatch Logs
 * and its `logs:` fault switches, over real sockets: each answer means the same for every caller. A
 * group there is readable and one not there yet is missing (both fine); a throttle is readable; an
 * AccessDenied is a refusal; no answer in time, or nothing listening, a failure; Ctrl-C (the signal)
 * an interruption, never a failure. And the one wording of why a read failed (delivery/logsReads.ts).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { createLogsClient } from '../../../src/aws/serviceClients.js';
import { describeLogsFailure, logsFailureFix } from '../../../src/delivery/logsReads.js';
import type { LocalStack, LocalStackOptions } from '../../../src/local/index.js';
import { probeLogs, type LogsProbe } from '../../../src/run/functionLogs.js';
import { closeServer, lambdaClient, listen, startTestStack } from '../../support/helpers.js';

async function withStack(options: LocalStackOptions, body: (stack: LocalStack, logs: CloudWatchLogsClient) => Promise<void>): Promise<void> {
  const stack = await startTestStack(options);
  const logs = await logsClient(stack.logsUrl);
  try {
    await body(stack, logs);
  } finally {
    logs.destroy();
    await stack.stop();
  }
}

/** The client lambench reads logs with (its timeouts, one attempt), at `endpoint`: on loopback, with dummy credentials. */
function logsClient(endpoint: string): Promise<CloudWatchLogsClient> {
  return createLogsClient({ endpointUrl: endpoint, region: 'us-east-1' }, () => {});
}

/** The probe's state, and for a failure, the one wording of why. */
const said = (probe: LogsProbe) => ('error' in probe ? { state: probe.state, why: describeLogsFailure(probe.error) } : { state: probe.state });

describe('probeLogs: one meaning for every answer', { timeout: 120_000 }, () => {
  it('a group that exists is readable; one not there yet is missing (it comes with the first log line)', async () => {
    await withStack({}, async (stack, logs) => {
      assert.deepEqual(said(await probeLogs(logs, '/aws/lambda/square')), { state: 'missing' });
      const lambda = lambdaClient(stack);
      try {
        await lambda.send(new InvokeCommand({ FunctionName: 'square', Payload: new TextEncoder().encode('{"number":2}') }));
      } finally {
        lambda.destroy();
      }
      assert.deepEqual(said(await probeLogs(logs, '/aws/lambda/square')), { state: 'readable' });
      assert.deepEqual(said(await probeLogs(logs, '/aws/lambda/sleep')), { state: 'missing' }, 'another function\'s group is not there yet');
    });
  });

  it('throttled (ThrottlingException): readable, only busy, not a refusal', async () => {
    await withStack({ faults: ['logs:throttle'] }, async (stack, logs) => {
      assert.deepEqual(said(await probeLogs(logs, '/aws/lambda/square')), { state: 'readable' });
      assert.deepEqual(stack.faultsFired(), [1], 'the probe met the throttle');
    });
  });

  it('AccessDenied: refused, said by the permission, with what to grant', async () => {
    await withStack({ faults: ['logs:deny FilterLogEvents'] }, async (stack, logs) => {
      const probe = await probeLogs(logs, '/aws/lambda/square');
      assert.deepEqual(said(probe), { state: 'refused', why: 'not allowed: logs:FilterLogEvents denied' });
      assert.equal(logsFailureFix((probe as { error: unknown }).error, '/aws/lambda/square'), 'grant logs:FilterLogEvents on /aws/lambda/square to the identity lambench runs as');
      assert.deepEqual(stack.faultsFired(), [1]);
    });
  });

  it('no answer in time (logs:hang): failed, not refused; the same hang stopped by the signal: interrupted', async () => {
    await withStack({ faults: ['logs:hang'] }, async (stack, logs) => {
      const timedOut = await probeLogs(logs, '/aws/lambda/square', { timeoutMs: 300 });
      assert.deepEqual(said(timedOut), { state: 'failed', why: 'no answer in time (TimeoutError)' });
      assert.match(logsFailureFix((timedOut as { error: unknown }).error, '/aws/lambda/square'), /^check the CloudWatch Logs endpoint \(AWS_ENDPOINT_URL_CLOUDWATCH_LOGS\)/);
      // Ctrl-C while the probe waits: an interruption, whatever the error the SDK throws for it.
      const stop = new AbortController();
      const probing = probeLogs(logs, '/aws/lambda/square', { signal: stop.signal, timeoutMs: 60_000 });
      for (let wait = 0; wait < 200 && stack.faultsFired()[0]! < 2; wait += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(stack.faultsFired()[0], 2, 'the second probe reached the stack before the stop');
      stop.abort();
      assert.deepEqual(said(await probing), { state: 'interrupted' });
      assert.deepEqual(said(await probeLogs(logs, '/aws/lambda/square', { signal: stop.signal })), { state: 'interrupted' }, 'stopped before: not sent');
      assert.deepEqual(stack.faultsFired(), [2]);
    });
  });

  it('nothing listening at the Logs endpoint: failed, said as not reachable', async () => {
    const server = createServer();
    const url = await listen(server, '');
    await closeServer(server);
    const logs = await logsClient(url);
    try {
      const probe = said(await probeLogs(logs, '/aws/lambda/square'));
      assert.equal(probe.state, 'failed');
      assert.match(probe.why!, /^not reachable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    } finally {
      logs.destroy();
    }
  });
});
