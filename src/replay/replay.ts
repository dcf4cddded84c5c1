/**
 * `lambench replay <source>`: re-invoke a function with the events that failed, once the bug is
 * fixed (seed 003: a DLQ is there to "investigate and debug the issue at a later time and retry").
 *
 * Sources (replaySources.ts): an async DLQ or an on-failure destination queue (SQS URL or ARN),
 * read through the way `redrive` reads; an S3 on-failure destination (`s3://bucket/prefix`), listed
 * and read; an SNS DLQ or destination topic, through a temporary subscription while lambench
 * listens. Each message or object gives the original event: a destination record's
 * `requestPayload` (and the function from its `requestContext.functionArn`), or a DLQ message's body
 * as it was sent (the function from `--function`: a DLQ message does not name it).
 *
 * Non-destructive by default. With `--delete` a message (or object) is deleted only after its
 * re-invoke was answered as asked: a synchronous call that succeeded, an asynchronous call Lambda
 * accepted. A crash between the two replays an event twice at most, never loses one.
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { AwsOptions } from '../aws/awsConfig.js';
import { resolveAwsConfig, regionFromArn } from '../aws/awsConfig.js';
import { parseArn } from '../aws/arn.js';
import { createSqsClient } from '../aws/sqsClient.js';
import { createS3Client, createSnsClient } from '../aws/serviceClients.js';
import type { CompletionRecord } from '../delivery/completionRecord.js';
import { HeldMessages, HOLD_SECONDS } from '../delivery/heldMessages.js';
import { TempResources } from '../delivery/tempResources.js';
import { LambenchError, TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import { createSdkLambdaTarget } from '../targets/lambda/sdkTarget.js';
import type { Outcome, Target } from '../targets/types.js';
import { correlationKeysOf } from './matchKeys.js';
import { MAX_HELD } from './readThrough.js';
import { s3Source, snsSource, sourceKindOf, sqsSource, type ReplaySource, type SourceItem } from './replaySources.js';

/** How long an SNS source is listened to by default. */
const DEFAULT_LISTEN_MS = 60_000;

export type ReplayType = 'sync' | 'event';

/** Why a DLQ message is skipped without --function. */
export const NO_FUNCTION = 'a DLQ message does not name its function: give --function';

export interface ReplayOptions {
  /** An SQS queue URL or ARN. */
  source: string;
  /** The function to re-invoke; default: each record's own functionArn. */
  functionName?: string;
  type: ReplayType;
  max?: number;
  dryRun?: boolean;
  /** Replay only events carrying one of these IDs (correlation, request or message ID). */
  match?: ReadonlySet<string>;
  /** Delete each source message once its re-invoke was answered as asked. */
  delete?: boolean;
  /** An SNS source: how long to listen for what is published (default 60 s). */
  listenMs?: number;
  /** Region and profile for both; `endpointUrl` is Lambda's (SQS: AWS_ENDPOINT_URL_SQS, or a local queue URL's own origin). */
  aws: AwsOptions;
  signal?: AbortSignal;
  note(message: string): void;
  onEvent?(entry: ReplayEntry): void;
}

/** One event replayed (or, under --dry-run, that would be). */
export interface ReplayEntry {
  /** The source message's ID (an S3 source: the object's key). */
  sourceId: string;
  /** Lambda's request ID of the failed invocation, when the source says it. */
  requestId?: string;
  correlationId?: string;
  functionName: string;
  /** Absent under --dry-run. */
  outcome?: 'succeeded' | 'accepted' | 'failedAgain' | 'refused';
  /** The re-invoke's own request ID. */
  newRequestId?: string;
  /** Why it failed again or was refused. */
  error?: string;
  deleted?: boolean;
}

export interface ReplayResult {
  sourceUrl: string;
  examined: number;
  /** Re-invoked and answered. */
  replayed: number;
  wouldReplay: number;
  /** Sync: the function succeeded; event: Lambda accepted the event. */
  succeeded: number;
  /** Sync: the function failed again. */
  failedAgain: number;
  /** Lambda refused the call (throttled, not found, not allowed) or did not answer: the event stays where it was. */
  refused: number;
  /** Not asked for, or not an event lambench could read (reason → count); left where they were. */
  skipped: Record<string, number>;
  deleted: number;
  /** Answered but the delete failed: replayed AND still in the source. */
  replayedNotDeleted: number;
  interrupted: boolean;
}

