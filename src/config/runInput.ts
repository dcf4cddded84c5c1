/**
 * What a run is asked to do, before anything is checked: one flat record whatever it came from
 * (a command's flags, a profile, a profile with flags over it, a test calling runBench). Values are
 * typed (durations in milliseconds) but not checked; `buildRunConfig` (run/runConfig.ts) checks
 * them all at once and turns them into the RunConfig.
 *
 * Every input is a `Field`, and each source names its fields in its own words (`FieldNames`): the
 * flags here (`--rate`), a profile its paths (`load.rate`, profiles/profileInput.ts). A problem is
 * said with the name of where its value came from.
 */
import type { ShardInfo } from './load.js';

/** What one call is: the target and how to call it. */
export interface CallInput {
  /** A function name, name:qualifier, ARN, or an http(s) URL. */
  target: string;
  payload?: string;
  payloadFile?: string;
  /** Fill the payload's placeholders ({{uuid}}, {{seq}}, {{randomInt A B}}, {{file PATH}}) for each call. */
  template?: boolean;
  /** Where `{{file …}}` paths start from (a profile's folder; default the working directory). */
  templateDir?: string;
  /** Give up on a call after this long (milliseconds); absent: the default deadline. */
  timeoutMs?: number;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Invoke API only. */
  qualifier?: string;
  logType?: string;
  clientContext?: string;
  retries?: number;
  /** Invoke API calls through the AWS SDK client even in a load test. */
  sdk?: boolean;
  /** HTTP targets only. */
  method?: string;
  /** `name: value` each. */
  headers?: string[];
  asyncVia?: string;
  asyncHeader?: string;
  asyncBodyPath?: string;
  asyncUrl?: string;
  /** Where lambench writes its client request ID in an HTTP body; null turns it off. */
  correlationPath?: string | null;
  /** The header that also carries it (default x-client-request-id). */
  correlationHeader?: string;
  sigv4?: boolean;
  /** Queue targets only: the FIFO message group of every message. */
  messageGroupId?: string;
  /** FIFO: the queue deduplicates by content (no MessageDeduplicationId is sent). */
  contentDedup?: boolean;
  /** Standard queues: each message's delivery delay (milliseconds; SQS takes whole seconds, 0–900). */
  delayMs?: number;
  /** `name=value` each: string message attributes of every message. */
  messageAttributes?: string[];
  /** Read what the queue is wired to before sending (default true). */
  discover?: boolean;
}

/** A load run: the call, the phases' shape, delivery to verify, and what to write. */
export interface RunInput extends CallInput {
  /** The phases, one invocation type each: `sync,async` (flags), or a profile's list of modes. */
  types?: string | string[];
  concurrency?: number;
  rate?: number;
  maxInFlight?: number;
  durationMs?: number;
  requests?: number;
  warmupMs?: number;
  rampMs?: number;
  workers?: number;
  shard?: ShardInfo;
  verifyDelivery?: boolean;
  destinationQueue?: string;
  dlq?: string;
  /** A queue target's output queue: where the function writes what it processed. */
  outputQueue?: string;
  settleMs?: number;
  thresholds?: string[];
  rawPath?: string;
  out?: string;
  html?: string;
  hgrm?: string;
  json?: boolean;
  /** Look each phase's invocations up in CloudWatch Logs, and read them as delivery evidence (true); false: not even as evidence; absent: as evidence only where the destinations leave outcomes unread. */
  logs?: boolean;
  /** USD per GB-second and per 1M requests for the cost estimate. */
  priceGbSecond?: number;
  priceRequest?: number;
  /** The scenario file the run came from (`lambench run`), for the report. */
  profilePath?: string;
}

/**
 * An input a problem can be about: a field of RunInput, or `load`, the load shape as a whole (the
 * flags have no name for it; a profile calls it `load`).
 */
export type Field = Exclude<keyof RunInput, 'templateDir' | 'profilePath'> | 'load';

/** How one source names its inputs. */
export interface FieldNames {
  /** `--rate`, or `load.rate`; `index`: an item of a list input (`thresholds[1]`; a flag has no index). */
  of(field: Field, index?: number): string;
  /** True when the value came from a flag: a problem then reads `--rate -3 must…`, not `load.rate: -3 must…`. */
  isFlag(field: Field): boolean;
  /** How to give the input, where a message says to give one of two: `--rate R`, or `rate` within the profile's load. */
  usage(field: Field): string;
  /** Where the source lists the input: a message naming two inputs names them in the order the user knows them. */
  rank(field: Field): number;
}

