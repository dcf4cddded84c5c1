/**
 * Where `replay` reads failed events from, each handing over one completion record at a time with
 * how to leave it (`keep`) or take it away (`remove`, only ever called after its re-invoke was
 * answered as asked, and only under --delete):
 *
 * - an SQS queue (an async DLQ, an on-failure destination queue): read through without taking what
 *   is not asked for (readThrough.ts); removing deletes the message;
 * - an S3 prefix (`s3://bucket/prefix`, or `arn:aws:s3:::bucket`: Lambda's `aws/lambda/async/`
 *   prefix, narrowed to `--function`'s): every object listed and read; removing deletes the object;
 * - an SNS topic (an async DLQ or a destination): a topic keeps nothing, so a temporary queue
 *   (`lambench-<run id>-replay-sns`, allowing only that topic) is subscribed and what is published
 *   while lambench listens (`--listen`) is replayed; the queue and subscription are removed on every
 *   exit path. There is nothing at the source to remove.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { withSqsDeadline } from '../aws/sqsClient.js';
import { readQueueAttributes, resolveQueueUrl } from '../aws/queueRef.js';
import { decodeCompletionMessage, type CompletionRecord } from '../delivery/completionRecord.js';
import type { HeldMessages } from '../delivery/heldMessages.js';
import { newRunId, resourceName } from '../delivery/runId.js';
import { openSnsTap } from '../delivery/snsTap.js';
import { decodeS3Object, fromSnsEnvelope } from '../delivery/tapRecords.js';
import type { TempResources } from '../delivery/tempResources.js';
import type { SNSClient } from '@aws-sdk/client-sns';
import { UsageError } from '../errors.js';
import { functionNameOf } from '../aws/arn.js';
import { readThrough } from './readThrough.js';

/** One item a source hands over: the message as SQS would hold it (for --match), its record if it is one, and how to leave or take it. */
export interface SourceItem {
  id: string;
  message: Message;
  record?: CompletionRecord;
  keep(): void;
  remove(): Promise<void>;
}

export interface ReplaySource {
  /** Shown in the summary: the queue URL, `s3://bucket/prefix`, the topic ARN. */
  label: string;
  /** False where there is nothing at the source to delete (a topic). */
  removable: boolean;
  each(want: () => number, signal: AbortSignal | undefined, take: (item: SourceItem) => Promise<void>): Promise<{ stoppedAtMaxHeld: boolean }>;
}

export type SourceKind = { kind: 'sqs'; reference: string } | { kind: 's3'; bucket: string; prefix: string } | { kind: 'sns'; topicArn: string };

/** What the user named as the source. */
export function sourceKindOf(source: string, functionName: string | undefined): SourceKind {
  if (source.startsWith('s3://')) {
    const [bucket, ...rest] = source.slice('s3://'.length).split('/');
    if (!bucket) throw new UsageError(`replay ${source}: name the bucket: s3://BUCKET/PREFIX`);
    return { kind: 's3', bucket, prefix: rest.join('/') };
  }
  const s3Arn = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/.exec(source);
  if (s3Arn) return { kind: 's3', bucket: s3Arn[1]!, prefix: s3Arn[2] ?? `aws/lambda/async/${functionName ? `${functionNameOf(functionName)}/` : ''}` };
  if (/^arn:aws[a-z-]*:sns:/.test(source)) return { kind: 'sns', topicArn: source };
  return { kind: 'sqs', reference: source };
}

export async function sqsSource(sqs: SQSClient, reference: string, held: HeldMessages, stop?: AbortSignal): Promise<ReplaySource> {
  const queueUrl = await resolveQueueUrl(sqs, reference, 'source', stop);
  await readQueueAttributes(sqs, queueUrl, ['QueueArn'], 'source', reference, stop);
  return {
    label: queueUrl,
    removable: true,
    each: (want, signal, take) =>
      readThrough({ sqs, queueUrl, held, want, ...(signal && { signal }) }, (message, keep) => {
        const record = decodeCompletionMessage(message, queueUrl);
        return take({
          id: message.MessageId ?? message.ReceiptHandle!,
          message,
          ...(record && { record }),
          keep,
          remove: async () => {
            await withSqsDeadline((call) => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }), call));
          },
        });
      }),
  };
}

export function s3Source(s3: S3Client, bucket: string, prefix: string): ReplaySource {
  return {
    label: `s3://${bucket}/${prefix}`,
    removable: true,
    async each(want, signal, take) {
      // Ctrl-C aborts a listing or a read under way: that ends the reading, as it does a queue's (the caller reports what was done).
      const stopped = (error: unknown) => (signal?.aborted ? undefined : Promise.reject(error));
      let token: string | undefined;
      do {
        const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }), signal ? { abortSignal: signal } : {}).catch(stopped);
        if (!listing) return { stoppedAtMaxHeld: false };
        for (const object of listing.Contents ?? []) {
          if (!object.Key || signal?.aborted || want() <= 0) return { stoppedAtMaxHeld: false };
          const key = object.Key;
          const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {}).catch(stopped);
          if (!answer) return { stoppedAtMaxHeld: false };
          const body = (await answer.Body?.transformToString()) ?? '';
          const record = decodeS3Object(body, `s3://${bucket}/${key}`, `s3:${bucket}`);
          await take({
            id: key,
            message: { Body: body, MessageId: key },
            ...(record && { record }),
            keep: () => {},
            remove: async () => {
              await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
            },
          });
        }
        token = listing.IsTruncated ? listing.NextContinuationToken : undefined;
      } while (token);
      return { stoppedAtMaxHeld: false };
    },
  };
}

/** How long one receive waits on the tap queue. */
const TAP_WAIT_SECONDS = 1;

/** A temporary subscription to the topic, listened to for `listenMs` (or until --max, or Ctrl-C). */
export async function snsSource(sns: SNSClient, sqs: SQSClient, resources: TempResources, topicArn: string, listenMs: number, note: (message: string) => void): Promise<ReplaySource> {
  const runId = newRunId();
  const name = resourceName(runId, 'replay-sns');
  const tap = await openSnsTap(sns, sqs, resources, topicArn, name);
  note(`listening to ${topicArn} for ${Math.round(listenMs / 1000)} s through ${name} (a topic keeps nothing: only what is published now can be replayed); removed at the end`);
  return {
    label: topicArn,
    removable: false,
    async each(want, signal, take) {
      const until = Date.now() + listenMs;
      while (!signal?.aborted && want() > 0 && Date.now() < until) {
        const { Messages = [] } = await withSqsDeadline(
          (call) => sqs.send(new ReceiveMessageCommand({ QueueUrl: tap.url, MaxNumberOfMessages: 10, WaitTimeSeconds: TAP_WAIT_SECONDS, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }), call),
          signal,
          TAP_WAIT_SECONDS,
        ).catch((error: unknown) => (signal?.aborted ? { Messages: [] } : Promise.reject(error)));
        for (const received of Messages) {
          const message = fromSnsEnvelope(received);
          const record = decodeCompletionMessage(message, topicArn);
          // The tap queue's copy is lambench's own: gone once it was looked at, whatever became of it.
          const drop = () => void withSqsDeadline((call) => sqs.send(new DeleteMessageCommand({ QueueUrl: tap.url, ReceiptHandle: received.ReceiptHandle! }), call)).catch(() => {});
          if (signal?.aborted || want() <= 0) break;
          await take({ id: received.MessageId!, message, ...(record && { record }), keep: drop, remove: async () => drop() });
        }
      }
      return { stoppedAtMaxHeld: false };
    },
  };
}
