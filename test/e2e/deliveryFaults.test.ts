/**
 * Delivery verification when SQS misbehaves, through a switchable proxy in front of the local
 * stack's SQS: refused mid-run, hanging, and a destination queue with a large backlog. The report
 * is always built, pending events are unverified (with the reason) rather than missing, every
 * SQS call ends, and nothing that is not ours is deleted.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { judge } from '../../src/run/verdict.js';
import { TargetUnavailableError } from '../../src/errors.js';
import { runBench } from '../../src/run/runBench.js';
import { renderHtmlReport } from '../../src/report/html/index.js';
import { mergeReports } from '../../src/report/merge.js';
import { renderReportTable } from '../../src/report/table.js';
import { runLambench, useTestStack } from '../support/helpers.js';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../support/faultProxy.js';
import { destinationRecord, queueDepth } from '../support/queues.js';

const quiet = { note: () => {} };

describe('delivery verification under SQS faults', () => {
  const local = useTestStack();
  let proxy: FaultProxy;
  /** A queue URL of the stack (the SQS client reaches it through the proxy: AWS_ENDPOINT_URL_SQS). */
  const viaProxy = (name: string) => local.stack.queues[name]!;

  before(async () => {
    proxy = await startFaultProxy(local.stack.sqsUrl);
  });
  after(() => proxy.close());

  for (const [mode, reason] of [
    ['refuse', /: SQS unreachable from \d\d:\d\d:\d\d\.\d{3} UTC \((ECONNRESET|ECONNREFUSED|EPIPE)\)$/],
    ['hang', /: SQS stopped answering from \d\d:\d\d:\d\d\.\d{3} UTC/],
  ] as [FaultMode, RegExp][]) {
    it(`SQS ${mode === 'refuse' ? 'refusing connections' : 'hanging'} from the async phase on: the report is built, its 20 events unverified (not missing), exit 3 after it`, async () => {
      proxy.setMode('pass');
      const startedAt = Date.now();
      process.env.AWS_ENDPOINT_URL_SQS = proxy.url;
      const report = await runBench({
        ...quiet,
        target: 'square',
        payload: '{"number": 3}',
        endpointUrl: local.stack.lambdaUrl,
        region: local.stack.region,
        types: 'sync,async',
        concurrency: 4,
        requests: 20,
        verifyDelivery: true,
        destinationQueue: viaProxy('lambench-success'),
        dlq: viaProxy('lambench-dlq'),
        settleMs: 3000,
        onPhase: (_recorder, phase) => {
          if (phase.invocationType === 'Event') proxy.setMode(mode);
        },
      }).finally(() => delete process.env.AWS_ENDPOINT_URL_SQS);
      proxy.setMode('pass');
      // The settle time (3 s), the stop grace (1 s wait + 4 s) and the hand-back deadline (10 s) bound it.
      assert.ok(Date.now() - startedAt < 40_000, `ended in ${Date.now() - startedAt} ms`);
      const [sync, async] = report.phases;
      assert.deepEqual(sync!.status, { 200: 20 }, 'the sync phase is in the report');
      assert.deepEqual(async!.status, { 202: 20 });
      const delivery = async!.delivery!;
      assert.equal(delivery.accepted, 20);
      assert.equal(delivery.missing, 0, 'not one event is called missing while its queue could not be read');
      assert.equal(delivery.succeeded + delivery.failed + delivery.missing + delivery.unverified!, delivery.accepted);
      assert.equal(delivery.unverified, 20 - delivery.succeeded - delivery.failed);
      assert.ok(delivery.unverified! > 0);
      assert.ok(delivery.unverifiedReasons!.some((line) => reason.test(line)), delivery.unverifiedReasons!.join('\n'));
      const table = renderReportTable(report);
      assert.match(table, /\nunverified +— +\d+\n/);
      assert.match(table, / unverified, not missing: .*SQS (unreachable|stopped answering) from /);
      assert.match(renderHtmlReport(report), /accepted = succeeded \+ failed \+ missing \+ unverified/);
      await assert.rejects(judge(report), (error: Error) => error instanceof TargetUnavailableError && /^delivery unverified: \d+ of 20 accepted events of the async phase could not be looked for/.test(error.message));
      // Shards' unverified events add up, as the other counts do (the reasons once each).
      const shard = (index: number) => ({ source: `shard${index}`, report: { ...report, shard: { index, of: 2 }, config: { ...report.config!, shard: { index, of: 2 } } } });
      const merged = mergeReports([shard(1), shard(2)]).phases[1]!.delivery!;
      assert.equal(merged.unverified, 2 * delivery.unverified!);
      assert.equal(merged.accepted, merged.succeeded + merged.failed + merged.missing + merged.unverified!);
      assert.deepEqual(merged.unverifiedReasons, delivery.unverifiedReasons);
      // Let the stack's pending deliveries land and clear them, so the next case starts clean.
      for (let round = 0; round < 100 && local.stack.pendingAsync() > 0; round += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      const cleared = await runLambench(['poll', local.stack.queues['lambench-success']!, local.stack.queues['lambench-dlq']!, '--delete', '--json'], { env: { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region } });
      assert.equal(cleared.code, 0, cleared.stderr);
    });
  }

  it('bench --verify-delivery --out --json, SQS refusing once the run is under way: the report is on stdout and in --out, then exit 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-faults-'));
    const out = join(dir, 'o.json');
    proxy.setMode('pass');
    const before = proxy.connections();
    // The queue check uses the first connections; a third one can only be a poller's: the run has begun.
    const watch = setInterval(() => proxy.connections() - before >= 3 && proxy.setMode('refuse'), 5);
    try {
      const env = { AWS_ENDPOINT_URL_SQS: proxy.url, AWS_ENDPOINT_URL_LAMBDA: local.stack.lambdaUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
      const args = ['bench', 'square', '-t', 'sync,async', '-c', '2', '-n', '10', '--verify-delivery', '--destination-queue', local.stack.queues['lambench-success']!, '--dlq', local.stack.queues['lambench-dlq']!, '--settle', '2s', '--out', out, '--json'];
      const result = await runLambench(args, { env, timeoutMs: 60_000 });
      assert.equal(result.code, 3, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), report, '--out holds the same report');
      const delivery = report.phases[1].delivery;
      assert.equal(delivery.accepted, 10);
      assert.equal(delivery.missing, 0);
      assert.equal(delivery.succeeded + delivery.failed + delivery.unverified, 10);
      assert.ok(delivery.unverified > 0);
      assert.match(result.stderr.trimEnd().split('\n').at(-1)!, /^lambench: delivery unverified: \d+ of 10 accepted events of the async phase could not be looked for \(.*SQS unreachable from /);
    } finally {
      clearInterval(watch);
      proxy.setMode('pass');
      await rm(dir, { recursive: true, force: true });
    }
    for (let round = 0; round < 100 && local.stack.pendingAsync() > 0; round += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await runLambench(['poll', local.stack.queues['lambench-success']!, local.stack.queues['lambench-dlq']!, '--delete', '--json'], { env: { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region } });
  });

  it('poll whose SQS goes away while it reads: exit 3, one line saying since when, not a silent exit 0', async () => {
    proxy.setMode('pass');
    const before = proxy.connections();
    // The queue check opens the first connection, the second poller the second: reading has begun.
    const watch = setInterval(() => proxy.connections() - before >= 2 && proxy.setMode('refuse'), 5);
    try {
      const result = await runLambench(['poll', local.stack.queues['lambench-failure']!], { env: { AWS_ENDPOINT_URL_SQS: proxy.url, AWS_REGION: local.stack.region }, timeoutMs: 40_000 });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr.trimEnd().split('\n').at(-1)!, /^lambench: SQS could not be read \(.*lambench-failure: SQS unreachable from \d\d:\d\d:\d\d\.\d{3} UTC \(\w+\)\) after \d+ records? printed: check the SQS endpoint/);
    } finally {
      clearInterval(watch);
      proxy.setMode('pass');
    }
  });

  it('poll against an SQS that accepts connections and never answers ends with exit 3 and one line, within its deadline', async () => {
    proxy.setMode('hang');
    const startedAt = Date.now();
    try {
      const result = await runLambench(['poll', viaProxy('lambench-success')], { env: { AWS_ENDPOINT_URL_SQS: proxy.url, AWS_REGION: local.stack.region }, timeoutMs: 40_000 });
      assert.equal(result.code, 3, result.stderr);
      const lines = result.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('lambench: note:'));
      assert.deepEqual(lines.length, 1, result.stderr);
      assert.match(lines[0]!, /^lambench: SQS did not answer for .*lambench-success within its deadline/);
      assert.ok(Date.now() - startedAt < 25_000, `ended in ${Date.now() - startedAt} ms`);
    } finally {
      proxy.setMode('pass');
    }
  });

  it('a backlog of 10,000 others messages: a 200-event run reconciles 200 = succeeded + failed, 0 missing, and all 10,000 are still there', async () => {
    const queueUrl = local.stack.queues['lambench-success']!;
    const count = () => queueDepth(local.sqs, queueUrl);
    // Records the fault cases above could not hand back (SQS was down) may still be hidden in the queue: counted apart.
    const earlier = await count();
    const foreign = (n: number) => destinationRecord(`someone-elses-${n}`, { requestPayload: { n } });
    const batches = Array.from({ length: 1000 }, (_, batch) => Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: foreign(batch * 10 + i) })));
    for (let start = 0; start < batches.length; start += 50) {
      await Promise.all(batches.slice(start, start + 50).map((Entries) => local.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }))));
    }
    const notes: string[] = [];
    const report = await runBench({
      note: (message) => notes.push(message),
      target: 'square',
      payload: '{"number": 7}',
      endpointUrl: local.stack.lambdaUrl,
      region: local.stack.region,
      // The sync phase first: the pollers meet the backlog before any record of the run is there.
      types: 'sync,async',
      concurrency: 8,
      requests: 200,
      verifyDelivery: true,
      destinationQueue: queueUrl,
      dlq: local.stack.queues['lambench-dlq']!,
      settleMs: 30_000,
    });
    const delivery = report.phases[1]!.delivery!;
    assert.equal(delivery.accepted, 200);
    assert.equal(delivery.missing, 0);
    assert.equal(delivery.unverified, 0);
    assert.equal(delivery.succeeded + delivery.failed, 200);
    assert.ok(delivery.backlogAtStart! >= 10_000 && delivery.backlogAtStart! <= 10_000 + earlier.visible + earlier.hidden);
    assert.ok(delivery.foreignMessages <= 10_000);
    assert.ok(notes.some((note) => /holds about \d+ messages already: lambench reads past them/.test(note)), notes.join('\n'));
    assert.match(renderHtmlReport(report), /messages not from this run seen, each hidden for up to 60 s while reading past it, then handed back; none deleted/);
    assert.match(renderReportTable(report), /async: the queues held \d+ messages before the run; \d+ messages not from this run seen, each hidden for up to 60 s while reading past it, then handed back; none deleted/);
    const left = await count();
    assert.equal(left.visible + left.hidden, earlier.visible + earlier.hidden + 10_000, 'every foreign message is still there');
    assert.ok(left.visible >= 10_000, `handed back: visible again (${left.visible})`);
  });
});
