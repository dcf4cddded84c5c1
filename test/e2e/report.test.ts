/**
 * `lambench report`: a saved report printed again, compared with another (better and worse
 * marked), written as .hgrm, merged from shard files on the command line, and bad files refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareReports, renderComparison, type ComparedFigure } from '../../src/report/compare.js';
import type { LatencySummary } from '../../src/metrics/histogram.js';
import type { DeliveryReport } from '../../src/delivery/deliveryReport.js';
import type { PhaseReport, ReportDocument } from '../../src/report/reportDocument.js';
import { closeServer, delayServer, listen, runLambench } from '../support/helpers.js';

const latency = (p50: number, p90: number, p99: number, p999: number, max: number, mean: number): LatencySummary => ({ count: 1000, min: 100, mean, p50, p90, p99, p999, max });

/** A phase with every figure compare reads given: those not named are zero. */
function knownPhase(name: string, figures: Pick<PhaseReport, 'requests' | 'throughputPerSecond' | 'latencyUs' | 'serviceTimeUs'> & { outcomes: Partial<PhaseReport['outcomes']>; lambda?: PhaseReport['lambda']; delivery?: DeliveryReport }): PhaseReport {
  return {
    name,
    invocationType: name === 'async' ? 'Event' : 'RequestResponse',
    load: { kind: 'closed', concurrency: 4 },
    loadNote: '',
    dropped: 0,
    sentLate: 0,
    durationMs: 10_000,
    status: {},
    histograms: { latency: '', serviceTime: '' },
    perSecond: [],
    ...figures,
    outcomes: { ok: 0, functionError: 0, throttled: 0, httpError: 0, networkError: 0, timeout: 0, dropped: 0, ...figures.outcomes },
  };
}

const delivery = (succeeded: number, missing: number, endToEndP99Us: number): DeliveryReport => ({
  accepted: 100,
  succeeded,
  failed: 0,
  failedVia: { onFailureDestination: 0, deadLetterQueue: 0 },
  missing,
  duplicates: 0,
  conditions: { Success: succeeded },
  attempts: { 1: succeeded },
  endToEnd: { ...latency(2_000_000, 2_500_000, endToEndP99Us, endToEndP99Us, endToEndP99Us, 2_100_000), count: succeeded },
  foreignMessages: 0,
  malformedMessages: 0,
  missingExamples: [],
});

const knownReport = (phases: PhaseReport[]): ReportDocument => ({ schemaVersion: 1, tool: { name: 'lambench', version: 'test' }, startedAt: '2026-01-01T00:00:00.000Z', target: 'f', phases, thresholds: [], interrupted: false });

const ASYNC_LATENCY = latency(1_000, 2_000, 3_000, 4_000, 5_000, 1_200);
const KNOWN_OLD = knownReport([
  knownPhase('sync', { requests: 1_000, throughputPerSecond: 100, latencyUs: latency(10_000, 20_000, 40_000, 50_000, 80_000, 12_000), serviceTimeUs: { ...latency(1, 1, 30_000, 1, 1, 1) }, outcomes: { ok: 990, httpError: 10 } }),
  knownPhase('async', { requests: 100, throughputPerSecond: 50, latencyUs: ASYNC_LATENCY, serviceTimeUs: ASYNC_LATENCY, outcomes: { ok: 100 }, delivery: delivery(75, 25, 6_000_000) }),
]);
const KNOWN_NEW = knownReport([
  knownPhase('sync', {
    requests: 1_000,
    throughputPerSecond: 120,
    latencyUs: latency(9_000, 20_100, 50_000, 50_000, 60_000, 12_000),
    serviceTimeUs: latency(1, 1, 33_000, 1, 1, 1),
    outcomes: { ok: 1_000 },
    lambda: { reports: 1_000, coldStarts: 3, durationUs: null, billedDurationUs: null, initDurationUs: null, maxMemoryUsedMb: 64 },
  }),
  knownPhase('async', { requests: 100, throughputPerSecond: 50, latencyUs: ASYNC_LATENCY, serviceTimeUs: ASYNC_LATENCY, outcomes: { ok: 100 }, delivery: delivery(100, 0, 3_000_000) }),
]);

