/**
 * The bar charts of the delivery sections: a funnel (each stage a bar on the scale of what was
 * sent, with its share of the stage it is part of) and columns of counts by key (attempts per
 * completed event, receives per dead-lettered message).
 */
import { el, type Child, type Html } from './markup.js';
import { emptyPlot, linearScale, type Frame } from './plot.js';
import { formatCount, formatNumber, formatPercent, round } from './format.js';

export interface FunnelStage {
  name: string;
  count: number;
  colour: string;
  /** The stage its share is of. */
  of?: { name: string; count: number };
  /** Drawn faded with a dashed outline: a count worked out from the others, not seen. */
  derived?: boolean;
}

const FUNNEL = { width: 640, value: 190, height: 26, gap: 10 } as const;

/** One bar per stage, on the scale of `whole`; `labelWidth` is the room the stage names take. */
export function funnelChart(label: string, stages: FunnelStage[], whole: number, labelWidth = 96): Html {
  const span = FUNNEL.width - labelWidth - FUNNEL.value;
  const width = (count: number) => (whole > 0 ? (span * Math.min(count, whole)) / whole : 0);
  return el(
    'svg',
    { class: 'funnel', viewBox: `0 0 ${FUNNEL.width} ${stages.length * (FUNNEL.height + FUNNEL.gap) - FUNNEL.gap}`, role: 'img', 'aria-label': label },
    el('title', {}, label),
    stages.map((stage, row) => {
      const y = row * (FUNNEL.height + FUNNEL.gap);
      const middle = y + FUNNEL.height / 2 + 5;
      const bar = stage.derived
        ? { fill: stage.colour, 'fill-opacity': 0.4, stroke: stage.colour, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }
        : { fill: stage.colour };
      return el(
        'g',
        { class: 'funnel-row', 'data-stage': stage.name },
        el('text', { class: 'bar-title', x: 0, y: middle }, stage.name),
        el('rect', { class: 'bar-empty', x: labelWidth, y, width: span, height: FUNNEL.height }),
        el('rect', { x: labelWidth, y, width: round(width(stage.count)), height: FUNNEL.height, ...bar }, el('title', {}, `${stage.name}: ${formatCount(stage.count)}`)),
        el('text', { class: 'funnel-value', x: FUNNEL.width - FUNNEL.value + 12, y: middle }, formatCount(stage.count), stage.of && stage.of.count > 0 ? el('tspan', { class: 'funnel-share' }, ` ${formatPercent(stage.count / stage.of.count)} of ${stage.of.name}`) : null),
      );
    }),
  );
}

export interface CountColumns {
  /** The SVG's class and accessible label, and each column's class. */
  className: string;
  barClass: string;
  label: string;
  axisTitle: string;
  /** What a column's tooltip calls its key: `3 attempt(s)`. */
  keyName: (key: string) => string;
  colour: (key: string) => string;
  empty: string;
}

/** Numeric keys in order, any other (such as 'unknown') last. */
export function countKeys(counts: Record<string, number>): string[] {
  const order = (key: string) => (Number.isFinite(Number(key)) ? Number(key) : Infinity);
  return Object.keys(counts).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

/** A column per key, its count over it. */
export function countColumns(counts: Record<string, number>, chart: CountColumns): Child {
  const keys = countKeys(counts);
  if (keys.length === 0) return emptyPlot(chart.empty);
  const frame: Frame = { width: 340, height: 220, left: 44, right: 8, top: 22, bottom: 44 };
  const max = Math.max(...keys.map((key) => counts[key] ?? 0), 1);
  const y = linearScale(max, frame.height - frame.bottom, frame.top, (value) => formatNumber(value, 0), true);
  const slot = (frame.width - frame.left - frame.right) / keys.length;
  const barWidth = Math.min(70, slot * 0.6);
  const bottom = frame.height - frame.bottom;
  return el(
    'svg',
    { class: chart.className, viewBox: `0 0 ${frame.width} ${frame.height}`, role: 'img', 'aria-label': chart.label },
    el('title', {}, chart.label),
    y.ticks.map((tick) => el('g', {}, el('line', { class: 'grid', x1: frame.left, x2: frame.width - frame.right, y1: round(y(tick.value)), y2: round(y(tick.value)) }), el('text', { x: frame.left - 6, y: round(y(tick.value)) + 4, 'text-anchor': 'end' }, tick.label))),
    keys.map((key, index) => {
      const count = counts[key] ?? 0;
      const centre = frame.left + slot * (index + 0.5);
      return el(
        'g',
        { class: chart.barClass, 'data-key': key },
        el('rect', { x: round(centre - barWidth / 2), y: round(y(count)), width: round(barWidth), height: round(bottom - y(count)), fill: chart.colour(key), rx: 2 }, el('title', {}, `${chart.keyName(key)}: ${formatCount(count)}`)),
        el('text', { x: round(centre), y: round(y(count)) - 6, 'text-anchor': 'middle', class: 'bar-value' }, formatCount(count)),
        el('text', { x: round(centre), y: bottom + 18, 'text-anchor': 'middle' }, key),
      );
    }),
    el('line', { class: 'axis', x1: frame.left, x2: frame.width - frame.right, y1: bottom, y2: bottom }),
    el('text', { class: 'axis-title', x: (frame.left + frame.width - frame.right) / 2, y: frame.height - 6, 'text-anchor': 'middle' }, chart.axisTitle),
  );
}
