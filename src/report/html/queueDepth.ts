/**
 * A queue's depth over a queue phase, from its readings (about one a second): visible, in flight
 * and delayed messages stacked, their total as a line with a point per reading, the depth before
 * the run (the baseline the rest is read against) dashed across, and the time messages were
 * being sent shaded.
 */
import type { QueueDepthSummary } from '../../delivery/queueDepth.js';
import { formatLatencyMs } from '../../latencyText.js';
import type { PhaseReport } from '../reportDocument.js';
import { el, type Child, type Html } from './markup.js';
import { axes, emptyPlot, legend, linearScale, PLOT_FRAME, plotSvg, seriesPath, type Frame, type Point, type Scale, type Series } from './plot.js';
import { formatCount, formatNumber, round } from './format.js';

/** Bottom to top, as they are stacked. */
const BANDS = [
  { key: 'visible', label: 'visible (waiting to be received)', colour: '#38bdf8' },
  { key: 'inFlight', label: 'in flight (received, not yet deleted)', colour: '#f59e0b' },
  { key: 'delayed', label: 'delayed', colour: '#a78bfa' },
] as const;

const TOTAL_COLOUR = '#0f172a';
const BASELINE_COLOUR = '#dc2626';
const MAX_POINTS = 300;

export function depthPlot(phase: PhaseReport, index: number, depth: QueueDepthSummary): Child {
  const samples = depth.samples ?? [];
  if (samples.length < 2) return emptyPlot(`${samples.length === 0 ? 'No depth reading' : 'Only one depth reading'} succeeded${depth.failedReads > 0 ? ` (${formatCount(depth.failedReads)} failed)` : ''}: no plot to draw.`);
  const frame: Frame = { ...PLOT_FRAME, height: 320, top: 24 };
  const seconds = samples.at(-1)!.atMs / 1000;
  const totals = samples.map((sample) => sample.visible + sample.inFlight + sample.delayed);
  const x = linearScale(seconds, frame.left, frame.width - frame.right, (value) => `${formatNumber(value, 0)} s`, true);
  const y = linearScale(Math.max(...totals, depth.baseline, 1), frame.height - frame.bottom, frame.top, (value) => formatNumber(value, 0), true);
  const total: Series = { label: 'total (visible + in flight + delayed)', colour: TOTAL_COLOUR, dashed: false, points: samples.map((sample, at): Point => [sample.atMs / 1000, totals[at]!]) };
  const baseline: Series = { label: `depth before the run (${formatCount(depth.baseline)})`, colour: BASELINE_COLOUR, dashed: true, points: [[0, depth.baseline], [x.ticks.at(-1)!.value, depth.baseline]] };
  const bands = BANDS.filter((band) => band.key !== 'delayed' || samples.some((sample) => sample.delayed > 0));
  const label = `${phase.name}: queue depth over time`;
  return el(
    'figure',
    { class: 'queue-depth', id: `queue-depth-${index}`, 'data-samples': samples.length },
    plotSvg(
      frame,
      label,
      sendingWindow(phase, depth, x, frame),
      axes(frame, x, y, 'seconds since the first depth reading (taken before the first send)', 'messages'),
      stackedBands(samples, bands, x, y),
      seriesPath(baseline, x, y),
      seriesPath(total, x, y),
      // A point per reading, to hover, while they stay apart (an hour of readings is a line).
      samples.length <= MAX_POINTS ? samples.map((sample, at) => el('circle', { class: 'depth-point', cx: round(x(sample.atMs / 1000)), cy: round(y(totals[at]!)), r: 2.2, fill: TOTAL_COLOUR }, el('title', {}, depthTitle(sample)))) : null,
    ),
    legend([...bands.map((band): Series => ({ label: band.label, colour: band.colour, dashed: false, points: [] })), total, baseline]),
    el('figcaption', {}, caption(depth)),
  );
}

type Sample = QueueDepthSummary['samples'][number];
type Band = (typeof BANDS)[number];

/** Each band between the sum of those under it and that sum plus its own count. */
function stackedBands(samples: Sample[], bands: readonly Band[], x: Scale, y: Scale): Html {
  const below = samples.map(() => 0);
  return el(
    'g',
    { class: 'depth-bands' },
    bands.map((band) => {
      const lower = [...below];
      samples.forEach((sample, at) => (below[at]! += sample[band.key]));
      const top = samples.map((sample, at) => `${round(x(sample.atMs / 1000))} ${round(y(below[at]!))}`);
      const bottom = samples.map((sample, at) => `${round(x(sample.atMs / 1000))} ${round(y(lower[at]!))}`).reverse();
      return el('path', { class: 'depth-band', 'data-band': band.key, d: `M${top.join(' L')} L${bottom.join(' L')} Z`, fill: band.colour, 'fill-opacity': 0.55, stroke: 'none' }, el('title', {}, band.label));
    }),
  );
}

/**
 * The measured run's sending, shaded: the phase's start (wall clock) against the first depth
 * reading's, for its send window. Left out when the report does not say when the phase began.
 */
function sendingWindow(phase: PhaseReport, depth: QueueDepthSummary, x: Scale, frame: Frame): Child {
  const began = phase.startedAt ? Date.parse(phase.startedAt) : NaN;
  const lengthMs = phase.sendWindowMs ?? phase.durationMs;
  if (!Number.isFinite(began) || !Number.isFinite(depth.startedAt) || !(lengthMs > 0)) return null;
  const fromS = Math.max(0, (began - depth.startedAt) / 1000);
  const toS = Math.min(x.ticks.at(-1)!.value, fromS + lengthMs / 1000);
  if (!(toS > fromS)) return null;
  const left = round(x(fromS));
  const width = round(x(toS) - x(fromS));
  return el(
    'g',
    { class: 'sending' },
    el('rect', { x: left, y: frame.top, width, height: frame.height - frame.bottom - frame.top, fill: '#e0f2fe', 'fill-opacity': 0.7 }, el('title', {}, `messages sent from ${formatNumber(fromS, 1)} s to ${formatNumber(toS, 1)} s`)),
    el('text', { class: 'axis-title', x: round(left + 4), y: frame.top - 8 }, 'sending'),
  );
}

function depthTitle(sample: Sample): string {
  return `${formatNumber(sample.atMs / 1000, 1)} s: visible ${formatCount(sample.visible)}, in flight ${formatCount(sample.inFlight)}, delayed ${formatCount(sample.delayed)}`;
}

function caption(depth: QueueDepthSummary): string {
  const parts = [
    `SQS's approximate counts, read every ${formatNumber(depth.intervalMs / 1000, depth.intervalMs % 1000 === 0 ? 0 : 1)} s (${formatCount(depth.samples.length)} readings${depth.failedReads > 0 ? `, ${formatCount(depth.failedReads)} failed` : ''}); they count every message in the queue, this run's or not.`,
    depth.lastSendToEmptyMs !== undefined ? `Empty again ${formatLatencyMs(depth.lastSendToEmptyMs)} after the last send.` : 'Not back at its depth before the run by the last reading.',
    depth.drainPerSecond !== undefined ? `Drained ${formatNumber(depth.drainPerSecond, 1)} messages/s.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}
