/**
 * Thresholds judge the figure they name: `rps`, `mean`, `max` and `p99.9` (as well as p50/p90/p99)
 * each read their own field of a phase with known figures, pass and fail at the boundary, and
 * report the exact actual value; and `bench --threshold 'rps>=…'` exits 0 or 1 on the run's rate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { evaluateThresholds, formatThresholdValue, parseThreshold, type PhaseFigures } from '../../src/thresholds/thresholds.js';
import { closeServer, delayServer, listen, runLambench } from '../support/helpers.js';

/** Every figure distinct, so a rule reading the wrong field gets a different actual. */
const SYNC: PhaseFigures = {
  name: 'sync',
  requests: 200,
  dropped: 0,
  outcomes: { ok: 198 },
  throughputPerSecond: 48.5,
  latencyUs: { p50: 10_000, p90: 20_000, p99: 30_000, p999: 45_000, max: 60_000, mean: 12_500 },
};
const ASYNC: PhaseFigures = {
  name: 'async',
  requests: 100,
  dropped: 0,
  outcomes: { ok: 100 },
  throughputPerSecond: 25,
  latencyUs: { p50: 1_000, p90: 2_000, p99: 3_000, p999: 4_500, max: 7_000, mean: 1_250 },
};

const judge = (text: string, phases: PhaseFigures[] = [SYNC]) =>
  evaluateThresholds([parseThreshold(text)], phases).map(({ phase, actual, passed, metric }) => ({ phase, metric, actual, passed }));

describe('threshold metrics on a phase with known figures', () => {
  it('parses rps as calls/s and p99.9 as the p999 field, in microseconds', () => {
    assert.deepEqual(parseThreshold('rps>=48.5'), { text: 'rps>=48.5', metric: 'rps', operator: '>=', value: 48.5 });
    assert.deepEqual(parseThreshold('p99.9<45ms'), { text: 'p99.9<45ms', metric: 'p999', operator: '<', value: 45_000 });
    assert.deepEqual(parseThreshold('mean<=12.5ms'), { text: 'mean<=12.5ms', metric: 'mean', operator: '<=', value: 12_500 });
    assert.deepEqual(parseThreshold('async:max<1s'), { text: 'async:max<1s', phase: 'async', metric: 'max', operator: '<', value: 1_000_000 });
  });

  it('rps reads throughputPerSecond: passes at and fails past the boundary, actual 48.5', () => {
    assert.deepEqual(judge('rps>=48.5'), [{ phase: 'sync', metric: 'rps', actual: 48.5, passed: true }]);
    assert.deepEqual(judge('rps>48.5'), [{ phase: 'sync', metric: 'rps', actual: 48.5, passed: false }]);
    assert.deepEqual(judge('rps>=49'), [{ phase: 'sync', metric: 'rps', actual: 48.5, passed: false }]);
    assert.deepEqual(judge('rps<50'), [{ phase: 'sync', metric: 'rps', actual: 48.5, passed: true }]);
    assert.equal(formatThresholdValue('rps', 48.5), '48.5/s');
  });

  it('mean reads latencyUs.mean: actual 12500 µs', () => {
    assert.deepEqual(judge('mean<=12.5ms'), [{ phase: 'sync', metric: 'mean', actual: 12_500, passed: true }]);
    assert.deepEqual(judge('mean<12.5ms'), [{ phase: 'sync', metric: 'mean', actual: 12_500, passed: false }]);
    assert.deepEqual(judge('mean>12ms'), [{ phase: 'sync', metric: 'mean', actual: 12_500, passed: true }]);
    assert.equal(formatThresholdValue('mean', 12_500), '12.5 ms');
  });

  it('max reads latencyUs.max: actual 60000 µs', () => {
    assert.deepEqual(judge('max<60ms'), [{ phase: 'sync', metric: 'max', actual: 60_000, passed: false }]);
    assert.deepEqual(judge('max<=60ms'), [{ phase: 'sync', metric: 'max', actual: 60_000, passed: true }]);
    assert.deepEqual(judge('max<1s'), [{ phase: 'sync', metric: 'max', actual: 60_000, passed: true }]);
  });

  it('p99.9 (and p999) reads latencyUs.p999, not p99 or max: actual 45000 µs', () => {
    assert.deepEqual(judge('p99.9<45ms'), [{ phase: 'sync', metric: 'p999', actual: 45_000, passed: false }]);
    assert.deepEqual(judge('p99.9<=45ms'), [{ phase: 'sync', metric: 'p999', actual: 45_000, passed: true }]);
    assert.deepEqual(judge('p999<46ms'), [{ phase: 'sync', metric: 'p999', actual: 45_000, passed: true }]);
    assert.deepEqual(judge('p999<44ms'), [{ phase: 'sync', metric: 'p999', actual: 45_000, passed: false }]);
  });

  it('the other latencies each read their own field too', () => {
    assert.deepEqual(['p50<=10ms', 'p90<=20ms', 'p99<=30ms'].map((text) => judge(text)[0]), [
      { phase: 'sync', metric: 'p50', actual: 10_000, passed: true },
      { phase: 'sync', metric: 'p90', actual: 20_000, passed: true },
      { phase: 'sync', metric: 'p99', actual: 30_000, passed: true },
    ]);
    assert.deepEqual(judge('errors<1%'), [{ phase: 'sync', metric: 'errors', actual: 0.01, passed: false }]);
  });

  it('with two phases, an unprefixed rule judges each phase on its own figures; a prefixed one only its phase', () => {
    assert.deepEqual(judge('rps>=30', [SYNC, ASYNC]), [
      { phase: 'sync', metric: 'rps', actual: 48.5, passed: true },
      { phase: 'async', metric: 'rps', actual: 25, passed: false },
    ]);
    assert.deepEqual(judge('max<10ms', [SYNC, ASYNC]), [
      { phase: 'sync', metric: 'max', actual: 60_000, passed: false },
      { phase: 'async', metric: 'max', actual: 7_000, passed: true },
    ]);
    assert.deepEqual(judge('async:mean<2ms', [SYNC, ASYNC]), [{ phase: 'async', metric: 'mean', actual: 1_250, passed: true }]);
    assert.deepEqual(judge('async:p99.9<4ms', [SYNC, ASYNC]), [{ phase: 'async', metric: 'p999', actual: 4_500, passed: false }]);
  });

  it('a phase without latencies (nothing went out) fails a latency rule with no data, never passes it', () => {
    assert.deepEqual(judge('max<1s', [{ ...SYNC, latencyUs: null }]), [{ phase: 'sync', metric: 'max', actual: null, passed: false }]);
    assert.deepEqual(judge('p99.9<1s', [{ ...SYNC, latencyUs: null }]), [{ phase: 'sync', metric: 'p999', actual: null, passed: false }]);
  });
});

