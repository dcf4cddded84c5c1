/**
 * Concurrency over time (`--logs`): for each phase with a series, the most invocations running at
 * once in each second (metrics/concurrencySeries.ts) as a step line; for a queue phase, the
 * mappings' MaximumConcurrency across it when every enabled mapping has one (what the mapping
 * should never have exceeded).
 */
import { seriesPeak, type ConcurrencySeries } from '../../metrics/concurrencySeries.js';
import { concurrencyNotes } from '../logsText.js';
import type { PhaseReport } from '../reportDocument.js';
import { el, type Child } from './markup.js';
import { phaseColour, phaseLabel } from './colours.js';
import { axes, legend, linearScale, PLOT_FRAME, plotSvg, seriesPath, type Frame, type Point, type Series } from './plot.js';
import { formatCount, formatNumber, formatTimestamp } from './format.js';

const LIMIT_COLOUR = '#dc2626';

export function concurrencyPlot(phase: PhaseReport, index: number): Child {
  const series = phase.logs?.concurrency;
  if (!series) return null;
  const frame: Frame = { ...PLOT_FRAME, height: 300 };
  const stepS = series.stepMs / 1000;
  const line: Series = { label: `${phase.name}: ${series.shards ? 'at most ' : ''}invocations running at once${stepS > 1 ? ` (the most in each ${stepS} s)` : ''}`, colour: phaseColour(phase, index), dashed: false, points: stepLine(series) };
  const limit = maximumConcurrency(phase);
  const seconds = series.max.length * stepS;
  const x = linearScale(seconds, frame.left, frame.width - frame.right, (value) => `${formatNumber(value, 0)} s`, true);
  const y = linearScale(Math.max(...series.max, limit ?? 0, 1), frame.height - frame.bottom, frame.top, (value) => formatNumber(value, 0), true);
  const lines = limit !== undefined ? [line, { label: `the mappings' MaximumConcurrency (${formatCount(limit)})`, colour: LIMIT_COLOUR, dashed: true, points: [[0, limit], [x.ticks.at(-1)!.value, limit]] as Point[] }] : [line];
  const label = `${phase.name}: concurrency over time (logs)`;
  return el(
    'figure',
    { class: 'phase-block concurrency', id: `concurrency-${index}`, 'data-points': series.max.length, 'data-step-ms': series.stepMs },
    el('h3', {}, phaseLabel(phase, index)),
    plotSvg(frame, label, axes(frame, x, y, `seconds since ${formatTimestamp(new Date(series.from).toISOString())} (the phase's start to the second, on the logs' clock)`, 'running at once'), lines.map((each) => seriesPath(each, x, y))),
    legend(lines),
    el('figcaption', {}, caption(phase, series)),
  );
}

/** Each step's count flat across it. */
function stepLine(series: ConcurrencySeries): Point[] {
  const stepS = series.stepMs / 1000;
  return series.max.flatMap((count, at): Point[] => [[at * stepS, count], [(at + 1) * stepS, count]]);
}

/** A queue phase's enabled mappings' MaximumConcurrency added up, when each has one (without, up to 1,000 each). */
function maximumConcurrency(phase: PhaseReport): number | undefined {
  const enabled = (phase.queue?.wiring.mappings ?? []).filter((mapping) => mapping.state !== 'Disabled');
  if (enabled.length === 0 || enabled.some((mapping) => mapping.maximumConcurrency === undefined)) return undefined;
  return enabled.reduce((total, mapping) => total + mapping.maximumConcurrency!, 0);
}

function caption(phase: PhaseReport, series: ConcurrencySeries): string {
  const peak = seriesPeak(series);
  return [
    `Each invocation counted from its REPORT's time less its duration to its REPORT's time; each ${series.stepMs === 1000 ? 'second' : 'step'} shows the most running at any moment of it.`,
    `${formatCount(phase.logs?.found)} invocations found; the highest: ${series.shards ? 'at most ' : ''}${formatCount(peak.max)} at once, first in the second from ${formatNumber((peak.at - series.from) / 1000, 0)} s.`,
    ...concurrencyNotes(series).map((note) => `${note[0]!.toUpperCase()}${note.slice(1)}.`),
  ].join(' ');
}
