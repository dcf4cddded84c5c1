/**
 * Tables and text blocks: the summary table and its notes, the client line, thresholds, failures,
 * the run's configuration and the shards of a merged report.
 */
import { clientWarnings, phaseWarnings, type ClientUsage, type PhaseReport, type ReportDocument, type RunSettings, type ShardSummary } from '../reportDocument.js';
import type { QueueDeliveryReport } from '../../delivery/queueDelivery.js';
import { seenInNote } from '../../delivery/deliveryReport.js';
import { formatLatencyUs } from '../../latencyText.js';
import { costNote, usd } from '../costText.js';
import { logsNotes, peakConcurrencyCell } from '../logsText.js';
import { formatThresholdValue } from '../../thresholds/thresholds.js';
import { el, type Child, type Html } from './markup.js';
import { outcomeColour, phaseLabel } from './colours.js';
import { describeLoad, formatCount, formatDuration, formatNumber, formatTimestamp } from './format.js';

type Row = [label: string, ...cells: Child[]];

export function summaryTable(phases: PhaseReport[]): Html {
  const perPhase = (cell: (phase: PhaseReport) => Child): Child[] => phases.map(cell);
  const rows: Row[] = [
    ['load', ...perPhase((phase) => describeLoad(phase.load))],
    ['calls', ...perPhase((phase) => formatCount(phase.requests))],
    ['dropped', ...perPhase((phase) => formatCount(phase.dropped))],
    ...(phases.some((phase) => phase.connectionsOpened !== undefined) ? [['connections opened', ...perPhase((phase) => (phase.connectionsOpened !== undefined ? formatCount(phase.connectionsOpened) : '—'))] as Row] : []),
    ['throughput', ...perPhase((phase) => `${formatNumber(phase.throughputPerSecond, 1)}/s`)],
  ];
  if (phases.some((phase) => phase.offeredPerSecond !== undefined)) rows.push(['offered', ...perPhase((phase) => (phase.offeredPerSecond !== undefined ? `${formatNumber(phase.offeredPerSecond, 1)}/s` : '—'))]);
  for (const key of ['p50', 'p90', 'p99', 'p999', 'max'] as const) rows.push([`latency ${key === 'p999' ? 'p99.9' : key}`, ...perPhase((phase) => formatLatencyUs(phase.latencyUs?.[key]))]);
  rows.push(['service time p99', ...perPhase((phase) => formatLatencyUs(phase.serviceTimeUs?.p99))]);
  if (phases.some((phase) => phase.lambda)) {
    rows.push(['lambda duration p99', ...perPhase((phase) => formatLatencyUs(phase.lambda?.durationUs?.p99))]);
    rows.push(['cold starts', ...perPhase((phase) => (phase.lambda ? formatCount(phase.lambda.coldStarts) : '—'))]);
    rows.push(['max memory used', ...perPhase((phase) => (phase.lambda ? `${formatCount(phase.lambda.maxMemoryUsedMb)} MB` : '—'))]);
  }
  if (phases.some((phase) => phase.logs)) {
    rows.push(['found in logs', ...perPhase((phase) => (phase.logs ? (phase.logs.mapped ? `${formatCount(phase.logs.found)} (the mapping's)` : `${formatCount(phase.logs.found)}/${formatCount(phase.logs.invocations)}`) : '—'))]);
    if (phases.some((phase) => phase.logs?.peakConcurrency !== undefined || phase.logs?.concurrency)) rows.push(['peak concurrency (logs)', ...perPhase((phase) => peakConcurrencyCell(phase, formatCount))]);
    rows.push(['attempts (logs)', ...perPhase((phase) => (phase.logs ? Object.entries(phase.logs.attempts).map(([attempts, count]) => `${attempts}×${formatCount(count)}`).join(' ') || '—' : '—'))]);
  }
  if (phases.some((phase) => phase.cost)) {
    rows.push(['cost (estimate)', ...perPhase((phase) => (phase.cost ? usd(phase.cost.totalUsd) : '—'))]);
    rows.push(['cost per 1M calls', ...perPhase((phase) => (phase.cost?.perMillionCallsUsd !== undefined ? usd(phase.cost.perMillionCallsUsd) : '—'))]);
  }
  if (phases.some((phase) => phase.delivery)) {
    rows.push(['delivered', ...perPhase((phase) => (phase.delivery ? `${formatCount(phase.delivery.succeeded)}/${formatCount(phase.delivery.accepted)}` : '—'))]);
    rows.push(['failed / missing', ...perPhase((phase) => (phase.delivery ? `${formatCount(phase.delivery.failed)} / ${formatCount(phase.delivery.missing)}` : '—'))]);
    rows.push(['end-to-end p50', ...perPhase((phase) => formatLatencyUs(phase.delivery?.endToEnd?.p50))]);
    rows.push(['end-to-end p99', ...perPhase((phase) => formatLatencyUs(phase.delivery?.endToEnd?.p99))]);
  }
  if (phases.some((phase) => phase.queue?.delivery)) {
    const queued = (cell: (delivery: QueueDeliveryReport) => string) => perPhase((phase) => (phase.queue?.delivery ? cell(phase.queue.delivery) : '—'));
    rows.push(['processed', ...queued((delivery) => `${formatCount(delivery.processed)}/${formatCount(delivery.sent)}${delivery.processedDerived ? ' (derived)' : ''}`)]);
    rows.push(['dead-lettered / in the queue', ...queued((delivery) => `${formatCount(delivery.deadLettered)} / ${formatCount(delivery.remaining)}`)]);
    rows.push(['processed p50', ...queued((delivery) => formatLatencyUs(delivery.endToEnd?.p50))]);
    rows.push(['processed p99', ...queued((delivery) => formatLatencyUs(delivery.endToEnd?.p99))]);
  }
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'summary' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), phases.map((phase, index) => el('th', { class: 'num' }, phaseLabel(phase, index))))),
      el('tbody', {}, rows.map(([label, ...cells]) => el('tr', {}, el('th', { scope: 'row' }, label), cells.map((cell) => el('td', { class: 'num' }, cell))))),
    ),
  );
}

