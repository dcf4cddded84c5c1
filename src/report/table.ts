/** The terminal table of a report: phases side by side. Reads only the report document. */
import type { LatencySummary } from '../metrics/histogram.js';
import { clientWarnings, loadLabel, phaseWarnings, type PhaseReport, type ReportDocument } from './reportDocument.js';
import { formatThresholdValue } from '../thresholds/thresholds.js';
import { oneLine } from '../terminalText.js';
import { formatLatencyUs } from '../latencyText.js';
import { deliveryEquation, foreignNote, inferredNote, seenInNote } from '../delivery/deliveryReport.js';
import { phaseLabel, queueNotes, queueRows } from './queueText.js';
import { costNote, usd } from './costText.js';
import { logsNotes, peakConcurrencyCell } from './logsText.js';

export function renderReportTable(report: ReportDocument): string {
  const phases = report.phases;
  const rows: [string, ...string[]][] = [
    ['', ...phases.map(phaseLabel)],
    ['load', ...phases.map((phase) => loadLabel(phase.load))],
    ['calls', ...phases.map((phase) => String(phase.requests))],
    ['dropped', ...phases.map((phase) => String(phase.dropped))],
    ...(phases.some((phase) => phase.connectionsOpened !== undefined) ? [['connections opened', ...phases.map((phase) => String(phase.connectionsOpened ?? '—'))] as [string, ...string[]]] : []),
    ['throughput', ...phases.map((phase) => `${phase.throughputPerSecond.toFixed(1)}/s`)],
    ...(phases.some((phase) => phase.offeredPerSecond !== undefined) ? [['offered', ...phases.map((phase) => (phase.offeredPerSecond !== undefined ? `${phase.offeredPerSecond.toFixed(1)}/s` : '—'))] as [string, ...string[]]] : []),
    ...(['p50', 'p90', 'p99', 'p999', 'max'] as const).map((key): [string, ...string[]] => [`latency ${key}`, ...phases.map((phase) => us(phase.latencyUs, key))]),
    ['service p99', ...phases.map((phase) => us(phase.serviceTimeUs, 'p99'))],
    ['status', ...phases.map((phase) => Object.entries(phase.status).map(([code, count]) => `${code}×${count}`).join(' ') || '—')],
    ['outcomes', ...phases.map(outcomes)],
  ];
  if (phases.some((phase) => phase.lambda)) {
    rows.push(['lambda duration p99', ...phases.map((phase) => us(phase.lambda?.durationUs ?? null, 'p99'))]);
    rows.push(['cold starts', ...phases.map((phase) => (phase.lambda ? String(phase.lambda.coldStarts) : '—'))]);
  }
  if (phases.some((phase) => phase.logs)) {
    rows.push(['found in logs', ...phases.map((phase) => (phase.logs ? (phase.logs.mapped ? `${phase.logs.found} (the mapping's)` : `${phase.logs.found}/${phase.logs.invocations}`) : '—'))]);
    if (phases.some((phase) => phase.logs?.peakConcurrency !== undefined || phase.logs?.concurrency)) rows.push(['peak concurrency (logs)', ...phases.map((phase) => peakConcurrencyCell(phase))]);
    rows.push(['attempts (logs)', ...phases.map((phase) => (phase.logs ? Object.entries(phase.logs.attempts).map(([attempts, count]) => `${attempts}×${count}`).join(' ') || '—' : '—'))]);
  }
  if (phases.some((phase) => phase.cost)) {
    rows.push(['cost (estimate)', ...phases.map((phase) => (phase.cost ? usd(phase.cost.totalUsd) : '—'))]);
    rows.push(['cost per 1M calls', ...phases.map((phase) => (phase.cost?.perMillionCallsUsd !== undefined ? usd(phase.cost.perMillionCallsUsd) : '—'))]);
  }
  if (phases.some((phase) => phase.delivery)) {
    rows.push(['delivered', ...phases.map((phase) => (phase.delivery ? `${phase.delivery.succeeded}/${phase.delivery.accepted}` : '—'))]);
    rows.push(['failed / missing', ...phases.map((phase) => (phase.delivery ? `${phase.delivery.failed} / ${phase.delivery.missing}` : '—'))]);
    if (phases.some((phase) => (phase.delivery?.unverified ?? 0) > 0)) rows.push(['unverified', ...phases.map((phase) => (phase.delivery ? String(phase.delivery.unverified ?? 0) : '—'))]);
    rows.push(['attempts', ...phases.map((phase) => (phase.delivery ? Object.entries(phase.delivery.attempts).map(([attempts, count]) => `${attempts}×${count}`).join(' ') || '—' : '—'))]);
    rows.push(['end-to-end p50', ...phases.map((phase) => us(phase.delivery?.endToEnd ?? null, 'p50'))]);
    rows.push(['end-to-end p99', ...phases.map((phase) => us(phase.delivery?.endToEnd ?? null, 'p99'))]);
  }
  rows.push(...queueRows(phases));
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('   '));
  const notes = phases.flatMap((phase) => [phase.loadNote, ...phaseWarnings(phase, report.config), ...deliveryNotes(phase), ...queueNotes(phase), ...(phase.cost ? [costNote(phase.cost)] : []), ...(phase.logs ? logsNotes(phase.logs) : [])].map((note) => `  ${phase.name}: ${note}`));
  const client = report.client;
  const clientLine = client
    ? [
        `  client: ${client.workers} thread${client.workers === 1 ? '' : 's'}, peak memory ${Math.round(client.peakRssBytes / 1024 / 1024)} MB, CPU ${((client.cpuUserMs + client.cpuSystemMs) / 1000).toFixed(1)} s over ${(client.wallMs / 1000).toFixed(1)} s` +
          clientWarnings(client).map((warning) => ` (${warning})`).join(''),
      ]
    : [];
  const failures = phases.flatMap((phase) =>
    (phase.errors ?? []).slice(0, ERROR_KINDS_SHOWN).map((kind) => `  ${phase.name}: ${kind.outcome} ${oneLine(kind.type)} ×${kind.count}${kind.example ? `: ${oneLine(kind.example).slice(0, 120)}` : ''}`),
  );
  const shardLines = [
    ...(report.shard ? [`  shard ${report.shard.index}/${report.shard.of}: part of a larger run; merge the shards' reports (lambench report --merge) to see the whole run and judge its thresholds`] : []),
    ...(report.shards ? [`  merged from ${report.shards.length} shards: ${report.shards.map((shard) => `${shard.shard.index}/${shard.shard.of}${shard.interrupted ? ' (interrupted)' : ''}`).join(', ')}`] : []),
  ];
  const verdicts = report.thresholds.map((result) => `  ${result.passed ? '✔' : '✖'} ${result.threshold} (${result.phase}: ${formatThresholdValue(result.metric, result.actual)})`);
  return (
    [
      `lambench bench ${oneLine(report.target)}${report.interrupted ? '  (interrupted: partial figures)' : ''}`,
      ...lines,
      ...notes,
      ...clientLine,
      ...shardLines,
      ...(failures.length ? ['failures (most frequent kinds, first message of each)', ...failures] : []),
      ...(verdicts.length ? ['thresholds', ...verdicts] : []),
    ].join('\n') + '\n'
  );
}

/** What the delivery figures cannot say by themselves: why events are unverified, what was done to others' messages. */
function deliveryNotes(phase: PhaseReport): string[] {
  const delivery = phase.delivery;
  if (!delivery) return [];
  const unverified = delivery.unverified ?? 0;
  return [
    ...(unverified > 0 ? [`${deliveryEquation(delivery)}: ${unverified} unverified, not missing: ${(delivery.unverifiedReasons ?? []).map(oneLine).join('; ')}`] : []),
    ...[foreignNote(delivery)].filter((note): note is string => note !== undefined),
    ...[seenInNote(delivery, oneLine)].filter((note): note is string => note !== undefined),
    ...[inferredNote(delivery)].filter((note): note is string => note !== undefined),
  ];
}

/** Failure kinds shown per phase in the table (the report keeps up to 20). */
const ERROR_KINDS_SHOWN = 3;

function us(summary: LatencySummary | null, key: keyof LatencySummary): string {
  return summary ? formatLatencyUs(summary[key]) : '—';
}

function outcomes(phase: PhaseReport): string {
  return Object.entries(phase.outcomes)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || '—';
}
