/**
 * `lambench redrive <dlq>`: move dead-lettered messages back to the queue they came from, so the
 * event source mapping processes them again once the bug is fixed.
 *
 * Safety, in this order: a message is sent to its source first, its MD5 checked against what SQS
 * stored, and only then deleted from the DLQ, so a crash (or Ctrl-C, or a failed delete) between
 * the two leaves a duplicate at most, never a loss. A message not asked for (`--match`), one whose
 * source cannot be told, and everything under `--dry-run` is held while the DLQ is read past it
 * and handed back (visible again) at the end, on every exit path; nothing is deleted that was not
 * moved.
 *
 * Where a message goes: `--to`, else the message's DeadLetterQueueSourceArn (SQS sets it on a
 * message its redrive policy moved), else the one queue whose RedrivePolicy names this DLQ
 * (ListDeadLetterSourceQueues). A queue that no RedrivePolicy names is no DLQ: refused, unless
 * `--to` says where its messages go.
 */
import {
  DeleteMessageCommand,
  ListDeadLetterSourceQueuesCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import type { AwsOptions } from '../aws/awsConfig.js';
import { createSqsClient, withSqsDeadline } from '../aws/sqsClient.js';
import { isNoSuchQueue, queueNameOf, readQueueAttributes, resolveQueueUrl } from '../aws/queueRef.js';
import { HeldMessages, HOLD_SECONDS } from '../delivery/heldMessages.js';
import { correlationKeysOf } from './matchKeys.js';
import { MAX_HELD, readThrough } from './readThrough.js';


export interface RedriveOptions {
  /** The DLQ: URL or ARN. */
  dlq: string;
  /** Where every moved message goes (URL or ARN); default: each message's own source. */
  to?: string;
  /** Move at most this many. */
  max?: number;
  dryRun?: boolean;
  /** Move only messages carrying one of these IDs (correlation, request or message ID). */
  match?: ReadonlySet<string>;
  aws: AwsOptions;
  signal?: AbortSignal;
  note(message: string): void;
  /** Each message moved (or, under --dry-run, that would move). */
  onMessage?(entry: RedriveEntry): void;
}

export interface RedriveEntry {
  messageId: string;
  /** The source queue's URL it was (or would be) sent to. */
  to: string;
  /** ApproximateReceiveCount in the DLQ's copy: the receives it took to be dead-lettered, and more. */
  receiveCount?: number;
  /** lambench's correlation ID, when the message carries one. */
  correlationId?: string;
  /** The new message ID at the source (absent under --dry-run). */
  newMessageId?: string;
}

export interface RedriveResult {
  dlqUrl: string;
  /** Queues whose RedrivePolicy names the DLQ (undefined: SQS would not say). */
  sources?: string[];
  examined: number;
  moved: number;
  wouldMove: number;
  /** Not asked for by --match: left in the DLQ. */
  notMatched: number;
  /** Sent but the delete failed: they are at the source AND still in the DLQ (a redrive again would duplicate them). */
  sentNotDeleted: number;
  /** Could not be moved (reason → count); left in the DLQ. */
  leftBecause: Record<string, number>;
  byDestination: Record<string, number>;
  interrupted: boolean;
}

export async function redrive(options: RedriveOptions): Promise<RedriveResult> {
  const references = [options.dlq, ...(options.to ? [options.to] : [])];
  const sqs = await createSqsClient(options.aws, references.filter((reference) => !reference.startsWith('arn:')), options.note);
  // What is read past (not moved) stays hidden while the DLQ is read through, then is handed back: the tracker's own holding.
  const held = new HeldMessages();
  try {
    const queueUrl = await resolveQueueUrl(sqs, options.dlq, 'DLQ', options.signal);
    const dlq = await queueAttributes(sqs, queueUrl, 'DLQ', options.dlq);
    const to = options.to ? await resolveQueueUrl(sqs, options.to, '--to queue', options.signal) : undefined;
    if (to) {
      const target = await queueAttributes(sqs, to, '--to queue', options.to!);
      if (target.fifo !== dlq.fifo) throw new UsageError(`--to ${options.to} is ${target.fifo ? 'a FIFO' : 'a standard'} queue and the DLQ is ${dlq.fifo ? 'FIFO' : 'standard'}: a DLQ's source has the same kind`);
    }
    const sources = await deadLetterSources(sqs, queueUrl, options.signal);
    if (sources?.length === 0 && !to) {
      throw new UsageError(`${options.dlq} is no dead-letter queue: no queue's RedrivePolicy names it (give --to QUEUE to move its messages anyway)`);
    }
    if (sources === undefined && !to) options.note('SQS would not list the queues that use this DLQ (ListDeadLetterSourceQueues): each message goes to its DeadLetterQueueSourceArn; give --to where a message has none');

    const result: RedriveResult = { dlqUrl: queueUrl, ...(sources && { sources }), examined: 0, moved: 0, wouldMove: 0, notMatched: 0, sentNotDeleted: 0, leftBecause: {}, byDestination: {}, interrupted: false };
    const sourceUrls = new Map<string, string>();
    const destinationOf = async (message: Message): Promise<string | { reason: string }> => {
      if (to) return to;
      const arn = message.Attributes?.DeadLetterQueueSourceArn;
      if (arn) {
        // Only a queue that is gone makes its messages unmovable; SQS failing to answer ends the run like any other SQS failure.
        if (!sourceUrls.has(arn)) sourceUrls.set(arn, await resolveQueueUrl(sqs, arn, 'source queue', options.signal).catch((error: unknown) => (error instanceof UsageError ? '' : Promise.reject(error))));
        return sourceUrls.get(arn) || { reason: `its source queue ${arn} no longer exists (give --to)` };
      }
      if (sources?.length === 1) return sources[0]!;
      if (sources && sources.length > 1) return { reason: `several queues use this DLQ (${sources.map(queueNameOf).join(', ')}) and the message does not say which it came from (give --to)` };
      return { reason: 'its source queue is unknown (give --to)' };
    };

    const want = () => (options.max === undefined ? 10 : options.max - result.moved - result.wouldMove);
    const { stoppedAtMaxHeld } = await readThrough({ sqs, queueUrl, held, want, ...(options.signal && { signal: options.signal }) }, async (message, keep) => {
      result.examined++;
      const keys = correlationKeysOf(message);
      if (options.match && !keys.all.some((key) => options.match!.has(key))) {
        result.notMatched++;
        keep();
        return;
      }
      const destination = await destinationOf(message);
      if (typeof destination !== 'string') {
        result.leftBecause[destination.reason] = (result.leftBecause[destination.reason] ?? 0) + 1;
        keep();
        return;
      }
      const entry: RedriveEntry = {
        messageId: message.MessageId!,
        to: destination,
        ...(message.Attributes?.ApproximateReceiveCount && { receiveCount: Number(message.Attributes.ApproximateReceiveCount) }),
        ...(keys.correlationId && { correlationId: keys.correlationId }),
      };
      if (options.dryRun) {
        result.wouldMove++;
        keep();
        options.onMessage?.(entry);
        return;
      }
      const sent = await sendCopy(sqs, message, destination, dlq.fifo).catch((error: unknown) => ({ error: messageOf(error) }));
      if ('error' in sent) {
        const reason = `the send to ${queueNameOf(destination)} failed (${sent.error})`;
        result.leftBecause[reason] = (result.leftBecause[reason] ?? 0) + 1;
        keep();
        return;
      }
      // Sent and stored as sent: only now may the DLQ's copy go.
      try {
        await withSqsDeadline((call) => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }), call));
      } catch (error) {
        result.sentNotDeleted++;
        options.note(`message ${message.MessageId} was sent to ${queueNameOf(destination)} but could not be deleted from the DLQ (${messageOf(error)}): it is in both now`);
      }
      result.moved++;
      result.byDestination[destination] = (result.byDestination[destination] ?? 0) + 1;
      options.onMessage?.({ ...entry, newMessageId: sent.messageId });
    });
    if (stoppedAtMaxHeld) options.note(`stopped after holding ${MAX_HELD} messages not moved (SQS's in-flight limit is near): run again with --match or --max`);
    result.interrupted = Boolean(options.signal?.aborted);
    return result;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TargetUnavailableError) throw error;
    throw new TargetUnavailableError(`redrive stopped: ${messageOf(error)} (what moved so far was sent before it was deleted; nothing is lost)`, { cause: error });
  } finally {
    const { notHandedBack } = await held.handBack(sqs);
    if (notHandedBack > 0) options.note(`${notHandedBack} message${notHandedBack === 1 ? '' : 's'} not moved could not be made visible again at once: they reappear in the DLQ within ${HOLD_SECONDS} s`);
    sqs.destroy();
  }
}

