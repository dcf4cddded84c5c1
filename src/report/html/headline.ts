/**
 * Headline: the cards at the top of the page, the few figures per phase a reader looks for first.
 */
import type { PhaseReport } from '../reportDocument.js';
import { formatLatencyUs } from '../../latencyText.js';
import { el, type Html } from './markup.js';
import { phaseColour, phaseLabel } from './colours.js';
import { formatNumber, formatPercent } from './format.js';

export function headlineCards(phases: PhaseReport[]): Html {
  return el('div', { class: 'cards' }, phases.map((phase, index) => headlineCard(phase, index)));
}

function headlineCard(phase: PhaseReport, index: number): Html {
  const attempted = phase.requests + phase.dropped;
  const errors = attempted > 0 ? (attempted - (phase.outcomes?.ok ?? 0)) / attempted : undefined;
  const queueDelivery = phase.queue?.delivery;
  const figures: [string, string][] = [
    ['p50', formatLatencyUs(phase.latencyUs?.p50)],
    ['p99', formatLatencyUs(phase.latencyUs?.p99)],
    ['throughput', `${formatNumber(phase.throughputPerSecond, 1)}/s`],
    ['errors', errors === undefined ? '—' : formatPercent(errors)],
    ...(phase.delivery ? [['delivered', phase.delivery.accepted > 0 ? formatPercent(phase.delivery.succeeded / phase.delivery.accepted) : '—'] as [string, string]] : []),
    ...(queueDelivery ? [[queueDelivery.processedDerived ? 'processed (derived)' : 'processed', queueDelivery.sent > 0 ? formatPercent(queueDelivery.processed / queueDelivery.sent) : '—'] as [string, string]] : []),
  ];
  return el(
    'div',
    { class: 'card', style: `border-top-color: ${phaseColour(phase, index)}` },
    el('div', { class: 'card-title' }, phaseLabel(phase, index)),
    el('dl', {}, figures.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value)))),
  );
}
