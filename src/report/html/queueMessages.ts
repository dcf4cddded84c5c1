/**
 * What became of a queue phase's messages: the reconciliation
 *   sent = processed + dead-lettered + still in the queue [+ unaccounted]
 * as an equation and a funnel (processed drawn faded, and said to be, when it is derived from the
 * counts), the receive counts of the dead-lettered messages, and the facts: processed end-to-end
 * latency, how fast the queue drained, when it was empty again.
 */
import type { QueueDeliveryReport } from '../../delivery/queueDelivery.js';
import { formatLatencyMs, formatLatencyUs } from '../../latencyText.js';
import { PROCESSED_DERIVED_NOTE } from '../queueText.js';
import type { PhaseReport } from '../reportDocument.js';
import { el, type Child, type Html } from './markup.js';
import { phaseColour } from './colours.js';
import { countColumns, funnelChart, type FunnelStage } from './bars.js';
import { definitionList } from './tables.js';
import { formatCount, formatNumber } from './format.js';

const STAGE_COLOURS = { processed: '#16a34a', deadLettered: '#dc2626', remaining: '#64748b', unaccounted: '#f59e0b' } as const;

export function queueMessages(phase: PhaseReport, index: number, delivery: QueueDeliveryReport): Child {
  const maxReceiveCount = phase.queue?.wiring.redrive?.maxReceiveCount;
  return [
    el('h4', { class: 'spaced' }, 'What became of the messages'),
    equation(delivery),
    delivery.processedDerived ? el('p', { class: 'derived-note' }, el('b', {}, 'processed = sent − dead-lettered − still in the queue'), `: ${PROCESSED_DERIVED_NOTE}.`) : null,
    el(
      'div',
      { class: 'delivery-grid' },
      el('figure', {}, el('h4', {}, 'Funnel'), el('div', { class: 'scroll' }, funnel(phase, index, delivery))),
      el('figure', {}, el('h4', {}, 'Receives per dead-lettered message'), receivesChart(delivery), Object.keys(delivery.receiveCounts).length > 0 ? el('figcaption', {}, receivesCaption(maxReceiveCount)) : null),
    ),
    definitionList(facts(delivery)),
  ];
}

/** `sent 1,000 = processed 900 (derived) + dead-lettered 100 + still in the queue 0`, each figure in bold. */
function equation(delivery: QueueDeliveryReport): Html {
  const term = (name: string, count: number, derived = false) => el('span', { class: 'term' }, `${name} `, el('b', {}, formatCount(count)), derived ? [' ', el('em', { class: 'derived' }, '(derived)')] : null);
  const terms = [
    term('processed', delivery.processed, delivery.processedDerived),
    term('dead-lettered', delivery.deadLettered),
    term('still in the queue', delivery.remaining),
    ...(delivery.unaccounted > 0 ? [term('unaccounted', delivery.unaccounted)] : []),
  ];
  return el('p', { class: 'equation' }, term('sent', delivery.sent), ' = ', terms.flatMap((part, at) => (at === 0 ? [part] : [' + ', part])));
}

/** Sent, then what became of it: each a bar on the scale of what was sent. */
function funnel(phase: PhaseReport, index: number, delivery: QueueDeliveryReport): Html {
  const sent = { name: 'sent', count: delivery.sent };
  const stages: FunnelStage[] = [
    { name: 'sent', count: delivery.sent, colour: phaseColour(phase, index) },
    { name: delivery.processedDerived ? 'processed (derived)' : 'processed', count: delivery.processed, colour: STAGE_COLOURS.processed, of: sent, derived: delivery.processedDerived },
    { name: 'dead-lettered', count: delivery.deadLettered, colour: STAGE_COLOURS.deadLettered, of: sent },
    { name: 'still in the queue', count: delivery.remaining, colour: STAGE_COLOURS.remaining, of: sent },
    ...(delivery.unaccounted > 0 ? [{ name: 'unaccounted', count: delivery.unaccounted, colour: STAGE_COLOURS.unaccounted, of: sent }] : []),
  ];
  return funnelChart(`${phase.name}: what became of the messages`, stages, delivery.sent, 164);
}

