/** A phase's `--logs` findings as notes and cells, for the table and the page. */
import { functionNameOf } from '../aws/arn.js';
import { MAX_POINTS, seriesPeak, type ConcurrencySeries } from '../metrics/concurrencySeries.js';
import { oneLine } from '../terminalText.js';
import type { FunctionLogs, PhaseReport } from './reportDocument.js';

type Logs = NonNullable<PhaseReport['logs']>;

/** What --logs could not find, and why; where the Lambda figures came from; what each of a queue's functions gave. */
export function logsNotes(logs: Logs): string[] {
  const notes: string[] = [];
  if (logs.unreadable) notes.push(`logs: ${logs.logGroup} could not be read (${oneLine(logs.unreadable)}): the phase's Lambda figures are what the calls brought`);
  else if (logs.interrupted) notes.push(`logs: the lookup was interrupted (Ctrl-C): ${logs.found} of ${logs.invocations} invocations found in ${logs.logGroup} by then`);
  else if (logs.notFound > 0) {
    const why = logs.groupMissing ? `the log group ${logs.logGroup} does not exist (yet)` : `not in ${logs.logGroup} within --settle (logs arrive seconds late; a longer --settle waits more)`;
    notes.push(`logs: ${logs.notFound} of ${logs.invocations} invocations not found: ${why}${logs.notFoundExamples?.length ? `, e.g. ${logs.notFoundExamples.slice(0, 3).join(', ')}` : ''}`);
  }
  const groups = logs.byFunction ?? [];
  const functions = groups.reduce((count, entry) => count + entry.functions.length, 0);
  const several = groups.length > 1 || (groups[0]?.mappings ?? 0) > 1;
  if (logs.mapped && !logs.unreadable) {
    notes.push(`logs: the event source ${several ? "mappings'" : "mapping's"} invocations are every REPORT in ${logs.logGroup} over the phase's window (another caller's invocations of ${functions > 1 ? 'these functions' : 'the function'} in that window count too)`);
  }
  if (!logs.unreadable) notes.push(`logs: ${logs.found} invocations found in ${logs.logGroup} (${logs.format}, ${logs.method}, ${logs.calls} FilterLogEvents calls${logs.throttled ? `, ${logs.throttled} throttled` : ''}); Lambda figures from ${logs.figuresFrom === 'logs' ? 'these logs' : 'the calls\' log tails'}`);
  if (several || logs.byFunction?.some((entry) => entry.unreadable)) notes.push(...(logs.byFunction ?? []).map(functionNote));
  if (logs.concurrency) notes.push(...concurrencyNotes(logs.concurrency).map((note) => `logs: ${note}`));
  return notes;
}

/** What a reader of a concurrency series must know: its steps are longer than a second, or it is a sum of shards'. */
export function concurrencyNotes(series: ConcurrencySeries): string[] {
  const notes: string[] = [];
  if (series.stepMs > 1000) notes.push(`concurrency over time in ${series.stepMs / 1000} s steps (the phase's invocations spanned more than ${MAX_POINTS} s): each step's figure is the most at once within it`);
  if (series.shards) notes.push(`concurrency over time is the ${series.shards} shards' series added second by second on the logs' clock: each figure is at most the run's (the shards' peaks within a second need not have coincided)`);
  return notes;
}

/**
 * The peak concurrency and when: the second of the series it is first reached in (the series counts
 * from the phase's start rounded down to the second, as the page's plot does). `≤` on a merged
 * report, whose series is a sum of shards'. '—' without.
 */
export function peakConcurrencyCell(phase: PhaseReport, format: (count: number) => string = String): string {
  const logs = phase.logs;
  if (!logs) return '—';
  const series = logs.concurrency;
  const peak = series ? seriesPeak(series) : undefined;
  const when = peak && series ? ` at ${(peak.at - series.from) / 1000} s` : '';
  // The series starts no earlier than the window the logs were read over: a peak before it has no "when".
  if (logs.peakConcurrency !== undefined) return `${format(logs.peakConcurrency)}${peak?.max === logs.peakConcurrency ? when : ''}`;
  if (peak && series?.shards) return `≤ ${format(peak.max)}${when}`;
  return '—';
}

function functionNote(entry: FunctionLogs): string {
  const names = entry.functions.map((name) => oneLine(functionNameOf(name))).join(' and ');
  const by = entry.mappings > 1 ? ` (invoked by ${entry.mappings} mappings)` : '';
  if (entry.unreadable) return `logs: ${names}${by}: ${entry.logGroup} could not be read (${oneLine(entry.unreadable)}): its invocations are not counted`;
  const missing = entry.groupMissing ? `; the log group does not exist (yet)` : '';
  return `logs: ${names}${by}: ${entry.found} invocations, ${entry.coldStarts} cold starts${entry.peakConcurrency !== undefined ? `, at most ${entry.peakConcurrency} at once` : ''}, in ${entry.logGroup}${missing}`;
}