export function phaseNotes(phases: PhaseReport[], settings: RunSettings | undefined): Html {
  const notes = phases.flatMap((phase) => [
    ...(phase.loadNote ? [el('li', {}, el('b', {}, `${phase.name}: `), phase.loadNote)] : []),
    ...(phase.cost ? [el('li', {}, el('b', {}, `${phase.name}: `), costNote(phase.cost))] : []),
    ...(phase.logs ? logsNotes(phase.logs).map((note) => el('li', {}, el('b', {}, `${phase.name}: `), note)) : []),
    ...(phase.delivery?.seenIn ? [el('li', {}, el('b', {}, `${phase.name}: `), `${seenInNote(phase.delivery, String, formatCount)}.`)] : []),
    ...phaseWarnings(phase, settings).map((warning) => el('li', { class: 'warn' }, el('b', {}, `${phase.name}: `), `${warning}.`)),
  ]);
  return el('ul', { class: 'notes' }, notes);
}

export function clientBlock(client: ClientUsage | undefined): Child {
  if (!client) return null;
  const cpuMs = client.cpuUserMs + client.cpuSystemMs;
  const warnings = clientWarnings(client);
  return el(
    'p',
    { class: warnings.length > 0 ? 'client warn' : 'client' },
    el('b', {}, 'Client: '),
    `${client.workers} thread${client.workers === 1 ? '' : 's'}, peak memory ${formatNumber(client.peakRssBytes / 1024 / 1024, 0)} MB, CPU ${formatNumber(cpuMs / 1000, 1)} s over ${formatNumber(client.wallMs / 1000, 1)} s`,
    warnings.map((warning) => ` — ${warning}.`).join(''),
  );
}

export function thresholdList(report: ReportDocument): Html {
  return el(
    'ul',
    { class: 'thresholds' },
    report.thresholds.map((result) =>
      el(
        'li',
        { class: result.passed ? 'pass' : 'fail' },
        el('span', { class: 'badge' }, result.passed ? '✔ pass' : '✖ fail'),
        el('code', {}, result.threshold),
        el('span', { class: 'muted' }, ` ${result.phase}: ${formatThresholdValue(result.metric, result.actual)}`),
      ),
    ),
  );
}