function receivesChart(delivery: QueueDeliveryReport): Child {
  return countColumns(delivery.receiveCounts, {
    className: 'receives',
    barClass: 'receive-bar',
    label: 'receives per dead-lettered message',
    axisTitle: 'receives before it was dead-lettered',
    keyName: (key) => `${key} receive(s)`,
    colour: () => STAGE_COLOURS.deadLettered,
    empty: delivery.deadLettered > 0 ? 'The dead-lettered messages carried no receive count.' : delivery.dlqUrl ? 'No message was dead-lettered.' : 'No DLQ was read.',
  });
}

/** What the counts are: SQS's, as lambench first read each message from the DLQ. */
function receivesCaption(maxReceiveCount: number | undefined): string {
  const limit = maxReceiveCount !== undefined ? ` (maxReceiveCount ${formatCount(maxReceiveCount)})` : '';
  return `SQS's ApproximateReceiveCount as lambench first read each message from the DLQ, its own read taken off; it can count the receive that moved it there${limit}.`;
}

function facts(delivery: QueueDeliveryReport): [string, Child][] {
  const { depth, remainingDetail } = delivery;
  const endToEnd = delivery.endToEnd;
  const rows: [string, Child][] = [
    [
      'processed end-to-end p50 / p90 / p99',
      endToEnd
        ? `${formatLatencyUs(endToEnd.p50)} / ${formatLatencyUs(endToEnd.p90)} / ${formatLatencyUs(endToEnd.p99)} (${formatCount(endToEnd.count)} messages, send → output record)`
        : el('span', { class: 'muted' }, delivery.processedDerived ? 'not measured: no output queue to see each message in (--output-queue)' : '—'),
    ],
    [
      'drained',
      depth.drainPerSecond !== undefined
        ? `${formatNumber(depth.drainPerSecond, 1)} messages/s (from the first send until ${depth.lastSendToEmptyMs !== undefined ? 'the queue was empty again' : 'the last reading'})`
        : '—',
    ],
    [
      'empty again',
      depth.lastSendToEmptyMs !== undefined
        ? `${formatLatencyMs(depth.lastSendToEmptyMs)} after the last send`
        : el('span', { class: 'warn' }, 'not by the end: the queue never went back to its depth before the run'),
    ],
    ['still in the queue', `${formatCount(delivery.remaining)} (at the end: visible ${formatCount(remainingDetail.visible)}, in flight ${formatCount(remainingDetail.inFlight)}, delayed ${formatCount(remainingDetail.delayed)})`],
    ['depth before the run', depth.baseline > 0 ? el('span', { class: 'warn' }, `${formatCount(depth.baseline)} messages: not counted as this run's`) : '0 (empty)'],
  ];
  if (delivery.dlqUrl) rows.push(['dead-letter queue read', el('code', {}, delivery.dlqUrl)]);
  if (delivery.outputQueueUrl) rows.push(['output queue read', el('code', {}, delivery.outputQueueUrl)]);
  if (delivery.unverifiedReasons?.length) rows.push(['unverified because', el('ul', { class: 'plain' }, delivery.unverifiedReasons.map((reason) => el('li', {}, reason)))]);
  if (delivery.foreignMessages > 0) rows.push(['messages not from this run', `${formatCount(delivery.foreignMessages)} seen in the DLQ or output queue: handed back, none deleted`]);
  if (delivery.duplicates > 0) rows.push(['duplicate records', formatCount(delivery.duplicates)]);
  if (depth.failedReads > 0) rows.push(['depth readings failed', el('span', { class: 'warn' }, formatCount(depth.failedReads))]);
  return rows;
}