/** The flags of `bench`, `run` and `invoke`, in the order `--help` lists them. `load` has none. */
const FLAGS: Record<Field, string> = {
  target: 'the target',
  types: '--type',
  concurrency: '--concurrency',
  rate: '--rate',
  maxInFlight: '--max-in-flight',
  durationMs: '--duration',
  requests: '--requests',
  warmupMs: '--warmup',
  rampMs: '--ramp',
  load: '',
  verifyDelivery: '--verify-delivery',
  destinationQueue: '--destination-queue',
  dlq: '--dlq',
  outputQueue: '--output-queue',
  settleMs: '--settle',
  thresholds: '--threshold',
  out: '--out',
  rawPath: '--raw',
  hgrm: '--hgrm',
  json: '--json',
  workers: '--workers',
  sdk: '--sdk',
  template: '--template',
  shard: '--shard',
  html: '--html',
  priceGbSecond: '--price-gb-s',
  logs: '--logs',
  priceRequest: '--price-request',
  payload: '--payload',
  payloadFile: '--payload-file',
  qualifier: '--qualifier',
  logType: '--log-type',
  clientContext: '--client-context',
  retries: '--retries',
  timeoutMs: '--timeout',
  method: '--method',
  headers: '--header',
  asyncVia: '--async-via',
  asyncHeader: '--async-header',
  asyncBodyPath: '--async-body-path',
  asyncUrl: '--async-url',
  correlationPath: '--correlation-path',
  correlationHeader: '--correlation-header',
  sigv4: '--sigv4',
  region: '--region',
  profile: '--profile',
  endpointUrl: '--endpoint-url',
  messageGroupId: '--message-group-id',
  contentDedup: '--content-dedup',
  delayMs: '--delay',
  messageAttributes: '--message-attribute',
  discover: '--no-discover',
};

/** Where a flag takes a value that the message goes on to describe. */
const FLAG_USAGE: Partial<Record<Field, string>> = { concurrency: '--concurrency N', rate: '--rate R' };
const FLAG_ORDER = Object.keys(FLAGS);

/** The flags' names: for the commands, and for anything calling runBench or invokeOnce without a profile. */
export const flagNames: FieldNames = {
  of: (field) => FLAGS[field],
  isFlag: () => true,
  usage: (field) => FLAG_USAGE[field] ?? FLAGS[field],
  rank: (field) => FLAG_ORDER.indexOf(field),
};

/**
 * Flags over a profile's fields: a flag always wins over the field it stands for. The load shape
 * and the run's length are replaced as a whole (`--rate` drops the profile's concurrency; `--requests`
 * its duration), and so is the payload. Each input keeps the name of the source its value came from.
 */
export function overlay(base: { input: RunInput; names: FieldNames }, top: { input: Partial<RunInput>; names: FieldNames }): { input: RunInput; names: FieldNames } {
  const input: RunInput = { ...base.input };
  const replaced = new Set<Field>();
  const replace = (fields: Field[]) => {
    for (const field of fields) {
      delete input[field as keyof RunInput];
      replaced.add(field);
    }
  };
  const given = (field: keyof RunInput) => top.input[field] !== undefined;
  if (given('rate') || given('concurrency')) replace(['rate', 'concurrency', 'load', ...(given('concurrency') ? (['maxInFlight'] as const) : [])]);
  if (given('durationMs') || given('requests')) replace(['durationMs', 'requests']);
  if (given('payload') || given('payloadFile')) replace(['payload', 'payloadFile']);
  for (const key of Object.keys(top.input) as (keyof RunInput)[]) {
    if (top.input[key] === undefined) continue;
    Object.assign(input, { [key]: top.input[key] });
    replaced.add(key as Field);
  }
  const from = (field: Field) => (replaced.has(field) ? top.names : base.names);
  return {
    input,
    names: {
      of: (field, index) => from(field).of(field, index),
      isFlag: (field) => from(field).isFlag(field),
      usage: (field) => from(field).usage(field),
      rank: (field) => from(field).rank(field),
    },
  };
}
