/**
 * `lambench poll`: reads destination queues and DLQs, hands every decoded record to the caller,
 * and, given a run's results, correlates them. Non-destructive unless asked: every message goes
 * back to its queue at once.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { AwsOptions } from '../targets/awsConfig.js';
import type { CompletionRecord } from './completionRecord.js';
import { openDeliveryTracker } from './openTracker.js';
import type { DeliveryReport, SentInvocation, TrackedInvocation } from './deliveryTracker.js';

export interface PollOptions {
  queueUrls: string[];
  aws: AwsOptions;
  /** Keep polling until the signal aborts (default: stop once the queues look drained). */
  follow?: boolean;
  max?: number;
  /** The run's accepted async invocations, to match records against. */
  correlate?: SentInvocation[];
  /** Delete what was handed to onRecord (default: leave everything in the queue). */
  deleteRecords?: boolean;
  /** How long without a new message counts as drained. */
  idleMs?: number;
  signal?: AbortSignal;
  note: (message: string) => void;
  onRecord: (record: CompletionRecord, match: TrackedInvocation | undefined) => void;
}

export interface PollResult {
  records: number;
  /** With correlate: the delivery accounting of the run's invocations. */
  report?: DeliveryReport;
}

export async function pollQueues(options: PollOptions): Promise<PollResult> {
  let records = 0;
  const full = new AbortController();
  const { tracker, close } = await openDeliveryTracker(options.queueUrls, options.aws, options.note, {
    pollersPerQueue: 2,
    matched: options.deleteRecords ? 'delete' : 'keep',
    onRecord: (record, match) => {
      if (options.max !== undefined && records >= options.max) return 'release';
      records += 1;
      options.onRecord(record, match);
      if (options.max !== undefined && records >= options.max) full.abort();
      return options.deleteRecords ? 'delete' : 'release';
    },
  });
  for (const sent of options.correlate ?? []) tracker.expect(sent);
  try {
    tracker.start();
    // `done` ends whichever wait lost the race below, so no timer outlives the poll.
    const done = new AbortController();
    const stop = AbortSignal.any([full.signal, done.signal, ...(options.signal ? [options.signal] : [])]);
    if (options.follow) {
      await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
    } else {
      const idleMs = options.idleMs ?? 2000;
      try {
        await Promise.race([
          tracker.drained(idleMs, stop),
          ...(options.correlate?.length ? [tracker.settle(Number.POSITIVE_INFINITY, stop).then(() => tracker.drained(Math.min(500, idleMs), stop))] : []),
        ]);
      } finally {
        done.abort();
      }
    }
  } finally {
    await close();
  }
  return { records, ...(options.correlate && { report: tracker.report() }) };
}

/**
 * The accepted async invocations in a run's NDJSON: `invoke --json` lines (or raw results) with a
 * request ID and/or client request ID and `sentAt`. For URL targets (`asyncVia` present) the
 * request ID is API Gateway's, not Lambda's, so only the client request ID is used.
 */
export async function readCorrelationFile(path: string): Promise<SentInvocation[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--correlate '${path}' cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const sent: SentInvocation[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      bad.push(index + 1);
      return;
    }
    if (value === null || typeof value !== 'object') return void bad.push(index + 1);
    if (value.invocationType !== undefined && value.invocationType !== 'Event') return;
    if (value.outcome !== undefined && value.outcome !== 'ok') return;
    const sentAt = typeof value.sentAt === 'number' ? value.sentAt : typeof value.sentAt === 'string' ? Date.parse(value.sentAt) : Number.NaN;
    const requestId = value.asyncVia === undefined && typeof value.requestId === 'string' ? value.requestId : undefined;
    const clientRequestId = typeof value.clientRequestId === 'string' ? value.clientRequestId : undefined;
    if ((!requestId && !clientRequestId) || Number.isNaN(sentAt)) return void bad.push(index + 1);
    sent.push({ sentAt, ...(requestId && { requestId }), ...(clientRequestId && { clientRequestId }) });
  });
  if (bad.length > 0) {
    throw new UsageError(`--correlate '${path}': line${bad.length > 1 ? 's' : ''} ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? '…' : ''} ${bad.length > 1 ? 'are' : 'is'} not a result with a request ID and sentAt (use lines from invoke --json)`);
  }
  return sent;
}
