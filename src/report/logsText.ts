/** A phase's `--logs` findings as notes, for the table and the page. */
import { oneLine } from '../terminalText.js';
import type { PhaseReport } from './reportDocument.js';

/** What --logs could not find, and why; where the Lambda figures came from. */
export function logsNotes(logs: NonNullable<PhaseReport['logs']>): string[] {
  const notes: string[] = [];
  if (logs.unreadable) notes.push(`logs: ${logs.logGroup} could not be read (${oneLine(logs.unreadable)}): the phase's Lambda figures are what the calls brought`);
  else if (logs.notFound > 0) {
    const why = logs.groupMissing ? `the log group ${logs.logGroup} does not exist (yet)` : `not in ${logs.logGroup} within --settle (logs arrive seconds late; a longer --settle waits more)`;
    notes.push(`logs: ${logs.notFound} of ${logs.invocations} invocations not found: ${why}${logs.notFoundExamples?.length ? `, e.g. ${logs.notFoundExamples.slice(0, 3).join(', ')}` : ''}`);
  }
  if (logs.mapped && !logs.unreadable) notes.push(`logs: the event source mapping's invocations are every REPORT in ${logs.logGroup} over the phase's window (another caller's invocations of the function in that window count too)`);
  if (!logs.unreadable) notes.push(`logs: ${logs.found} invocations found in ${logs.logGroup} (${logs.format}, ${logs.method}, ${logs.calls} FilterLogEvents calls${logs.throttled ? `, ${logs.throttled} throttled` : ''}); Lambda figures from ${logs.figuresFrom === 'logs' ? 'these logs' : 'the calls\' log tails'}`);
  return notes;
}
