/** `lambench poll <queue-url..>`: print decoded completion records, optionally correlated with a run. */
import { CallFailedError, InterruptedError, UsageError } from '../../errors.js';
import type { CompletionRecord } from '../../delivery/completionRecord.js';
import type { DeliveryReport, TrackedInvocation } from '../../delivery/deliveryTracker.js';
import { parseHttpUrl } from '../../targets/httpOptions.js';
import { formatMs } from '../render/invokeText.js';
import { styleFor, type Style } from '../style.js';

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
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  let result;
  try {
    result = await pollQueues({
      queueUrls,
      aws: { region: args.region, profile: args.profile, endpointUrl: args.endpointUrl },
      ...(args.follow && { follow: true }),
      ...(args.max !== undefined && { max: args.max }),
      ...(correlate && { correlate }),
      ...(args.delete && { deleteRecords: true }),
      signal: interrupt.signal,
      note: (message) => process.stderr.write(`lambench: note: ${message}\n`),
      onRecord: (record, match) => {
        const line = args.json ? JSON.stringify({ type: 'record', ...record, ...(match && { matched: true, endToEndMs: match.endToEndMs }) }) : renderRecord(record, match, Boolean(correlate), style);
        process.stdout.write(`${line}\n`);
      },
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  if (result.report) {
    if (args.json) process.stdout.write(`${JSON.stringify({ type: 'summary', records: result.records, delivery: result.report })}\n`);
    else process.stderr.write(renderSummary(result.report, style));
  } else if (!args.json) {
    process.stderr.write(style.dim(`${result.records} record${result.records === 1 ? '' : 's'}${args.delete ? ', deleted' : ', all left in the queue'}\n`));
  }
  if (interrupt.signal.aborted && !args.follow) throw new InterruptedError('interrupted');
  if (result.report && result.report.missing > 0) {
    throw new CallFailedError(`delivery incomplete: ${result.report.missing} of ${result.report.accepted} accepted events have no completion record in the queues`);
  }
}

function renderRecord(record: CompletionRecord, match: TrackedInvocation | undefined, correlating: boolean, style: Style): string {
  const ok = record.condition === 'Success';
  const parts = [
    ok ? style.green('✔') : style.red('✖'),
    (ok ? style.green : style.red)(record.condition.padEnd(16)),
    record.requestId ?? record.clientRequestId ?? '(no request ID)',
    record.kind === 'deadLetter' ? 'dlq' : 'destination',
  ];
  if (record.attempts !== undefined) parts.push(`attempts ${record.attempts}`);
  if (match?.endToEndMs !== undefined) parts.push(`+${formatMs(match.endToEndMs)}`);
  if (correlating) parts.push(match ? 'in this run' : style.dim('not in this run'));
  const response = record.responsePayload as { errorType?: string; errorMessage?: string } | undefined;
  const detail = record.errorMessage ?? (record.functionError ? `${record.functionError}: ${response?.errorType ?? 'Error'}: ${response?.errorMessage ?? ''}` : JSON.stringify(record.responsePayload ?? null));
  parts.push(style.dim(detail.length > 120 ? `${detail.slice(0, 117)}…` : detail));
  return parts.join('  ');
}

function renderSummary(report: DeliveryReport, style: Style): string {
  const line = `accepted ${report.accepted} = succeeded ${report.succeeded} + failed ${report.failed} + missing ${report.missing}`;
  const extras = [
    report.failed > 0 ? `failed via on-failure destination ${report.failedVia.onFailureDestination}, DLQ ${report.failedVia.deadLetterQueue}` : undefined,
    report.duplicates > 0 ? `duplicates ${report.duplicates}` : undefined,
    report.foreignMessages > 0 ? `${report.foreignMessages} messages not from this run (left in the queue)` : undefined,
    report.malformedMessages > 0 ? `${report.malformedMessages} malformed messages (left in the queue)` : undefined,
    report.endToEnd ? `end-to-end p50 ${formatMs(report.endToEnd.p50 / 1000)}, p99 ${formatMs(report.endToEnd.p99 / 1000)}, max ${formatMs(report.endToEnd.max / 1000)}` : undefined,
  ].filter(Boolean);
  return `${report.missing > 0 ? style.red(line) : style.green(line)}\n${extras.map((extra) => `  ${extra}\n`).join('')}`;
}
