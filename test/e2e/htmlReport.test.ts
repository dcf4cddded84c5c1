/**
 * The HTML report: rendered from a real sync + async run on the local stack, against a function
 * whose error message is markup, and opened in a real Chromium (Debian's, driven by
 * playwright-core). The plots are there with one line per series, the figures match the report,
 * no script from the report runs, and nothing is fetched from anywhere.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../src/local/index.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { percentileCurve, renderHtmlReport, stepPoints } from '../../src/report/html/index.js';
import { readReport } from '../../src/report/readReport.js';
import { formatLatencyUs } from '../../src/latencyText.js';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { runLambench } from '../support/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/lambench-report.png';

/** What the function throws: it would set the title and window.__pwned if it ever ran. */
const HOSTILE_MESSAGE = '<script>document.title="pwned";window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const HOSTILE_TYPE = '<svg onload="window.__pwned=3">';
/** A template: {{seq}} numbers the calls of each phase 0, 1, 2… so the handler fails the same ones in both. */
const HOSTILE_PAYLOAD = '{"seq": {{seq}}, "note": "</pre><script>window.__pwned=4</script>"}';
const CALLS = 200;

/** Calls that fail every attempt (async: end in the DLQ), and calls that fail only their first attempt. */
const failsAlways = (seq: number) => seq % 5 === 2;
const failsFirstAttempt = (seq: number) => seq % 7 === 3 && !failsAlways(seq);

/**
 * Deterministic by call number: every 10th call slow (25 ms), the rest 1 to 5 ms; the failing ones
 * throw with markup in their message and type. An async retry keeps its request ID, so the
 * handler counts attempts by it, on globalThis: each execution environment has its own module.
 */
const HANDLER = `
export const handler = async (event, context) => {
  const attempts = (globalThis.hostileAttempts ??= new Map());
  const attempt = (attempts.get(context.awsRequestId) ?? 0) + 1;
  attempts.set(context.awsRequestId, attempt);
  const seq = event.seq;
  await new Promise((resolve) => setTimeout(resolve, seq % 10 === 0 ? 25 : 1 + (seq % 5)));
  if (${failsAlways.toString().replace(/^.*=> /, '')} || (seq % 7 === 3 && attempt === 1)) {
    const error = new Error(${JSON.stringify(HOSTILE_MESSAGE)});
    error.name = ${JSON.stringify(HOSTILE_TYPE)};
    throw error;
  }
  return { seq, attempt };
};
`;

const countOf = (predicate: (seq: number) => boolean) => Array.from({ length: CALLS }, (_, seq) => seq).filter(predicate).length;

function chromiumOrSkip(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  t.skip(`${CHROMIUM} is not installed (apt-get install chromium): the page cannot be opened in a browser here`);
  return false;
}

interface PageVisit {
  errors: string[];
  requests: string[];
  /** Elements that could load something: none may exist. */
  loaders: number;
  pwned: unknown;
  title: string;
  text: string;
  screenshot: Buffer;
}

/** Opens the page from a file, as a user would, and collects what went wrong and what was fetched. */
async function visit(browser: Browser, path: string, inspect?: (page: Page) => Promise<void>): Promise<PageVisit> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  try {
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    await inspect?.(page);
    return {
      errors,
      requests,
      loaders: await page.locator('[src], [href], [srcset], link, script, img, iframe, object, embed, use, image').count(),
      pwned: await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
      title: await page.title(),
      text: await page.innerText('body'),
      screenshot: await page.screenshot({ fullPage: true }),
    };
  } finally {
    await page.close();
  }
}

