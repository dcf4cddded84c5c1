/**
 * Payload templates and shards: {{seq}} numbers every call of a run exactly once across shards
 * and threads; shards' reports merge into the whole run's, with histograms equal bucket for
 * bucket to one built from every raw sample.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBench } from '../../src/run/runBench.js';
import { createHistogram, decodeHistogram, encodeHistogram, recordMs, type LatencySummary } from '../../src/metrics/histogram.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { mergeReports } from '../../src/report/merge.js';
import { phaseFromRecorder, type PhaseTimings } from '../../src/report/recorderFigures.js';
import type { PhaseReport, ReportDocument } from '../../src/report/reportDocument.js';
import type { Outcome } from '../../src/targets/types.js';
import { epochAt } from '../../src/time.js';
import { compileTemplate } from '../../src/targets/request/payloadTemplate.js';
import { parseAllDocuments } from 'yaml';
import { listen, REPO_ROOT, runLambench } from '../support/helpers.js';

describe('payload templates', () => {
  it('fills {{seq}}, {{uuid}}, {{randomInt A B}} and {{file PATH}} per call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-template-'));
    try {
      await writeFile(join(dir, 'item.json'), '{"sku": "A-1", "tags": ["x"]}\n');
      const template = compileTemplate('{"seq": {{seq}}, "id": "{{uuid}}", "n": {{ randomInt 1 3 }}, "item": {{file ./item.json}}}', dir);
      assert.equal(template.isStatic, false);
      const seen = new Set<number>();
      const ids = new Set<string>();
      for (let seq = 0; seq < 300; seq += 1) {
        const body = JSON.parse(template.render(seq));
        assert.equal(body.seq, seq);
        assert.match(body.id, /^[0-9a-f-]{36}$/);
        assert.ok(body.n >= 1 && body.n <= 3, `randomInt out of range: ${body.n}`);
        assert.deepEqual(body.item, { sku: 'A-1', tags: ['x'] });
        seen.add(body.n);
        ids.add(body.id);
      }
      assert.deepEqual([...seen].sort(), [1, 2, 3], 'both ends of the range are reached');
      assert.equal(ids.size, 300);
      assert.equal(compileTemplate('{"fixed": true}', dir).isStatic, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot fill, naming the placeholder', () => {
    assert.throws(() => compileTemplate('{"n": {{nope}}}', '.'), /\{\{nope\}\} is not a placeholder lambench knows/);
    assert.throws(() => compileTemplate('{"n": {{seq}', '.'), /'\{\{' without a matching '\}\}'/);
    assert.throws(() => compileTemplate('{"n": {{randomInt 1}}}', '.'), /write it as \{\{randomInt 1 100\}\}/);
    assert.throws(() => compileTemplate('{"id": {{uuid}}}', '.'), /does not give JSON once filled in/);
  });
});

/** Answers after `delayMs`, recording the `seq` of each body. */
function seqServer(delayMs: () => number) {
  const seqs: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (body) seqs.push(JSON.parse(body).seq);
      setTimeout(() => res.end('{}'), delayMs());
    });
  });
  return { server, seqs };
}

/**
 * The bucket-level check: the merged histogram's encoding (every bucket's count; no timestamps in
 * it) equals that of one histogram fed every raw sample. Its percentiles, and the summary the report
 * shows (`latencyUs`), are checked against the raw samples themselves (nearest rank over all of
 * them, sorted), within the histogram's 3 significant digits: a merge that lost or doubled a shard,
 * or a summary taken from another histogram, fails here even if the encodings were not compared.
 */
