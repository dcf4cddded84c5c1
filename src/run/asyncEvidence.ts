/**
 * Where an async run looks for its events' outcomes, opened before anything is sent. Given queues
 * (`--destination-queue`, `--dlq`), those, as always. Otherwise, for a function, what it is wired
 * to (discovery/destinationWiring.ts), said before sending, each destination observed by its kind:
 * an SQS queue read directly, an SNS topic or an EventBridge bus through a temporary tap named
 * `lambench-<run id>-…`, an S3 bucket listed, a function said to be unobservable. Every temporary
 * resource is removed when the tracker closes (the run's end, an error, Ctrl-C), or if opening fails.
 */
import type { HttpCall, LambdaCall } from '../config/runConfig.js';
import { LambenchError, TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import type { CompletionRecord } from '../delivery/completionRecord.js';
import { awsErrorName } from '../aws/lambdaControl.js';
import { functionNameOf, nameInArn, parseArn } from '../aws/arn.js';
import { regionFromArn } from '../aws/awsConfig.js';
import { createLambdaControlClient } from '../aws/lambdaControl.js';
import { resolveQueueUrl } from '../aws/queueRef.js';
import { createSqsClient } from '../aws/sqsClient.js';
import { createEventBridgeClient, createS3Client, createSnsClient } from '../aws/serviceClients.js';
import type { DeliveryTracker, DeliveryTrackerOptions } from '../delivery/deliveryTracker.js';
import { openEventBridgeTap } from '../delivery/eventBridgeTap.js';
import { openDeliveryTracker, type OpenTracker } from '../delivery/openTracker.js';
import { newRunId, resourceName } from '../delivery/runId.js';
import { S3Records } from '../delivery/s3Records.js';
import { openSnsTap } from '../delivery/snsTap.js';
import { decodeTapMessage, type Wrapping } from '../delivery/tapRecords.js';
import { TempResources } from '../delivery/tempResources.js';
import { describeWiring, discoverDestinations, type Destination, type DestinationWiring } from '../discovery/destinationWiring.js';
import { openLogsAsEvidence, type LogsEvidenceSource, type LogsUnread } from './logsAsEvidence.js';

export interface AsyncEvidence extends OpenTracker {
  /** What the function is wired to, when it was discovered. */
  wiring?: DestinationWiring;
  /** Names this run's temporary resources, when it made any. */
  runId?: string;
}

export interface AsyncEvidenceInput {
  call: LambdaCall | HttpCall;
  destinationQueue?: string;
  dlq?: string;
  discover?: boolean;
  /** The function's CloudWatch Logs as evidence: true (`--logs`), false (`--no-logs`), absent: where the destinations leave outcomes unread. */
  logs?: boolean;
  note: (message: string) => void;
  signal?: AbortSignal;
  tracker?: Omit<DeliveryTrackerOptions, 'sqs' | 'queueUrls'>;
}

/** The tracker, once made: the logs source offers what it reads to it. */
interface TrackerRef {
  tracker?: DeliveryTracker;
}

export async function openAsyncEvidence(input: AsyncEvidenceInput): Promise<AsyncEvidence> {
  const { call, note } = input;
  // The queues are read through SQS: the region and profile apply, the Lambda endpoint does not.
  const aws = { region: call.aws.region, profile: call.aws.profile };
  const queuesGiven = Boolean(input.destinationQueue || input.dlq);
  if (call.kind !== 'lambda' || (queuesGiven && input.logs !== true)) return openDeliveryTracker([input.destinationQueue, input.dlq], aws, note, input.tracker);
  if (!queuesGiven && input.discover === false && input.logs !== true) {
    throw new UsageError('with --no-discover, where the outcomes go is unknown: give --destination-queue URL and/or --dlq URL, or --logs to read them from the function\'s logs');
  }
  const ref: TrackerRef = {};
  const wiring = queuesGiven || input.discover === false ? await retriesOnly(call, input) : await discover(call, input.signal, note);
  const readable = wiring.destinations.filter((one) => ['sqs', 'sns', 'events', 's3'].includes(one.kind));
  const wantLogs = input.logs === true || (input.logs !== false && blindSpots(wiring).length > 0);
  // The logs as the only evidence: a refusal to read them ends the run, as a refused queue would.
  const opened = wantLogs ? await openLogsAsEvidence(call, wiring.maximumRetryAttempts, input.logs === true, note, wire(ref), input.signal) : undefined;
  const logs = opened && 'completions' in opened ? opened : undefined;
  const unread = opened && 'why' in opened ? opened : undefined;
  if (queuesGiven && logs) note(logs.describe.trim());
  if (queuesGiven) return withLogs(await openDeliveryTracker([input.destinationQueue, input.dlq], aws, note, { ...input.tracker, otherSources: logs ? [logs.completions] : [] }).catch(closing(logs)), logs, ref);
  const runId = newRunId();
  for (const line of describeWiring(wiring, (purpose) => resourceName(runId, purpose), logs !== undefined)) note(line);
  if (logs) note(logs.describe);
  if (readable.length === 0 && !logs) throw nothingToRead(wiring, input.logs === false, unread);
  const region = aws.region ?? regionFromArn(call.functionName) ?? (readable[0] && parseArn(readable[0].arn)?.region);
  return openTaps(wiring, readable, runId, { ...aws, ...(region && { region }) }, input, logs, ref).catch(closing(logs));
}

async function discover(call: LambdaCall, signal: AbortSignal | undefined, note: (message: string) => void): Promise<DestinationWiring> {
  const lambda = await createLambdaControlClient(call.aws, note, regionFromArn(call.functionName));
  try {
    return await discoverDestinations(lambda, call.functionName, call.qualifier, signal);
  } finally {
    lambda.destroy();
  }
}

/** Queues given by flag, or --no-discover, with --logs: only the retries are read (the logs need them), AWS's default where they cannot be. */
async function retriesOnly(call: LambdaCall, input: AsyncEvidenceInput): Promise<DestinationWiring> {
  const assumed: DestinationWiring = { functionName: call.functionName, ...(call.qualifier && { qualifier: call.qualifier }), maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, invokeConfig: 'unknown', destinations: [], unknown: [] };
  if (input.discover === false) {
    input.note('logs: --no-discover: the function\'s retries are not read; AWS\'s default (2) is assumed');
    return assumed;
  }
  try {
    const wiring = await discover(call, input.signal, input.note);
    return { ...assumed, maximumRetryAttempts: wiring.maximumRetryAttempts };
  } catch (error) {
    input.note(`logs: the function's retries could not be read (${messageOf(error)}); AWS's default (2) is assumed`);
    return assumed;
  }
}

/** The logs source's links to the tracker (made after it). */
function wire(ref: TrackerRef) {
  return {
    pending: () => ref.tracker?.pendingRequestIds() ?? [],
    offer: (record: CompletionRecord) => ref.tracker?.observe(record) ?? false,
    retrying: (requestId: string, failedAttempts: number) => ref.tracker?.retrying(requestId, failedAttempts),
  };
}

/** The logs source, started once the tracker exists, stopped after it. */
function withLogs(opened: OpenTracker, logs: LogsEvidenceSource | undefined, ref: TrackerRef): OpenTracker {
  ref.tracker = opened.tracker;
  if (!logs) return opened;
  logs.completions.start();
  return {
    ...opened,
    close: async () => {
      try {
        await opened.close();
      } finally {
        await logs.completions.stop();
        logs.close();
      }
    },
  };
}

/** Closes the logs source when opening the rest failed, and passes the failure on. */
function closing(logs: LogsEvidenceSource | undefined) {
  return (error: unknown): never => {
    logs?.close();
    throw error;
  };
}

async function openTaps(wiring: DestinationWiring, readable: Destination[], runId: string, aws: { region?: string; profile?: string }, input: AsyncEvidenceInput, logs: LogsEvidenceSource | undefined, ref: TrackerRef): Promise<AsyncEvidence> {
  const { note } = input;
  const resources = new TempResources();
  const sqs = await createSqsClient(aws, [], note);
  const clients: { destroy(): void }[] = [sqs];
  const queueUrls: string[] = [];
  const wrappings = new Map<string, Wrapping>();
  const labels = new Map<string, string>();
  const s3Readers: S3Records[] = [];
  const release = async () => {
    // Each stops whatever the others do: the temporary resources below are removed in any case.
    await Promise.allSettled([...s3Readers.map((reader) => reader.stop()), logs?.completions.stop()]);
    logs?.close();
    await resources.removeAll(note);
    for (const client of clients) client.destroy();
  };
  try {
    const tap = (queue: { url: string }, wrapping: Wrapping, label: string) => {
      queueUrls.push(queue.url);
      wrappings.set(queue.url, wrapping);
      labels.set(queue.url, label);
    };
    // One observer per destination, however many roles it plays (a topic can be the failure destination and the DLQ).
    const seen = new Set<string>();
    for (const destination of readable) {
      if (seen.has(destination.arn)) continue;
      seen.add(destination.arn);
      const name = resourceName(runId, `${destination.role}-${destination.kind}`);
      if (destination.kind === 'sqs') queueUrls.push(await resolveQueueUrl(sqs, destination.arn, `the ${destination.role} queue`, input.signal));
      else if (destination.kind === 'sns') {
        const sns = await createSnsClient(aws, note, parseArn(destination.arn)?.region);
        clients.push(sns);
        tap(await openSnsTap(sns, sqs, resources, destination.arn, name), 'sns', `sns:${destination.arn}`);
      } else if (destination.kind === 'events') {
        const events = await createEventBridgeClient(aws, note, parseArn(destination.arn)?.region);
        clients.push(events);
        tap(await openEventBridgeTap(events, sqs, resources, destination.arn, name), 'events', `events:${destination.arn}`);
      } else {
        const s3 = await createS3Client(aws, note);
        clients.push(s3);
        const reader = new S3Records({ s3, bucket: nameInArn(destination.arn), functionName: functionNameOf(wiring.functionName), since: Date.now(), offer: (record) => ref.tracker?.observe(record) ?? false });
        await reader.check();
        s3Readers.push(reader);
      }
    }
  } catch (error) {
    await release();
    throw tapError(error);
  }
  const opened = await openDeliveryTracker(
    queueUrls,
    aws,
    note,
    {
      ...input.tracker,
      decode: (message, queueUrl) => decodeTapMessage(message, queueUrl, wrappings.get(queueUrl), labels.get(queueUrl) ?? queueUrl, input.tracker?.clientRequestIdPath),
      otherSources: [...s3Readers, ...(logs ? [logs.completions] : [])],
      // The logs see every attempt: what no destination reports, they do.
      blindSpots: logs ? [] : blindSpots(wiring),
    },
    { sqs, afterStop: release },
  );
  ref.tracker = opened.tracker;
  for (const reader of s3Readers) reader.start();
  logs?.completions.start();
  return { ...opened, wiring, runId };
}

/** Why pending events cannot be called missing whatever is read: outcomes that go nowhere lambench can read. */
export function blindSpots(wiring: DestinationWiring): string[] {
  const spots: string[] = [];
  const of = (role: Destination['role']) => wiring.destinations.filter((one) => one.role === role);
  const unreadable = (one: Destination) => one.kind === 'lambda' || one.kind === 'other';
  if (of('success').length === 0) spots.push('no on-success destination: a succeeded event leaves no record to read');
  for (const one of wiring.destinations.filter(unreadable)) spots.push(`${one.role === 'dlq' ? 'the DLQ' : `on-${one.role}`} ${one.arn} cannot be observed from outside (the function's logs can: drop --no-logs)`);
  if (of('failure').length === 0 && of('dlq').length === 0) spots.push('no on-failure destination and no DLQ: a failed event leaves no record to read');
  return spots;
}

/** A tap that could not be made, said in one line with the permissions it needs (lambench's own refusals pass as they are). */
function tapError(error: unknown): unknown {
  if (error instanceof LambenchError) return error;
  const name = awsErrorName(error);
  const why = `${name || 'error'}: ${messageOf(error)}`;
  return new TargetUnavailableError(
    `could not set up the temporary taps (${why}): lambench needs sqs:CreateQueue, sqs:GetQueueAttributes, sqs:SetQueueAttributes, sqs:DeleteQueue, sns:Subscribe, sns:Unsubscribe, events:PutRule, events:PutTargets, events:RemoveTargets, events:DeleteRule as the destinations require; or pass --no-discover with --destination-queue/--dlq`,
    { cause: error },
  );
}

function nothingToRead(wiring: DestinationWiring, logsOff: boolean, logsUnread?: LogsUnread): LambenchError {
  const named = `${wiring.functionName}${wiring.qualifier ? `:${wiring.qualifier}` : ''}`;
  const has = wiring.destinations.length > 0 ? `: its outcomes go only where lambench cannot read (${wiring.destinations.map((one) => `${one.kind} ${one.arn}`).join(', ')})` : ` has no on-success or on-failure destination and no DLQ${wiring.unknown.length > 0 ? ` that could be read (${wiring.unknown.join('; ')})` : ''}`;
  const logs = logsOff ? ' and --no-logs leaves its logs unread' : logsUnread ? ` and its logs cannot be read (${logsUnread.why})` : '';
  const fix = logsOff ? 'drop --no-logs to read its CloudWatch Logs, ' : logsUnread ? 'make its CloudWatch Logs readable, ' : '';
  const message = `${named}${has}${logs}: nothing to verify delivery on; ${fix}configure a destination (aws lambda put-function-event-invoke-config --function-name ${wiring.functionName} --destination-config 'OnSuccess={Destination=ARN},OnFailure={Destination=ARN}') or a DLQ, or pass --destination-queue/--dlq`;
  // AWS refusing the logs is a refusal (exit 3); nothing configured to read is a usage matter (exit 2).
  return logsUnread?.refused ? new TargetUnavailableError(message) : new UsageError(message);
}
