/**
 * Concurrency from REPORT lines (each ends at its time, began its duration earlier): the peak over
 * everything, and the most at once in each second. Invocations made here by hand with known
 * overlaps, ends and starts on a second's edge, a clock behind the client's, a phase too long for
 * one point a second; shards' series added; and, against a brute-force count at every moment that
 * matters, a few hundred seeded random invocations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addConcurrencySeries, concurrencySeries, MAX_POINTS, peakConcurrency, seriesPeak, type ReportSpan } from '../../../src/metrics/concurrencySeries.js';

/** An invocation running over [start, end) ms, as its REPORT says it. */
const ran = (start: number, end: number): ReportSpan => ({ timestamp: end, durationMs: end - start });

describe('peakConcurrency', () => {
  it('counts what overlaps, not what only touches', () => {
    assert.equal(peakConcurrency([]), 0);
    assert.equal(peakConcurrency([{ timestamp: 100, durationMs: 100 }]), 1);
    // [0,100], [50,150], [60,70]: three at 60–70.
    assert.equal(peakConcurrency([{ timestamp: 100, durationMs: 100 }, { timestamp: 150, durationMs: 100 }, { timestamp: 70, durationMs: 10 }]), 3);
    // [0,100] then [100,200]: one after the other.
    assert.equal(peakConcurrency([{ timestamp: 100, durationMs: 100 }, { timestamp: 200, durationMs: 100 }]), 1);
  });
});

describe('concurrencySeries', () => {
  it('no REPORT, no series', () => {
    assert.equal(concurrencySeries([], 10_000), undefined);
  });

  it('the most at once in each second: overlaps counted, touching ends not, an end on the edge not in the next second', () => {
    const reports = [
      ran(10_200, 10_800), // A
      ran(10_500, 11_500), // B: with A over 10.5–10.8 s
      ran(11_000, 12_000), // C: begins on the second's edge, ends on the next one
      ran(11_500, 11_700), // D: begins as B ends
      ran(11_600, 11_650), // E: with C and D
    ];
    assert.deepEqual(concurrencySeries(reports, 10_000), { stepMs: 1000, from: 10_000, max: [2, 3] });
  });

  it('a start on a second\'s edge belongs to that second; one invocation across seconds counts in each', () => {
    assert.deepEqual(concurrencySeries([ran(10_000, 11_000), ran(11_000, 11_500)], 10_000)!.max, [1, 1]);
    assert.deepEqual(concurrencySeries([ran(10_000, 13_500)], 10_000)!.max, [1, 1, 1, 1]);
    // Ending on the second's edge: not in the second after it, which is empty.
    assert.deepEqual(concurrencySeries([ran(10_000, 11_000), ran(12_500, 12_600)], 10_000)!.max, [1, 0, 1]);
    // Ending 1 ms into the next second: it is in it.
    assert.deepEqual(concurrencySeries([ran(10_000, 11_001)], 10_000)!.max, [1, 1]);
  });

  it('from the phase\'s start rounded down to the second; earlier when the logs\' clock is behind, never before the window read', () => {
    assert.deepEqual(concurrencySeries([ran(10_500, 10_600)], 10_400), { stepMs: 1000, from: 10_000, max: [1] });
    // The first invocation began 1.8 s before the client's phase start (clocks differ): the series starts there.
    assert.deepEqual(concurrencySeries([ran(8_200, 8_300), ran(10_100, 10_200)], 10_000, 5_000), { stepMs: 1000, from: 8_000, max: [1, 0, 1] });
    // A long invocation begun before the window: counted from the window's start.
    assert.deepEqual(concurrencySeries([ran(3_000, 6_500)], 10_000, 5_000), { stepMs: 1000, from: 5_000, max: [1, 1] });
  });

  it('a phase longer than MAX_POINTS seconds: 2, 4, … s steps, aligned on the epoch, each its most at once', () => {
    const start = 1_000_000;
    const series = concurrencySeries([ran(start, start + 10), ran(start + 9_999_000, start + 9_999_500), ran(start, start + 10_000_000)], start)!;
    assert.equal(series.stepMs, 4000, '10,000 s: 2 s steps would be 5,000 points');
    assert.equal(series.from % series.stepMs, 0);
    assert.ok(series.max.length <= MAX_POINTS, String(series.max.length));
    assert.equal(series.max[0], 2);
    assert.equal(series.max.at(-1), 2);
    assert.ok(series.max.slice(1, -1).every((count) => count === 1));
  });

  it('agrees with a brute-force count at every step\'s start and every invocation\'s start, on seeded random invocations', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const phaseStart = 50_000 + Math.floor(random() * 1000);
      const reports = Array.from({ length: 30 }, () => {
        const start = phaseStart + Math.floor(random() * 8000);
        return ran(start, start + Math.floor(random() * 1500));
      });
      const series = concurrencySeries(reports, phaseStart)!;
      const at = (moment: number) => reports.filter((report) => report.timestamp - report.durationMs <= moment && moment < report.timestamp).length;
      series.max.forEach((count, index) => {
        const begin = series.from + index * series.stepMs;
        const moments = [begin, ...reports.map((report) => report.timestamp - report.durationMs).filter((start) => start >= begin && start < begin + series.stepMs)];
        assert.equal(count, Math.max(...moments.map(at)), `round ${round}, second ${index}`);
      });
      assert.equal(seriesPeak(series).max, peakConcurrency(reports));
    }
  });

  it('seriesPeak: the height and where its first step begins', () => {
    assert.deepEqual(seriesPeak({ stepMs: 1000, from: 10_000, max: [1, 3, 2, 3] }), { max: 3, at: 11_000 });
  });
});

describe('addConcurrencySeries (report --merge)', () => {
  it('adds step by step on the shared clock, a finer series re-stepped by its maxima; says how many were added', () => {
    const a = { stepMs: 1000, from: 10_000, max: [1, 2, 3, 4] };
    assert.deepEqual(addConcurrencySeries([a, { stepMs: 1000, from: 12_000, max: [1, 1, 5] }]), { stepMs: 1000, from: 10_000, max: [1, 2, 4, 5, 5], shards: 2 });
    assert.deepEqual(addConcurrencySeries([a, { stepMs: 2000, from: 10_000, max: [5, 1] }]), { stepMs: 2000, from: 10_000, max: [7, 5], shards: 2 });
    // A merged series merged again counts its shards.
    assert.equal(addConcurrencySeries([{ ...a, shards: 2 }, a]).shards, 3);
  });
});