function assertSameHistogram(merged: string, summary: LatencySummary | null, samplesMs: number[], what: string): void {
  const expected = createHistogram();
  for (const ms of samplesMs) recordMs(expected, ms);
  assert.equal(merged, encodeHistogram(expected), `${what}: bucket counts`);
  const actual = decodeHistogram(merged);
  const roundTrip = decodeHistogram(encodeHistogram(expected));
  assert.equal(actual.totalCount, samplesMs.length, `${what}: count`);
  // As recordMs stores them: whole microseconds, at least 1.
  const sortedUs = samplesMs.map((ms) => Math.max(1, Math.round(ms * 1000))).sort((a, b) => a - b);
  const rank = (percentile: number) => sortedUs[Math.max(0, Math.ceil((percentile / 100) * sortedUs.length) - 1)]!;
  // One HdrHistogram bucket at 3 significant digits is at most 1/1024 of its value wide (+1 µs for rounding).
  const near = (value: number, exact: number, label: string) =>
    assert.ok(Math.abs(value - exact) <= exact / 1024 + 1, `${what}: ${label} ${value} µs, from the raw samples ${exact} µs`);
  for (const percentile of [1, 10, 50, 90, 99, 99.9, 100]) {
    assert.equal(actual.getValueAtPercentile(percentile), roundTrip.getValueAtPercentile(percentile), `${what}: p${percentile}`);
    near(actual.getValueAtPercentile(percentile), rank(percentile), `p${percentile}`);
  }
  assert.ok(summary, `${what}: a summary`);
  assert.equal(summary.count, samplesMs.length, `${what}: summary count`);
  near(summary.min, sortedUs[0]!, 'summary min');
  near(summary.max, sortedUs.at(-1)!, 'summary max');
  near(summary.mean, sortedUs.reduce((total, us) => total + us, 0) / sortedUs.length, 'summary mean');
  for (const [key, percentile] of [['p50', 50], ['p90', 90], ['p99', 99], ['p999', 99.9]] as const) near(summary[key], rank(percentile), `summary ${key}`);
}