function assertPng(image: Buffer): void {
  assert.deepEqual([...image.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  const width = image.readUInt32BE(16);
  const height = image.readUInt32BE(20);
  assert.ok(width >= 1000 && height >= 2000, `the full page is ${width}×${height}: every section is drawn`);
  assert.ok(image.length > 50_000, `${image.length} bytes: a page with plots, not a blank one`);
}

function assertSafe(visit: PageVisit, path: string): void {
  assert.deepEqual(visit.errors, [], 'no console errors (a CSP violation is one) and no page errors');
  assert.deepEqual(visit.requests, [pathToFileURL(path).href], 'only the page itself is loaded: no fonts, scripts, images or beacons');
  assert.equal(visit.loaders, 0, 'no element that loads anything');
  assert.equal(visit.pwned, undefined, 'no script or handler from the report ran');
  assert.notEqual(visit.title, 'pwned');
}

describe('HTML report of a real sync + async run', () => {
  let dir: string;
  let stack: LocalStack;
  let browser: Browser | undefined;
  let report: ReportDocument;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-html-'));
    const functions = join(dir, 'functions');
    await mkdir(functions);
    await writeFile(join(functions, 'hostile.mjs'), HANDLER);
    stack = await startLocalStack({ functionsDir: functions, timeScale: 0.001 });
    const out = join(dir, 'report.json');
    const result = await runLambench(
      [
        'bench', 'hostile', '--type', 'sync,async', '--rate', '100', '--requests', String(CALLS), '--payload', HOSTILE_PAYLOAD, '--template', '--log-type', 'Tail',
        '--verify-delivery', '--destination-queue', stack.queues['lambench-success']!, '--dlq', stack.queues['lambench-dlq']!, '--settle', '20s',
        '--threshold', 'p99<1ms', '--threshold', 'sync:errors<50%', '--out', out,
      ],
      { env: stack.env, timeoutMs: 60_000 },
    );
    assert.equal(result.code, 1, `thresholds p99<1ms fails: exit 1\n${result.stderr}`);
    report = await readReport(out);
    if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'], timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the run gave what the page must show: both phases, failures with markup, delivery with retries', () => {
    const [sync, async] = report.phases;
    assert.equal(sync!.invocationType, 'RequestResponse');
    assert.equal(async!.invocationType, 'Event');
    const syncFailures = countOf((seq) => failsAlways(seq) || failsFirstAttempt(seq));
    assert.deepEqual(sync!.errors, [{ outcome: 'functionError', type: HOSTILE_TYPE, count: syncFailures, example: HOSTILE_MESSAGE }]);
    assert.equal(sync!.outcomes.ok, CALLS - syncFailures);
    const delivery = async!.delivery!;
    assert.equal(async!.requests, CALLS);
    assert.equal(delivery.accepted, CALLS);
    assert.deepEqual([delivery.succeeded, delivery.failed, delivery.missing], [CALLS - countOf(failsAlways), countOf(failsAlways), 0]);
    // Failures reach the DLQ (watched) and the on-failure queue (not watched): the DLQ does not say how many attempts.
    assert.deepEqual(delivery.attempts, { 1: CALLS - countOf(failsAlways) - countOf(failsFirstAttempt), 2: countOf(failsFirstAttempt), unknown: countOf(failsAlways) });
    assert.ok(report.config!.payload.text.includes('<script>'));
  });

  it('the percentile curve is the histogram: its p99 is the report’s, its last point the max at 1 - 1/count', () => {
    for (const phase of report.phases) {
      const curve = percentileCurve(phase.histograms.latency, phase.latencyUs!.max)!;
      const histogram = decodeHistogram(phase.histograms.latency);
      const at = (position: number) => Math.round(curve.find(([x]) => Math.abs(x - position) < 1e-9)![1] * 1000);
      assert.equal(at(0.3), Math.min(phase.latencyUs!.max, histogram.getValueAtPercentile(100 * (1 - 10 ** -0.3))), 'x = 0.3 is p49.9');
      assert.equal(at(2), phase.latencyUs!.p99, 'x = 2 is p99, the report’s own p99');
      assert.deepEqual(curve.at(-1), [Math.log10(phase.requests), phase.latencyUs!.max / 1000], 'the line ends at 1 - 1/count with the max');
      assert.equal(curve.length, Math.ceil(Math.log10(phase.requests) / 0.025) + 1);
    }
  });

  it('renders in Chromium: plots, figures that match the report, markup shown as text, nothing run, nothing fetched', async (t) => {
    if (!chromiumOrSkip(t)) return;
    const path = join(dir, 'report.html');
    await writeFile(path, renderHtmlReport(report));
    const [sync, async] = report.phases;
    const page = await visit(browser!, path, async (view) => {
      const series = await view.$$eval('#latency svg.plot g.series', (groups) => groups.map((group) => ({ name: group.getAttribute('data-series'), paths: group.querySelectorAll('path').length })));
      assert.deepEqual(series, [
        { name: 'sync: latency', paths: 1 },
        { name: 'sync: service time', paths: 1 },
        { name: 'async: accepted (202)', paths: 1 },
        { name: 'async: service time', paths: 1 },
        { name: 'async: end-to-end (send → completion: a record, or the last REPORT)', paths: 1 },
      ]);
      const ticks = await view.$$eval('#latency svg.plot .axes > g > text', (texts) => texts.map((text) => text.textContent));
      for (const label of ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%']) assert.ok(ticks.includes(label), `x tick ${label}`);
      assert.equal(await view.locator('#throughput svg.plot g.series path').count(), 2, 'one throughput line per phase');
      assert.equal(await view.locator('#outcomes svg.bars rect').count(), Object.values(sync!.outcomes).filter((n) => n > 0).length + Object.keys(sync!.status).length + Object.values(async!.outcomes).filter((n) => n > 0).length + Object.keys(async!.status).length);
      const funnel = await view.$$eval('#delivery svg.funnel .funnel-row', (rows) => rows.map((row) => [row.getAttribute('data-stage'), row.querySelector('.funnel-value')!.firstChild!.textContent]));
      const delivery = async!.delivery!;
      assert.deepEqual(funnel, [
        ['sent', async!.requests + async!.dropped],
        ['accepted', delivery.accepted],
        ['succeeded', delivery.succeeded],
        ['failed', delivery.failed],
        ['missing', delivery.missing],
      ].map(([stage, count]) => [stage, count!.toLocaleString('en-US')]));
      assert.equal(await view.locator('#delivery svg.attempts .attempt-bar').count(), Object.keys(delivery.attempts).length);
      const summary = await view.$$eval('table.summary tbody tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent!.trim())));
      const row = (label: string) => summary.find(([first]) => first === label)!.slice(1);
      assert.deepEqual(row('calls'), [String(sync!.requests), String(async!.requests)]);
      assert.deepEqual(row('latency p99'), [sync!.latencyUs!.p99, async!.latencyUs!.p99].map(formatLatencyUs));
      assert.deepEqual(row('cold starts'), [String(sync!.lambda!.coldStarts), '—']);
      assert.deepEqual(row('delivered'), ['—', `${delivery.succeeded}/${delivery.accepted}`]);
      const verdicts = await view.$$eval('.thresholds li', (items) => items.map((item) => [item.className, item.querySelector('code')!.textContent]));
      assert.deepEqual(verdicts, report.thresholds.map((result) => [result.passed ? 'pass' : 'fail', result.threshold]));
    });
    assertSafe(page, path);
    assert.ok(page.text.includes(HOSTILE_MESSAGE), 'the error message is shown, as text');
    assert.ok(page.text.includes(HOSTILE_TYPE), 'the error type is shown, as text');
    assert.ok(page.text.includes('</pre><script>window.__pwned=4</script>'), 'the payload is shown, as text');
    assertPng(page.screenshot);
    await writeFile(SCREENSHOT, page.screenshot);
    assert.ok((await stat(SCREENSHOT)).size > 50_000);
  });

  it('every string of a report is text: a report doctored with markup in each field runs nothing', async (t) => {
    if (!chromiumOrSkip(t)) return;
    const markup = (n: number) => `<script>window.__pwned=${n}</script><img src=x onerror=window.__pwned=${n}>"'`;
    const doctored = structuredClone(report);
    doctored.target = markup(10);
    doctored.interrupted = true;
    doctored.shard = { index: 1, of: 2 };
    doctored.thresholds = doctored.thresholds.map((result) => ({ ...result, threshold: markup(11), phase: markup(12) }));
    doctored.config = { ...doctored.config!, target: markup(13), phases: [markup(14)], thresholds: [markup(15)], profile: markup(16), endpointUrl: markup(17), region: markup(18) };
    doctored.config.delivery = { destinationQueue: markup(19), dlq: markup(20), settleMs: 1000 };
    const [sync, async] = doctored.phases;
    sync!.name = markup(21);
    sync!.status = { [markup(22)]: 3, ...sync!.status };
    sync!.loadNote = markup(23);
    sync!.errors = [{ outcome: 'functionError', type: markup(24), count: 1, example: markup(25) }];
    async!.delivery!.attempts = { [markup(26)]: 2, ...async!.delivery!.attempts };
    async!.delivery!.missingExamples = [{ requestId: markup(27) }];
    const html = renderHtmlReport(doctored);
    assert.equal(html.match(/<script/gi), null, 'no script element at all');
    const path = join(dir, 'doctored.html');
    await writeFile(path, html);
    const page = await visit(browser!, path);
    assertSafe(page, path);
    for (let n = 10; n <= 27; n += 1) assert.ok(page.text.includes(markup(n)), `field ${n} shown as text`);
    assert.match(page.text, /Interrupted\./);
  });

  it('throughput: the last, partial second is a rate over its real length, or left out when too short to say much', () => {
    const tail = 2300 / 1000 - 2;
    assert.deepEqual(stepPoints([100, 100, 30], 2300), [[0, 100], [1, 100], [1, 100], [2, 100], [2, 30 / tail], [2 + tail, 30 / tail]]);
    assert.ok(Math.abs(30 / tail - 100) < 1e-6, '30 calls in 0.3 s is the same 100/s');
    assert.deepEqual(stepPoints([100, 100, 3], 2100), [[0, 100], [1, 100], [1, 100], [2, 100]], 'a tail of 0.1 s is not drawn');
    assert.deepEqual(stepPoints([100, 100], 2000), [[0, 100], [1, 100], [1, 100], [2, 100]], 'whole seconds stay as counted');
  });

  it('a merged report says so, counts its interrupted shards and lists each', () => {
    const merged: ReportDocument = { ...structuredClone(report), shards: [
      { shard: { index: 1, of: 2 }, startedAt: report.startedAt, interrupted: false },
      { shard: { index: 2, of: 2 }, startedAt: report.startedAt, interrupted: true },
    ] };
    const html = renderHtmlReport(merged);
    assert.match(html, /Merged from 2 shards\.<\/strong> 1 of them interrupted\./);
    assert.equal(html.match(/<td>[12]\/2<\/td>/g)?.length, 2, 'one row per shard');
  });

  it('an old report (no config, errors, startedAt, delivery or lambda histograms) still renders', async (t) => {
    const old: ReportDocument = structuredClone(report);
    delete old.config;
    delete old.client;
    delete (old as Partial<ReportDocument>).startedAt;
    for (const phase of old.phases) {
      delete phase.errors;
      delete phase.startedAt;
      delete phase.delivery;
      delete phase.lambda?.histograms;
    }
    const html = renderHtmlReport(old);
    assert.match(html, /not recorded/);
    assert.doesNotMatch(html, /id="delivery"/);
    if (!chromiumOrSkip(t)) return;
    const path = join(dir, 'old.html');
    await writeFile(path, html);
    assertSafe(await visit(browser!, path), path);
  });
});
