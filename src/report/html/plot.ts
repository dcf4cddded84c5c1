/**
 * Plot frames and axes (SVG user units; the SVG scales to the page width): scales, axes,
 * line series and their legend, shared by the latency, throughput and attempts plots.
 */
import { formatLatencyMs } from '../../latencyText.js';
import { el, type Child, type Html } from './markup.js';
import { swatch } from './colours.js';
import { round } from './format.js';

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const PLOT_FRAME: Frame = { width: 880, height: 380, left: 70, right: 36, top: 16, bottom: 52 };

export interface Scale {
  (value: number): number;
  ticks: { value: number; label: string }[];
}

/** 0 to a round number at or above `max`, about six ticks; `whole`: ticks on whole numbers (seconds, counts). */
export function linearScale(max: number, from: number, to: number, label: (value: number) => string, whole = false): Scale {
  const step = whole ? Math.max(1, niceStep(max / 6)) : niceStep(max / 6);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
  return scaleOver(0, top, from, to, ticks.map((value) => ({ value, label: label(value) })));
}

/** Maps [low, high] onto [from, to] (SVG units), with the ticks given. */
export function scaleOver(low: number, high: number, from: number, to: number, ticks: Scale['ticks']): Scale {
  const scale = ((value: number) => from + ((to - from) * (value - low)) / (high - low || 1)) as Scale;
  scale.ticks = ticks;
  return scale;
}

export function logScale(min: number, max: number, from: number, to: number, label: (value: number) => string): Scale {
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

export function axes(frame: Frame, x: Scale, y: Scale, xTitle: string, yTitle: string): Html {
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

export function plotSvg(frame: Frame, label: string, ...content: Child[]): Html {
  // On a narrow screen the plot keeps a readable size and scrolls sideways.
  return el('div', { class: 'scroll' }, el('svg', { class: 'plot', viewBox: `0 0 ${frame.width} ${frame.height}`, role: 'img', 'aria-label': label }, el('title', {}, label), content));
}

export function emptyPlot(message: string): Html {
  return el('p', { class: 'empty' }, message);
}

export type Point = [x: number, y: number];

function pathOf(points: Point[], x: Scale, y: Scale): string {
  return points.map(([px, py], index) => `${index === 0 ? 'M' : 'L'}${round(x(px))} ${round(y(py))}`).join(' ');
}

export interface Series {
  label: string;
  colour: string;
  dashed: boolean;
  points: Point[];
  /** Mark the last point (a latency line's maximum). */
  endDot?: boolean;
}

export function legend(series: Series[]): Html {
  return el('ul', { class: 'legend' }, series.map((line) => el('li', {}, swatch(line.colour, line.dashed), line.label)));
}

export function seriesPath(line: Series, x: Scale, y: Scale): Html {
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
