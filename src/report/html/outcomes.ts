/**
 * Outcomes and status codes per phase, as horizontal stacked bars with their legends.
 */
import type { PhaseReport } from '../reportDocument.js';
import { el, type Html } from './markup.js';
import { outcomeColour, phaseLabel, statusColour } from './colours.js';
import { formatCount, formatPercent, round } from './format.js';

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

export function outcomeBars(phase: PhaseReport, index: number): Html {
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
