/**
 * The logs as completion evidence: how an event's attempts are judged from its lines (the first
 * success settles it; 1 + MaximumRetryAttempts failures fail it; fewer await a retry), a pass
 * against the local stack's CloudWatch Logs (real lines, a 300 ms ingestion delay) that settles
 * events the way the stack settled them, and the tracker taking the logs and a destination's
 * record for one event as two witnesses, never a duplicate, the record's word over the logs'.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionRecord } from '../../../src/delivery/completionRecord.js';
import { DeliveryTracker } from '../../../src/delivery/deliveryTracker.js';
import { findInvocationLogs } from '../../../src/delivery/logsEvidence.js';
import { judgeAttempts, LogsCompletions, type LogsCompletionsOptions } from '../../../src/delivery/logsCompletions.js';
import { CREDENTIALS, useTestStack } from '../../support/helpers.js';

describe('judgeAttempts', () => {
  it('JSON: the first REPORT with status success settles the event, after the failed ones', () => {
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10, status: 'error' }, { timestamp: 50, status: 'success' }], errors: [] }, 2), { outcome: 'succeeded', attempts: 2, completedAt: 50, inferred: false });
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10, status: 'timeout' }, { timestamp: 20, status: 'failure' }, { timestamp: 30, status: 'error' }], errors: [] }, 2), { outcome: 'failed', attempts: 3, completedAt: 30, inferred: false });
  });

  it('text: a failure known by the error line in its attempt, or by a retry; a success with neither is inferred', () => {
    // The error line at 10 belongs to the first attempt (REPORT at 10), not to the second.
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10 }, { timestamp: 70 }], errors: [10] }, 2), { outcome: 'succeeded', attempts: 2, completedAt: 70, inferred: true });
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 70 }, { timestamp: 10 }], errors: [] }, 2), { outcome: 'succeeded', attempts: 2, completedAt: 70, inferred: true }, 'a retry means the attempt before failed; order by time');
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10 }, { timestamp: 70 }, { timestamp: 190 }], errors: [5, 65, 185] }, 2), { outcome: 'failed', attempts: 3, completedAt: 190, inferred: false });
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10, status: 'timeout' }], errors: [] }, 0), { outcome: 'failed', attempts: 1, completedAt: 10, inferred: false });
  });

  it('a timeout line goes to the nearest REPORT of its own stream, whether written before its REPORT or after it (older runtimes)', () => {
    const reports = [{ timestamp: 1000, stream: 's1' }, { timestamp: 1060, stream: 's1' }];
    // Written 2 ms after the first attempt's REPORT: that attempt timed out, the retry succeeded.
    assert.deepEqual(judgeAttempts({ reports, errors: [], timeouts: [{ timestamp: 1002, stream: 's1' }] }, 2), { outcome: 'succeeded', attempts: 2, completedAt: 1060, inferred: true });
    // After the last REPORT: the last attempt timed out too; with 2 attempts and 1 retry allowed, the event failed.
    assert.deepEqual(judgeAttempts({ reports, errors: [], timeouts: [{ timestamp: 1003, stream: 's1' }, { timestamp: 1061, stream: 's1' }] }, 1), { outcome: 'failed', attempts: 2, completedAt: 1060, inferred: false });
    // Another stream's REPORT nearer in time is not its attempt.
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 1000, stream: 's1' }, { timestamp: 1001, stream: 's2' }], errors: [], timeouts: [{ timestamp: 1001, stream: 's1' }] }, 1), { outcome: 'succeeded', attempts: 2, completedAt: 1001, inferred: true });
  });

  it('fewer failed attempts than the retries allow: a retry is still to come; no REPORT yet: nothing to say', () => {
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10 }], errors: [8] }, 2), { outcome: 'retrying', attempts: 1 });
    assert.deepEqual(judgeAttempts({ reports: [{ timestamp: 10, status: 'error' }, { timestamp: 70, status: 'error' }], errors: [] }, 2), { outcome: 'retrying', attempts: 2 });
    assert.equal(judgeAttempts({ reports: [], errors: [8] }, 2), undefined);
  });
});

describe('LogsCompletions against the local CloudWatch Logs', { timeout: 120_000 }, () => {
  const local = useTestStack({ logsDelayMs: 300, functionConfig: { square: { logFormat: 'JSON' } } });
  let logs: CloudWatchLogsClient;
  before(() => {
    logs = new CloudWatchLogsClient({ region: local.stack.region, endpoint: local.stack.logsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => logs.destroy());

  async function sendEvents(functionName: string, payloads: object[]) {
    const sent: { requestId: string; sentAt: number }[] = [];
    for (const payload of payloads) {
      const sentAt = Date.now();
      const answer = await local.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
      sent.push({ requestId: answer.$metadata.requestId!, sentAt });
    }
    return sent;
  }

  /** Passes until every event is offered (or, told more retries than the stack makes, retrying), at most 40 passes. */
  async function settle(functionName: string, format: 'Text' | 'JSON', maximumRetryAttempts: number, sent: { requestId: string; sentAt: number }[], extra: Partial<LogsCompletionsOptions> = {}) {
    const offered = new Map<string, CompletionRecord>();
    const retrying = new Set<string>();
    const source = new LogsCompletions({
      logs,
      logGroup: `/aws/lambda/${functionName}`,
      format,
      maximumRetryAttempts,
      pending: () => sent.filter((one) => !offered.has(one.requestId)),
      offer: (record) => Boolean(offered.set(record.requestId!, record)),
      retrying: (requestId) => void retrying.add(requestId),
      errorLinesLogged: true,
      ...extra,
    });
    const done = () => offered.size + (maximumRetryAttempts > 2 ? retrying.size : 0) >= sent.length;
    for (let pass = 0; pass < 40 && !done(); pass += 1) {
      await source.pass();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(source.unverifiedReason(), undefined);
    return { offered, retrying, source };
  }

  it('text format (flaky): failing events settle as RetriesExhausted after 3 attempts, the others as inferred successes', async () => {
    const sent = await sendEvents('flaky', [{ fail: true }, {}, { fail: true }, {}]);
    const { offered, source } = await settle('flaky', 'Text', 2, sent);
    assert.deepEqual(
      sent.map((one) => [offered.get(one.requestId)?.condition, offered.get(one.requestId)?.attempts, offered.get(one.requestId)?.inferred ?? false]),
      [['RetriesExhausted', 3, false], ['Success', 1, true], ['RetriesExhausted', 3, false], ['Success', 1, true]],
    );
    assert.ok(sent.every((one) => offered.get(one.requestId)!.completedAt! >= one.sentAt - 1000));
    assert.equal(offered.get(sent[0]!.requestId)!.seenIn, 'logs:/aws/lambda/flaky');
    assert.equal(source.unverifiedReason(), undefined);
  });

  it('more pending events than are asked for by name: every outcome line of the window read instead, with the same verdicts', async () => {
    const sent = await sendEvents('flaky', [{ fail: true }, {}, {}, { fail: true }, {}]);
    const { offered } = await settle('flaky', 'Text', 2, sent, { byNameUpTo: 2 });
    assert.deepEqual(
      sent.map((one) => offered.get(one.requestId)?.condition),
      ['RetriesExhausted', 'Success', 'Success', 'RetriesExhausted', 'Success'],
    );
  });

  it('a runtime that logs no error line: an inferred success is held back until the settle time ends (finalize), then offered as inferred', async () => {
    const sent = await sendEvents('flaky', [{}]);
    const offered: CompletionRecord[] = [];
    const source = new LogsCompletions({
      logs,
      logGroup: '/aws/lambda/flaky',
      format: 'Text',
      maximumRetryAttempts: 2,
      pending: () => (offered.length === 0 ? sent : []),
      offer: (record) => offered.push(record) > 0,
      retrying: () => {},
      errorLinesLogged: false,
    });
    // Once its REPORT is readable, passes read it: nothing offered.
    const found = await findInvocationLogs({ logs, logGroup: '/aws/lambda/flaky', format: 'Text', startTime: sent[0]!.sentAt - 5000, settleMs: 20_000 }, [sent[0]!.requestId]);
    assert.equal(found.notFound.length, 0);
    await source.pass();
    await source.pass();
    assert.equal(offered.length, 0, 'held back: a retry may still come');
    source.finalize();
    assert.deepEqual(offered.map((record) => [record.requestId, record.condition, record.inferred]), [[sent[0]!.requestId, 'Success', true]]);
  });

  it('JSON format (square): each success stated; told more retries than the stack makes, a failing event is still awaiting one', async () => {
    const good = await sendEvents('square', [{ number: 2 }, { number: 3 }]);
    const { offered, source } = await settle('square', 'JSON', 2, good);
    assert.deepEqual([...offered.values()].map((record) => [record.condition, record.attempts, record.inferred ?? false]), [['Success', 1, false], ['Success', 1, false]]);
    assert.equal(source.unverifiedReason(), undefined);
    const failing = await sendEvents('flaky', [{ fail: true }]);
    const { offered: none, retrying } = await settle('flaky', 'Text', 5, failing);
    assert.equal(none.size, 0);
    assert.deepEqual([...retrying], [failing[0]!.requestId]);
  });
});

