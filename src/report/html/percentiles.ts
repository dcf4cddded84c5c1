/**
 * The latency-by-percentile plot, on HdrHistogram's log axis: x = log10(1 / (1 - p)); one line
 * per phase's latency (and service time, and async or queue end-to-end), decoded from the
 * histograms here.
 */
import { decodeHistogram } from '../../metrics/histogram.js';
import type { PhaseReport } from '../reportDocument.js';
import { el, type Child } from './markup.js';
import { COLOURS, phaseColour } from './colours.js';
import { axes, emptyPlot, legend, linearScale, logScale, PLOT_FRAME, plotSvg, scaleOver, seriesPath, type Frame, type Point, type Scale, type Series } from './plot.js';
import { formatAxisMs } from './format.js';

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
    const processed = percentileCurve(phase.queue?.delivery?.endToEndHistogram, phase.queue?.delivery?.endToEnd?.max);
    const latencyLabel = phase.queue ? `${phase.name}: SendMessage` : phase.invocationType === 'Event' ? `${phase.name}: accepted (202)` : `${phase.name}: latency`;
    return [
      latency && { label: latencyLabel, colour, dashed: false, points: latency, endDot: true },
      service && { label: `${phase.name}: service time`, colour, dashed: true, points: service },
      endToEnd && { label: `${phase.name}: end-to-end (send → completion: a record, or the last REPORT)`, colour: COLOURS.endToEnd, dashed: false, points: endToEnd, endDot: true },
      processed && { label: `${phase.name}: processed end-to-end (send → output record)`, colour: COLOURS.endToEnd, dashed: false, points: processed, endDot: true },
    ].filter((line): line is Series => Boolean(line));
  });
}

function percentileLabel(position: number): string {
  if (position === 0) return '0%';
  if (position === 1) return '90%';
  return `99${position > 2 ? `.${'9'.repeat(position - 2)}` : ''}%`;
}

export function percentilePlot(phases: PhaseReport[]): Child {
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
