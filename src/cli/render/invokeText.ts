/**
 * Human output of one invocation. Everything the target or a queue sent back (IDs, error text, the
 * log tail, the payload, the completion record) is foreign text: it is made terminal-safe here, so
 * an answer cannot retitle the window or clear the screen. `--json` prints the document as is.
 */
import { oneLine, terminalSafe } from '../../terminalText.js';
import { SHOWN_BODY_LIMIT_BYTES } from '../../targets/wire/exchange.js';
import { awaitingRetryText, type InvokeResultDocument } from '../../run/invokeOnce.js';
import type { InvocationLogsDocument } from '../../run/invocationLogs.js';
import type { ReportFigures } from '../../aws/lambdaLog.js';
import type { CompletionRecord } from '../../delivery/completionRecord.js';
import type { QueueWiring } from '../../discovery/queueWiring.js';
import type { Style } from '../style.js';
import { formatLatencyMs } from '../../latencyText.js';

const STATUS_NOTES: Record<number, string> = { 200: 'OK', 202: 'Accepted', 204: 'No Content (dry run: the call would be allowed)' };

export function renderInvoke(document: InvokeResultDocument, style: Style): string {
  const lines: string[] = [];
  const failed = document.outcome !== 'ok';
  const mark = failed ? style.red('✖') : style.green('✔');
  const status = document.statusCode !== undefined ? `${document.statusCode} ${STATUS_NOTES[document.statusCode] ?? ''}`.trim() : 'no response';
  const errorNote = document.functionError ? style.red(` with function error ${oneLine(document.functionError)}`) : '';
  const queue = document.queue !== undefined || document.messageId !== undefined;
  const verb = queue ? 'SendMessage' : document.invocationType;
  lines.push(`${mark} ${style.bold(document.target)}  ${verb} → ${queue && document.outcome === 'ok' ? `${status}, message accepted` : status}${errorNote}  ${formatLatencyMs(document.latencyMs)}`);
  const http = document.asyncVia !== undefined;
  const rows: [string, string | undefined][] = [
    ['message ID', document.messageId],
    ['body MD5', document.messageId ? 'checked against SQS\'s' : undefined],
    ['request ID', queue ? undefined : document.requestId],
    ['apigw ID', document.apigwId],
    ['client request ID', queue ? undefined : document.clientRequestId],
    ['async via', http && document.invocationType !== 'RequestResponse' ? document.asyncVia : undefined],
    ['executed version', document.executedVersion],
    ['correlation ID', queue ? document.clientRequestId : undefined],
    ['attempts', http ? undefined : String(document.attempts)],
    ['error', document.errorType || document.errorMessage ? [document.errorType, document.errorMessage].filter(Boolean).join(': ') : undefined],
  ];
  for (const [label, value] of rows) if (value !== undefined) lines.push(`  ${style.dim(label.padEnd(18))}${oneLine(value)}`);
  if (document.queue) lines.push(...renderWiring(document.queue, style));
  if (document.invocationType === 'Event' && document.outcome === 'ok' && document.completion === undefined && !queue) {
    lines.push(style.dim(`  ${http ? 'accepted' : 'queued by Lambda'}; add --wait --destination-queue URL to see it complete`));
  }
  if (document.completionUnverified) lines.push(style.yellow(`  completion unknown: ${oneLine(document.completionUnverified)}`));
  else if (document.awaitingRetry) lines.push(`  ${style.dim('completion'.padEnd(18))}${style.yellow(`not yet: ${awaitingRetryText(document.awaitingRetry)}`)}`);
  else if (document.completion !== undefined) lines.push(...renderCompletion(document.completion, document.endToEndMs, style));
  if (document.logResult !== undefined) {
    lines.push(style.dim('  log (last 4 KB)'));
    for (const line of terminalSafe(document.logResult).replace(/\n$/, '').split('\n')) lines.push(`    ${line}`);
  }
  if (document.report) lines.push(`  ${style.dim('report'.padEnd(18))}${oneLine(reportText(document.report))}`);
  if (document.logs) lines.push(...renderLogs(document.logs, style, document.interrupted));
  if (document.payload !== undefined) {
    // JSON.stringify escapes C0 controls but not DEL or the 8-bit ones (0x9b is a CSI on its own).
    lines.push(terminalSafe(typeof document.payload === 'string' ? document.payload : JSON.stringify(document.payload, null, 2)));
    if (document.payloadCut) lines.push(style.yellow(`(the body went on: only its first ${SHOWN_BODY_LIMIT_BYTES / (1024 * 1024)} MB are shown)`));
  }
  return `${lines.join('\n')}\n`;
}

function reportText(r: ReportFigures): string {
  return [
    `duration ${r.durationMs} ms`,
    `billed ${r.billedDurationMs} ms`,
    `memory ${r.maxMemoryUsedMb} of ${r.memorySizeMb} MB`,
    ...(r.initDurationMs !== undefined ? [`init ${r.initDurationMs} ms (cold start)`] : ['warm start']),
    ...(r.restoreDurationMs !== undefined ? [`restore ${r.restoreDurationMs} ms`] : []),
    // From the log (the JSON format's own text): foreign, made one safe line by the caller.
    ...(r.status !== undefined ? [`status ${r.status}`] : []),
  ].join(' · ');
}