/** An event to re-invoke, as read from a message or an object. */
export interface ReplayableEvent {
  sourceId: string;
  payload: Uint8Array;
  functionName?: string;
  requestId?: string;
  correlationId?: string;
}

/** The original event in a completion record: a DLQ message's body byte for byte; a destination record's requestPayload as JSON. */
export function replayableEvent(record: CompletionRecord, message: Message, sourceId: string): ReplayableEvent {
  const payload = record.kind === 'deadLetter' ? Buffer.from(message.Body ?? '', 'utf8') : Buffer.from(JSON.stringify(record.requestPayload ?? {}), 'utf8');
  return {
    sourceId,
    payload,
    ...(record.functionArn && { functionName: record.functionArn }),
    ...(record.requestId && { requestId: record.requestId }),
    ...(record.clientRequestId && { correlationId: record.clientRequestId }),
  };
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const kind = sourceKindOf(options.source, options.functionName);
  if (kind.kind === 'sns' && options.delete) throw new UsageError(`--delete does not apply to an SNS topic (${options.source}): a topic keeps nothing to delete`);
  const { endpointUrl: _lambdaEndpoint, ...sourceAws } = options.aws;
  // A topic's tap queue is made in the topic's region (its ARN says which) unless one is given.
  const sqsAws = kind.kind === 'sns' ? { ...sourceAws, region: sourceAws.region ?? parseArn(kind.topicArn)?.region } : sourceAws;
  const sqs = kind.kind === 's3' ? undefined : await createSqsClient(sqsAws, kind.kind === 'sqs' && !kind.reference.startsWith('arn:') ? [kind.reference] : [], options.note);
  const held = new HeldMessages();
  const resources = new TempResources();
  const invokers = new Invokers(options);
  const closers: (() => void)[] = [];
  try {
    let source: ReplaySource;
    if (kind.kind === 'sqs') source = await sqsSource(sqs!, kind.reference, held, options.signal);
    else if (kind.kind === 's3') {
      const s3 = await createS3Client(sourceAws, options.note);
      closers.push(() => s3.destroy());
      source = s3Source(s3, kind.bucket, kind.prefix);
    } else {
      const sns = await createSnsClient(sourceAws, options.note, parseArn(kind.topicArn)?.region);
      closers.push(() => sns.destroy());
      source = await snsSource(sns, sqs!, resources, kind.topicArn, options.listenMs ?? DEFAULT_LISTEN_MS, options.note);
    }
    const result: ReplayResult = { sourceUrl: source.label, examined: 0, replayed: 0, wouldReplay: 0, succeeded: 0, failedAgain: 0, refused: 0, skipped: {}, deleted: 0, replayedNotDeleted: 0, interrupted: false };
    const skip = (reason: string, item: SourceItem) => {
      result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
      item.keep();
    };
    const want = () => (options.max === undefined ? 10 : options.max - result.replayed - result.refused - result.wouldReplay);
    const { stoppedAtMaxHeld } = await source.each(want, options.signal, async (item) => {
      result.examined++;
      if (options.match && !correlationKeysOf(item.message).all.some((key) => options.match!.has(key))) return skip('not matching --match', item);
      const { record } = item;
      if (!record) return skip('not a destination record or an async DLQ message (no requestContext, no RequestID attribute)', item);
      if (record.kind === 'destination' && record.condition === 'Success') return skip('a success record (nothing to retry)', item);
      const event = replayableEvent(record, item.message, item.id);
      const functionName = options.functionName ?? event.functionName;
      if (!functionName) return skip(NO_FUNCTION, item);
      const entry: ReplayEntry = { sourceId: event.sourceId, functionName, ...(event.requestId && { requestId: event.requestId }), ...(event.correlationId && { correlationId: event.correlationId }) };
      if (options.dryRun) {
        result.wouldReplay++;
        item.keep();
        options.onEvent?.(entry);
        return;
      }
      const outcome = await invokers.invoke(functionName, event.payload, options.signal);
      Object.assign(entry, judge(outcome, options.type));
      if (entry.outcome === 'refused') result.refused++;
      else result.replayed++;
      if (entry.outcome === 'succeeded' || entry.outcome === 'accepted') result.succeeded++;
      if (entry.outcome === 'failedAgain') result.failedAgain++;
      const answeredAsAsked = entry.outcome === 'succeeded' || entry.outcome === 'accepted';
      if (options.delete && answeredAsAsked && source.removable) {
        try {
          await item.remove();
          result.deleted++;
          entry.deleted = true;
        } catch (error) {
          result.replayedNotDeleted++;
          options.note(`${item.id} was replayed but could not be deleted (${messageOf(error)}): it is still in the source`);
          item.keep();
        }
      } else {
        item.keep();
      }
      options.onEvent?.(entry);
    });
    if (stoppedAtMaxHeld) options.note(`stopped after holding ${MAX_HELD} messages (SQS's in-flight limit is near): run again with --match or --max`);
    result.interrupted = Boolean(options.signal?.aborted);
    return result;
  } catch (error) {
    if (error instanceof LambenchError) throw error;
    throw new TargetUnavailableError(`replay stopped: ${messageOf(error)} (nothing was deleted before its re-invoke was answered)`, { cause: error });
  } finally {
    await invokers.close();
    if (sqs) {
      const { notHandedBack } = await held.handBack(sqs);
      if (notHandedBack > 0) options.note(`${notHandedBack} message${notHandedBack === 1 ? '' : 's'} could not be made visible again at once: they reappear within ${HOLD_SECONDS} s`);
    }
    await resources.removeAll(options.note);
    for (const close of closers) close();
    sqs?.destroy();
  }
}

