/**
 * The report as one self-contained HTML page to share: inline CSS and inline SVG drawn here in
 * Node, no script, nothing fetched when it is viewed (its Content-Security-Policy forbids it).
 * Reads only the report document; the HdrHistograms are decoded here, at render time.
 *
 * Every string in a report is untrusted (a function's error message, a payload, a queue URL), so
 * markup is only ever made by `el`, which escapes every text child and attribute value it is given.
 */
import { foreignNote, type DeliveryReport } from '../../delivery/deliveryReport.js';
import { decodeHistogram } from '../../metrics/histogram.js';
import { clientWarnings, loadLabel, phaseWarnings, type ClientUsage, type PhaseReport, type ReportDocument, type RunSettings, type ShardSummary } from '../reportDocument.js';
import { formatLatencyMs, formatLatencyUs } from '../../latencyText.js';
import { formatThresholdValue } from '../../thresholds/thresholds.js';
import type { LoadShape } from '../../config/load.js';

// ---------------------------------------------------------------------------------------------
// Markup: the only way text becomes HTML here.

/** Markup made by `el`; any other value placed in the page is text and is escaped. */
class Html {
  constructor(readonly markup: string) {}
}

type Child = Html | string | number | null | undefined | false | readonly Child[];
type Attributes = Record<string, string | number | undefined | false>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const VOID_ELEMENTS = new Set(['meta', 'br']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** An element; `tag` and attribute names are always literals of this file, values and children are escaped. */
function el(tag: string, attributes: Attributes = {}, ...children: Child[]): Html {
  const attributeText = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => ` ${name}="${escapeHtml(String(value))}"`)
    .join('');
  if (VOID_ELEMENTS.has(tag)) return new Html(`<${tag}${attributeText}>`);
  return new Html(`<${tag}${attributeText}>${children.map(markupOf).join('')}</${tag}>`);
}

function markupOf(child: Child): string {
  if (child instanceof Html) return child.markup;
  if (Array.isArray(child)) return child.map(markupOf).join('');
  if (child === null || child === undefined || child === false) return '';
  return escapeHtml(String(child));
}

// ---------------------------------------------------------------------------------------------
// The page.

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
    section('Outcomes and status codes', 'outcomes', phases.map(outcomeBars)),
    phases.some((phase) => phase.delivery) ? section('Async delivery', 'delivery', phases.map(deliveryBlock)) : null,
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

// ---------------------------------------------------------------------------------------------
// Colours: one per phase kind, the same in every plot and table.

const COLOURS = { sync: '#2563eb', async: '#ea580c', endToEnd: '#7c3aed', others: ['#0d9488', '#65a30d', '#db2777'] } as const;

const OUTCOME_COLOURS: Record<string, string> = {
  ok: '#16a34a',
  functionError: '#dc2626',
  throttled: '#f59e0b',
  httpError: '#e11d48',
  networkError: '#7c2d12',
  timeout: '#9333ea',
  dropped: '#94a3b8',
};

function phaseColour(phase: PhaseReport, index: number): string {
  if (phase.invocationType === 'RequestResponse') return COLOURS.sync;
  if (phase.invocationType === 'Event') return COLOURS.async;
  return COLOURS.others[index % COLOURS.others.length]!;
}

function outcomeColour(outcome: string): string {
  return Object.hasOwn(OUTCOME_COLOURS, outcome) ? OUTCOME_COLOURS[outcome]! : '#64748b';
}

function statusColour(code: string): string {
  if (/^2\d\d$/.test(code)) return '#16a34a';
  if (code === '429') return '#f59e0b';
  if (/^4\d\d$/.test(code)) return '#e11d48';
  if (/^5\d\d$/.test(code)) return '#dc2626';
  return '#64748b';
}

function swatch(colour: string, dashed = false): Html {
  return el(
    'svg',
    { class: 'swatch', viewBox: '0 0 24 10', width: 24, height: 10, 'aria-hidden': 'true' },
    el('line', { x1: 1, y1: 5, x2: 23, y2: 5, stroke: colour, 'stroke-width': 3, 'stroke-linecap': 'round', 'stroke-dasharray': dashed ? '5 4' : undefined }),
  );
}

function phaseLabel(phase: PhaseReport, index: number): Html {
  return el('span', { class: 'phase-label' }, swatch(phaseColour(phase, index)), el('span', {}, phase.name), el('span', { class: 'muted' }, ` (${phase.invocationType})`));
}

// ---------------------------------------------------------------------------------------------
// Headline: the few figures a reader looks for first.

function headlineCards(phases: PhaseReport[]): Html {
  return el('div', { class: 'cards' }, phases.map((phase, index) => headlineCard(phase, index)));
}

function headlineCard(phase: PhaseReport, index: number): Html {
  const attempted = phase.requests + phase.dropped;
  const errors = attempted > 0 ? (attempted - (phase.outcomes?.ok ?? 0)) / attempted : undefined;
  const figures: [string, string][] = [
    ['p50', formatLatencyUs(phase.latencyUs?.p50)],
    ['p99', formatLatencyUs(phase.latencyUs?.p99)],
    ['throughput', `${formatNumber(phase.throughputPerSecond, 1)}/s`],
    ['errors', errors === undefined ? '—' : formatPercent(errors)],
    ...(phase.delivery ? [['delivered', phase.delivery.accepted > 0 ? formatPercent(phase.delivery.succeeded / phase.delivery.accepted) : '—'] as [string, string]] : []),
  ];
  return el(
    'div',
    { class: 'card', style: `border-top-color: ${phaseColour(phase, index)}` },
    el('div', { class: 'card-title' }, phaseLabel(phase, index)),
    el('dl', {}, figures.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value)))),
  );
}

