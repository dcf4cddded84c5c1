/**
 * Async delivery per phase: the funnel from sent to completed, the chart of how many attempts it
 * took, and the delivery facts (the accounting, end-to-end latency, failures, foreign messages).
 */
import { foreignNote, type DeliveryReport } from '../../delivery/deliveryReport.js';
import type { PhaseReport } from '../reportDocument.js';
import { formatLatencyUs } from '../../latencyText.js';
import { el, type Child, type Html } from './markup.js';
import { COLOURS, phaseColour, phaseLabel } from './colours.js';
import { emptyPlot, linearScale, type Frame } from './plot.js';
import { definitionList } from './tables.js';
import { formatCount, formatNumber, formatPercent, round } from './format.js';

export function deliveryBlock(phase: PhaseReport, index: number): Child {
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
