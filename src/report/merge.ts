/**
 * `lambench report --merge a.json b.json …`: the shards of one run (`bench --shard i/n`) made into
 * the whole run's report. Each shard's recorded figures go through the one merge worker threads
 * use (Recorder.absorb): counts add up; HdrHistograms add bucket by bucket, so the merged
 * percentiles are those of every sample together, not an average of percentiles. Per-second series
 * are lined up by each phase's start time. Reports of different runs are refused, naming the difference.
 */
import type { DeliveryReport } from '../delivery/deliveryTracker.js';
import { awaitingRetryReason, isAwaitingRetryReason } from '../delivery/deliveryReport.js';
import type { QueueDeliveryReport } from '../delivery/queueDelivery.js';
import { UsageError } from '../errors.js';
import { createHistogram, decodeHistogram, encodeHistogram, summarize } from '../metrics/histogram.js';
import { Recorder } from '../metrics/recorder.js';
import { phaseCost } from './phaseCost.js';
import { lambdaWithoutHistograms, phaseFromRecorder, recorderState } from './recorderFigures.js';
import { mergeLogs } from './mergeLogs.js';
import { addCounts, sum } from './counts.js';
import { ratePerSecond, type PhaseReport, type ReportDocument, type ShardSummary } from './reportDocument.js';
import { evaluateThresholds, parseThreshold } from '../thresholds/thresholds.js';

export interface NamedReport {
  /** Where it came from (a file name), for messages. */
  source: string;
  report: ReportDocument;
}

/** Missing examples kept in a merged delivery block, as in one run's. */
const MISSING_EXAMPLES = 10;

export function mergeReports(inputs: NamedReport[], note: (message: string) => void = () => {}): ReportDocument {
  if (inputs.length < 2) throw new UsageError('--merge needs two or more reports (the shards of one run): lambench report --merge a.json b.json');
  checkSameRun(inputs, note);
  const [first] = inputs as [NamedReport, ...NamedReport[]];
  const reports = inputs.map((input) => input.report);
  const phases = first.report.phases.map((_, index) => mergePhase(reports.map((report) => report.phases[index]!)));
  const shards: ShardSummary[] = reports.map((report) => ({
    shard: report.shard ?? { index: 0, of: 0 },
    startedAt: report.startedAt,
    interrupted: report.interrupted,
    ...(report.client && { client: report.client }),
  }));
  const thresholdTexts = first.report.config?.thresholds ?? [...new Set(first.report.thresholds.map((result) => result.threshold))];
  const { shard: _shard, client: _client, ...base } = first.report;
  return {
    ...base,
    startedAt: reports.map((report) => report.startedAt).sort()[0]!,
    ...(first.report.config && { config: { ...first.report.config, shard: undefined, workers: reports.reduce((sum, report) => sum + (report.config?.workers ?? 1), 0) } }),
    shards,
    phases,
    // The shards' own verdicts were left out (each held part of the load): the whole run is judged here.
    thresholds: evaluateThresholds(thresholdTexts.map((text) => parseThreshold(text)), phases),
    interrupted: reports.some((report) => report.interrupted),
  };
}

/** Shards of one run: the same target, phases and load; each shard once; all of the same split. */
function checkSameRun(inputs: NamedReport[], note: (message: string) => void): void {
  const [first] = inputs as [NamedReport, ...NamedReport[]];
  for (const { source, report } of inputs) {
    if (typeof report.schemaVersion !== 'number' || !Array.isArray(report.phases)) throw new UsageError(`${source} is not a lambench report (no schemaVersion or phases): give files written by bench --out`);
    if (report.schemaVersion !== first.report.schemaVersion) throw new UsageError(`${source} has schemaVersion ${report.schemaVersion}, ${first.source} has ${first.report.schemaVersion}: merge reports of one lambench version`);
    const differs = (what: string, mine: unknown, theirs: unknown) => {
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        throw new UsageError(`${source} is not a shard of the same run as ${first.source}: its ${what} is ${JSON.stringify(mine)}, not ${JSON.stringify(theirs)}`);
      }
    };
    differs('target', report.target, first.report.target);
    differs('phases', report.phases.map((phase) => `${phase.name}:${phase.invocationType}`), first.report.phases.map((phase) => `${phase.name}:${phase.invocationType}`));
    report.phases.forEach((phase, index) => differs(`load in phase ${phase.name}`, phase.load, first.report.phases[index]!.load));
    differs('shard count', report.shard?.of, first.report.shard?.of);
  }
  const counted = inputs.filter((input) => input.report.shard);
  if (counted.length === 0) {
    note('these reports carry no --shard: merged as parts of one run (each sent its own load)');
    return;
  }
  const seen = new Map<number, string>();
  for (const { source, report } of inputs) {
    const other = seen.get(report.shard!.index);
    if (other) throw new UsageError(`${source} and ${other} are both shard ${report.shard!.index}/${report.shard!.of}: give each shard once`);
    seen.set(report.shard!.index, source);
  }
  const of = first.report.shard!.of;
  const missing = Array.from({ length: of }, (_, index) => index + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) note(`shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${of} missing: the merged figures cover ${seen.size} of ${of} shares of the load`);
}

