/**
 * Where an async outcome can go, read from what a user or a client wrote: an SQS queue name (the
 * stack's own shorthand) or a destination ARN whose service is the kind, as Lambda reads it:
 * `arn:aws:sqs:…:queue`, `arn:aws:sns:…:topic`, `arn:aws:events:…:event-bus/name`,
 * `arn:aws:lambda:…:function:name`, `arn:aws:s3:::bucket` (on-failure only). One reading for the
 * configuration checks, the event invoke config API and the writer of records.
 */
import { ACCOUNT_ID, type FunctionConfig } from './localFunction.js';

export type DestinationKind = 'sqs' | 'sns' | 'events' | 's3' | 'lambda';

export interface Destination {
  kind: DestinationKind;
  /** The queue, topic, bus, bucket or function name. */
  name: string;
  /** The ARN, for a queue name too. */
  arn: string;
  /** A FIFO queue or topic: Lambda does not deliver async records to them. */
  fifo: boolean;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const PATTERNS: Record<DestinationKind, RegExp> = {
  sqs: /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/,
  sns: /^arn:aws[a-zA-Z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/,
  events: /^arn:aws[a-zA-Z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([.\-_A-Za-z0-9]{1,64})$/,
  lambda: /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]{1,64})$/,
  s3: /^arn:aws[a-zA-Z-]*:s3:::()()([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/,
};

/** What a destination may be, for messages. */
export const DESTINATION_RULE =
  'must be an SQS queue name or the ARN of an SQS queue, SNS topic, EventBridge event bus (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), Lambda function or (on failure only) S3 bucket (arn:aws:s3:::BUCKET), or null to turn it off';

/**
 * The destination `text` names in this stack's region and account, or a reason it cannot be one
 * here (`region` undefined: any region, only the form is checked). `allowed`: the kinds the place
 * takes (no s3 on success; sqs and sns for a DLQ).
 */
export function parseDestination(text: string, region: string | undefined, allowed: readonly DestinationKind[] = ['sqs', 'sns', 'events', 'lambda', 's3']): Destination | { problem: string } {
  if (QUEUE_NAME.test(text)) return { kind: 'sqs', name: text, arn: `arn:aws:sqs:${region ?? 'us-east-1'}:${ACCOUNT_ID}:${text}`, fifo: text.endsWith('.fifo') };
  const service = /^arn:aws[a-zA-Z-]*:([a-z0-9]+):/.exec(text)?.[1];
  if (service === undefined) return { problem: `'${text}' is neither a queue name nor an ARN` };
  if (!(service in PATTERNS)) return { problem: `'${text}' names the service '${service}': a destination's service must be one of sqs, sns, events, lambda, s3` };
  const kind = service as DestinationKind;
  if (!allowed.includes(kind)) return { problem: `'${text}' is ${article(kind)}, which cannot be used here (allowed: ${allowed.join(', ')})` };
  const match = PATTERNS[kind].exec(text);
  if (!match) return { problem: `'${text}' is not a well-formed ${kind} ARN (e.g. ${example(kind, region ?? 'us-east-1')})` };
  const [, arnRegion, account, name] = match as unknown as [string, string, string, string];
  if (region !== undefined && kind !== 's3' && (arnRegion !== region || account !== ACCOUNT_ID)) {
    return { problem: `'${text}' is not in this local stack (region ${region}, account ${ACCOUNT_ID}): e.g. ${example(kind, region)}` };
  }
  return { kind, name, arn: text, fifo: name.endsWith('.fifo') };
}

/** Destinations and DLQ naming another region or account: this stack could not deliver to them. */
export function destinationProblems(name: string, config: FunctionConfig, region: string): string[] {
  return (['onSuccess', 'onFailure', 'deadLetterQueue'] as const).flatMap((key) => {
    const value = config[key];
    const parsed = value === null ? undefined : parseDestination(value, region);
    return parsed && 'problem' in parsed ? [`${name}.${key}: ${parsed.problem}`] : [];
  });
}

/** What a function's configuration sends to (destinations and DLQ), by kind, each name once: what the stack creates. */
export function resourcesOf(config: FunctionConfig, region: string): Record<DestinationKind, string[]> {
  const found: Record<DestinationKind, Set<string>> = { sqs: new Set(), sns: new Set(), events: new Set(), s3: new Set(), lambda: new Set() };
  for (const value of [config.onSuccess, config.onFailure, config.deadLetterQueue]) {
    const parsed = value === null ? undefined : parseDestination(value, region);
    if (parsed && 'kind' in parsed) found[parsed.kind].add(parsed.name);
  }
  return Object.fromEntries(Object.entries(found).map(([kind, names]) => [kind, [...names]])) as Record<DestinationKind, string[]>;
}

function article(kind: DestinationKind): string {
  return { sqs: 'an SQS queue', sns: 'an SNS topic', events: 'an EventBridge bus', lambda: 'a Lambda function', s3: 'an S3 bucket' }[kind];
}

function example(kind: DestinationKind, region: string): string {
  return {
    sqs: `arn:aws:sqs:${region}:${ACCOUNT_ID}:my-queue`,
    sns: `arn:aws:sns:${region}:${ACCOUNT_ID}:my-topic`,
    events: `arn:aws:events:${region}:${ACCOUNT_ID}:event-bus/default`,
    lambda: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:my-function`,
    s3: 'arn:aws:s3:::my-bucket',
  }[kind];
}
