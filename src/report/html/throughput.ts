/**
 * The throughput-over-time plot: calls completed in each second of each phase, as step lines.
 */
import type { PhaseReport } from '../reportDocument.js';
import { el, type Child } from './markup.js';
import { phaseColour } from './colours.js';
import { axes, emptyPlot, legend, linearScale, PLOT_FRAME, plotSvg, seriesPath, type Frame, type Point, type Series } from './plot.js';
import { formatNumber } from './format.js';

export function throughputPlot(phases: PhaseReport[]): Child {
  const series = phases
    .map((phase, index): Series => ({ label: `${phase.name}: calls completed per second`, colour: phaseColour(phase, index), dashed: false, points: stepPoints(phase.perSecond ?? [], phase.durationMs) }))
    .filter((line) => line.points.length > 0);
  if (series.length === 0) {
    // Calls completed, but in phases shorter than a quarter second: no second says a rate.
    const completed = phases.some((phase) => (phase.perSecond ?? []).some((count) => count > 0));
    return emptyPlot(completed ? 'Every phase ended within a quarter second: too short for a rate per second (the summary has its throughput).' : 'No calls completed.');
  }
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
