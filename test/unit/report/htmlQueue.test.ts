/**
 * The HTML report of a queue phase (messages sent to a queue an event source mapping reads),
 * rendered from a report document made here by hand, as `bench <queue> --verify-delivery` writes
 * one: 1,000 messages sent at 100/s, 900 processed, 100 dead-lettered after 3 or 4 receives,
 * 20 depth readings. No real part is needed to draw a page from a document; the run that makes
 * such a document is tested in the queue tests. The mapped function's name is markup.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { QueueDeliveryReport } from '../../../src/delivery/queueDelivery.js';
import type { DepthSample } from '../../../src/delivery/queueDepth.js';
import type { QueueWiring } from '../../../src/discovery/queueWiring.js';
import { createHistogram, encodeHistogram, recordMs, summarize } from '../../../src/metrics/histogram.js';
import { formatLatencyUs } from '../../../src/latencyText.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import type { PhaseReport, ReportDocument } from '../../../src/report/reportDocument.js';

const HOSTILE_NAME = '<script>window.__pwned=1</script>';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq';
const STARTED = Date.parse('2026-03-02T10:00:00.000Z');

/** Deterministic latencies (ms) around `base`, every tenth slower. */
function histogramOf(count: number, base: number) {
  const histogram = createHistogram();
  for (let n = 0; n < count; n++) recordMs(histogram, base + (n % 10 === 0 ? base * 3 : (n % 17) * base * 0.05));
  return { encoded: encodeHistogram(histogram), summary: summarize(histogram)! };
}

/**
 * One reading a second, the first 13 ms after the sampler started (just before the first send at
 * 50 ms): while sending, the backlog grows (delayed by the queue's 2 s delay, then visible, five
 * batches of 10 in flight); after the last send at 10.05 s it drains, empty at the 18th second.
 */
function depthSamples(): DepthSample[] {
  return Array.from({ length: 20 }, (_, second) => ({
    atMs: 13 + second * 1000,
    visible: second <= 10 ? second * 30 : Math.max(0, 300 - (second - 10) * 60),
    inFlight: second === 0 ? 0 : second <= 15 ? 50 : second === 16 ? 30 : second === 17 ? 10 : 0,
    delayed: second >= 1 && second <= 10 ? 200 : 0,
  }));
}

