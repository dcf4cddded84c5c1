/**
 * Async delivery per phase: the funnel from sent to completed, the chart of how many attempts it
 * took, and the delivery facts (the accounting, end-to-end latency, failures, foreign messages).
 */
import { failedViaText, foreignNote, inferredNote, type DeliveryReport } from '../../delivery/deliveryReport.js';
import type { PhaseReport } from '../reportDocument.js';
import { formatLatencyUs } from '../../latencyText.js';
import { el, type Child, type Html } from './markup.js';
import { COLOURS, phaseColour, phaseLabel } from './colours.js';
import { countColumns, funnelChart, type FunnelStage } from './bars.js';
import { definitionList } from './tables.js';
import { formatCount } from './format.js';

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
  return funnelChart(`${phase.name}: delivery funnel`, stages, sent);
}

function attemptsChart(attempts: Record<string, number>): Child {
  return countColumns(attempts, {
    className: 'attempts',
    barClass: 'attempt-bar',
    label: 'attempts per completed event',
    axisTitle: 'attempts (unknown: reported by the DLQ only)',
    keyName: (key) => `${key} attempt(s)`,
    colour: (key) => (key === 'unknown' ? '#94a3b8' : COLOURS.endToEnd),
    empty: 'No completion record reported its attempts.',
  });
}

function deliveryFacts(delivery: DeliveryReport): Html {
  const conditions = Object.entries(delivery.conditions ?? {}).map(([condition, count]) => `${condition} ${formatCount(count ?? 0)}`);
  const facts: [string, Child][] = [
    (delivery.unverified ?? 0) > 0
      ? ['accepted = succeeded + failed + missing + unverified', `${formatCount(delivery.accepted)} = ${formatCount(delivery.succeeded)} + ${formatCount(delivery.failed)} + ${formatCount(delivery.missing)} + ${formatCount(delivery.unverified!)}`]
      : ['accepted = succeeded + failed + missing', `${formatCount(delivery.accepted)} = ${formatCount(delivery.succeeded)} + ${formatCount(delivery.failed)} + ${formatCount(delivery.missing)}`],
    ...(delivery.unverifiedReasons?.length ? [['unverified because', el('ul', { class: 'plain' }, delivery.unverifiedReasons.map((reason) => el('li', {}, reason)))] as [string, Child]] : []),
    ['end-to-end p50 / p99 / max', delivery.endToEnd ? `${formatLatencyUs(delivery.endToEnd.p50)} / ${formatLatencyUs(delivery.endToEnd.p99)} / ${formatLatencyUs(delivery.endToEnd.max)}` : '—'],
    ['failures reported by', failedViaText(delivery, formatCount)],
    ...[inferredNote(delivery)].filter((note): note is string => note !== undefined).map((note): [string, Child] => ['successes inferred', note]),
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