describe('bench --threshold on rps, mean, max and p99.9, end to end', () => {
  const counting = delayServer();
  let url = '';
  before(async () => {
    url = await listen(counting.server);
  });
  after(() => closeServer(counting.server));

  // -r 20 --requests 10: the schedule's window is 0.5 s, so the run's rate is exactly 20/s.
  const bench = (thresholds: string[]) => runLambench(['bench', url, '--rate', '20', '--requests', '10', '--json', ...thresholds.flatMap((text) => ['--threshold', text])]);

  it("rps>=19 passes (exit 0) and every rule's actual is the report's own figure", async () => {
    const before = counting.count();
    const result = await bench(['rps>=19', 'mean<10s', 'max<10s', 'p99.9<10s']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(counting.count() - before, 10);
    const report = JSON.parse(result.stdout);
    const phase = report.phases[0];
    assert.equal(phase.throughputPerSecond, 20);
    assert.deepEqual(
      report.thresholds.map((result: { threshold: string; metric: string; actual: number; passed: boolean }) => [result.threshold, result.metric, result.actual, result.passed]),
      [
        ['rps>=19', 'rps', 20, true],
        ['mean<10s', 'mean', phase.latencyUs.mean, true],
        ['max<10s', 'max', phase.latencyUs.max, true],
        ['p99.9<10s', 'p999', phase.latencyUs.p999, true],
      ],
    );
    assert.ok(phase.latencyUs.max >= phase.latencyUs.p999 && phase.latencyUs.p999 >= phase.latencyUs.p99, JSON.stringify(phase.latencyUs));
  });

  it('rps>=21 fails: exit 1, the rule named with the measured 20.0/s', async () => {
    const result = await bench(['rps>=21', 'max<10s']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /thresholds failed: rps>=21 \(sync: 20\.0\/s\)/);
    assert.doesNotMatch(result.stderr, /max<10s \(/, 'only the failing rule is named');
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.thresholds.map((result: { threshold: string; passed: boolean }) => [result.threshold, result.passed]), [['rps>=21', false], ['max<10s', true]]);
  });

  it('max<1us fails on the real run: exit 1, actual the report\'s max', async () => {
    const result = await bench(['max<1us']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.thresholds.map((result: { actual: number; passed: boolean }) => [result.actual, result.passed]), [[report.phases[0].latencyUs.max, false]]);
    assert.match(result.stderr, /thresholds failed: max<1us \(sync: (\d+ µs|\d+\.\d ms)\)/);
  });
});