export function failureTable(phases: PhaseReport[]): Html {
  const rows = phases.flatMap((phase, index) => (phase.errors ?? []).map((kind) => ({ phase, index, kind })));
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'failures' },
      el('thead', {}, el('tr', {}, el('th', {}, 'phase'), el('th', {}, 'outcome'), el('th', {}, 'type'), el('th', { class: 'num' }, 'count'), el('th', {}, 'first message (as received)'))),
      el(
        'tbody',
        {},
        rows.map(({ phase, index, kind }) =>
          el(
            'tr',
            {},
            el('td', {}, phaseLabel(phase, index)),
            el('td', { class: 'outcome' }, el('span', { class: 'dot', style: `background: ${outcomeColour(kind.outcome)}` }), kind.outcome),
            el('td', { class: 'type' }, el('code', {}, kind.type)),
            el('td', { class: 'num' }, formatCount(kind.count)),
            el('td', { class: 'example' }, kind.example ? el('code', {}, kind.example) : el('span', { class: 'muted' }, '—')),
          ),
        ),
      ),
    ),
  );
}

export function configurationBlock(report: ReportDocument): Html {
  const config = report.config;
  if (!config) return definitionList([['target', report.target], ['settings', el('span', { class: 'muted' }, 'not recorded (a report from before lambench recorded them)')]]);
  return definitionList(configurationFacts(config));
}

function configurationFacts(config: RunSettings): [string, Child][] {
  const facts: [string, Child][] = [
    ['target', el('code', {}, config.target)],
    ['phases', (config.phases ?? []).join(', ')],
    ['load', describeLoad(config.load)],
    config.requests !== undefined ? ['requests', `${formatCount(config.requests)} per phase`] : ['duration', config.durationMs !== undefined ? `${formatDuration(config.durationMs)} per phase` : '—'],
  ];
  if (config.warmupMs !== undefined) facts.push(['warm-up', formatDuration(config.warmupMs)]);
  if (config.payload) {
    facts.push(['payload', el('div', {}, el('span', { class: 'muted' }, `${config.payload.source}, ${formatCount(config.payload.bytes)} bytes${config.payload.template ? ', template (placeholders filled per call)' : ''}`), el('pre', {}, config.payload.text))]);
  }
  if (config.delivery) {
    facts.push(['destination queue', config.delivery.destinationQueue ? el('code', {}, config.delivery.destinationQueue) : '—']);
    facts.push(['dead-letter queue', config.delivery.dlq ? el('code', {}, config.delivery.dlq) : '—']);
    facts.push(['settle', formatDuration(config.delivery.settleMs)]);
  }
  if (config.endpointUrl !== undefined) facts.push(['endpoint', el('code', {}, config.endpointUrl)]);
  if (config.region !== undefined) facts.push(['region', config.region]);
  facts.push(['workers', formatCount(config.workers)]);
  if (config.shard) facts.push(['shard', `${config.shard.index}/${config.shard.of}`]);
  facts.push(['thresholds', (config.thresholds ?? []).length > 0 ? el('ul', { class: 'plain' }, config.thresholds.map((text) => el('li', {}, el('code', {}, text)))) : '—']);
  if (config.profile !== undefined) facts.push(['profile', el('code', {}, config.profile)]);
  return facts;
}

export function shardTable(shards: ShardSummary[]): Html {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'shard'), el('th', {}, 'started'), el('th', {}, 'interrupted'), el('th', {}, 'client'))),
      el(
        'tbody',
        {},
        shards.map((shard) =>
          el(
            'tr',
            {},
            el('td', {}, `${shard.shard.index}/${shard.shard.of}`),
            el('td', {}, shard.startedAt ? formatTimestamp(shard.startedAt) : '—'),
            el('td', { class: shard.interrupted ? 'warn' : undefined }, shard.interrupted ? 'yes' : 'no'),
            el('td', {}, shard.client ? `${shard.client.workers} thread(s), CPU ${formatNumber((shard.client.cpuUserMs + shard.client.cpuSystemMs) / 1000, 1)} s over ${formatNumber(shard.client.wallMs / 1000, 1)} s` : '—'),
          ),
        ),
      ),
    ),
  );
}

export function definitionList(facts: [string, Child][]): Html {
  return el('dl', { class: 'facts-list' }, facts.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value))));
}