describe('the tracker takes the logs and a destination as witnesses of one outcome', () => {
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: CREDENTIALS });
  after(() => sqs.destroy());
  const fromLogs = (requestId: string, condition: CompletionRecord['condition'], inferred = false): CompletionRecord => ({ kind: 'logs', queueUrl: 'logs:/g', seenIn: 'logs:/g', messageId: `logs:/g#${requestId}`, requestId, condition, attempts: condition === 'Success' ? 1 : 3, completedAt: Date.now(), ...(inferred && { inferred }) });
  const fromQueue = (requestId: string, condition: CompletionRecord['condition'], messageId: string): CompletionRecord => ({ kind: 'destination', queueUrl: 'q', messageId, requestId, condition, attempts: 3, completedAt: Date.now() });

  it('logs first then the record: the record restates the outcome (an inferred success that failed); record first then logs: nothing changes; no duplicates either way', () => {
    const tracker = new DeliveryTracker({ sqs, queueUrls: [] });
    for (const requestId of ['a', 'b', 'c']) tracker.expect({ requestId, sentAt: Date.now() });
    assert.deepEqual([...tracker.pendingRequestIds()].map((one) => one.requestId), ['a', 'b', 'c']);
    assert.ok(tracker.observe(fromLogs('a', 'Success', true)));
    assert.ok(tracker.observe(fromQueue('a', 'RetriesExhausted', 'm-a')));
    assert.ok(tracker.observe(fromQueue('b', 'RetriesExhausted', 'm-b')));
    assert.ok(tracker.observe(fromLogs('b', 'RetriesExhausted')));
    tracker.retrying('c', 1);
    const report = tracker.report();
    assert.deepEqual([report.succeeded, report.failed, report.missing, report.unverified, report.duplicates, report.awaitingRetry], [0, 2, 0, 1, 0, 1]);
    assert.deepEqual(report.failedVia, { onFailureDestination: 2, deadLetterQueue: 0, logs: 1 });
    assert.equal(report.inferredSuccesses, undefined, 'the record replaced what the logs inferred');
    assert.deepEqual(report.seenIn, { 'logs:/g': 2, q: 2 });
    assert.match(report.unverifiedReasons!.join('\n'), /1 event had failed an attempt and waited for Lambda's retry/);
    // A second record from the queue for the same event is a duplicate as ever.
    assert.ok(tracker.observe(fromQueue('a', 'RetriesExhausted', 'm-a2')));
    assert.equal(tracker.report().duplicates, 1);
  });
});
