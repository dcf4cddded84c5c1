/**
 * One latency formatter: a figure reads the same in the report table, `report --compare`, the HTML
 * report, the threshold verdicts and `invoke` (before, a p99 of 12,345 µs read `12.3 ms` in the
 * table and `12.35 ms` in its verdict).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLatencyMs, formatLatencyUs } from '../../src/latencyText.js';
import { evaluateThresholds, formatThresholdValue, parseThreshold } from '../../src/thresholds/thresholds.js';
import { renderReportTable } from '../../src/report/table.js';
import { compareReports, renderComparison } from '../../src/report/compare.js';
import { renderHtmlReport } from '../../src/report/html/index.js';
import { renderInvoke } from '../../src/cli/render/invokeText.js';
import type { PhaseReport, ReportDocument } from '../../src/report/reportDocument.js';
import type { LatencySummary } from '../../src/metrics/histogram.js';
import type { Style } from '../../src/cli/style.js';

describe('formatLatencyUs and formatLatencyMs', () => {
  it('microseconds under 1 ms, tenths of a millisecond under 1 s, hundredths of a second above', () => {
    assert.equal(formatLatencyUs(0), '0 µs');
    assert.equal(formatLatencyUs(850), '850 µs');
    assert.equal(formatLatencyUs(999), '999 µs');
    assert.equal(formatLatencyUs(1000), '1.0 ms');
    assert.equal(formatLatencyUs(12_345), '12.3 ms');
    assert.equal(formatLatencyUs(12_360), '12.4 ms');
    assert.equal(formatLatencyUs(999_000), '999.0 ms');
    assert.equal(formatLatencyUs(1_000_000), '1.00 s');
    assert.equal(formatLatencyUs(1_254_000), '1.25 s');
  });

  it('a fraction of a microsecond (a mean, a difference) is rounded before the unit is chosen', () => {
    assert.equal(formatLatencyUs(849.6), '850 µs');
    assert.equal(formatLatencyUs(999.6), '1.0 ms');
  });

  it('no figure is a dash', () => {
    assert.equal(formatLatencyUs(undefined), '—');
    assert.equal(formatLatencyUs(null), '—');
    assert.equal(formatLatencyUs(Number.NaN), '—');
  });

  it('milliseconds read as the same figure in microseconds would', () => {
    assert.equal(formatLatencyMs(0.85), '850 µs');
    assert.equal(formatLatencyMs(12.345), '12.3 ms');
    assert.equal(formatLatencyMs(908.4), '908.4 ms');
    assert.equal(formatLatencyMs(1254), '1.25 s');
    assert.equal(formatLatencyMs(undefined), '—');
  });
});

describe('one p99 of 12,345 µs', () => {
  const P99_US = 12_345;
  const summary: LatencySummary = { count: 100, min: 900, mean: 3_000, p50: 2_000, p90: 8_000, p99: P99_US, p999: 20_000, max: 20_000 };
  const phase: PhaseReport = {
    name: 'sync',
    invocationType: 'RequestResponse',
    load: { kind: 'closed', concurrency: 1 },
    loadNote: 'closed loop',
    requests: 100,
    dropped: 0,
    sentLate: 0,
    durationMs: 1000,
    throughputPerSecond: 100,
    status: { '200': 100 },
    outcomes: { ok: 100, functionError: 0, throttled: 0, httpError: 0, networkError: 0, timeout: 0, dropped: 0 },
    latencyUs: summary,
    serviceTimeUs: summary,
    histograms: { latency: '', serviceTime: '' },
    perSecond: [100],
  };
  const report: ReportDocument = {
    schemaVersion: 1,
    tool: { name: 'lambench', version: 'test' },
    startedAt: new Date(0).toISOString(),
    target: 'square',
    phases: [phase],
    thresholds: evaluateThresholds([parseThreshold('p99<20ms')], [phase]),
    interrupted: false,
  };

  it('reads 12.3 ms in the table row and in its threshold verdict', () => {
    const table = renderReportTable(report);
    assert.match(table, /\nlatency p99 +12\.3 ms\n/);
    assert.match(table, /\n {2}✔ p99<20ms \(sync: 12\.3 ms\)\n/);
    assert.equal(formatThresholdValue('p99', P99_US), '12.3 ms');
  });

  it('reads 12.3 ms in the comparison and on the HTML page', () => {
    const baseline: ReportDocument = { ...report, phases: [{ ...phase, latencyUs: { ...summary, p99: 24_690 } }] };
    const comparison = renderComparison(compareReports(report, baseline), { report: 'new', baseline: 'old' });
    assert.match(comparison, /\n {2}latency p99 +12\.3 ms +24\.7 ms +−12\.3 ms \(−50\.0%\) +✔ better\n/);
    const html = renderHtmlReport(report);
    assert.match(html, />12\.3 ms</);
    assert.doesNotMatch(html, /12\.35 ms/);
  });

  it('reads 12.3 ms as one call\'s latency in invoke\'s output', () => {
    const plain: Style = { bold: (text) => text, dim: (text) => text, green: (text) => text, red: (text) => text, yellow: (text) => text };
    const text = renderInvoke({ target: 'square', invocationType: 'RequestResponse', outcome: 'ok', statusCode: 200, sentAt: 0, latencyMs: P99_US / 1000, attempts: 1 }, plain);
    assert.equal(text.split('\n')[0], '✔ square  RequestResponse → 200 OK  12.3 ms');
  });
});