async function rawLines(path: string): Promise<{ latencyMs?: number; serviceTimeMs?: number; outcome: string }[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('shards', () => {
  let dir: string;
  const target = seqServer(() => Math.floor(Math.random() * 6));
  let url = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-shards-'));
    url = await listen(target.server);
  });
  after(async () => {
    await new Promise<void>((resolve) => target.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('open loop: three shards (one with two threads) send each slot of the schedule once; merged = all samples, bucket for bucket', { timeout: 60_000 }, async () => {
    target.seqs.length = 0;
    const common = { target: url, payload: '{"seq": {{seq}}}', template: true, correlationPath: null, rate: 300, requests: 150, note: () => {} };
    const reports = await Promise.all(
      [1, 2, 3].map((index) =>
        runBench({ ...common, shard: { index, of: 3 }, rawPath: join(dir, `open-${index}.ndjson`), thresholds: ['p99<10s'], ...(index === 2 && { workers: 2 }) }),
      ),
    );
    assert.deepEqual([...target.seqs].sort((a, b) => a - b), Array.from({ length: 150 }, (_, seq) => seq), 'slots 0..149, each once');
    assert.deepEqual(reports.map((report) => report.phases[0]!.requests), [50, 50, 50]);
    assert.deepEqual(reports.map((report) => report.thresholds.length), [0, 0, 0], "a shard's thresholds wait for the merge");
    const merged = mergeReports(reports.map((report, index) => ({ source: `open-${index + 1}.json`, report })));
    const phase = merged.phases[0]!;
    assert.equal(phase.requests, 150);
    assert.equal(phase.outcomes.ok, 150);
    assert.equal(phase.status['200'], 150);
    assert.equal(phase.perSecond.reduce((sum, count) => sum + count, 0), 150, 'the per-second series adds up');
    assert.equal(merged.shards?.length, 3);
    assert.deepEqual(merged.thresholds.map((result) => [result.threshold, result.passed]), [['p99<10s', true]], 'judged once, on the whole run');
    const lines = (await Promise.all([1, 2, 3].map((index) => rawLines(join(dir, `open-${index}.ndjson`))))).flat();
    assert.equal(lines.length, 150);
    assertSameHistogram(phase.histograms.latency, phase.latencyUs, lines.map((line) => line.latencyMs!), 'latency');
    assertSameHistogram(phase.histograms.serviceTime, phase.serviceTimeUs, lines.map((line) => line.serviceTimeMs!), 'service time');
  });

  it('closed loop: concurrency and requests split over shards; call numbers never overlap', { timeout: 60_000 }, async () => {
    target.seqs.length = 0;
    const common = { target: url, payload: '{"seq": {{seq}}}', template: true, correlationPath: null, concurrency: 4, requests: 10, note: () => {} };
    const reports = await Promise.all([1, 2, 3].map((index) => runBench({ ...common, shard: { index, of: 3 } })));
    assert.deepEqual(reports.map((report) => report.phases[0]!.requests), [4, 3, 3]);
    assert.equal(new Set(target.seqs).size, 10, `distinct numbers: ${target.seqs.join(',')}`);
    assert.deepEqual(reports.map((report) => report.phases[0]!.load), [1, 2, 3].map(() => ({ kind: 'closed', concurrency: 4 })), 'each shard reports the whole run\'s load');
    const merged = mergeReports(reports.map((report, index) => ({ source: `closed-${index + 1}.json`, report })));
    assert.equal(merged.phases[0]!.requests, 10);
  });

  it('refuses shards that cannot be split or merged, naming why', async () => {
    const refused = async (args: string[], expected: RegExp) => {
      const result = await runLambench(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected);
    };
    await refused(['bench', url, '--rate', '5', '--shard', '4/3'], /--shard 4\/3 must be i\/n with 1 ≤ i ≤ n/);
    await refused(['bench', url, '--rate', '5', '--shard', 'two'], /--shard 'two' must be i\/n/);
    await refused(['bench', url, '--concurrency', '2', '--shard', '1/3'], /some shards get no calls in flight from --concurrency 2: give at least 3/);

    const report = (index: number, target = url, of = 2): ReportDocument => ({
      schemaVersion: 1,
      tool: { name: 'lambench', version: 'test' },
      startedAt: new Date().toISOString(),
      target,
      shard: { index, of },
      phases: [],
      thresholds: [],
      interrupted: false,
    });
    assert.throws(() => mergeReports([{ source: 'a', report: report(1) }, { source: 'b', report: report(2, 'other') }]), /b is not a shard of the same run as a: its target is "other"/);
    assert.throws(() => mergeReports([{ source: 'a', report: report(1) }, { source: 'b', report: report(1) }]), /b and a are both shard 1\/2/);
    assert.throws(() => mergeReports([{ source: 'a', report: report(1) }, { source: 'b', report: report(2, url, 3) }]), /its shard count is 3, not 2/);
    const notes: string[] = [];
    mergeReports([{ source: 'a', report: report(1, url, 3) }, { source: 'b', report: report(2, url, 3) }], (note) => notes.push(note));
    assert.deepEqual(notes, ['shard 3 of 3 missing: the merged figures cover 2 of 3 shares of the load']);
  });
});

describe("merging shards is the recorder's own merge", () => {
  /** Call `index` of a made-up run: mostly fast 200s; throttles, function errors, resets, unsent calls and timeouts among them; a REPORT line on each ok. */
  function call(index: number): { outcome: Outcome; latencyMs: number } {
    const serviceMs = 0.3 + ((index * 7919) % 4000) / 9;
    const base = { sentAt: 1_700_000_000_000 + index, serviceTimeMs: serviceMs, endedAt: 0, attempts: 1 };
    const queuedMs = (index % 7) * 0.4;
    const outcome: Outcome =
      index % 41 === 0 ? { ...base, class: 'networkError', attempts: 0, serviceTimeMs: 0, errorType: 'CredentialsProviderError', errorMessage: 'no credentials' }
      : index % 31 === 0 ? { ...base, class: 'networkError', errorType: 'ECONNRESET', errorMessage: 'socket hang up' }
      : index % 23 === 0 ? { ...base, class: 'functionError', statusCode: 200, functionError: 'Unhandled', payload: new TextEncoder().encode('{"errorType":"Boom","errorMessage":"boom"}') }
      : index % 17 === 0 ? { ...base, class: 'throttled', statusCode: 429, errorType: 'TooManyRequestsException', errorMessage: 'Rate exceeded' }
      : index % 53 === 0 ? { ...base, class: 'timeout', errorType: 'CutAtPhaseEnd', errorMessage: 'cut' }
      : { ...base, class: 'ok', statusCode: 200, logResult: `START\nREPORT RequestId: r-${index}\tDuration: ${(serviceMs / 2).toFixed(2)} ms\tBilled Duration: ${Math.ceil(serviceMs / 2)} ms\tMemory Size: 128 MB\tMax Memory Used: ${40 + (index % 13)} MB\t${index % 97 === 0 ? `Init Duration: ${(100 + index / 10).toFixed(2)} ms\t` : ''}\n` };
    return { outcome, latencyMs: serviceMs + queuedMs };
  }

  /** Records call `index` (and a dropped send every 61st) as the phase runner does, `at` ms after `recorder` started at `startedAt`. */
  function record(recorder: Recorder, index: number, at: number): void {
    const { outcome, latencyMs } = call(index);
    // The answer ended at `at` (the recorder measures an open loop's latency to where the call ended).
    recorder.record({ ...outcome, endedAt: epochAt(at) }, at - latencyMs, at);
    if (outcome.errorType === 'CutAtPhaseEnd') recorder.cutAtEnd += 1;
    if (index % 61 === 0) recorder.recordDropped(at);
  }

  const phase = (startedAt: number): PhaseTimings => ({ name: 'sync', invocationType: 'RequestResponse', load: { kind: 'open', rate: 1000, maxInFlight: 100 }, startedAt: new Date(startedAt).toISOString(), sentLate: 0, durationMs: 3000, throughputPerSecond: 0 });
  const recorded = (report: PhaseReport) => {
    const { requests, unsent, dropped, cutAtEnd, status, outcomes, latencyUs, serviceTimeUs, histograms, perSecond, lambda, errors } = report;
    return { requests, unsent, dropped, cutAtEnd, status, outcomes, latencyUs, serviceTimeUs, histograms, perSecond, lambda, errors: [...(errors ?? [])].sort((a, b) => a.type.localeCompare(b.type)) };
  };

  /**
   * A recorder's summary as it reads back from a histogram's encoding, which keeps each bucket's
   * count, not the exact extremes: the min is the bottom of its bucket, the max the top of its
   * bucket (at most 1/1024 of the value away: 3 significant digits), and so are the percentiles the
   * max clipped. Every merge decodes (a thread's interval, a shard's report), so a merged summary
   * is this, whichever way it was merged; counts, the mean and the other percentiles are exact.
   */
  function asEncoded(summary: LatencySummary | null): LatencySummary | null {
    if (!summary) return null;
    const bucket = (us: number) => {
      const histogram = createHistogram();
      histogram.recordValue(us);
      const back = decodeHistogram(encodeHistogram(histogram));
      return { bottom: back.minNonZeroValue, top: back.maxValue };
    };
    const { count, mean, min, p50, p90, p99, p999, max } = summary;
    return { count, mean, min: bucket(min).bottom, p50: bucket(p50).top, p90: bucket(p90).top, p99: bucket(p99).top, p999: bucket(p999).top, max: bucket(max).top };
  }
  const readBack = (figures: ReturnType<typeof recorded>) => ({
    ...figures,
    latencyUs: asEncoded(figures.latencyUs),
    serviceTimeUs: asEncoded(figures.serviceTimeUs),
    lambda: figures.lambda && {
      ...figures.lambda,
      durationUs: asEncoded(figures.lambda.durationUs),
      billedDurationUs: asEncoded(figures.lambda.billedDurationUs),
      initDurationUs: asEncoded(figures.lambda.initDurationUs),
    },
  });

  it('two shards merged give the numbers of one recorder that recorded every call: counts, percentiles, min, max, mean, per second, Lambda figures, error kinds', () => {
    // Prepare: 3000 calls, 1 ms apart, from 1 s to 4 s into the run; shard 1 (started at 0) takes the
    // even ones, shard 2 (started 1 s later, as a pod scheduled late) the odd ones; one recorder sees all.
    const runStart = Date.parse('2026-01-01T00:00:00.000Z');
    const whole = new Recorder();
    const shards = [new Recorder(), new Recorder()] as const;
    whole.start(0);
    shards[0].start(0);
    shards[1].start(1000);
    const samples = { latency: [] as number[], serviceTime: [] as number[] };
    for (let index = 0; index < 3000; index += 1) {
      const at = 1000 + index;
      record(whole, index, at);
      record(shards[index % 2]!, index, at);
      const { outcome, latencyMs } = call(index);
      if (outcome.attempts > 0) {
        samples.latency.push(latencyMs);
        samples.serviceTime.push(outcome.serviceTimeMs);
      }
    }
    const documents = shards.map((shard, index): ReportDocument => ({
      schemaVersion: 1,
      tool: { name: 'lambench', version: 'test' },
      startedAt: new Date(runStart + index * 1000).toISOString(),
      target: 'f',
      shard: { index: index + 1, of: 2 },
      phases: [phaseFromRecorder(shard, phase(runStart + index * 1000))],
      thresholds: [],
      interrupted: false,
    }));

    // Act: merged as `report --merge` does, from the files' JSON.
    const merged = mergeReports(documents.map((report, index) => ({ source: `shard-${index + 1}.json`, report: JSON.parse(JSON.stringify(report)) as ReportDocument })));

    // Assess: every recorded figure is the whole recorder's, and the counts are the loop's own.
    const phaseOfAll = phaseFromRecorder(whole, phase(runStart));
    const mergedPhase = merged.phases[0]!;
    assert.deepEqual(recorded(mergedPhase), readBack(recorded(phaseOfAll)));
    const count = (test: (index: number) => boolean) => Array.from({ length: 3000 }, (_, index) => index).filter(test).length;
    const unsent = count((index) => index % 41 === 0);
    assert.equal(mergedPhase.requests, 3000);
    assert.equal(mergedPhase.unsent, unsent);
    assert.equal(mergedPhase.dropped, count((index) => index % 61 === 0));
    assert.equal(mergedPhase.cutAtEnd, mergedPhase.outcomes.timeout);
    assert.equal(Object.values(mergedPhase.outcomes).reduce((total, n) => total + n, 0) - mergedPhase.dropped, 3000, 'one outcome a call');
    assert.deepEqual(mergedPhase.perSecond, [0, 1000, 1000, 1000], 'shard 2 lined up by its later start');
    assert.equal(mergedPhase.latencyUs?.count, 3000 - unsent);
    assert.deepEqual(
      mergedPhase.errors?.map((kind) => [kind.outcome, kind.type, kind.count]).sort(),
      [
        ['functionError', 'Boom', mergedPhase.outcomes.functionError],
        ['networkError', 'CredentialsProviderError', unsent],
        ['networkError', 'ECONNRESET', mergedPhase.outcomes.networkError - unsent],
        ['throttled', 'TooManyRequestsException', mergedPhase.outcomes.throttled],
        ['timeout', 'CutAtPhaseEnd', mergedPhase.outcomes.timeout],
      ].sort(),
    );
    assert.equal(mergedPhase.lambda?.reports, mergedPhase.outcomes.ok);
    assert.equal(mergedPhase.lambda?.coldStarts, count((index) => index % 97 === 0 && call(index).outcome.class === 'ok'));
    assert.equal(mergedPhase.lambda?.maxMemoryUsedMb, 52);
    // Percentiles, min, max and mean against the raw samples themselves, bucket for bucket.
    assertSameHistogram(mergedPhase.histograms.latency, mergedPhase.latencyUs, samples.latency, 'latency');
    assertSameHistogram(mergedPhase.histograms.serviceTime, mergedPhase.serviceTimeUs, samples.serviceTime, 'service time');

    // Worker threads' intervals through the same merge give the same figures.
    const threads = new Recorder();
    threads.start(0);
    const sender = new Recorder();
    sender.start(0);
    for (let index = 0; index < 3000; index += 1) {
      record(sender, index, 1000 + index);
      if (index % 700 === 0) threads.absorb(sender.takeInterval());
    }
    threads.absorb(sender.takeInterval());
    assert.deepEqual(recorded(phaseFromRecorder(threads, phase(runStart))), recorded(mergedPhase));
  });
});

describe('the Kubernetes Indexed Job example', () => {
  it("runs each pod's command as Kubernetes would (JOB_COMPLETION_INDEX 0..3), logs merged from stdout and stderr, then report --merge", { timeout: 90_000 }, async () => {
    const manifest = parseAllDocuments(await readFile(join(REPO_ROOT, 'examples', 'shards', 'kubernetes-indexed-job.yaml'), 'utf8')).map((document) => document.toJS());
    const configMap = manifest.find((document) => document.kind === 'ConfigMap');
    const job = manifest.find((document) => document.kind === 'Job');
    const container = job.spec.template.spec.containers[0];
    const shards = Number(container.env.find((variable: { name: string }) => variable.name === 'SHARDS').value);
    assert.equal(shards, job.spec.completions, 'SHARDS matches the completions');
    assert.equal(job.spec.completionMode, 'Indexed');
    const dir = await mkdtemp(join(tmpdir(), 'lambench-k8s-'));
    const target = seqServer(() => 1);
    try {
      // The shipped scenario is checked as it is; the run swaps in a local target, as a user's cluster has its own.
      const scenario = join(dir, 'scenario.yaml');
      await writeFile(scenario, configMap.data['scenario.yaml']);
      const check = await runLambench(['run', scenario, '--check']);
      assert.equal(check.code, 0, check.stderr);
      const url = await listen(target.server);
      await writeFile(scenario, `target: ${url}\npayload: {seq: "{{seq}}"}\nhttp: {correlationPath: null}\nload: {rate: 200, requests: 80}\nthresholds: ['errors<1%']\n`);
      const bin = join(dir, 'bin');
      await mkdir(bin);
      await writeFile(join(bin, 'lambench'), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'bin', 'lambench.js')}" "$@"\n`, { mode: 0o755 });
      const script = (container.args as string[]).join(' ').replace('/scenario/scenario.yaml', scenario);
      const logs = await Promise.all(
        Array.from({ length: shards }, (_, index) =>
          new Promise<string>((resolve, reject) => {
            // `kubectl logs` shows stdout and stderr together: so does this.
            const child = spawn('sh', ['-c', `${script} 2>&1`], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: String(index), SHARDS: String(shards) } });
            let output = '';
            child.stdout.on('data', (chunk) => (output += chunk));
            const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
            child.on('error', reject);
            child.on('close', (code) => {
              clearTimeout(timer);
              if (code === 0) resolve(output);
              else reject(new Error(`pod ${index} exited ${code}: ${output}`));
            });
          }),
        ),
      );
      const files = await Promise.all(logs.map(async (log, index) => {
        const file = join(dir, `shard-${index}.json`);
        await writeFile(file, `lambench: note: a line from stderr, as kubectl logs shows it\n${log}`);
        return file;
      }));
      const merged = await runLambench(['report', '--merge', ...files, '--json']);
      assert.equal(merged.code, 0, merged.stderr);
      const report = JSON.parse(merged.stdout);
      assert.equal(report.phases[0].requests, 80);
      assert.deepEqual(report.shards.map((shard: { shard: { index: number } }) => shard.shard.index).sort(), [1, 2, 3, 4]);
      assert.deepEqual([...target.seqs].sort((a, b) => a - b), Array.from({ length: 80 }, (_, seq) => seq));
    } finally {
      await new Promise<void>((resolve) => target.server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
