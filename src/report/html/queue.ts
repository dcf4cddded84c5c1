/**
 * A queue phase (its messages sent to a queue an event source mapping reads): what read the queue
 * (each mapping and its function's timeout), the queue's own settings, AWS's warnings on that
 * wiring and what could not be read; then, with delivery verified, what became of the messages
 * (queueMessages.ts) and the queue's depth over the phase (queueDepth.ts).
 */
import type { QueueMapping, QueueWiring } from '../../discovery/queueWiring.js';
import { mappedFunctionName } from '../queueText.js';
import type { PhaseReport } from '../reportDocument.js';
import { el, type Child, type Html } from './markup.js';
import { phaseLabel } from './colours.js';
import { definitionList } from './tables.js';
import { formatCount, formatNumber } from './format.js';
import { queueMessages } from './queueMessages.js';
import { depthPlot } from './queueDepth.js';

export function queueBlock(phase: PhaseReport, index: number): Child {
  const queue = phase.queue;
  if (!queue) return null;
  const { wiring, delivery } = queue;
  return el(
    'div',
    { class: 'phase-block queue-block' },
    el('h3', {}, phaseLabel(phase, index)),
    el('h4', {}, 'What read the queue'),
    mappingTable(wiring),
    el('h4', { class: 'spaced' }, 'The queue'),
    definitionList(queueSettings(wiring)),
    wiringNotes(wiring),
    delivery
      ? [queueMessages(phase, index, delivery), el('h4', { class: 'spaced' }, 'Depth over time'), depthPlot(phase, index, delivery.depth)]
      : el('p', { class: 'empty' }, 'Delivery was not verified (--verify-delivery): what became of the messages was not looked at.'),
  );
}

function mappingTable(wiring: QueueWiring): Html {
  if (wiring.mappings === undefined) return el('p', { class: 'empty' }, 'Unknown: the event source mappings could not be read (see below).');
  if (wiring.mappings.length === 0) return el('p', { class: 'warn' }, 'No event source mapping reads this queue: what is sent stays in it until a consumer comes or the retention period ends.');
  const columns = ['function', 'state', 'batch size', 'batching window', 'max concurrency', 'ReportBatchItemFailures', 'function timeout'];
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'mappings' },
      el('thead', {}, el('tr', {}, columns.map((name, column) => el('th', { class: column > 1 ? 'num' : undefined }, name)))),
      el('tbody', {}, wiring.mappings.map((mapping) => mappingRow(mapping, wiring))),
    ),
  );
}

function mappingRow(mapping: QueueMapping, wiring: QueueWiring): Html {
  const timeout = mapping.functionTimeoutSeconds;
  // AWS advises a visibility timeout of at least 6 × the function's: the warnings say why.
  const timeoutShort = timeout !== undefined && wiring.visibilityTimeoutSeconds < 6 * timeout;
  return el(
    'tr',
    {},
    el('td', {}, el('code', { title: `${mapping.functionArn}\nmapping ${mapping.uuid}` }, mappedFunctionName(mapping))),
    el('td', { class: mapping.state === 'Enabled' ? undefined : 'warn' }, mapping.state),
    el('td', { class: 'num' }, formatCount(mapping.batchSize)),
    el('td', { class: 'num' }, mapping.batchingWindowSeconds > 0 ? `${formatNumber(mapping.batchingWindowSeconds, 0)} s` : 'none'),
    el('td', { class: 'num' }, mapping.maximumConcurrency !== undefined ? formatCount(mapping.maximumConcurrency) : 'not set'),
    el('td', { class: mapping.reportBatchItemFailures ? 'num' : 'num warn' }, mapping.reportBatchItemFailures ? 'yes' : 'no'),
    el(
      'td',
      { class: timeoutShort ? 'num warn' : 'num', title: timeoutShort ? `under the visibility timeout's advised 6 × (${formatNumber(6 * timeout, 0)} s > ${formatNumber(wiring.visibilityTimeoutSeconds, 0)} s)` : undefined },
      timeout !== undefined ? `${formatNumber(timeout, 0)} s` : 'unknown',
    ),
  );
}

function queueSettings(wiring: QueueWiring): [string, Child][] {
  const redrive = wiring.redrive;
  return [
    ['queue', el('code', {}, wiring.queueUrl)],
    ['FIFO', wiring.fifo ? 'yes (messages of a group are processed in order)' : 'no (standard queue)'],
    ['visibility timeout', `${formatNumber(wiring.visibilityTimeoutSeconds, 0)} s`],
    ...(wiring.delaySeconds > 0 ? [['delivery delay', `${formatNumber(wiring.delaySeconds, 0)} s`] as [string, Child]] : []),
    ['largest message', `${formatCount(wiring.maximumMessageBytes)} bytes`],
    [
      'dead-letter queue',
      redrive
        ? el('span', {}, el('code', {}, redrive.dlqUrl ?? redrive.dlqArn), ` after ${formatCount(redrive.maxReceiveCount)} receives (maxReceiveCount)`)
        : el('span', { class: 'warn' }, 'none (no RedrivePolicy)'),
    ],
  ];
}

/** AWS's warnings on the wiring, highlighted; then what could not be read. */
function wiringNotes(wiring: QueueWiring): Child {
  return [
    wiring.warnings.length > 0 ? el('ul', { class: 'callouts warnings' }, wiring.warnings.map((warning) => el('li', {}, el('b', {}, 'Warning: '), warning))) : null,
    wiring.unknown.length > 0 ? el('ul', { class: 'callouts unknowns' }, wiring.unknown.map((unknown) => el('li', {}, el('b', {}, 'Unknown: '), unknown))) : null,
  ];
}
