/**
 * `lambench poll`: reads destination queues and DLQs, hands every decoded record to the caller,
 * and, given a run's results, correlates them. Non-destructive unless asked: every message goes
 * back to its queue when the poll ends. With --delete, records are written one at a time, and a
 * record is deleted only once the line after it was written too (the last one: once the poll ends
 * with its output still open): a reader that stops early (`| head -2`) has taken the lines before
 * the one it stopped at, so at most one record written but unread is deleted. A write that fails
 * (stdout closed) stops the poll at once and deletes nothing more.
 */
import { readFile } from 'node:fs/promises';
import { TargetUnavailableError, UsageError } from '../errors.js';
import type { AwsOptions } from '../aws/awsConfig.js';
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
  /** Writes one record; resolves false when it could not (stdout closed): the poll then stops, deleting nothing more. Never called again before the last call resolved. */
  onRecord: (record: CompletionRecord, match: TrackedInvocation | undefined) => Promise<boolean>;
}

export interface PollResult {
  /** Records written to the output. */
  records: number;
  /** Records deleted (--delete: each once the line after it was written, or the poll ended), and how many of them were not from the run (--correlate). */
  deleted: number;
  foreignDeleted: number;
  /** Messages that are not completion records: skipped, left in the queue. */
  malformed: number;
  /** --max was reached: the queues were not read through. */
  stoppedAtMax: boolean;
  /** Writing failed (stdout closed): the poll stopped there. */
  outputClosed: boolean;
  /** The signal ended the reading (Ctrl-C before the poll was done; not one that came while it closed). */
  interrupted: boolean;
  /** With correlate: the delivery accounting of the run's invocations. */
  report?: DeliveryReport;
}

export async function pollQueues(options: PollOptions): Promise<PollResult> {
  // Records given to onRecord (written or waiting their turn: --max counts these, so never more than N are written).
  let claimed = 0;
  // Once the poll has decided to stop, records still coming in are handed back unread, uncounted.
  let ending = false;
  const result: PollResult = { records: 0, deleted: 0, foreignDeleted: 0, malformed: 0, stoppedAtMax: false, outputClosed: false, interrupted: false };
  const full = new AbortController();
  // One record at a time, across pollers and queues: each write waits for the one before it.
  let turn: Promise<unknown> = Promise.resolve();
  // --delete: the last record written, not deleted until the line after it is written too.
  let unconfirmed: { messageId: string; foreign: boolean } | undefined;
  const confirm = async () => {
    const last = unconfirmed;
    unconfirmed = undefined;
    if (!last || !(await tracker.deleteHeld(last.messageId))) return;
    result.deleted += 1;
    if (last.foreign) result.foreignDeleted += 1;
  };
  const { tracker, close } = await openDeliveryTracker(options.queueUrls, options.aws, options.note, {
    pollersPerQueue: 2,
    // Nothing is deleted by the tracker itself: under --delete this poll decides, record by record (confirm).
    matched: 'keep',
    stillReading: () => !ending && (options.max === undefined || claimed < options.max),
    onMalformed: () => {
      result.malformed += 1;
      return 'release';
    },
    onRecord: (record, match) => {
      if (full.signal.aborted || ending) return 'release';
      if (options.max !== undefined && claimed >= options.max) return 'release';
      claimed += 1;
      const lastOfMax = options.max !== undefined && claimed >= options.max;
      if (lastOfMax) result.stoppedAtMax = true;
      const handled = turn.then(async (): Promise<'release' | 'hold'> => {
        if (full.signal.aborted) return 'release';
        const written = await options.onRecord(record, match);
        if (!written) {
          // The reader is gone: the record written before this one may not have been read; it stays.
          result.outputClosed = true;
          full.abort();
          return 'release';
        }
        result.records += 1;
        if (lastOfMax) full.abort();
        if (!options.deleteRecords || record.messageId === undefined) return 'release';
        // This line was written, so the reader was still reading: the record before it is deleted now.
        await confirm();
        unconfirmed = { messageId: record.messageId, foreign: !match };
        return 'hold';
      });
      turn = handled.catch(() => {});
      return handled;
    },
  });
  for (const sent of options.correlate ?? []) tracker.expect(sent);
  let failing: string[] = [];
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
    // Read before close(): stopping ends the reads under way, which is not a failure of SQS.
    failing = tracker.failingQueues();
    result.interrupted = Boolean(options.signal?.aborted);
    // Done reading: the record being written finishes, then the last one written is deleted
    // (--delete) if the output is still open — the end of the output is its confirmation.
    ending = true;
    await turn;
    if (!result.outputClosed) await confirm();
  } finally {
    ending = true;
    await close();
  }
  // Without a run to correlate, a queue that could not be read has no report to say it in.
  if (!options.correlate && failing.length > 0) {
    throw new TargetUnavailableError(`SQS could not be read (${failing[0]}${failing.length > 1 ? `; and ${failing.length - 1} more queue${failing.length > 2 ? 's' : ''}` : ''}) after ${result.records} record${result.records === 1 ? '' : 's'} printed: check the SQS endpoint and that it is up`);
  }
  if (options.correlate) {
    const report = tracker.report();
    // Stopped at --max before the queues were read through: what was not found was not looked for.
    if (result.stoppedAtMax && report.missing > 0) {
      report.unverified = (report.unverified ?? 0) + report.missing;
      report.unverifiedReasons = [...(report.unverifiedReasons ?? []), `not read: stopped at --max ${options.max}`];
      report.missing = 0;
      report.missingExamples = [];
    }
    result.report = report;
  }
  return result;
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
