/**
 * The client's own CPU: near its limit, the figures carry its delays. The limit is the senders'
 * threads (one core each) but never more than the cores the machine has: `-w 64` on 2 cores is
 * 2 cores, not 64 (the warning could never fire). More threads than cores is said too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientWarnings, type ClientUsage } from '../../../src/report/reportDocument.js';
import { renderReportTable } from '../../../src/report/table.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';

const usage = (workers: number, cpuMs: number, wallMs: number, cores?: number): ClientUsage => ({
  workers,
  ...(cores !== undefined && { cores }),
  peakRssBytes: 100 * 1024 * 1024,
  cpuUserMs: cpuMs * 0.75,
  cpuSystemMs: cpuMs * 0.25,
  wallMs,
});

describe('the client CPU warning', () => {
  it('-w 64 on 2 cores, 16.4 s CPU over 8.4 s: near the limit of 2 cores, and 64 threads are more than the cores', () => {
    const warnings = clientWarnings(usage(64, 16_400, 8_400, 2));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^the client was near its CPU limit \(2 cores\): its own delays are in the figures; use a bigger machine or --shard over several$/);
    assert.match(warnings[1]!, /^--workers 64 is more threads than the 2 cores available: .* \(use at most 2\)$/);
  });

  it('one thread at one core is near its limit and is told to try --workers; below 0.9 of a core it is not', () => {
    assert.deepEqual(clientWarnings(usage(1, 9_500, 10_000, 8)), ['the client was near its CPU limit (1 core): its own delays are in the figures; try --workers']);
    assert.deepEqual(clientWarnings(usage(1, 8_500, 10_000, 8)), []);
  });

  it('4 threads on 8 cores: the limit is the 4 threads, not the 8 cores', () => {
    assert.equal(clientWarnings(usage(4, 37_000, 10_000, 8)).length, 1);
    assert.deepEqual(clientWarnings(usage(4, 30_000, 10_000, 8)), []);
  });

  it('a report from before cores were recorded keeps the thread count as the limit; a run under a second says nothing', () => {
    assert.equal(clientWarnings(usage(2, 1_900, 1_000)).length, 1);
    assert.deepEqual(clientWarnings(usage(1, 900, 900, 1)), []);
  });

  it('the table and the page say it', () => {
    const report = { schemaVersion: 1, tool: { name: 'lambench' as const, version: 'test' }, startedAt: new Date(0).toISOString(), target: 'x', phases: [], thresholds: [], interrupted: false, client: usage(64, 16_400, 8_400, 2) };
    assert.match(renderReportTable(report), /client: 64 threads, .* \(the client was near its CPU limit \(2 cores\)[^\n]*\(--workers 64 is more threads than the 2 cores available/);
    assert.match(renderHtmlReport(report), /the client was near its CPU limit \(2 cores\)/);
  });
});