function wiring(): QueueWiring {
  return {
    queueUrl: QUEUE_URL,
    queueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    fifo: false,
    visibilityTimeoutSeconds: 30,
    delaySeconds: 2,
    maximumMessageBytes: 262_144,
    redrive: { dlqArn: 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq', dlqUrl: DLQ_URL, maxReceiveCount: 3 },
    mappings: [
      { uuid: 'a1b2c3d4-0000-4000-8000-000000000001', functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${HOSTILE_NAME}`, state: 'Enabled', batchSize: 10, batchingWindowSeconds: 0, maximumConcurrency: 5, reportBatchItemFailures: false, functionTimeoutSeconds: 10 },
      { uuid: 'a1b2c3d4-0000-4000-8000-000000000002', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-audit', state: 'Disabled', batchSize: 100, batchingWindowSeconds: 5, reportBatchItemFailures: true },
    ],
    warnings: [
      `the visibility timeout (30 s) is under 6 × ${HOSTILE_NAME}'s timeout (10 s → 60 s), as AWS advises: a batch still being processed (or retried after a throttle) can become visible again and run twice`,
      `the mapping to ${HOSTILE_NAME} does not report batch item failures (FunctionResponseTypes ReportBatchItemFailures): one failing record returns its whole batch to the queue, successes included`,
      'maxReceiveCount is 3: AWS advises at least 5, so that a throttled or briefly failing message gets its retries before it is dead-lettered',
    ],
    unknown: ["orders-audit's timeout (AccessDeniedException), so the visibility timeout is not checked against it"],
  };
}

function queueDelivery(): QueueDeliveryReport {
  const samples = depthSamples();
  return {
    sent: 1000,
    processed: 900,
    processedDerived: true,
    deadLettered: 100,
    remaining: 0,
    remainingDetail: { visible: 0, inFlight: 0, delayed: 0 },
    unaccounted: 0,
    receiveCounts: { '3': 70, '4': 30 },
    depth: { startedAt: STARTED - 50, intervalMs: 1000, samples, baseline: 0, last: samples.at(-1)!, lastSendToEmptyMs: 7_963, drainPerSecond: 1000 / 17.963, failedReads: 0 },
    dlqUrl: DLQ_URL,
    foreignMessages: 0,
    duplicates: 0,
  };
}

function queueReport(): ReportDocument {
  const latency = histogramOf(1000, 12);
  const phase: PhaseReport = {
    name: 'queue',
    invocationType: 'Event',
    load: { kind: 'open', rate: 100, maxInFlight: 200 },
    startedAt: new Date(STARTED).toISOString(),
    loadNote: "open loop at 100/s: latency measured from each call's intended send time (coordinated-omission free); calls that could not start with 200 in flight are counted as dropped",
    requests: 1000,
    dropped: 0,
    sentLate: 0,
    durationMs: 10_060,
    sendWindowMs: 10_000,
    throughputPerSecond: 100,
    offeredPerSecond: 100,
    status: { '200': 1000 },
    outcomes: { ok: 1000, functionError: 0, throttled: 0, httpError: 0, networkError: 0, timeout: 0, dropped: 0 },
    latencyUs: latency.summary,
    serviceTimeUs: latency.summary,
    histograms: { latency: latency.encoded, serviceTime: latency.encoded },
    perSecond: [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0],
    queue: { wiring: wiring(), delivery: queueDelivery() },
  };
  return {
    schemaVersion: 1,
    tool: { name: 'lambench', version: '0.1.0' },
    startedAt: new Date(STARTED).toISOString(),
    target: QUEUE_URL,
    phases: [phase],
    thresholds: [],
    interrupted: false,
  };
}

/** The page's text: each tag a space, entities read back, spaces collapsed. */
function textOf(html: string): string {
  const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
  return html.replace(/<[^>]*>/g, ' ').replace(/&(lt|gt|quot|#39|amp);/g, (entity) => entities[entity]!).replace(/\s+/g, ' ').trim();
}

/** The markup of the first element opened by `opening` (a regex source), through its closing tag. */
function elementOf(html: string, opening: string, tag: string): string {
  const start = html.search(new RegExp(opening));
  assert.ok(start >= 0, `${opening} is on the page`);
  let depth = 0;
  const pattern = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  pattern.lastIndex = start;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0) return html.slice(start, pattern.lastIndex);
  }
  assert.fail(`${opening} is never closed`);
}

describe('HTML report of a queue phase', () => {
  const report = queueReport();
  const html = renderHtmlReport(report);
  const section = elementOf(html, '<section id="queue">', 'section');

  it('labels the phase by what it sent: queue (SendMessage), never (Event)', () => {
    const text = textOf(html);
    assert.ok(text.includes('queue (SendMessage)'));
    assert.doesNotMatch(text, /\(Event\)/);
    assert.match(text, /queue: SendMessage/, 'the latency line is the SendMessage call, not an accepted 202');
    const card = elementOf(html, '<div class="card"', 'div');
    assert.match(textOf(card), /processed \(derived\) 90\.0%/);
  });

  it('shows what read the queue, its settings, the warnings highlighted and the unknowns', () => {
    const mappings = elementOf(section, '<table class="mappings">', 'table');
    const rows = [...mappings.matchAll(/<tr>(.*?)<\/tr>/gs)].slice(1).map(([, row]) => [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map(([, cell]) => textOf(cell!)));
    assert.deepEqual(rows, [
      [HOSTILE_NAME, 'Enabled', '10', 'none', '5', 'no', '10 s'],
      ['orders-audit', 'Disabled', '100', '5 s', 'not set', 'yes', 'unknown'],
    ]);
    const text = textOf(section);
    for (const fact of ['FIFO no (standard queue)', 'visibility timeout 30 s', 'delivery delay 2 s', `dead-letter queue ${DLQ_URL} after 3 receives (maxReceiveCount)`]) assert.ok(text.includes(fact), fact);
    const warnings = elementOf(section, '<ul class="callouts warnings">', 'ul');
    assert.equal(warnings.match(/<li>/g)?.length, 3);
    assert.ok(textOf(warnings).includes(`Warning: the mapping to ${HOSTILE_NAME} does not report batch item failures`));
    assert.ok(textOf(elementOf(section, '<ul class="callouts unknowns">', 'ul')).includes("Unknown: orders-audit's timeout (AccessDeniedException)"));
  });

  it('reconciles sent = processed (derived) + dead-lettered + still in the queue, in words and in a funnel', () => {
    assert.equal(textOf(elementOf(section, '<p class="equation">', 'p')), 'sent 1,000 = processed 900 (derived) + dead-lettered 100 + still in the queue 0');
    assert.match(textOf(elementOf(section, '<p class="derived-note">', 'p')), /^processed = sent − dead-lettered − still in the queue ?: processed is derived from the counts \(no --output-queue/);
    const funnel = elementOf(section, '<svg class="funnel"', 'svg');
    const stages = [...funnel.matchAll(/data-stage="([^"]*)".*?class="funnel-value"[^>]*>([\d,]+)/g)].map(([, stage, count]) => [stage, count]);
    assert.deepEqual(stages, [['sent', '1,000'], ['processed (derived)', '900'], ['dead-lettered', '100'], ['still in the queue', '0']]);
    assert.match(funnel, /fill-opacity="0\.4"[^>]*stroke-dasharray/, 'the derived bar is drawn faded and dashed');
  });

  it('draws the receive counts of the dead-lettered messages and the processed latency when it was measured', () => {
    const receives = elementOf(section, '<svg class="receives"', 'svg');
    const columns = [...receives.matchAll(/class="receive-bar" data-key="(\d+)">.*?<title>(.*?)<\/title>/g)].map(([, key, title]) => [key, title]);
    assert.deepEqual(columns, [['3', '3 receive(s): 70'], ['4', '4 receive(s): 30']]);
    const text = textOf(section);
    assert.ok(text.includes('processed end-to-end p50 / p90 / p99 not measured: no output queue'));
    assert.ok(text.includes('drained 55.7 messages/s'));
    assert.ok(text.includes('empty again 7.96 s after the last send'));

    const measured = queueReport();
    const endToEnd = histogramOf(900, 800);
    Object.assign(measured.phases[0]!.queue!.delivery!, { processedDerived: false, endToEnd: endToEnd.summary, endToEndHistogram: endToEnd.encoded, outputQueueUrl: `${QUEUE_URL}-out` });
    const page = renderHtmlReport(measured);
    const { p50, p90, p99 } = endToEnd.summary;
    assert.ok(textOf(page).includes(`processed end-to-end p50 / p90 / p99 ${formatLatencyUs(p50)} / ${formatLatencyUs(p90)} / ${formatLatencyUs(p99)} (900 messages, send → output record)`));
    assert.equal(textOf(elementOf(page, '<p class="equation">', 'p')), 'sent 1,000 = processed 900 + dead-lettered 100 + still in the queue 0');
    assert.doesNotMatch(textOf(elementOf(page, '<main>', 'main')), /derived/, 'nowhere on the page');
    assert.match(page, /data-series="queue: processed end-to-end \(send → output record\)"/, 'and its percentile line');
  });

  it('plots the depth: a point per reading, the bands stacked, the baseline and the sending marked', () => {
    const figure = elementOf(section, '<figure class="queue-depth"', 'figure');
    assert.match(figure, /data-samples="20"/);
    const total = /data-series="total \(visible \+ in flight \+ delayed\)"><path d="([^"]+)"/.exec(figure)?.[1];
    assert.ok(total, 'the total line');
    assert.equal(total.match(/[ML]/g)!.length, 20, 'one point per reading');
    assert.equal(figure.match(/class="depth-point"/g)?.length, 20);
    assert.deepEqual([...figure.matchAll(/data-band="(\w+)"/g)].map(([, band]) => band), ['visible', 'inFlight', 'delayed']);
    // Bands are stacked: the top of the last is the total, at every reading.
    const delayed = /data-band="delayed" d="M([^"]+)"/.exec(figure)![1]!;
    assert.deepEqual(delayed.split(' L').slice(0, 20), total.slice(1).split(' L'));
    assert.match(figure, /data-series="depth before the run \(0\)"><path d="M[\d.]+ ([\d.]+) L[\d.]+ \1"/, 'the baseline, flat across');
    assert.match(figure, /<g class="sending"><rect x="[\d.]+"[^>]*><title>messages sent from 0\.1 s to 10\.1 s<\/title>/);
  });

  it('escapes every string it shows: a function named <script> is text', () => {
    assert.equal(html.match(/<script/gi), null, 'no script element at all');
    assert.ok(section.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'));
  });

  it('a report without a queue phase has no queue section', () => {
    const plain = queueReport();
    delete plain.phases[0]!.queue;
    const page = renderHtmlReport(plain);
    assert.doesNotMatch(page, /id="queue"|queue-depth|SendMessage|class="equation"/);
    assert.match(textOf(page), /queue \(Event\)/);
  });

  it('writes the page for a look (chromium --headless --screenshot)', async () => {
    await writeFile(join(tmpdir(), 'lambench-queue.html'), html);
  });
});
