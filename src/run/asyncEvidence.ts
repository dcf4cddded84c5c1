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
  note: (message: string) => void;
  signal?: AbortSignal;
  tracker?: Omit<DeliveryTrackerOptions, 'sqs' | 'queueUrls'>;
}

export async function openAsyncEvidence(input: AsyncEvidenceInput): Promise<AsyncEvidence> {
  const { call, note } = input;
  // The queues are read through SQS: the region and profile apply, the Lambda endpoint does not.
  const aws = { region: call.aws.region, profile: call.aws.profile };
  if (input.destinationQueue || input.dlq || call.kind !== 'lambda') return openDeliveryTracker([input.destinationQueue, input.dlq], aws, note, input.tracker);
  if (input.discover === false) throw new UsageError('with --no-discover, where the outcomes go is unknown: give --destination-queue URL and/or --dlq URL');

  const lambda = await createLambdaControlClient(call.aws, note, regionFromArn(call.functionName));
  let wiring: DestinationWiring;
  try {
    wiring = await discoverDestinations(lambda, call.functionName, call.qualifier, input.signal);
  } finally {
    lambda.destroy();
  }
  const runId = newRunId();
  for (const line of describeWiring(wiring, (purpose) => resourceName(runId, purpose))) note(line);
  const readable = wiring.destinations.filter((one) => ['sqs', 'sns', 'events', 's3'].includes(one.kind));
  if (readable.length === 0) throw nothingToRead(wiring);
  return openTaps(wiring, readable, runId, { ...aws, region: aws.region ?? regionFromArn(call.functionName) ?? parseArn(readable[0]!.arn)?.region }, input);
}

async function openTaps(wiring: DestinationWiring, readable: Destination[], runId: string, aws: { region?: string; profile?: string }, input: AsyncEvidenceInput): Promise<AsyncEvidence> {
  const { note } = input;
  const resources = new TempResources();
  const sqs = await createSqsClient(aws, [], note);
  const clients: { destroy(): void }[] = [sqs];
  const queueUrls: string[] = [];
  const wrappings = new Map<string, Wrapping>();
  const labels = new Map<string, string>();
  const s3Readers: S3Records[] = [];
  let tracker: DeliveryTracker | undefined;
  const release = async () => {
    await Promise.all(s3Readers.map((reader) => reader.stop()));
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
        const reader = new S3Records({ s3, bucket: nameInArn(destination.arn), functionName: functionNameOf(wiring.functionName), since: Date.now(), offer: (record) => tracker?.observe(record) ?? false });
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
      otherSources: s3Readers,
      blindSpots: blindSpots(wiring),
    },
    { sqs, afterStop: release },
  );
  tracker = opened.tracker;
  for (const reader of s3Readers) reader.start();
  return { ...opened, wiring, runId };
}

/** Why pending events cannot be called missing whatever is read: outcomes that go nowhere lambench can read. */
export function blindSpots(wiring: DestinationWiring): string[] {
  const spots: string[] = [];
  const of = (role: Destination['role']) => wiring.destinations.filter((one) => one.role === role);
  const unreadable = (one: Destination) => one.kind === 'lambda' || one.kind === 'other';
  if (of('success').length === 0) spots.push('no on-success destination: a succeeded event leaves no record to read');
  for (const one of wiring.destinations.filter(unreadable)) spots.push(`${one.role === 'dlq' ? 'the DLQ' : `on-${one.role}`} ${one.arn} cannot be observed from outside (logs as evidence come later)`);
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

function nothingToRead(wiring: DestinationWiring): UsageError {
  const named = `${wiring.functionName}${wiring.qualifier ? `:${wiring.qualifier}` : ''}`;
  const has = wiring.destinations.length > 0 ? `: its outcomes go only where lambench cannot read (${wiring.destinations.map((one) => `${one.kind} ${one.arn}`).join(', ')})` : ` has no on-success or on-failure destination and no DLQ${wiring.unknown.length > 0 ? ` that could be read (${wiring.unknown.join('; ')})` : ''}`;
  return new UsageError(
    `${named}${has}: nothing to verify delivery on; configure a destination (aws lambda put-function-event-invoke-config --function-name ${wiring.functionName} --destination-config 'OnSuccess={Destination=ARN},OnFailure={Destination=ARN}') or a DLQ, or pass --destination-queue/--dlq (logs as evidence come in a later release)`,
  );
}