/**
 * One phase of every shard: each shard's recorded figures are read back as a RecorderState and added
 * with Recorder.absorb (the merge worker threads go through), per-second series lined up by each
 * shard's start; the timings (duration, window, rates) and delivery blocks are merged here.
 */
function mergePhase(parts: PhaseReport[]): PhaseReport {
  const [first] = parts as [PhaseReport, ...PhaseReport[]];
  const starts = parts.map((part) => (part.startedAt ? Date.parse(part.startedAt) : undefined));
  const known = starts.every((start): start is number => start !== undefined && Number.isFinite(start));
  const start = known ? Math.min(...starts) : undefined;
  // The whole run lasts from the first shard's start to the last shard's end.
  const durationMs = known ? Math.max(...parts.map((part, index) => starts[index]! - start! + part.durationMs)) : Math.max(...parts.map((part) => part.durationMs));
  const recorder = new Recorder();
  parts.forEach((part, index) => recorder.absorb(recorderState(part), known ? Math.round((starts[index]! - start!) / 1000) : 0));
  const window = parts.every((part) => part.sendWindowMs !== undefined) ? Math.max(...parts.map((part) => part.sendWindowMs!)) : undefined;
  const delivery = mergeDelivery(parts.map((part) => part.delivery).filter((block): block is DeliveryReport => block !== undefined));
  const merged = phaseFromRecorder(recorder, {
    name: first.name,
    invocationType: first.invocationType,
    load: first.load,
    ...(start !== undefined && { startedAt: new Date(start).toISOString() }),
    sentLate: sum(parts.map((part) => part.sentLate)),
    ...(parts.every((part) => part.connectionsOpened !== undefined) && { connectionsOpened: sum(parts.map((part) => part.connectionsOpened!)) }),
    ...(parts.every((part) => part.requestsSent !== undefined) && { requestsSent: sum(parts.map((part) => part.requestsSent!)) }),
    durationMs,
    // Open loop: over the schedule's window, which every shard shares (as in phaseReport).
    ...(window !== undefined && { sendWindowMs: window }),
    throughputPerSecond: ratePerSecond(recorder.completed, window ?? durationMs),
    // Each shard offered its share over the same window: the offers add up.
    ...(parts.every((part) => part.offeredPerSecond !== undefined) && { offeredPerSecond: Math.round(sum(parts.map((part) => part.offeredPerSecond!)) * 100) / 100 }),
    ...(delivery && { delivery }),
  });
  const logs = parts.map((part) => part.logs).filter((block): block is NonNullable<PhaseReport['logs']> => block !== undefined);
  if (logs.length > 0) merged.logs = mergeLogs(logs);
  const queues = parts.map((part) => part.queue);
  if (queues.every((queue) => queue !== undefined)) {
    merged.queue = mergeQueue(queues as NonNullable<PhaseReport['queue']>[], parts.map((part, index) => (known ? starts[index]! : 0) + part.durationMs));
  }
  // Cost from the merged REPORT figures, at the prices the shards used (after the queue block: a FIFO queue's sends are priced as such).
  const { prices } = first.cost ?? {};
  const estimate = prices && phaseCost(merged, { architecture: prices.architecture, prices: { gbSecondUsd: prices.gbSecondUsd, requestPerMillionUsd: prices.requestPerMillionUsd } });
  if (estimate) merged.cost = { ...estimate, prices, notes: first.cost!.notes };
  // Without every part's Lambda histograms (reports from before they were kept), durations cannot be merged truly: left out.
  if (merged.lambda && parts.some(lambdaWithoutHistograms)) {
    const coldStarts = sum(parts.map((part) => part.lambda?.coldStarts ?? 0));
    merged.lambda = { ...merged.lambda, coldStarts, durationUs: null, billedDurationUs: null, initDurationUs: null };
    delete merged.lambda.histograms;
  }
  return merged;
}