/** --logs: each attempt's REPORT from CloudWatch Logs, or why there is none; `interrupted`: Ctrl-C ended the look early. */
function renderLogs(logs: InvocationLogsDocument, style: Style, interrupted: string | undefined): string[] {
  const group = oneLine(logs.logGroup);
  if (logs.unreadable) return [style.yellow(`  logs unreadable: ${oneLine(logs.unreadable)}`)];
  if (!logs.found && interrupted) return [style.yellow(`  no log lines for this request ID in ${group} before the interrupt`)];
  if (!logs.found) return [style.yellow(`  no log lines for this request ID in ${group} within ${logs.settleMs / 1000} s (logs arrive seconds late: a longer --settle waits more)`)];
  const lines = [`  ${style.dim('logs'.padEnd(18))}${logs.attempts.length} attempt${logs.attempts.length === 1 ? '' : 's'} in ${group} (${logs.format} format)${interrupted ? ', found before the interrupt' : ''}`];
  for (const [index, attempt] of logs.attempts.entries()) {
    lines.push(`  ${style.dim(`  attempt ${index + 1}`.padEnd(18))}${oneLine(`${new Date(attempt.timestamp).toISOString()}  ${reportText(attempt)}`)}`);
  }
  return lines;
}

function renderCompletion(record: CompletionRecord | null, endToEndMs: number | undefined, style: Style): string[] {
  if (record === null) return [style.yellow('  no completion record arrived before --wait-timeout')];
  const ok = record.condition === 'Success';
  const where = { deadLetter: 'dead-letter queue', destination: 'destination', logs: record.inferred ? 'the logs: no error logged (text format: inferred)' : 'the logs' }[record.kind];
  const condition = oneLine(record.condition);
  const lines = [`  ${style.dim('completion'.padEnd(18))}${ok ? style.green(condition) : style.red(condition)} (${where}${record.seenIn ? `, seen in ${oneLine(record.seenIn)}` : ''})`];
  if (record.attempts !== undefined) lines.push(`  ${style.dim('attempts (async)'.padEnd(18))}${record.attempts}`);
  if (record.completedAt !== undefined) {
    const after = endToEndMs !== undefined ? ` (${formatLatencyMs(endToEndMs)} after the send)` : '';
    lines.push(`  ${style.dim('completed at'.padEnd(18))}${new Date(record.completedAt).toISOString()}${after}`);
  }
  const response = record.responsePayload as { errorType?: string; errorMessage?: string } | undefined;
  if (record.functionError && response?.errorMessage !== undefined) {
    lines.push(`  ${style.dim('function error'.padEnd(18))}${oneLine(`${record.functionError}: ${response.errorType ?? 'Error'}: ${response.errorMessage}`)}`);
  } else if (record.responsePayload !== undefined) {
    lines.push(`  ${style.dim('response'.padEnd(18))}${oneLine(JSON.stringify(record.responsePayload))}`);
  }
  if (record.errorMessage !== undefined) lines.push(`  ${style.dim('error'.padEnd(18))}${oneLine(record.errorMessage)}`);
  return lines;
}

/** What reads the queue: each mapping, the queue's DLQ, AWS's warnings, and what could not be known. */
function renderWiring(wiring: QueueWiring, style: Style): string[] {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${style.dim(label.padEnd(18))}${oneLine(value)}`);
  if (wiring.mappings?.length === 0) row('read by', 'no event source mapping: the message waits in the queue');
  for (const mapping of wiring.mappings ?? []) {
    const name = mapping.functionArn.split(':function:')[1] ?? mapping.functionArn;
    const timeout = mapping.functionTimeoutSeconds !== undefined ? `, function timeout ${mapping.functionTimeoutSeconds} s` : '';
    const concurrency = mapping.maximumConcurrency !== undefined ? `, at most ${mapping.maximumConcurrency} batches at once` : '';
    row('read by', `${name} (${mapping.state}; batch ${mapping.batchSize}${mapping.batchingWindowSeconds ? ` within ${mapping.batchingWindowSeconds} s` : ''}${concurrency}; ${mapping.reportBatchItemFailures ? 'reports batch item failures' : 'whole batches fail together'}${timeout})`);
  }
  row('queue', `${wiring.fifo ? 'FIFO, ' : ''}visibility timeout ${wiring.visibilityTimeoutSeconds} s; ${wiring.redrive ? `DLQ ${wiring.redrive.dlqArn.split(':').pop()} after ${wiring.redrive.maxReceiveCount} receives` : 'no DLQ'}`);
  for (const warning of wiring.warnings) lines.push(style.yellow(`  warning: ${oneLine(warning)}`));
  for (const unknown of wiring.unknown) lines.push(style.dim(`  unknown: ${oneLine(unknown)}`));
  return lines;
}