/** What a re-invoke came to, as replay counts it. */
function judge(outcome: Outcome, type: ReplayType): Pick<ReplayEntry, 'outcome' | 'newRequestId' | 'error'> {
  const requestId = outcome.requestId ? { newRequestId: outcome.requestId } : {};
  const error = outcome.errorType ? `${outcome.errorType}${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''}` : (functionErrorText(outcome) ?? outcome.class);
  if (outcome.class === 'ok') return { outcome: type === 'sync' ? 'succeeded' : 'accepted', ...requestId };
  if (outcome.class === 'functionError') return { outcome: 'failedAgain', ...requestId, error };
  return { outcome: 'refused', ...requestId, error };
}

/** A function error as the function's own answer says it (`Error: flaky: failing as asked`), else Lambda's kind of it (`Unhandled`). */
function functionErrorText(outcome: Outcome): string | undefined {
  try {
    const answer = JSON.parse(Buffer.from(outcome.payload ?? []).toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof answer.errorMessage === 'string') return `${typeof answer.errorType === 'string' ? `${answer.errorType}: ` : ''}${answer.errorMessage}`;
  } catch {
    // Not JSON: Lambda's word is all there is.
  }
  return outcome.functionError;
}

/** One SDK Invoke target per function (records may name several, or several versions of one). */
class Invokers {
  private readonly targets = new Map<string, Promise<Target>>();
  constructor(private readonly options: Pick<ReplayOptions, 'aws' | 'note' | 'type'>) {}

  async invoke(functionName: string, payload: Uint8Array, signal?: AbortSignal): Promise<Outcome> {
    let target = this.targets.get(functionName);
    if (!target) {
      target = resolveAwsConfig(this.options.aws, 'LAMBDA', this.options.note, this.options.aws.region ? undefined : regionFromArn(functionName)).then((aws) =>
        // One attempt: a retried synchronous call could run the function twice.
        createSdkLambdaTarget({ functionName, aws, retries: 0 }),
      );
      this.targets.set(functionName, target);
    }
    return (await target).invoke({ invocationType: this.options.type === 'sync' ? 'RequestResponse' : 'Event', payload }, signal);
  }

  async close(): Promise<void> {
    await Promise.all([...this.targets.values()].map(async (target) => (await target.catch(() => undefined))?.close()));
  }
}