// ---------------------------------------------------------------------------------------------
// Plot frames and axes (SVG user units; the SVG scales to the page width).

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const PLOT_FRAME: Frame = { width: 880, height: 380, left: 70, right: 36, top: 16, bottom: 52 };

interface Scale {
  (value: number): number;
  ticks: { value: number; label: string }[];
}

/** 0 to a round number at or above `max`, about six ticks; `whole`: ticks on whole numbers (seconds, counts). */
function linearScale(max: number, from: number, to: number, label: (value: number) => string, whole = false): Scale {
  const step = whole ? Math.max(1, niceStep(max / 6)) : niceStep(max / 6);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
  return scaleOver(0, top, from, to, ticks.map((value) => ({ value, label: label(value) })));
}

/** Maps [low, high] onto [from, to] (SVG units), with the ticks given. */
function scaleOver(low: number, high: number, from: number, to: number, ticks: Scale['ticks']): Scale {
  const scale = ((value: number) => from + ((to - from) * (value - low)) / (high - low || 1)) as Scale;
  scale.ticks = ticks;
  return scale;
}

function logScale(min: number, max: number, from: number, to: number, label: (value: number) => string): Scale {
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  const decades = Array.from({ length: high - low + 1 }, (_, index) => 10 ** (low + index));
  const linear = scaleOver(low, high, from, to, []);
  const scale = ((value: number) => linear(Math.log10(Math.max(value, decades[0]!)))) as Scale;
  scale.ticks = decades.map((value) => ({ value, label: label(value) }));
  return scale;
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough)!;
}

