/**
 * A queue phase's part of the terminal table: what the queue was wired to, and, with delivery
 * verified, what became of the messages (sent = processed + dead-lettered + still in the queue),
 * how fast the mapping drained them and after how many receives the failing ones were
 * dead-lettered. Reads only the report document.
 */
import type { QueueDeliveryReport } from '../delivery/queueDelivery.js';
import { functionNameOf } from '../aws/arn.js';
import type { QueueMapping } from '../discovery/queueWiring.js';
import { formatLatencyMs, formatLatencyUs } from '../latencyText.js';
import { oneLine } from '../terminalText.js';
import type { PhaseReport } from './reportDocument.js';

type Row = [string, ...string[]];

/** The phase's column header: a queue phase is its messages sent, not an invocation type. */
export function phaseLabel(phase: PhaseReport): string {
  return `${phase.name} (${phaseKind(phase)})`;
}

/** What a phase sent: its invocation type, or SendMessage for a queue phase. */
export function phaseKind(phase: PhaseReport): string {
  return phase.queue ? 'SendMessage' : phase.invocationType;
}

/** Why a derived processed count is to be read with care. */
export const PROCESSED_DERIVED_NOTE = "processed is derived from the counts (no --output-queue to see each message in); SQS's counts are approximate";

export function queueRows(phases: PhaseReport[]): Row[] {
  if (!phases.some((phase) => phase.queue)) return [];
  const cell = (render: (queue: NonNullable<PhaseReport['queue']>) => string) => phases.map((phase) => (phase.queue ? render(phase.queue) : '—'));
  const rows: Row[] = [['read by', ...cell(({ wiring }) => (wiring.mappings === undefined ? 'unknown' : wiring.mappings.length === 0 ? 'no mapping' : wiring.mappings.map(mappingLabel).join('; ')))]];
  if (!phases.some((phase) => phase.queue?.delivery)) return rows;
  const delivered = (render: (delivery: NonNullable<NonNullable<PhaseReport['queue']>['delivery']>) => string) => cell(({ delivery }) => (delivery ? render(delivery) : '—'));
  rows.push(
    ['processed', ...delivered((delivery) => `${delivery.processed}/${delivery.sent}${delivery.processedDerived ? ' (derived)' : ''}`)],
    ['dead-lettered', ...delivered((delivery) => String(delivery.deadLettered))],
    ['still in the queue', ...delivered((delivery) => String(delivery.remaining))],
  );
  if (phases.some((phase) => (phase.queue?.delivery?.unaccounted ?? 0) > 0)) rows.push(['unaccounted', ...delivered((delivery) => String(delivery.unaccounted))]);
  rows.push(
    ['receive count (DLQ)', ...delivered((delivery) => Object.entries(delivery.receiveCounts).map(([receives, count]) => `${receives}×${count}`).join(' ') || '—')],
    ['processed p50', ...delivered((delivery) => (delivery.endToEnd ? formatLatencyUs(delivery.endToEnd.p50) : '—'))],
    ['processed p99', ...delivered((delivery) => (delivery.endToEnd ? formatLatencyUs(delivery.endToEnd.p99) : '—'))],
    ['drained', ...delivered((delivery) => (delivery.depth.drainPerSecond !== undefined ? `${delivery.depth.drainPerSecond.toFixed(1)}/s` : '—'))],
    ['empty after', ...delivered((delivery) => (delivery.depth.lastSendToEmptyMs !== undefined ? formatLatencyMs(delivery.depth.lastSendToEmptyMs) : 'not empty'))],
  );
  return rows;
}

/** The notes under the table: the equation, the wiring's warnings, what could not be known. */
export function queueNotes(phase: PhaseReport): string[] {
  const queue = phase.queue;
  if (!queue) return [];
  const { wiring, delivery } = queue;
  const notes = [
    `messages go to ${oneLine(wiring.queueUrl)}${wiring.fifo ? ' (FIFO)' : ''}; visibility timeout ${wiring.visibilityTimeoutSeconds} s; ${wiring.redrive ? `DLQ after ${wiring.redrive.maxReceiveCount} receives` : 'no DLQ'}`,
    ...wiring.warnings.map((warning) => `warning: ${oneLine(warning)}`),
    ...wiring.unknown.map((unknown) => `unknown: ${oneLine(unknown)}`),
  ];
  if (delivery) {
    notes.push(queueEquation(delivery) + (delivery.processedDerived ? `: ${PROCESSED_DERIVED_NOTE}` : ''));
    if (delivery.othersInQueue) notes.push(`${delivery.othersInQueue} more messages in the queue at the end are not counted as this run's (warm-up sends, sends that timed out here but landed, or another producer's)`);
    if (delivery.depth.baseline > 0) notes.push(`the queue held ${delivery.depth.baseline} messages before the run: they are not counted as this run's`);
    if (delivery.foreignMessages > 0) notes.push(`${delivery.foreignMessages} messages not from this run seen in the DLQ or output queue: handed back, none deleted`);
    for (const reason of delivery.unverifiedReasons ?? []) notes.push(`unverified: ${oneLine(reason)}`);
  }
  return notes;
}

/** The mapped function's name (its ARN when it has none to read). */
export function mappedFunctionName(mapping: QueueMapping): string {
  return functionNameOf(mapping.functionArn);
}

function mappingLabel(mapping: QueueMapping): string {
  const name = mappedFunctionName(mapping);
  const concurrency = mapping.maximumConcurrency !== undefined ? `, ≤${mapping.maximumConcurrency} at once` : '';
  return `${oneLine(name)} (${mapping.state}, batch ${mapping.batchSize}${mapping.batchingWindowSeconds > 0 ? ` within ${mapping.batchingWindowSeconds} s` : ''}${concurrency})`;
}

/** `sent 1000 = processed 970 (derived) + dead-lettered 30 + in the queue 0`. */
export function queueEquation(report: QueueDeliveryReport): string {
  const unaccounted = report.unaccounted > 0 ? ` + unaccounted ${report.unaccounted}` : '';
  return `sent ${report.sent} = processed ${report.processed}${report.processedDerived ? ' (derived)' : ''} + dead-lettered ${report.deadLettered} + in the queue ${report.remaining}${unaccounted}`;
}
