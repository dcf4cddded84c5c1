/** `lambench poll <queue-url..>`: print decoded completion records, optionally correlated with a run. */
import { CallFailedError, InterruptedError, TargetUnavailableError, UsageError } from '../../errors.js';
import type { CompletionRecord } from '../../delivery/completionRecord.js';
import { deliveryEquation } from '../../delivery/deliveryReport.js';
import type { TrackedInvocation } from '../../delivery/deliveryTracker.js';
import type { PollResult } from '../../delivery/pollQueues.js';
import { oneLine } from '../../terminalText.js';
import { parseHttpUrl } from '../../targets/http/httpFlags.js';
import { formatLatencyMs, formatLatencyUs } from '../../latencyText.js';
import { styleFor, type Style } from '../style.js';
import { listenForInterrupts } from '../interrupts.js';

export interface PollArgs {
  queueUrl?: string[];
  follow?: boolean;
  max?: number;
  correlate?: string;
  delete?: boolean;
  json?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export async function pollCommand(args: PollArgs): Promise<void> {
  const problems: string[] = [];
  const queueUrls: string[] = [];
  for (const url of args.queueUrl ?? []) {
    try {
      queueUrls.push(parseHttpUrl(url, 'queue URL').href);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (args.max !== undefined && !(Number.isInteger(args.max) && args.max > 0)) problems.push(`--max ${args.max} must be a whole number above 0`);
  const { pollQueues, readCorrelationFile } = await import('../../delivery/pollQueues.js');
  const correlate = args.correlate === undefined ? undefined : await readCorrelationFile(args.correlate).catch((error: Error) => void problems.push(error.message));
  if (problems.length > 0) throw new UsageError(problems.join('; '));

  const style = styleFor(process.stdout);
  // Ctrl-C (or SIGTERM) stops reading; a second one while held messages are handed back still lets
  // the summary be written; a third exits at once (held messages reappear when their hold ends).
  const interrupts = listenForInterrupts(undefined, undefined, 'the messages still held are being handed back (at most 10 s), then the summary is written');
  // A closed stdout (`poll --delete | head -2`) stops the poll at once and quietly: a record is
  // deleted only once the line after it was written (pollQueues), so at most one written but
  // unread is deleted, and the EPIPE is not an uncaught error with a stack trace.
  const output = new StdoutLines();
  const stop = AbortSignal.any([interrupts.stop, output.closed.signal]);
  let result;
  try {
    result = await pollQueues({
      queueUrls,
      aws: { region: args.region, profile: args.profile, endpointUrl: args.endpointUrl },
      ...(args.follow && { follow: true }),
      ...(args.max !== undefined && { max: args.max }),
      ...(correlate && { correlate }),
      ...(args.delete && { deleteRecords: true }),
      signal: stop,
      note: (message) => process.stderr.write(`lambench: note: ${message}\n`),
      onRecord: (record, match) => {
        const line = args.json ? JSON.stringify({ type: 'record', ...record, ...(match && { matched: true, endToEndMs: match.endToEndMs }) }) : renderRecord(record, match, Boolean(correlate), style);
        return output.write(`${line}\n`);
      },
    });
  } finally {
    interrupts.dispose();
  }
  const skipped = result.malformed > 0 ? `; ${result.malformed} message${result.malformed === 1 ? '' : 's'} not a completion record, skipped (left in the queue)` : '';
  const closed = result.outputClosed ? '; stopped: stdout was closed' : '';
  if (result.report) {
    if (args.json && !result.outputClosed) await output.write(`${JSON.stringify({ type: 'summary', records: result.records, deleted: result.deleted, malformed: result.malformed, delivery: result.report })}\n`);
    if (!args.json) process.stderr.write(renderSummary(result, style));
  } else {
    const fate = args.delete ? `${result.deleted} deleted (each once the line after it was written, or at the end), the rest left in the queue` : 'all left in the queue';
    const line = `${result.records} record${result.records === 1 ? '' : 's'} written to stdout, ${fate}${skipped}${closed}`;
    // Under --json stdout holds records only: the count goes to stderr when something needs saying.
    if (!args.json || skipped || closed) process.stderr.write(`${args.json ? 'lambench: note: ' : ''}${style.dim(line)}\n`);
  }
  if (result.outputClosed) return;
  // Ctrl-C that came while the poll was closing (handing messages back) interrupted nothing.
  if (result.interrupted && interrupts.stop.aborted && !args.follow) throw new InterruptedError('interrupted');
  const report = result.report;
  if (report && report.missing > 0) {
    throw new CallFailedError(`delivery incomplete: ${report.missing} of ${report.accepted} accepted events have no completion record in the queues`);
  }
  const unreadable = report?.unverifiedReasons?.find((reason) => !reason.startsWith('not read: stopped at --max'));
  if (report && unreadable) {
    throw new TargetUnavailableError(`delivery unverified: ${report.unverified} of ${report.accepted} accepted events could not be looked for (${unreadable})`);
  }
}

/**
 * Lines to stdout, each resolving once written (true) or once stdout turned out closed (false).
 * Its error listener stays for the rest of the process: a write after the poll (the summary) may
 * fail too, and must not become an uncaught EPIPE.
 */
class StdoutLines {
  readonly closed = new AbortController();

  constructor() {
    process.stdout.on('error', () => this.closed.abort());
  }

  write(text: string): Promise<boolean> {
    if (this.closed.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      process.stdout.write(text, (error) => {
        if (error) this.closed.abort();
        resolve(!error);
      });
    });
  }
}

/** One record as a line; every string from the queue goes through oneLine (a record must not steer the terminal). */
function renderRecord(record: CompletionRecord, match: TrackedInvocation | undefined, correlating: boolean, style: Style): string {
  const ok = record.condition === 'Success';
  const parts = [
    ok ? style.green('✔') : style.red('✖'),
    (ok ? style.green : style.red)(oneLine(String(record.condition)).padEnd(16)),
    oneLine(record.requestId ?? record.clientRequestId ?? '(no request ID)'),
    record.kind === 'deadLetter' ? 'dlq' : 'destination',
  ];
  if (record.attempts !== undefined) parts.push(`attempts ${record.attempts}`);
  if (match?.endToEndMs !== undefined) parts.push(`+${formatLatencyMs(match.endToEndMs)}`);
  if (correlating) parts.push(match ? 'in this run' : style.dim('not in this run'));
  const response = record.responsePayload as { errorType?: string; errorMessage?: string } | undefined;
  const detail = oneLine(record.errorMessage ?? (record.functionError ? `${record.functionError}: ${response?.errorType ?? 'Error'}: ${response?.errorMessage ?? ''}` : JSON.stringify(record.responsePayload ?? null)));
  parts.push(style.dim(detail.length > 120 ? `${detail.slice(0, 117)}…` : detail));
  return parts.join('  ');
}

function renderSummary(result: PollResult, style: Style): string {
  const report = result.report!;
  const line = deliveryEquation(report);
  const foreignLeft = report.foreignMessages - result.foreignDeleted;
  const extras = [
    (report.unverified ?? 0) > 0 ? `unverified ${report.unverified}, not missing: ${(report.unverifiedReasons ?? []).map(oneLine).join('; ')}` : undefined,
    report.failed > 0 ? `failed via on-failure destination ${report.failedVia.onFailureDestination}, DLQ ${report.failedVia.deadLetterQueue}` : undefined,
    report.duplicates > 0 ? `duplicates ${report.duplicates}` : undefined,
    report.foreignMessages > 0
      ? `${report.foreignMessages} messages not from this run: ${result.foreignDeleted > 0 ? `${result.foreignDeleted} written and deleted (--delete), ` : ''}${foreignLeft} left in the queue`
      : undefined,
    report.malformedMessages > 0 ? `${report.malformedMessages} malformed messages (left in the queue)` : undefined,
    result.outputClosed ? 'stopped: stdout was closed' : undefined,
    report.endToEnd ? `end-to-end p50 ${formatLatencyUs(report.endToEnd.p50)}, p99 ${formatLatencyUs(report.endToEnd.p99)}, max ${formatLatencyUs(report.endToEnd.max)}` : undefined,
  ].filter(Boolean);
  return `${report.missing > 0 || (report.unverified ?? 0) > 0 ? style.red(line) : style.green(line)}\n${extras.map((extra) => `  ${extra}\n`).join('')}`;
}
