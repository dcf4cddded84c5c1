/**
 * What a report shows of `--logs` concurrency over time and of a queue's several functions, from
 * report documents made here by hand (the runs that make them are tested in e2e/logs.test.ts): the
 * terminal table's peak and when, the notes per function, the page's plot per phase with the
 * mappings' MaximumConcurrency, a report from before the series was kept, and merged shards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueWiring } from '../../../src/discovery/queueWiring.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { mergeLogs } from '../../../src/report/mergeLogs.js';
import type { PhaseLogs, PhaseReport, ReportDocument } from '../../../src/report/reportDocument.js';
import { renderReportTable } from '../../../src/report/table.js';

const STARTED = Date.parse('2026-03-02T10:00:00.400Z');
const FROM = Date.parse('2026-03-02T10:00:00.000Z');
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:';

function logs(extra: Partial<PhaseLogs> = {}): PhaseLogs {
  return { logGroup: '/aws/lambda/sleep', format: 'Text', invocations: 9, found: 9, notFound: 0, attempts: { 1: 9 }, coldStarts: 2, method: 'every REPORT in the window', calls: 3, throttled: 0, figuresFrom: 'logs', ...extra };
}

function wiring(maximumConcurrency: [number | undefined, number | undefined]): QueueWiring {
  const mapping = (uuid: string, name: string, limit: number | undefined, state = 'Enabled') => ({ uuid, functionArn: `${ARN}${name}`, state, batchSize: 10, batchingWindowSeconds: 0, ...(limit !== undefined && { maximumConcurrency: limit }), reportBatchItemFailures: true });
  return {
    queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
    queueArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
    fifo: false,
    visibilityTimeoutSeconds: 360,
    delaySeconds: 0,
    maximumMessageBytes: 262_144,
    mappings: [mapping('u1', 'sleep', maximumConcurrency[0]), mapping('u2', 'echo', maximumConcurrency[1]), mapping('u3', 'audit', 50, 'Disabled')],
    warnings: [],
    unknown: [],
  };
}

function report(phaseLogs: PhaseLogs | undefined, queue?: QueueWiring): ReportDocument {
  const phase: PhaseReport = {
    name: 'queue',
    invocationType: 'Event',
    load: { kind: 'open', rate: 10, maxInFlight: 20 },
    startedAt: new Date(STARTED).toISOString(),
    loadNote: 'open loop at 10/s',
    requests: 30,
    dropped: 0,
    sentLate: 0,
    durationMs: 3000,
    throughputPerSecond: 10,
    status: { '200': 30 },
    outcomes: { ok: 30, functionError: 0, throttled: 0, httpError: 0, networkError: 0, timeout: 0, dropped: 0 },
    latencyUs: null,
    serviceTimeUs: null,
    histograms: { latency: '', serviceTime: '' },
    perSecond: [10, 10, 10],
    ...(phaseLogs && { logs: phaseLogs }),
    ...(queue && { queue: { wiring: queue } }),
  };
  return { schemaVersion: 1, tool: { name: 'lambench', version: '0.1.0' }, startedAt: phase.startedAt!, target: 'jobs', phases: [phase], thresholds: [], interrupted: false };
}

const twoFunctions = logs({
  logGroup: '/aws/lambda/sleep, /aws/lambda/echo',
  mapped: true,
  peakConcurrency: 3,
  concurrency: { stepMs: 1000, from: FROM, max: [1, 2, 3, 3, 0] },
  byFunction: [
    { functions: [`${ARN}sleep`], mappings: 2, logGroup: '/aws/lambda/sleep', format: 'Text', found: 6, coldStarts: 2, peakConcurrency: 2 },
    { functions: [`${ARN}echo`], mappings: 1, logGroup: '/aws/lambda/echo', format: 'JSON', found: 3, coldStarts: 0, peakConcurrency: 1 },
  ],
});

describe('--logs concurrency and functions in the table', () => {
  it('the peak and the second it is first reached in; a line per function with what it gave', () => {
    const table = renderReportTable(report(twoFunctions));
    assert.match(table, /^peak concurrency \(logs\) +3 at 2 s$/m);
    assert.match(table, /queue: logs: the event source mappings' invocations are every REPORT in \/aws\/lambda\/sleep, \/aws\/lambda\/echo over the phase's window \(another caller's invocations of these functions/);
    assert.match(table, /queue: logs: sleep \(invoked by 2 mappings\): 6 invocations, 2 cold starts, at most 2 at once, in \/aws\/lambda\/sleep$/m);
    assert.match(table, /queue: logs: echo: 3 invocations, 0 cold starts, at most 1 at once, in \/aws\/lambda\/echo$/m);
  });

  it('one function by one mapping: no line per function; a group that could not be read is said', () => {
    const one = logs({ mapped: true, peakConcurrency: 1, byFunction: [{ functions: [`${ARN}sleep`], mappings: 1, logGroup: '/aws/lambda/sleep', format: 'Text', found: 9, coldStarts: 2 }] });
    assert.doesNotMatch(renderReportTable(report(one)), /logs: sleep/);
    const partly = { ...twoFunctions, byFunction: [twoFunctions.byFunction![0]!, { ...twoFunctions.byFunction![1]!, found: 0, coldStarts: 0, unreadable: 'AccessDeniedException' }] };
    assert.match(renderReportTable(report(partly)), /queue: logs: echo: \/aws\/lambda\/echo could not be read \(AccessDeniedException\): its invocations are not counted$/m);
  });

  it('a report from before the series: the peak alone, and nothing else changes', () => {
    const old = logs({ peakConcurrency: 4 });
    assert.match(renderReportTable(report(old)), /^peak concurrency \(logs\) +4$/m);
  });
});

describe('--logs concurrency on the page', () => {
  it('a plot per phase: a step a second, the enabled mappings\' MaximumConcurrency dashed across', () => {
    const html = renderHtmlReport(report(twoFunctions, wiring([2, 3])));
    // The figure's markup, its apostrophes read back.
    const figure = html.slice(html.indexOf('<figure class="phase-block concurrency"'), html.indexOf('</figure>', html.indexOf('<figure class="phase-block concurrency"'))).replaceAll('&#39;', "'");
    assert.match(figure, /data-points="5" data-step-ms="1000"/);
    assert.match(figure, /data-series="queue: invocations running at once"/);
    // Five steps, each flat across its second: ten points.
    const path = figure.match(/data-series="queue: invocations running at once"><path d="([^"]+)"/)![1]!;
    assert.equal(path.split(/[ML]/).filter(Boolean).length, 10);
    assert.match(figure, /the mappings' MaximumConcurrency \(5\)/, '2 + 3: the disabled mapping invokes nothing');
    assert.match(figure, /seconds since 2026-03-02 10:00:00 UTC/);
    assert.match(figure, /9 invocations found; the highest: 3 at once, first in the second from 2 s\./);
  });

  it('no MaximumConcurrency line when a mapping has none (up to 1,000); no section without a series, and an old report renders', () => {
    assert.doesNotMatch(renderHtmlReport(report(twoFunctions, wiring([2, undefined]))), /MaximumConcurrency \(/);
    const old = renderHtmlReport(report(logs({ peakConcurrency: 4 })));
    assert.doesNotMatch(old, /id="concurrency"/);
    assert.match(old, /peak concurrency \(logs\)<\/th><td class="num">4<\/td>/);
    assert.doesNotMatch(renderHtmlReport(report(undefined)), /id="concurrency"/);
  });
});

describe('--logs of shards merged', () => {
  it('series added second by second, the peak then "at most"; a shard without a series leaves the sum out; one part passes whole', () => {
    const shard = (max: number[], from = FROM) => logs({ peakConcurrency: Math.max(...max), concurrency: { stepMs: 1000, from, max } });
    const merged = mergeLogs([shard([1, 2, 2]), shard([3, 1], FROM + 1000)]);
    assert.deepEqual(merged.concurrency, { stepMs: 1000, from: FROM, max: [1, 5, 3], shards: 2 });
    assert.equal(merged.peakConcurrency, undefined);
    assert.equal(merged.found, 18);
    assert.match(renderReportTable(report(merged)), /^peak concurrency \(logs\) +≤ 5 at 1 s$/m);
    assert.match(renderReportTable(report(merged)), /logs: concurrency over time is the 2 shards' series added second by second on the logs' clock: each figure is at most the run's/);
    assert.match(renderHtmlReport(report(merged)), /data-series="queue: at most invocations running at once"/);
    assert.equal(mergeLogs([shard([1]), logs()]).concurrency, undefined);
    assert.equal(mergeLogs([twoFunctions]), twoFunctions, 'a queue phase: read by shard 1 alone');
  });
});