describe('lambench report', () => {
  let dir: string;
  const fast = delayServer(() => 2);
  const slow = delayServer(() => 40, { failEvery: 5 });
  let fastUrl = '';
  let slowUrl = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-report-'));
    [fastUrl, slowUrl] = await Promise.all([listen(fast.server), listen(slow.server)]);
  });
  after(async () => {
    await Promise.all([fast, slow].map((target) => closeServer(target.server)));
    await rm(dir, { recursive: true, force: true });
  });

  const bench = async (url: string, name: string, extra: string[] = []) => {
    const out = join(dir, name);
    const result = await runLambench(['bench', url, '--concurrency', '4', '--requests', '60', '--out', out, ...extra]);
    assert.equal(result.code, 0, result.stderr);
    return { out, table: result.stdout };
  };

  it('prints the same table as the run did, and writes .hgrm files', async () => {
    const { out, table } = await bench(fastUrl, 'fast.json');
    const result = await runLambench(['report', out, '--hgrm', join(dir, 'hgrm')]);
    assert.equal(result.code, 0, result.stderr);
    // The client line is the same document read twice: the tables must match line for line.
    assert.equal(result.stdout, table);
    assert.deepEqual(await readdir(join(dir, 'hgrm')), ['sync-latency.hgrm', 'sync-service-time.hgrm']);
    assert.match(await readFile(join(dir, 'hgrm', 'sync-latency.hgrm'), 'utf8'), /#\[Mean {4}=/);
  });

  it('--compare marks a slower, failing run worse, figure by figure; --json gives the rows', async () => {
    const fastRun = await bench(fastUrl, 'fast2.json');
    const slowRun = await bench(slowUrl, 'slow.json');
    const result = await runLambench(['report', slowRun.out, '--compare', fastRun.out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /slow\.json against fast2\.json/);
    assert.match(result.stdout, /latency p50 .*✖ worse/);
    assert.match(result.stdout, /throughput .*✖ worse/);
    assert.match(result.stdout, /httpError .*✖ worse/);
    assert.match(result.stdout, /\d+ better, \d+ worse/);
    // The same comparison as rows: each figure is the documents' own, the change is new − old, and
    // what a 40 ms server failing every 5th call must be worse at (60 calls: 48 ok, 12 HTTP 500).
    const slowDoc = JSON.parse(await readFile(slowRun.out, 'utf8'));
    const fastDoc = JSON.parse(await readFile(fastRun.out, 'utf8'));
    const slowRows = JSON.parse((await runLambench(['report', slowRun.out, '--compare', fastRun.out, '--json'])).stdout).figures as ComparedFigure[];
    assert.deepEqual(slowRows.map((row) => row.figure), ['latency p50', 'latency p90', 'latency p99', 'latency p999', 'latency max', 'latency mean', 'service p99', 'throughput', 'errors', 'ok', 'functionError', 'throttled', 'httpError', 'networkError', 'timeout', 'dropped']);
    const row = (figure: string) => slowRows.find((candidate) => candidate.figure === figure)!;
    const [slowPhase, fastPhase] = [slowDoc.phases[0], fastDoc.phases[0]];
    for (const key of ['p50', 'p90', 'mean'] as const) {
      assert.deepEqual(row(`latency ${key}`), { phase: 'sync', figure: `latency ${key}`, unit: 'us', value: slowPhase.latencyUs[key], baseline: fastPhase.latencyUs[key], delta: slowPhase.latencyUs[key] - fastPhase.latencyUs[key], verdict: 'worse' });
      assert.ok(slowPhase.latencyUs[key] >= 40_000, `the slow run's ${key} is at least its 40 ms delay`);
    }
    assert.deepEqual(row('throughput'), { phase: 'sync', figure: 'throughput', unit: 'perSecond', value: slowPhase.throughputPerSecond, baseline: fastPhase.throughputPerSecond, delta: slowPhase.throughputPerSecond - fastPhase.throughputPerSecond, verdict: 'worse' });
    assert.deepEqual(row('errors'), { phase: 'sync', figure: 'errors', unit: 'fraction', value: 0.2, baseline: 0, delta: 0.2, verdict: 'worse' });
    assert.deepEqual(row('ok'), { phase: 'sync', figure: 'ok', unit: 'count', value: 48, baseline: 60, delta: -12, verdict: 'worse' });
    assert.deepEqual(row('httpError'), { phase: 'sync', figure: 'httpError', unit: 'count', value: 12, baseline: 0, delta: 12, verdict: 'worse' });
    for (const figure of ['functionError', 'throttled', 'networkError', 'timeout', 'dropped']) {
      assert.deepEqual(row(figure), { phase: 'sync', figure, unit: 'count', value: 0, baseline: 0, delta: 0, verdict: 'same' });
    }
    assert.match(result.stdout, /^ {2}ok +48 +60 +−12 \(−20\.0%\) +✖ worse$/m);
    assert.match(result.stdout, /^ {2}errors +20\.00% +0\.00% +\+20\.00 pt +✖ worse$/m);
    // The summary line counts the rows exactly as marked.
    const count = (verdict: string) => slowRows.filter((candidate) => candidate.verdict === verdict).length;
    assert.ok(count('worse') >= 7, `at least p50, p90, mean, throughput, errors, ok, httpError worse: ${count('worse')}`);
    assert.ok(result.stdout.endsWith(`\n${count('better')} better, ${count('worse')} worse (changes under 1% count as the same)\n`), result.stdout);
    assert.equal(result.stdout.match(/✖ worse/g)?.length, count('worse'));
    assert.equal(result.stdout.match(/✔ better/g)?.length ?? 0, count('better'));
    const json = await runLambench(['report', fastRun.out, '--compare', slowRun.out, '--json']);
    const rows = JSON.parse(json.stdout).figures as { figure: string; verdict: string }[];
    assert.equal(rows.find((row) => row.figure === 'latency p50')?.verdict, 'better');
    assert.equal(rows.find((row) => row.figure === 'errors')?.verdict, 'better');
    assert.deepEqual(rows.find((row) => row.figure === 'errors'), { phase: 'sync', figure: 'errors', unit: 'fraction', value: 0, baseline: 0.2, delta: -0.2, verdict: 'better' });
    assert.deepEqual(rows.find((row) => row.figure === 'ok'), { phase: 'sync', figure: 'ok', unit: 'count', value: 60, baseline: 48, delta: 12, verdict: 'better' });
    // The verdict logic on its own: equal figures are the same, and n/a where one side has none.
    const doc = JSON.parse(await readFile(fastRun.out, 'utf8'));
    assert.ok(compareReports(doc, doc).every((row) => row.verdict === 'same' || row.verdict === 'n/a'));
    // A report against itself: every figure both sides have is the same, with no change; none is n/a.
    const self = compareReports(doc, doc);
    assert.equal(self.length, 16);
    assert.ok(self.every((row) => row.verdict === 'same' && row.delta === 0 && row.value === row.baseline && row.value !== null), JSON.stringify(self));
  });

  it('compare on two known reports: every row exact (value, baseline, change, verdict), n/a where one side has none, and the counts', () => {
    const rows = compareReports(KNOWN_NEW, KNOWN_OLD);
    const brief = rows.map((row) => [row.phase, row.figure, row.value, row.baseline, row.delta, row.verdict]);
    assert.deepEqual(brief, [
      ['sync', 'latency p50', 9_000, 10_000, -1_000, 'better'],
      ['sync', 'latency p90', 20_100, 20_000, 100, 'same'], // +0.5%: under 1%
      ['sync', 'latency p99', 50_000, 40_000, 10_000, 'worse'],
      ['sync', 'latency p999', 50_000, 50_000, 0, 'same'],
      ['sync', 'latency max', 60_000, 80_000, -20_000, 'better'],
      ['sync', 'latency mean', 12_000, 12_000, 0, 'same'],
      ['sync', 'service p99', 33_000, 30_000, 3_000, 'worse'],
      ['sync', 'throughput', 120, 100, 20, 'better'],
      ['sync', 'errors', 0, 0.01, -0.01, 'better'],
      ['sync', 'ok', 1_000, 990, 10, 'better'],
      ['sync', 'functionError', 0, 0, 0, 'same'],
      ['sync', 'throttled', 0, 0, 0, 'same'],
      ['sync', 'httpError', 0, 10, -10, 'better'],
      ['sync', 'networkError', 0, 0, 0, 'same'],
      ['sync', 'timeout', 0, 0, 0, 'same'],
      ['sync', 'dropped', 0, 0, 0, 'same'],
      ['sync', 'cold starts', 3, null, null, 'n/a'], // only the new run read REPORT lines
      ['async', 'latency p50', 1_000, 1_000, 0, 'same'],
      ['async', 'latency p90', 2_000, 2_000, 0, 'same'],
      ['async', 'latency p99', 3_000, 3_000, 0, 'same'],
      ['async', 'latency p999', 4_000, 4_000, 0, 'same'],
      ['async', 'latency max', 5_000, 5_000, 0, 'same'],
      ['async', 'latency mean', 1_200, 1_200, 0, 'same'],
      ['async', 'service p99', 3_000, 3_000, 0, 'same'],
      ['async', 'throughput', 50, 50, 0, 'same'],
      ['async', 'errors', 0, 0, 0, 'same'],
      ['async', 'ok', 100, 100, 0, 'same'],
      ['async', 'functionError', 0, 0, 0, 'same'],
      ['async', 'throttled', 0, 0, 0, 'same'],
      ['async', 'httpError', 0, 0, 0, 'same'],
      ['async', 'networkError', 0, 0, 0, 'same'],
      ['async', 'timeout', 0, 0, 0, 'same'],
      ['async', 'dropped', 0, 0, 0, 'same'],
      ['async', 'delivered', 1, 0.75, 0.25, 'better'],
      ['async', 'missing', 0, 25, -25, 'better'],
      ['async', 'end-to-end p50', 2_000_000, 2_000_000, 0, 'same'],
      ['async', 'end-to-end p99', 3_000_000, 6_000_000, -3_000_000, 'better'],
    ]);
    const text = renderComparison(rows, { report: 'new.json', baseline: 'old.json' });
    const lines = text.split('\n').map((line) => line.trim().replace(/ {2,}/g, ' | '));
    assert.equal(lines[0], 'lambench report: new.json against old.json');
    for (const line of [
      'latency p50 | 9.0 ms | 10.0 ms | −1.0 ms (−10.0%) | ✔ better',
      'latency p90 | 20.1 ms | 20.0 ms | +100 µs (+0.5%) | = same',
      'latency p99 | 50.0 ms | 40.0 ms | +10.0 ms (+25.0%) | ✖ worse',
      'errors | 0.00% | 1.00% | −1.00 pt | ✔ better',
      'cold starts | 3 | — | —',
      'delivered | 100.00% | 75.00% | +25.00 pt | ✔ better',
      'end-to-end p99 | 3.00 s | 6.00 s | −3.00 s (−50.0%) | ✔ better',
    ]) {
      assert.ok(lines.includes(line), `${line}\n${text}`);
    }
    assert.equal(lines.at(-2), '9 better, 2 worse (changes under 1% count as the same)');
  });

  it('--threshold judges a saved report again: exit 1 with the rule named', async () => {
    const { out } = await bench(slowUrl, 'slow2.json');
    const result = await runLambench(['report', out, '--threshold', 'p50<5ms']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /thresholds failed: p50<5ms \(sync: /);
  });

  it('--merge on the command line: shards into one run, written with --out', async () => {
    const shards = await Promise.all([1, 2].map((index) => bench(fastUrl, `shard-${index}.json`, ['--shard', `${index}/2`, '--threshold', 'errors<1%'])));
    assert.match(shards[0]!.table, /shard 1\/2: part of a larger run/);
    const merged = join(dir, 'merged.json');
    const result = await runLambench(['report', '--merge', shards[0]!.out, shards[1]!.out, '--out', merged]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /merged from 2 shards: 1\/2, 2\/2/);
    assert.match(result.stdout, /✔ errors<1%/);
    const document = JSON.parse(await readFile(merged, 'utf8'));
    assert.equal(document.phases[0].requests, 60, 'requests 60 split 30 + 30, merged back');
    assert.equal(document.shards.length, 2);
  });

  it('bench exits 3 when every call was refused as not found, after writing the report', async () => {
    const missing = createServer((req, res) => {
      req.resume();
      res.statusCode = 404;
      res.end('{"message": "no such route"}');
    });
    const url = await listen(missing);
    try {
      const out = join(dir, 'refused.json');
      const result = await runLambench(['bench', url, '--concurrency', '2', '--requests', '6', '--out', out]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /every call of the sync phase was refused \(404: HTTP 404: no such route\)/);
      assert.equal(JSON.parse(await readFile(out, 'utf8')).phases[0].outcomes.httpError, 6);
    } finally {
      await closeServer(missing);
    }
  });

  it('bench exits 3 when no call reached the target (nothing listens there), unsent calls leaving the latency empty', async () => {
    const gone = createServer();
    const url = await listen(gone);
    await closeServer(gone);
    const out = join(dir, 'unreachable.json');
    const result = await runLambench(['bench', url, '--concurrency', '2', '--requests', '4', '--out', out]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /no call of the sync phase reached the target \(ECONNREFUSED: .*\): check the URL or endpoint, and that it is up/);
    const phase = JSON.parse(await readFile(out, 'utf8')).phases[0];
    assert.deepEqual([phase.outcomes.networkError, phase.latencyUs], [4, null], 'refused connections never went out: no latency');
    assert.equal(phase.unsent, 4, 'and the report says how many: latency count + unsent = calls');
    assert.match(result.stdout, /sync: 4 calls never went out .*counted under their outcomes, not in the latency/);
  });

  it('refuses what it cannot read: one clear line, exit 2', async () => {
    await writeFile(join(dir, 'not-json.json'), '{ nope');
    await writeFile(join(dir, 'not-report.json'), '{"hello": 1}');
    const { out } = await bench(fastUrl, 'one.json');
    const cases: [string[], RegExp][] = [
      [['report', join(dir, 'missing.json')], /cannot read report .*no such file/],
      [['report', join(dir, 'not-json.json')], /is not JSON/],
      [['report', join(dir, 'not-report.json')], /is not a lambench report/],
      [['report', out, out], /2 reports given: add --merge/],
      [['report', '--merge', out], /--merge needs two or more reports/],
      [['report', out, '--threshold', 'p99 soon'], /does not parse/],
      [['report'], /name a report/],
    ];
    for (const [args, expected] of cases) {
      const result = await runLambench(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });
});