function axes(frame: Frame, x: Scale, y: Scale, xTitle: string, yTitle: string): Html {
  const bottom = frame.height - frame.bottom;
  const right = frame.width - frame.right;
  return el(
    'g',
    { class: 'axes' },
    y.ticks.map((tick) =>
      el('g', {}, el('line', { class: 'grid', x1: frame.left, x2: right, y1: round(y(tick.value)), y2: round(y(tick.value)) }), el('text', { x: frame.left - 8, y: round(y(tick.value)) + 4, 'text-anchor': 'end' }, tick.label)),
    ),
    x.ticks.map((tick) =>
      el('g', {}, el('line', { class: 'grid', x1: round(x(tick.value)), x2: round(x(tick.value)), y1: frame.top, y2: bottom }), el('text', { x: round(x(tick.value)), y: bottom + 18, 'text-anchor': 'middle' }, tick.label)),
    ),
    el('line', { class: 'axis', x1: frame.left, x2: right, y1: bottom, y2: bottom }),
    el('line', { class: 'axis', x1: frame.left, x2: frame.left, y1: frame.top, y2: bottom }),
    el('text', { class: 'axis-title', x: (frame.left + right) / 2, y: frame.height - 8, 'text-anchor': 'middle' }, xTitle),
    el('text', { class: 'axis-title', x: 14, y: (frame.top + bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(frame.top + bottom) / 2})` }, yTitle),
  );
}

function plotSvg(frame: Frame, label: string, ...content: Child[]): Html {
  // On a narrow screen the plot keeps a readable size and scrolls sideways.
  return el('div', { class: 'scroll' }, el('svg', { class: 'plot', viewBox: `0 0 ${frame.width} ${frame.height}`, role: 'img', 'aria-label': label }, el('title', {}, label), content));
}

function emptyPlot(message: string): Html {
  return el('p', { class: 'empty' }, message);
}

type Point = [x: number, y: number];

function pathOf(points: Point[], x: Scale, y: Scale): string {
  return points.map(([px, py], index) => `${index === 0 ? 'M' : 'L'}${round(x(px))} ${round(y(py))}`).join(' ');
}

interface Series {
  label: string;
  colour: string;
  dashed: boolean;
  points: Point[];
  /** Mark the last point (a latency line's maximum). */
  endDot?: boolean;
}

function legend(series: Series[]): Html {
  return el('ul', { class: 'legend' }, series.map((line) => el('li', {}, swatch(line.colour, line.dashed), line.label)));
}

function seriesPath(line: Series, x: Scale, y: Scale): Html {
  const [lastX, lastY] = line.points.at(-1)!;
  return el(
    'g',
    { class: 'series', 'data-series': line.label },
    line.points.length > 1
      ? el('path', { d: pathOf(line.points, x, y), fill: 'none', stroke: line.colour, 'stroke-width': 2.2, 'stroke-linejoin': 'round', 'stroke-dasharray': line.dashed ? '7 5' : undefined }, el('title', {}, line.label))
      : null,
    line.endDot ? el('circle', { cx: round(x(lastX)), cy: round(y(lastY)), r: 3.5, fill: line.colour }, el('title', {}, `${line.label}: max ${formatLatencyMs(lastY)}`)) : null,
  );
}

// ---------------------------------------------------------------------------------------------
// Latency by percentile, on HdrHistogram's log axis: x = log10(1 / (1 - p)).

/** Sampling step on the log axis: 40 points a decade. */
const PERCENTILE_STEP = 0.025;

/**
 * A histogram's latency (ms) by percentile position; undefined when empty or unreadable. `maxUs`
 * is the exact maximum from the report's summary: decoding keeps only the top of its bucket.
 */
export function percentileCurve(encoded: string | undefined, maxUs?: number): Point[] | undefined {
  if (!encoded) return undefined;
  let histogram;
  try {
    histogram = decodeHistogram(encoded);
  } catch {
    return undefined;
  }
  try {
    const count = histogram.totalCount;
    if (!(count > 0)) return undefined;
    const max = maxUs !== undefined && Number.isFinite(maxUs) ? Math.min(maxUs, histogram.maxValue) : histogram.maxValue;
    // The highest percentile the samples resolve is 1 - 1/count; max is drawn there.
    const end = Math.log10(count);
    const points: Point[] = [];
    for (let step = 0; step * PERCENTILE_STEP < end; step += 1) {
      const position = step * PERCENTILE_STEP;
      points.push([position, Math.min(max, histogram.getValueAtPercentile(100 * (1 - 10 ** -position))) / 1000]);
    }
    points.push([end, max / 1000]);
    return points;
  } finally {
    histogram.destroy();
  }
}

function percentileSeries(phases: PhaseReport[]): Series[] {
  return phases.flatMap((phase, index) => {
    const colour = phaseColour(phase, index);
    const latency = percentileCurve(phase.histograms?.latency, phase.latencyUs?.max);
    // Closed loop: latency is the service time, one line says it all.
    const service = phase.load?.kind === 'open' ? percentileCurve(phase.histograms?.serviceTime, phase.serviceTimeUs?.max) : undefined;
    const endToEnd = percentileCurve(phase.delivery?.endToEndHistogram, phase.delivery?.endToEnd?.max);
    const latencyLabel = phase.invocationType === 'Event' ? `${phase.name}: accepted (202)` : `${phase.name}: latency`;
    return [
      latency && { label: latencyLabel, colour, dashed: false, points: latency, endDot: true },
      service && { label: `${phase.name}: service time`, colour, dashed: true, points: service },
      endToEnd && { label: `${phase.name}: end-to-end (send → completion record)`, colour: COLOURS.endToEnd, dashed: false, points: endToEnd, endDot: true },
    ].filter((line): line is Series => Boolean(line));
  });
}

function percentileLabel(position: number): string {
  if (position === 0) return '0%';
  if (position === 1) return '90%';
  return `99${position > 2 ? `.${'9'.repeat(position - 2)}` : ''}%`;
}

function percentilePlot(phases: PhaseReport[]): Child {
  const series = percentileSeries(phases);
  if (series.length === 0) return emptyPlot('No latency was recorded.');
  const frame = PLOT_FRAME;
  const all = series.flatMap((line) => line.points);
  // Always out to 99.999%, further when the samples resolve it.
  const decades = Math.min(9, Math.max(5, Math.ceil(Math.max(...all.map(([position]) => position)))));
  const x = scaleOver(0, decades, frame.left, frame.width - frame.right, Array.from({ length: decades + 1 }, (_, position) => ({ value: position, label: percentileLabel(position) })));
  const latencies = all.map(([, ms]) => ms);
  const log = spansDecades(latencies);
  const y = latencyScale(latencies, log, frame);
  return el(
    'figure',
    {},
    plotSvg(frame, 'Latency by percentile', axes(frame, x, y, 'percentile', log ? 'latency (ms, log scale)' : 'latency (ms)'), series.map((line) => seriesPath(line, x, y))),
    legend(series),
    el('figcaption', {}, 'Each line is a latency distribution: read the latency under which a given share of calls completed. The x axis stretches the tail (90%, 99%, 99.9%…) as HdrHistogram plots do; a line ends at the highest percentile its sample count resolves, its dot marks the maximum.'),
  );
}

/** Lines spanning more than two decades are drawn on a log scale, or the fast ones vanish at the bottom. */
function spansDecades(values: number[]): boolean {
  const positive = values.filter((ms) => ms > 0);
  return positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 100;
}

function latencyScale(values: number[], log: boolean, frame: Frame): Scale {
  const bottom = frame.height - frame.bottom;
  const positive = values.filter((ms) => ms > 0);
  const max = Math.max(...positive, 0.001);
  return log ? logScale(Math.min(...positive), max, bottom, frame.top, formatAxisMs) : linearScale(max, bottom, frame.top, formatAxisMs);
}

// ---------------------------------------------------------------------------------------------
// Throughput over time: calls completed in each second of each phase.

function throughputPlot(phases: PhaseReport[]): Child {
  const series = phases
    .map((phase, index): Series => ({ label: `${phase.name}: calls completed per second`, colour: phaseColour(phase, index), dashed: false, points: stepPoints(phase.perSecond ?? [], phase.durationMs) }))
    .filter((line) => line.points.length > 0);
  if (series.length === 0) return emptyPlot('No calls completed.');
  const frame: Frame = { ...PLOT_FRAME, height: 300 };
  const seconds = Math.max(...series.map((line) => line.points.at(-1)![0]));
  const x = linearScale(seconds, frame.left, frame.width - frame.right, (value) => `${formatNumber(value, 0)} s`, true);
  const y = linearScale(Math.max(...series.flatMap((line) => line.points.map(([, count]) => count)), 1), frame.height - frame.bottom, frame.top, (value) => formatNumber(value, 0), true);
  return el(
    'figure',
    {},
    plotSvg(frame, 'Throughput over time', axes(frame, x, y, 'seconds since the phase started', 'calls / s'), series.map((line) => seriesPath(line, x, y))),
    legend(series),
    el('figcaption', {}, 'Phases run one after the other; each is drawn from its own start. The last, partial second is drawn as a rate over its real length (left out when shorter than a quarter second).'),
  );
}

/** Shorter than this, the last partial second says too little to be drawn as a rate. */
const SHORTEST_PARTIAL_SECOND = 0.25;

/**
 * Per-second counts as a step line, flat across each second. The last second covers only the rest
 * of the phase's duration: drawn as a rate over that length, so a short tail does not look like a drop.
 */
export function stepPoints(perSecond: number[], durationMs: number | undefined): Point[] {
  const last = perSecond.length - 1;
  const tail = durationMs !== undefined && durationMs > 0 ? durationMs / 1000 - last : 1;
  return perSecond.flatMap((count, second): Point[] => {
    if (second < last || tail >= 1) return [[second, count], [second + 1, count]];
    if (tail < SHORTEST_PARTIAL_SECOND) return [];
    return [[second, count / tail], [second + tail, count / tail]];
  });
}

// ---------------------------------------------------------------------------------------------
// Horizontal stacked bars: outcomes and status codes per phase.

interface Segment {
  label: string;
  count: number;
  colour: string;
}

const BAR = { width: 880, label: 110, height: 26, gap: 10 } as const;

function stackedBar(title: string, segments: Segment[], y: number): Html {
  const total = segments.reduce((sum, segment) => sum + segment.count, 0);
  const span = BAR.width - BAR.label;
  let offset = BAR.label;
  const parts = segments.map((segment) => {
    const width = total > 0 ? (span * segment.count) / total : 0;
    const x = offset;
    offset += width;
    const text = `${segment.label} ${formatCount(segment.count)}`;
    return el(
      'g',
      { class: 'bar-segment' },
      el('rect', { x: round(x), y, width: round(Math.max(width, 0)), height: BAR.height, fill: segment.colour }, el('title', {}, `${title}: ${text} (${formatPercent(segment.count / total)})`)),
      width > text.length * 7.2 + 10 ? el('text', { class: 'bar-text', x: round(x + 6), y: y + BAR.height / 2 + 4.5 }, text) : null,
    );
  });
  return el('g', {}, el('text', { class: 'bar-title', x: 0, y: y + BAR.height / 2 + 4.5 }, title), total > 0 ? parts : el('rect', { x: BAR.label, y, width: span, height: BAR.height, class: 'bar-empty' }));
}

function barChart(label: string, rows: { title: string; segments: Segment[] }[]): Html {
  const height = rows.length * (BAR.height + BAR.gap);
  return el(
    'div',
    { class: 'scroll' },
    el('svg', { class: 'bars', viewBox: `0 0 ${BAR.width} ${height}`, role: 'img', 'aria-label': label }, el('title', {}, label), rows.map((row, index) => stackedBar(row.title, row.segments, index * (BAR.height + BAR.gap)))),
  );
}

function segmentLegend(segments: Segment[]): Html {
  return el('ul', { class: 'legend small' }, segments.map((segment) => el('li', {}, el('span', { class: 'dot', style: `background: ${segment.colour}` }), `${segment.label} `, el('b', {}, formatCount(segment.count)))));
}

function outcomeBars(phase: PhaseReport, index: number): Html {
  const outcomes = Object.entries(phase.outcomes ?? {})
    .filter(([, count]) => count > 0)
    .map(([name, count]): Segment => ({ label: name, count, colour: outcomeColour(name) }));
  const statuses = Object.entries(phase.status ?? {})
    .filter(([, count]) => count > 0)
    .map(([code, count]): Segment => ({ label: code, count, colour: statusColour(code) }));
  return el(
    'div',
    { class: 'phase-block' },
    el('h3', {}, phaseLabel(phase, index)),
    barChart(`${phase.name}: outcomes and status codes`, [
      { title: 'outcomes', segments: outcomes },
      { title: 'status', segments: statuses },
    ]),
    el('div', { class: 'legends' }, el('span', { class: 'legend-title' }, 'outcomes'), segmentLegend(outcomes)),
    el('div', { class: 'legends' }, el('span', { class: 'legend-title' }, 'status'), statuses.length > 0 ? segmentLegend(statuses) : el('span', { class: 'muted' }, 'no responses')),
  );
}

// ---------------------------------------------------------------------------------------------
// Async delivery: the funnel from sent to completed, and how many attempts it took.

function deliveryBlock(phase: PhaseReport, index: number): Child {
  const delivery = phase.delivery;
  if (!delivery) return null;
  return el(
    'div',
    { class: 'phase-block' },
    el('h3', {}, phaseLabel(phase, index)),
    el('div', { class: 'delivery-grid' }, el('figure', {}, el('h4', {}, 'Funnel'), el('div', { class: 'scroll' }, funnel(phase, index, delivery))), el('figure', {}, el('h4', {}, 'Attempts per completed event'), attemptsChart(delivery.attempts ?? {}))),
    deliveryFacts(delivery),
  );
}

const FUNNEL = { width: 640, label: 96, value: 190, height: 26, gap: 10 } as const;

interface FunnelStage {
  name: string;
  count: number;
  colour: string;
  /** The stage its share is of. */
  of?: { name: string; count: number };
}

/** Sent → accepted → succeeded, failed, missing (, unverified): each a bar on the scale of what was sent. */
function funnel(phase: PhaseReport, index: number, delivery: DeliveryReport): Html {
  const sent = phase.requests + phase.dropped;
  const accepted = { name: 'accepted', count: delivery.accepted };
  const stages: FunnelStage[] = [
    { name: 'sent', count: sent, colour: phaseColour(phase, index) },
    { name: 'accepted', count: delivery.accepted, colour: '#0ea5e9', of: { name: 'sent', count: sent } },
    { name: 'succeeded', count: delivery.succeeded, colour: '#16a34a', of: accepted },
    { name: 'failed', count: delivery.failed, colour: '#dc2626', of: accepted },
    { name: 'missing', count: delivery.missing, colour: '#94a3b8', of: accepted },
    // Only when some could not be looked for (a queue unreadable, or its backlog not read through).
    ...((delivery.unverified ?? 0) > 0 ? [{ name: 'unverified', count: delivery.unverified!, colour: '#f59e0b', of: accepted }] : []),
  ];
  const span = FUNNEL.width - FUNNEL.label - FUNNEL.value;
  const width = (count: number) => (sent > 0 ? (span * Math.min(count, sent)) / sent : 0);
  const label = `${phase.name}: delivery funnel`;
  return el(
    'svg',
    { class: 'funnel', viewBox: `0 0 ${FUNNEL.width} ${stages.length * (FUNNEL.height + FUNNEL.gap) - FUNNEL.gap}`, role: 'img', 'aria-label': label },
    el('title', {}, label),
    stages.map((stage, row) => {
      const y = row * (FUNNEL.height + FUNNEL.gap);
      const middle = y + FUNNEL.height / 2 + 5;
      return el(
        'g',
        { class: 'funnel-row', 'data-stage': stage.name },
        el('text', { class: 'bar-title', x: 0, y: middle }, stage.name),
        el('rect', { class: 'bar-empty', x: FUNNEL.label, y, width: span, height: FUNNEL.height }),
        el('rect', { x: FUNNEL.label, y, width: round(width(stage.count)), height: FUNNEL.height, fill: stage.colour }, el('title', {}, `${stage.name}: ${formatCount(stage.count)}`)),
        el('text', { class: 'funnel-value', x: FUNNEL.width - FUNNEL.value + 12, y: middle }, formatCount(stage.count), stage.of && stage.of.count > 0 ? el('tspan', { class: 'funnel-share' }, ` ${formatPercent(stage.count / stage.of.count)} of ${stage.of.name}`) : null),
      );
    }),
  );
}

/** Attempt counts in order, 'unknown' (only the DLQ reported it) last. */
function attemptKeys(attempts: Record<string, number>): string[] {
  return Object.keys(attempts).sort((a, b) => (Number.isFinite(Number(a)) ? Number(a) : Infinity) - (Number.isFinite(Number(b)) ? Number(b) : Infinity) || a.localeCompare(b));
}

function attemptsChart(attempts: Record<string, number>): Child {
  const keys = attemptKeys(attempts);
  if (keys.length === 0) return emptyPlot('No completion record reported its attempts.');
  const frame: Frame = { width: 340, height: 220, left: 44, right: 8, top: 22, bottom: 44 };
  const max = Math.max(...keys.map((key) => attempts[key] ?? 0), 1);
  const y = linearScale(max, frame.height - frame.bottom, frame.top, (value) => formatNumber(value, 0), true);
  const slot = (frame.width - frame.left - frame.right) / keys.length;
  const barWidth = Math.min(70, slot * 0.6);
  const bottom = frame.height - frame.bottom;
  return el(
    'svg',
    { class: 'attempts', viewBox: `0 0 ${frame.width} ${frame.height}`, role: 'img', 'aria-label': 'attempts per completed event' },
    el('title', {}, 'attempts per completed event'),
    y.ticks.map((tick) => el('g', {}, el('line', { class: 'grid', x1: frame.left, x2: frame.width - frame.right, y1: round(y(tick.value)), y2: round(y(tick.value)) }), el('text', { x: frame.left - 6, y: round(y(tick.value)) + 4, 'text-anchor': 'end' }, tick.label))),
    keys.map((key, index) => {
      const count = attempts[key] ?? 0;
      const centre = frame.left + slot * (index + 0.5);
      return el(
        'g',
        { class: 'attempt-bar' },
        el('rect', { x: round(centre - barWidth / 2), y: round(y(count)), width: round(barWidth), height: round(bottom - y(count)), fill: key === 'unknown' ? '#94a3b8' : COLOURS.endToEnd, rx: 2 }, el('title', {}, `${key} attempt(s): ${formatCount(count)}`)),
        el('text', { x: round(centre), y: round(y(count)) - 6, 'text-anchor': 'middle', class: 'bar-value' }, formatCount(count)),
        el('text', { x: round(centre), y: bottom + 18, 'text-anchor': 'middle' }, key),
      );
    }),
    el('line', { class: 'axis', x1: frame.left, x2: frame.width - frame.right, y1: bottom, y2: bottom }),
    el('text', { class: 'axis-title', x: (frame.left + frame.width - frame.right) / 2, y: frame.height - 6, 'text-anchor': 'middle' }, 'attempts (unknown: reported by the DLQ only)'),
  );
}

function deliveryFacts(delivery: DeliveryReport): Html {
  const conditions = Object.entries(delivery.conditions ?? {}).map(([condition, count]) => `${condition} ${formatCount(count ?? 0)}`);
  const facts: [string, Child][] = [
    (delivery.unverified ?? 0) > 0
      ? ['accepted = succeeded + failed + missing + unverified', `${formatCount(delivery.accepted)} = ${formatCount(delivery.succeeded)} + ${formatCount(delivery.failed)} + ${formatCount(delivery.missing)} + ${formatCount(delivery.unverified!)}`]
      : ['accepted = succeeded + failed + missing', `${formatCount(delivery.accepted)} = ${formatCount(delivery.succeeded)} + ${formatCount(delivery.failed)} + ${formatCount(delivery.missing)}`],
    ...(delivery.unverifiedReasons?.length ? [['unverified because', el('ul', { class: 'plain' }, delivery.unverifiedReasons.map((reason) => el('li', {}, reason)))] as [string, Child]] : []),
    ['end-to-end p50 / p99 / max', delivery.endToEnd ? `${formatLatencyUs(delivery.endToEnd.p50)} / ${formatLatencyUs(delivery.endToEnd.p99)} / ${formatLatencyUs(delivery.endToEnd.max)}` : '—'],
    ['failures reported by', `on-failure destination ${formatCount(delivery.failedVia?.onFailureDestination ?? 0)}, dead-letter queue ${formatCount(delivery.failedVia?.deadLetterQueue ?? 0)}`],
    ['conditions', conditions.join(', ') || '—'],
    ['duplicate records', formatCount(delivery.duplicates ?? 0)],
    ['foreign / malformed messages', `${formatCount(delivery.foreignMessages ?? 0)} / ${formatCount(delivery.malformedMessages ?? 0)}`],
    ...[foreignNote(delivery)].filter((note): note is string => note !== undefined).map((note): [string, Child] => ['messages not from this run', note]),
  ];
  const missing = delivery.missingExamples ?? [];
  if (missing.length > 0) {
    facts.push(['missing, e.g.', el('ul', { class: 'plain' }, missing.map((example) => el('li', {}, el('code', {}, example.requestId ?? example.clientRequestId ?? '?'))))]);
  }
  return definitionList(facts);
}

// ---------------------------------------------------------------------------------------------
// Tables and text blocks.

type Row = [label: string, ...cells: Child[]];

function summaryTable(phases: PhaseReport[]): Html {
  const perPhase = (cell: (phase: PhaseReport) => Child): Child[] => phases.map(cell);
  const rows: Row[] = [
    ['load', ...perPhase((phase) => describeLoad(phase.load))],
    ['calls', ...perPhase((phase) => formatCount(phase.requests))],
    ['dropped', ...perPhase((phase) => formatCount(phase.dropped))],
    ...(phases.some((phase) => phase.connectionsOpened !== undefined) ? [['connections opened', ...perPhase((phase) => (phase.connectionsOpened !== undefined ? formatCount(phase.connectionsOpened) : '—'))] as Row] : []),
    ['throughput', ...perPhase((phase) => `${formatNumber(phase.throughputPerSecond, 1)}/s`)],
  ];
  if (phases.some((phase) => phase.offeredPerSecond !== undefined)) rows.push(['offered', ...perPhase((phase) => (phase.offeredPerSecond !== undefined ? `${formatNumber(phase.offeredPerSecond, 1)}/s` : '—'))]);
  for (const key of ['p50', 'p90', 'p99', 'p999', 'max'] as const) rows.push([`latency ${key === 'p999' ? 'p99.9' : key}`, ...perPhase((phase) => formatLatencyUs(phase.latencyUs?.[key]))]);
  rows.push(['service time p99', ...perPhase((phase) => formatLatencyUs(phase.serviceTimeUs?.p99))]);
  if (phases.some((phase) => phase.lambda)) {
    rows.push(['lambda duration p99', ...perPhase((phase) => formatLatencyUs(phase.lambda?.durationUs?.p99))]);
    rows.push(['cold starts', ...perPhase((phase) => (phase.lambda ? formatCount(phase.lambda.coldStarts) : '—'))]);
    rows.push(['max memory used', ...perPhase((phase) => (phase.lambda ? `${formatCount(phase.lambda.maxMemoryUsedMb)} MB` : '—'))]);
  }
  if (phases.some((phase) => phase.delivery)) {
    rows.push(['delivered', ...perPhase((phase) => (phase.delivery ? `${formatCount(phase.delivery.succeeded)}/${formatCount(phase.delivery.accepted)}` : '—'))]);
    rows.push(['failed / missing', ...perPhase((phase) => (phase.delivery ? `${formatCount(phase.delivery.failed)} / ${formatCount(phase.delivery.missing)}` : '—'))]);
    rows.push(['end-to-end p50', ...perPhase((phase) => formatLatencyUs(phase.delivery?.endToEnd?.p50))]);
    rows.push(['end-to-end p99', ...perPhase((phase) => formatLatencyUs(phase.delivery?.endToEnd?.p99))]);
  }
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'summary' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), phases.map((phase, index) => el('th', { class: 'num' }, phaseLabel(phase, index))))),
      el('tbody', {}, rows.map(([label, ...cells]) => el('tr', {}, el('th', { scope: 'row' }, label), cells.map((cell) => el('td', { class: 'num' }, cell))))),
    ),
  );
}

function phaseNotes(phases: PhaseReport[], settings: RunSettings | undefined): Html {
  const notes = phases.flatMap((phase) => [
    ...(phase.loadNote ? [el('li', {}, el('b', {}, `${phase.name}: `), phase.loadNote)] : []),
    ...phaseWarnings(phase, settings).map((warning) => el('li', { class: 'warn' }, el('b', {}, `${phase.name}: `), `${warning}.`)),
  ]);
  return el('ul', { class: 'notes' }, notes);
}

function clientBlock(client: ClientUsage | undefined): Child {
  if (!client) return null;
  const cpuMs = client.cpuUserMs + client.cpuSystemMs;
  const warnings = clientWarnings(client);
  return el(
    'p',
    { class: warnings.length > 0 ? 'client warn' : 'client' },
    el('b', {}, 'Client: '),
    `${client.workers} thread${client.workers === 1 ? '' : 's'}, peak memory ${formatNumber(client.peakRssBytes / 1024 / 1024, 0)} MB, CPU ${formatNumber(cpuMs / 1000, 1)} s over ${formatNumber(client.wallMs / 1000, 1)} s`,
    warnings.map((warning) => ` — ${warning}.`).join(''),
  );
}

function thresholdList(report: ReportDocument): Html {
  return el(
    'ul',
    { class: 'thresholds' },
    report.thresholds.map((result) =>
      el(
        'li',
        { class: result.passed ? 'pass' : 'fail' },
        el('span', { class: 'badge' }, result.passed ? '✔ pass' : '✖ fail'),
        el('code', {}, result.threshold),
        el('span', { class: 'muted' }, ` ${result.phase}: ${formatThresholdValue(result.metric, result.actual)}`),
      ),
    ),
  );
}

function failureTable(phases: PhaseReport[]): Html {
  const rows = phases.flatMap((phase, index) => (phase.errors ?? []).map((kind) => ({ phase, index, kind })));
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'failures' },
      el('thead', {}, el('tr', {}, el('th', {}, 'phase'), el('th', {}, 'outcome'), el('th', {}, 'type'), el('th', { class: 'num' }, 'count'), el('th', {}, 'first message (as received)'))),
      el(
        'tbody',
        {},
        rows.map(({ phase, index, kind }) =>
          el(
            'tr',
            {},
            el('td', {}, phaseLabel(phase, index)),
            el('td', { class: 'outcome' }, el('span', { class: 'dot', style: `background: ${outcomeColour(kind.outcome)}` }), kind.outcome),
            el('td', { class: 'type' }, el('code', {}, kind.type)),
            el('td', { class: 'num' }, formatCount(kind.count)),
            el('td', { class: 'example' }, kind.example ? el('code', {}, kind.example) : el('span', { class: 'muted' }, '—')),
          ),
        ),
      ),
    ),
  );
}

function configurationBlock(report: ReportDocument): Html {
  const config = report.config;
  if (!config) return definitionList([['target', report.target], ['settings', el('span', { class: 'muted' }, 'not recorded (a report from before lambench recorded them)')]]);
  return definitionList(configurationFacts(config));
}

function configurationFacts(config: RunSettings): [string, Child][] {
  const facts: [string, Child][] = [
    ['target', el('code', {}, config.target)],
    ['phases', (config.phases ?? []).join(', ')],
    ['load', describeLoad(config.load)],
    config.requests !== undefined ? ['requests', `${formatCount(config.requests)} per phase`] : ['duration', config.durationMs !== undefined ? `${formatDuration(config.durationMs)} per phase` : '—'],
  ];
  if (config.warmupMs !== undefined) facts.push(['warm-up', formatDuration(config.warmupMs)]);
  if (config.payload) {
    facts.push(['payload', el('div', {}, el('span', { class: 'muted' }, `${config.payload.source}, ${formatCount(config.payload.bytes)} bytes${config.payload.template ? ', template (placeholders filled per call)' : ''}`), el('pre', {}, config.payload.text))]);
  }
  if (config.delivery) {
    facts.push(['destination queue', config.delivery.destinationQueue ? el('code', {}, config.delivery.destinationQueue) : '—']);
    facts.push(['dead-letter queue', config.delivery.dlq ? el('code', {}, config.delivery.dlq) : '—']);
    facts.push(['settle', formatDuration(config.delivery.settleMs)]);
  }
  if (config.endpointUrl !== undefined) facts.push(['endpoint', el('code', {}, config.endpointUrl)]);
  if (config.region !== undefined) facts.push(['region', config.region]);
  facts.push(['workers', formatCount(config.workers)]);
  if (config.shard) facts.push(['shard', `${config.shard.index}/${config.shard.of}`]);
  facts.push(['thresholds', (config.thresholds ?? []).length > 0 ? el('ul', { class: 'plain' }, config.thresholds.map((text) => el('li', {}, el('code', {}, text)))) : '—']);
  if (config.profile !== undefined) facts.push(['profile', el('code', {}, config.profile)]);
  return facts;
}

function shardTable(shards: ShardSummary[]): Html {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'shard'), el('th', {}, 'started'), el('th', {}, 'interrupted'), el('th', {}, 'client'))),
      el(
        'tbody',
        {},
        shards.map((shard) =>
          el(
            'tr',
            {},
            el('td', {}, `${shard.shard.index}/${shard.shard.of}`),
            el('td', {}, shard.startedAt ? formatTimestamp(shard.startedAt) : '—'),
            el('td', { class: shard.interrupted ? 'warn' : undefined }, shard.interrupted ? 'yes' : 'no'),
            el('td', {}, shard.client ? `${shard.client.workers} thread(s), CPU ${formatNumber((shard.client.cpuUserMs + shard.client.cpuSystemMs) / 1000, 1)} s over ${formatNumber(shard.client.wallMs / 1000, 1)} s` : '—'),
          ),
        ),
      ),
    ),
  );
}

function definitionList(facts: [string, Child][]): Html {
  return el('dl', { class: 'facts-list' }, facts.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value))));
}

// ---------------------------------------------------------------------------------------------
// Formatting: numbers the way the terminal table prints them.

function describeLoad(load: LoadShape | undefined): string {
  return load ? loadLabel(load, true) : '—';
}

function formatAxisMs(ms: number): string {
  if (ms >= 1) return formatNumber(ms, ms >= 10 || Number.isInteger(ms) ? 0 : 1);
  return String(Number(ms.toPrecision(2)));
}

function formatNumber(value: number | undefined, digits: number): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatCount(value: number | undefined): string {
  return formatNumber(value, 0);
}

function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const percent = fraction * 100;
  return `${percent.toFixed(percent === 0 || percent === 100 ? 0 : percent < 10 ? 2 : 1)}%`;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${formatNumber(ms / 1000, ms % 1000 === 0 ? 0 : 1)} s` : `${formatCount(ms)} ms`;
}

function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

// ---------------------------------------------------------------------------------------------

const STYLESHEET = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --page: #f6f7f9; --pass: #15803d; --fail: #b91c1c; }
* { box-sizing: border-box; }
html { background: var(--page); }
body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 20px 48px; }
header h1 { margin: 2px 0 4px; font-size: 28px; font-weight: 650; letter-spacing: -0.01em; overflow-wrap: anywhere; }
.brand { margin: 0; color: var(--muted); font-size: 13px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.08em; }
.facts { margin: 0 0 18px; color: var(--muted); }
h2 { font-size: 18px; margin: 0 0 14px; font-weight: 650; }
h3 { font-size: 15px; margin: 4px 0 8px; font-weight: 600; }
h4 { font-size: 13px; margin: 0 0 6px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 16px 0; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
svg { display: block; width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 12px; fill: #334155; }
svg .axis-title { font-size: 12.5px; fill: var(--muted); }
svg .grid { stroke: #eef2f6; stroke-width: 1; }
svg .axis { stroke: #94a3b8; stroke-width: 1; }
svg .bar-title { font-size: 13px; font-weight: 600; fill: #334155; }
svg .bar-text { font-size: 12px; fill: #ffffff; font-weight: 600; }
svg .bar-value, svg .funnel-value { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg .funnel-share { font-weight: 400; fill: var(--muted); }
svg .bar-empty { fill: #f1f5f9; }
svg.plot { min-width: 600px; }
svg.bars { min-width: 560px; }
svg.funnel { min-width: 420px; }
.scroll { overflow-x: auto; }
svg.swatch { display: inline-block; width: 24px; height: 10px; vertical-align: middle; margin-right: 6px; }
.banner { border-radius: 10px; padding: 12px 16px; margin: 12px 0; border: 1px solid; }
.banner.interrupted { background: #fef2f2; border-color: #fca5a5; color: #7f1d1d; font-size: 16px; }
.banner.shard { background: #eff6ff; border-color: #bfdbfe; color: #1e3a8a; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 14px; margin: 8px 0 4px; }
.card { background: var(--panel); border: 1px solid var(--line); border-top: 4px solid; border-radius: 10px; padding: 12px 16px; }
.card-title { font-weight: 600; margin-bottom: 6px; }
.card dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(92px, 1fr)); gap: 6px 12px; margin: 0; }
.card dt { color: var(--muted); font-size: 12px; }
.card dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 8px 0 0; font-size: 13.5px; }
.legend.small { display: inline-flex; margin: 0; font-size: 13px; }
.legends { margin: 4px 0; }
.legend-title { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; margin-right: 10px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; vertical-align: baseline; }
.phase-block + .phase-block { border-top: 1px solid var(--line); margin-top: 14px; padding-top: 12px; }
.phase-label { white-space: nowrap; }
.muted { color: var(--muted); font-weight: normal; }
.empty { color: var(--muted); font-style: italic; }
.delivery-grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 24px; align-items: start; margin-bottom: 10px; }
@media (max-width: 760px) { .delivery-grid { grid-template-columns: 1fr; } main { padding: 18px 10px 32px; } section { padding: 14px 12px; } }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-weight: 600; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 500; color: #334155; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary td.num, table.summary th.num { width: 30%; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
code { background: #f1f5f9; border-radius: 4px; padding: 1px 5px; overflow-wrap: anywhere; }
pre { background: #f8fafc; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0 0; max-height: 320px; overflow: auto; }
td.example { max-width: 520px; }
td.outcome { white-space: nowrap; }
td.type { max-width: 240px; }
.notes { margin: 12px 0 0; padding-left: 18px; color: #334155; font-size: 13.5px; }
.notes li { margin: 3px 0; }
.warn { color: #b45309; }
.client { margin: 10px 0 0; font-size: 13.5px; }
.thresholds { list-style: none; padding: 0; margin: 0; }
.thresholds li { padding: 6px 0; border-bottom: 1px solid var(--line); }
.thresholds li:last-child { border-bottom: none; }
.badge { display: inline-block; min-width: 62px; font-size: 12px; font-weight: 700; border-radius: 999px; padding: 2px 9px; margin-right: 10px; text-align: center; }
.pass .badge { background: #dcfce7; color: var(--pass); }
.fail .badge { background: #fee2e2; color: var(--fail); }
.facts-list { display: grid; grid-template-columns: minmax(140px, max-content) 1fr; gap: 0; margin: 0; }
.facts-list > div { display: contents; }
.facts-list dt { color: var(--muted); padding: 6px 16px 6px 0; border-bottom: 1px solid var(--line); }
.facts-list dd { margin: 0; padding: 6px 0; border-bottom: 1px solid var(--line); min-width: 0; }
ul.plain { list-style: none; padding: 0; margin: 0; }
footer { color: var(--muted); font-size: 12.5px; text-align: center; margin-top: 24px; }
`;
