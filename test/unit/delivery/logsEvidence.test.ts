/**
 * CloudWatch Logs as evidence, read from the local stack's CloudWatch Logs (its real START/END/REPORT
 * lines, one stream per environment, a 300 ms ingestion delay): every async invocation's REPORT is
 * found by request ID in the text and the JSON format, a failing event shows one REPORT per attempt
 * (the stack's 2 retries: 3), cold starts are the streams' first invocations, both ways of looking
 * (by name, every REPORT in the window) find the same, and an ID that never ran is said not found;
 * a log group that does not exist yet is nothing found, not an error (it appears with the first line).
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { findInvocationLogs, type LogFormat } from '../../../src/delivery/logsEvidence.js';
import { CREDENTIALS, useTestStack } from '../../support/helpers.js';

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
});
