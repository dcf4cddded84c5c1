/**
 * The one checked description of a run, built in one place (run/runConfig.ts) from flags, a
 * profile, or both. Each part has one owner: a target takes `call`, the phases take `load`, the
 * delivery tracker takes `delivery`, the report and its files take `outputs`. Plain data (no
 * clients, no functions), so a worker thread is handed its part as it is.
 */
import type { InvocationType } from './invocationType.js';
import type { LoadShape, ScheduleShare, ShardInfo } from './load.js';

export interface RunConfig {
  call: CallConfig;
  load: LoadConfig;
  /** Verified delivery (`--verify-delivery`, a profile's `delivery`); absent when not asked for. */
  delivery?: DeliveryConfig;
  outputs: OutputsConfig;
  /** `--logs`: each phase's invocations looked up in the function's CloudWatch Logs after it, for up to `settleMs`. */
  logs?: { settleMs: number };
}

/** What one call is. */
export type CallConfig = LambdaCall | HttpCall | QueueCall;

interface CallBase {
  /** What the user named, as given: shown and reported. */
  target: string;
  payload: PayloadConfig;
  /**
   * `--timeout` (a profile's `timeout`): the deadline of one whole call, from its send to the
   * last byte of its answer; absent, the default (targets/deadline.ts). It is held in one place
   * per target: the exchange's deadline on the direct Invoke API and HTTP paths (undiciExchange),
   * the per-call abort signal on the SDK path (lambdaTarget). The connections' silence limit
   * follows it (deadline.ts) so that it never ends a call first.
   */
  timeoutMs?: number;
  aws: AwsSettings;
}

/** Through the Lambda Invoke API. */
export interface LambdaCall extends CallBase {
  kind: 'lambda';
  /** As given (name, name:qualifier or ARN). */
  functionName: string;
  qualifier?: string;
  /** Tail: the log's last 4 KB with synchronous calls. */
  logType?: 'None' | 'Tail';
  /** Base64, as the Invoke API carries it. */
  clientContext?: string;
  /** SDK retries after the first attempt (0: one attempt, throttles counted as they come). */
  retries: number;
  /** Through the AWS SDK client even in a load test (instead of the direct signed path). */
  sdk: boolean;
}

export type AsyncVia = 'header' | 'body' | 'url';

/** To an http(s) URL (API Gateway, function URLs, ALB, any server). */
export interface HttpCall extends CallBase {
  kind: 'http';
  url: string;
  /** Absent: POST with a body, GET without. */
  method?: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  asyncVia: AsyncVia;
  /** With asyncVia 'header': the header that carries Event / RequestResponse. */
  asyncHeader: string;
  /** With asyncVia 'url': where Event calls go. */
  asyncUrl?: string;
  /** With asyncVia 'body': where true/false is written. */
  asyncBodyPath?: string;
  /** Where lambench writes its client request ID into the body; null: nowhere (nor in a header). */
  correlationPath: string | null;
  /** The header that also carries the ID (absent when correlationPath is null). */
  correlationHeader?: string;
  /** Sign with SigV4 for execute-api. */
  sigv4: boolean;
}

/** A message to an SQS queue that an event source mapping polls (poll-based invocation). */
export interface QueueCall extends CallBase {
  kind: 'queue';
  /** The queue as given (URL or ARN, without an `sqs:` prefix). */
  queue: string;
  /** From the queue's name (`.fifo`): FIFO queues need a message group. */
  fifo: boolean;
  messageGroupId?: string;
  /** FIFO: send no MessageDeduplicationId (the queue deduplicates by content); else each message's is its correlation ID. */
  contentDedup: boolean;
  /** Standard queues: SendMessage's DelaySeconds. */
  delaySeconds?: number;
  /** String message attributes of every message. */
  attributes: Record<string, string>;
  /** Where lambench writes its correlation ID in a JSON-object body; null: nowhere (it still travels as a message attribute). */
  correlationPath: string | null;
  /** Read the queue's wiring (mappings, timeouts, redrive policy) before sending. */
  discover: boolean;
  /** Through the AWS SDK client even in a load test (instead of the direct signed path). */
  sdk: boolean;
}

/** Region, profile and endpoint as given; the AWS chain fills in the rest when a client is built. */
export interface AwsSettings {
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export interface PayloadConfig {
  /** The bytes as read (flag, file or stdin): what is sent, or the template before it is filled in. */
  bytes: Uint8Array;
  /** The same as text. */
  text: string;
  /** Where it came from (`--payload`, a file, stdin), for messages and the report. */
  source: string;
  /** Placeholders are filled in for each call; `{{file …}}` paths start at `dir`. */
  template?: { dir: string };
}

/** How each phase loads the target: what a phase runner is handed, with its name and type. */
export interface PhaseLoad {
  load: LoadShape;
  /** A phase runs this long, or makes `requests` calls (one of the two). */
  durationMs?: number;
  requests?: number;
  /** An unmeasured run before each phase. */
  warmupMs?: number;
  /** With --workers or --shard: the part of the schedule this sender has (see ScheduleShare). */
  share?: ScheduleShare;
}

export interface LoadConfig {
  /** The phases, in order, one invocation type each. */
  types: InvocationType[];
  /** The whole run's load, every shard's together: what the report describes. */
  whole: PhaseLoad;
  /** What this process sends of each phase: the whole, or its shard's share of it. */
  own: PhaseLoad;
  /** Worker threads sending `own` (1: this thread). */
  workers: number;
  shard?: ShardInfo;
}

export interface DeliveryConfig {
  /** A function's on-success / on-failure destination queue, given by flag; with neither it nor `dlq`, a function's destinations are discovered (unless `discover` is false). */
  destinationQueue?: string;
  /** A function target: read where its async outcomes go (event invoke config, DLQ) when no queue is given. */
  discover?: boolean;
  /** A function target: its CloudWatch Logs as evidence: true (`--logs`), false (`--no-logs`), absent: where the destinations leave outcomes unread. */
  logs?: boolean;
  /** For a queue target: the source queue's DLQ (default: from its RedrivePolicy). */
  dlq?: string;
  /** For a queue target: a queue the function writes each processed message to. */
  outputQueue?: string;
  /** After the async phase, how long to wait for completions before counting the rest missing. */
  settleMs: number;
}

export interface OutputsConfig {
  thresholds: Threshold[];
  /** Every call as an NDJSON line, as it happens. */
  raw?: string;
  out?: string;
  html?: string;
  hgrm?: string;
  /** The report document on stdout, nothing else. */
  json: boolean;
  /** The scenario file the run came from, as the report names it. */
  profilePath?: string;
  /** `--price-gb-s`, `--price-request`: the cost estimate's prices instead of us-east-1's. */
  prices?: { gbSecondUsd?: number; requestPerMillionUsd?: number };
}

export type ThresholdMetric = 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'mean' | 'errors' | 'delivered' | 'rps';

/** A pass/fail rule, parsed (thresholds/thresholds.ts reads and judges them). */
export interface Threshold {
  text: string;
  phase?: string;
  metric: ThresholdMetric;
  operator: '<' | '<=' | '>' | '>=';
  /** Microseconds for latencies, a fraction (0–1) for percentages, calls/s for rps. */
  value: number;
}
