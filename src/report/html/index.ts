/**
 * The report as one self-contained HTML page to share: inline CSS and inline SVG drawn here in
 * Node, no script, nothing fetched when it is viewed (its Content-Security-Policy forbids it).
 * Reads only the report document; the HdrHistograms are decoded here, at render time.
 *
 * Every string in a report is untrusted (a function's error message, a payload, a queue URL), so
 * markup is only ever made by `el` (markup.ts), which escapes every text child and attribute value
 * it is given.
 *
 * This file lays out the page: its head, header, banners and the order of its sections. Each section
 * is drawn in its own file: headline.ts, percentiles.ts, throughput.ts, concurrency.ts, outcomes.ts, delivery.ts,
 * queue.ts (with queueMessages.ts and queueDepth.ts) and tables.ts (summary, thresholds, failures,
 * configuration, shards), on plot.ts (frames, axes, lines), bars.ts (funnels, columns of counts),
 * colours.ts, format.ts and stylesheet.ts.
 */
import type { ReportDocument } from '../reportDocument.js';
import { el, Html, type Child } from './markup.js';
import { headlineCards } from './headline.js';
import { percentilePlot } from './percentiles.js';
import { throughputPlot } from './throughput.js';
import { outcomeBars } from './outcomes.js';
import { concurrencyPlot } from './concurrency.js';
import { deliveryBlock } from './delivery.js';
import { queueBlock } from './queue.js';
import { clientBlock, configurationBlock, failureTable, phaseNotes, shardTable, summaryTable, thresholdList } from './tables.js';
import { formatTimestamp } from './format.js';
import { STYLESHEET } from './stylesheet.js';

export { escapeHtml } from './markup.js';
export { percentileCurve } from './percentiles.js';
export { stepPoints } from './throughput.js';

const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderHtmlReport(report: ReportDocument): string {
  const phases = report.phases ?? [];
  const body = el(
    'main',
    {},
    header(report),
    report.interrupted ? interruptedBanner() : null,
    shardNote(report),
    headlineCards(phases),
    section('Latency by percentile', 'latency', percentilePlot(phases)),
    section('Throughput over time', 'throughput', throughputPlot(phases)),
    phases.some((phase) => phase.logs?.concurrency) ? section('Concurrency over time (logs)', 'concurrency', phases.map(concurrencyPlot)) : null,
    section('Outcomes and status codes', 'outcomes', phases.map(outcomeBars)),
    phases.some((phase) => phase.delivery) ? section('Async delivery', 'delivery', phases.map(deliveryBlock)) : null,
    phases.some((phase) => phase.queue) ? section('Queue', 'queue', phases.map(queueBlock)) : null,
    section('Summary', 'summary', summaryTable(phases), phaseNotes(phases, report.config), clientBlock(report.client)),
    (report.thresholds ?? []).length > 0 ? section('Thresholds', 'thresholds', thresholdList(report)) : null,
    phases.some((phase) => (phase.errors ?? []).length > 0) ? section('Failures', 'failures', failureTable(phases)) : null,
    section('Configuration', 'configuration', configurationBlock(report)),
    report.shards ? section('Shards', 'shards', shardTable(report.shards)) : null,
    el('footer', {}, `Made by ${report.tool?.name ?? 'lambench'} ${report.tool?.version ?? ''} · report schema ${report.schemaVersion}`),
  );
  const head = el(
    'head',
    {},
    el('meta', { charset: 'utf-8' }),
    el('meta', { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }),
    el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el('meta', { name: 'referrer', content: 'no-referrer' }),
    el('title', {}, `lambench: ${report.target}`),
    el('style', {}, new Html(STYLESHEET)),
  );
  return `<!doctype html>\n${el('html', { lang: 'en' }, head, el('body', {}, body)).markup}\n`;
}

function section(title: string, id: string, ...content: Child[]): Html {
  return el('section', { id }, el('h2', {}, title), content);
}

function header(report: ReportDocument): Html {
  const started = report.startedAt ? formatTimestamp(report.startedAt) : undefined;
  const facts = [
    started && `started ${started}`,
    `${report.phases.length} phase${report.phases.length === 1 ? '' : 's'}: ${report.phases.map((phase) => phase.name).join(', ')}`,
    report.tool?.version && `lambench ${report.tool.version}`,
  ].filter(Boolean);
  return el('header', {}, el('p', { class: 'brand' }, 'lambench report'), el('h1', {}, report.target), el('p', { class: 'facts' }, facts.join(' · ')));
}

function interruptedBanner(): Html {
  return el('div', { class: 'banner interrupted', role: 'alert' }, el('strong', {}, 'Interrupted.'), ' The run was stopped before its end: the figures cover only what was measured.');
}

function shardNote(report: ReportDocument): Child {
  if (report.shard) {
    return el('div', { class: 'banner shard' }, el('strong', {}, `Shard ${report.shard.index}/${report.shard.of}.`), " Part of a larger run: merge the shards' reports (lambench report --merge) to see the whole run and judge its thresholds.");
  }
  if (report.shards) {
    const interrupted = report.shards.filter((shard) => shard.interrupted).length;
    return el('div', { class: 'banner shard' }, el('strong', {}, `Merged from ${report.shards.length} shards.`), interrupted > 0 ? ` ${interrupted} of them interrupted.` : '');
  }
  return null;
}