function mergeDelivery(parts: DeliveryReport[]): DeliveryReport | undefined {
  if (parts.length === 0) return undefined;
  const total = (pick: (part: DeliveryReport) => number) => sum(parts.map(pick));
  const merged: DeliveryReport = {
    accepted: total((part) => part.accepted),
    succeeded: total((part) => part.succeeded),
    failed: total((part) => part.failed),
    failedVia: { onFailureDestination: total((part) => part.failedVia.onFailureDestination), deadLetterQueue: total((part) => part.failedVia.deadLetterQueue) },
    missing: total((part) => part.missing),
    unverified: total((part) => part.unverified ?? 0),
    duplicates: total((part) => part.duplicates),
    conditions: addCounts(parts.map((part) => part.conditions)),
    attempts: addCounts(parts.map((part) => part.attempts)) as Record<string, number>,
    // Shards sharing a queue see each other's records as foreign: the largest count is an upper bound of the truly foreign ones.
    foreignMessages: Math.max(...parts.map((part) => part.foreignMessages)),
    malformedMessages: Math.max(...parts.map((part) => part.malformedMessages)),
    missingExamples: parts.flatMap((part) => part.missingExamples).slice(0, MISSING_EXAMPLES),
  };
  // Each shard taps the destinations itself: the events it saw in each add up.
  if (parts.some((part) => part.seenIn)) merged.seenIn = addCounts(parts.map((part) => part.seenIn ?? {})) as Record<string, number>;
  // Each shard's "N events … waited for Lambda's retry" counts its own: said once, for the sum.
  const reasons = [...new Set(parts.flatMap((part) => (part.unverifiedReasons ?? []).filter((reason) => !isAwaitingRetryReason(reason))))];
  const awaiting = total((part) => part.awaitingRetry ?? 0);
  if (awaiting > 0) reasons.push(awaitingRetryReason(awaiting));
  if (reasons.length > 0) merged.unverifiedReasons = reasons;
  if (parts.some((part) => part.unobservable)) merged.unobservable = true;
  // Counts only some reports have (the logs as evidence): kept where any part has them.
  if (parts.some((part) => part.failedVia.logs !== undefined)) merged.failedVia.logs = total((part) => part.failedVia.logs ?? 0);
  for (const key of ['inferredSuccesses', 'awaitingRetry'] as const) if (parts.some((part) => part[key] !== undefined)) merged[key] = total((part) => part[key] ?? 0);
  const hidden = parts.map((part) => part.foreignHiddenSeconds).filter((seconds): seconds is number => seconds !== undefined);
  if (hidden.length > 0) merged.foreignHiddenSeconds = Math.max(...hidden);
  // Shards read the same queues: each saw the same backlog.
  const backlogs = parts.map((part) => part.backlogAtStart).filter((count): count is number => count !== undefined);
  if (backlogs.length > 0) merged.backlogAtStart = Math.max(...backlogs);
  addEndToEnd(merged, parts);
  return merged;
}

/** The end-to-end histograms of the parts, added into `merged` (and summarized). */
function addEndToEnd(merged: { endToEnd?: DeliveryReport['endToEnd']; endToEndHistogram?: string }, parts: { endToEndHistogram?: string }[]): void {
  const encoded = parts.map((part) => part.endToEndHistogram).filter((histogram): histogram is string => histogram !== undefined);
  if (encoded.length === 0) return;
  const endToEnd = addHistograms(encoded);
  const summary = summarize(endToEnd);
  if (summary) merged.endToEnd = summary;
  merged.endToEndHistogram = encodeHistogram(endToEnd);
}

/**
 * Shards sending to one queue: what each found per message (sent, dead-lettered, processed with an
 * output queue, their end-to-end times) adds up; what is the queue's own (its depth, what remained)
 * is the shard's that ended last. Processed derived from the counts is derived again from the sums:
 * each shard's own derivation counted the others' messages as not its own.
 */
function mergeQueue(parts: NonNullable<PhaseReport['queue']>[], ends: number[]): PhaseReport['queue'] {
  const [first] = parts as [NonNullable<PhaseReport['queue']>];
  const deliveries = parts.map((part) => part.delivery);
  if (deliveries.some((delivery) => delivery === undefined)) return { wiring: first.wiring };
  const blocks = deliveries as QueueDeliveryReport[];
  const last = blocks[ends.indexOf(Math.max(...ends))] ?? blocks[0]!;
  const total = (pick: (block: QueueDeliveryReport) => number) => sum(blocks.map(pick));
  const derived = blocks.some((block) => block.processedDerived);
  const sent = total((block) => block.sent);
  const deadLettered = total((block) => block.deadLettered);
  const remaining = last.remaining;
  const processed = derived ? Math.max(0, sent - deadLettered - remaining) : total((block) => block.processed);
  const receiveCounts = addCounts(blocks.map((block) => block.receiveCounts)) as Record<string, number>;
  const merged: QueueDeliveryReport = {
    sent,
    processed,
    processedDerived: derived,
    deadLettered,
    remaining,
    remainingDetail: last.remainingDetail,
    unaccounted: derived ? 0 : Math.max(0, sent - processed - deadLettered - remaining),
    receiveCounts,
    depth: last.depth,
    foreignMessages: Math.max(...blocks.map((block) => block.foreignMessages)),
    duplicates: total((block) => block.duplicates),
    ...(first.delivery!.dlqUrl && { dlqUrl: first.delivery!.dlqUrl }),
    ...(first.delivery!.outputQueueUrl && { outputQueueUrl: first.delivery!.outputQueueUrl }),
  };
  const reasons = [...new Set(blocks.flatMap((block) => block.unverifiedReasons ?? []))];
  if (reasons.length > 0) merged.unverifiedReasons = reasons;
  addEndToEnd(merged, blocks);
  return { wiring: first.wiring, delivery: merged };
}

/** HdrHistograms of the same layout add bucket by bucket: the sum is the histogram of all their samples. */
function addHistograms(encoded: string[]) {
  const total = createHistogram();
  for (const text of encoded) total.add(decodeHistogram(text));
  return total;
}
