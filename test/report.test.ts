/**
 * `lambench report`: a saved report printed again, compared with another (better and worse
 * marked), written as .hgrm, merged from shard files on the command line, and bad files refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareReports } from '../src/report/compare.js';
import { runLambench } from './helpers.js';

function delayServer(delayMs: number, failEvery = 0): Server {
  let count = 0;
  return createServer((req, res) => {
    req.resume();
    count += 1;
    const fail = failEvery > 0 && count % failEvery === 0;
    setTimeout(() => {
      res.statusCode = fail ? 500 : 200;
      res.end('{}');
    }, delayMs);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('lambench report', () => {
  let dir: string;
  const fast = delayServer(2);
  const slow = delayServer(40, 5);
  let fastUrl = '';
  let slowUrl = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-report-'));
    [fastUrl, slowUrl] = await Promise.all([listen(fast), listen(slow)]);
  });
  after(async () => {
    await Promise.all([fast, slow].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
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
    const json = await runLambench(['report', fastRun.out, '--compare', slowRun.out, '--json']);
    const rows = JSON.parse(json.stdout).figures as { figure: string; verdict: string }[];
    assert.equal(rows.find((row) => row.figure === 'latency p50')?.verdict, 'better');
    assert.equal(rows.find((row) => row.figure === 'errors')?.verdict, 'better');
    // The verdict logic on its own: equal figures are the same, and n/a where one side has none.
    const doc = JSON.parse(await readFile(fastRun.out, 'utf8'));
    assert.ok(compareReports(doc, doc).every((row) => row.verdict === 'same' || row.verdict === 'n/a'));
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
      await new Promise<void>((resolve) => missing.close(() => resolve()));
    }
  });

  it('bench exits 3 when no call reached the target (nothing listens there), unsent calls leaving the latency empty', async () => {
    const gone = createServer();
    const url = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
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