async function queueAttributes(sqs: SQSClient, url: string, what: string, reference: string): Promise<{ fifo: boolean }> {
  const attributes = await readQueueAttributes(sqs, url, ['QueueArn', 'FifoQueue'], what, reference);
  return { fifo: attributes.FifoQueue === 'true' };
}

/** The queues whose RedrivePolicy names the DLQ; undefined when SQS will not say (no permission, an emulator without it). */
async function deadLetterSources(sqs: SQSClient, dlqUrl: string, stop?: AbortSignal): Promise<string[] | undefined> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  try {
    for (let page = 0; page < 100; page++) {
      const answer = await withSqsDeadline((call) => sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, MaxResults: 1000, ...(NextToken && { NextToken }) }), call), stop);
      urls.push(...(answer.queueUrls ?? []));
      NextToken = answer.NextToken;
      if (!NextToken) break;
    }
    return urls;
  } catch (error) {
    if (isNoSuchQueue(error)) throw error;
    return undefined;
  }
}

/**
 * A copy of the message at its source: body and message attributes as they were; on FIFO the
 * same group, and a deduplication ID of the DLQ message's ID (so a redrive repeated within SQS's
 * five-minute window after a crash does not duplicate it).
 */
async function sendCopy(sqs: SQSClient, message: Message, queueUrl: string, fifo: boolean): Promise<{ messageId: string }> {
  const body = message.Body ?? '';
  const answer = await withSqsDeadline((call) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0 && { MessageAttributes: message.MessageAttributes }),
        ...(fifo && { MessageGroupId: message.Attributes?.MessageGroupId ?? 'lambench-redrive', MessageDeduplicationId: message.MessageId }),
      }),
      call,
    ),
  );
  const md5 = createHash('md5').update(body, 'utf8').digest('hex');
  if (answer.MD5OfMessageBody !== md5) throw new Error(`SQS stored a body whose MD5 is ${answer.MD5OfMessageBody}, not ${md5}`);
  return { messageId: answer.MessageId ?? '' };
}
