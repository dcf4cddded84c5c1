/**
 * What a phase's invocations cost, estimated from their REPORT lines (Tail logs, CloudWatch Logs,
 * or the local stack's): requests × the request price + Σ billed GB-seconds × the duration price
 * of the function's architecture, plus SQS requests for a queue phase.
 *
 * Billing as AWS bills it: per invocation attempt (a retried async event is billed for each
 * attempt: each has its own REPORT line), each REPORT's Billed Duration (1 ms granularity) times its
 * Memory Size, and since 1 August 2025 the INIT phase too for on-demand functions (Lambda's REPORT
 * then counts it in Billed Duration; a line whose Billed Duration leaves it out, from before then or
 * from an emulator that does, is billed as Duration + Init Duration, rounded up to the millisecond).
 *
 * Not in the estimate: the free tier and the volume tiers (the first 6 billion GB-s a month are at
 * the price below; more is cheaper), provisioned concurrency, ephemeral storage above 512 MB, data
 * transfer. Prices other than us-east-1's: give `--price-gb-s` / `--price-request`.
 */
import type { ReportFigures } from '../aws/lambdaLog.js';

export type Architecture = 'x86_64' | 'arm64';

/** Public on-demand prices, US East (N. Virginia); see SOURCE. */
export const PRICES = {
  region: 'us-east-1',
  /** When these prices were read off the pricing pages. */
  date: '2025-08-01',
  source: 'https://aws.amazon.com/lambda/pricing/ and https://aws.amazon.com/sqs/pricing/ (US East (N. Virginia), first tier)',
  requestPerMillionUsd: 0.2,
  gbSecondUsd: { x86_64: 0.0000166667, arm64: 0.0000133334 } satisfies Record<Architecture, number>,
  /** SQS requests (each 64 KB of a request's payload is one), after the free tier. */
  sqsPerMillionUsd: { standard: 0.4, fifo: 0.5 },
} as const;

/** The billed milliseconds of one REPORT, the INIT phase included as billed since August 2025. */
export function billedMsOf(figures: Pick<ReportFigures, 'durationMs' | 'billedDurationMs' | 'initDurationMs'>): number {
  if (figures.initDurationMs === undefined) return figures.billedDurationMs;
  return Math.max(figures.billedDurationMs, Math.ceil(figures.durationMs + figures.initDurationMs));
}

/**
 * What one REPORT is billed for in MB-milliseconds: billed milliseconds and megabytes are whole
 * numbers, so sums of these are exact whatever order threads and shards add them in.
 */
export function billedMbMsOf(figures: Pick<ReportFigures, 'durationMs' | 'billedDurationMs' | 'initDurationMs' | 'memorySizeMb'>): number {
  return Math.round(billedMsOf(figures)) * Math.round(figures.memorySizeMb);
}

/** MB-milliseconds as GB-seconds (1 GB = 1,024 MB). */
/** The inverse of gbSecondsFromMbMs, whole MB-ms (how a saved report's GB-s go back into a recorder). */
export function mbMsFromGbSeconds(gbSeconds: number): number {
  return Math.round(gbSeconds * 1024 * 1000);
}

export function gbSecondsFromMbMs(mbMs: number): number {
  return mbMs / 1024 / 1000;
}

export interface PriceOverrides {
  /** USD per GB-second (`--price-gb-s`). */
  gbSecondUsd?: number;
  /** USD per 1M requests (`--price-request`). */
  requestPerMillionUsd?: number;
}

export interface CostInput {
  /** Invocation attempts billed: the REPORT lines found. */
  invocations: number;
  /** Σ billed GB-seconds over those REPORT lines. */
  gbSeconds: number;
  /** The calls the phase made (for the per-million figure): async calls retried cost more per call. */
  calls: number;
  architecture: Architecture;
  /** Said when the architecture was not read from the function's configuration. */
  architectureAssumed?: boolean;
  region?: string;
  /** A queue phase's SQS requests (lambench's sends; the mapping's own receives and deletes are not seen). */
  sqsRequests?: number;
  fifo?: boolean;
  overrides?: PriceOverrides;
}

export interface CostEstimate {
  currency: 'USD';
  invocations: number;
  gbSeconds: number;
  requestsUsd: number;
  durationUsd: number;
  sqsRequests?: number;
  sqsUsd?: number;
  totalUsd: number;
  /** totalUsd for a million of the phase's calls. */
  perMillionCallsUsd?: number;
  prices: { requestPerMillionUsd: number; gbSecondUsd: number; sqsPerMillionUsd?: number; architecture: Architecture; region: string; date: string; source: string };
  /** What the figure leaves out or assumes, one sentence each. */
  notes: string[];
}

export function estimateCost(input: CostInput): CostEstimate {
  const overrides = input.overrides ?? {};
  const requestPerMillionUsd = overrides.requestPerMillionUsd ?? PRICES.requestPerMillionUsd;
  const gbSecondUsd = overrides.gbSecondUsd ?? PRICES.gbSecondUsd[input.architecture];
  const region = input.region ?? PRICES.region;
  const requestsUsd = (input.invocations / 1_000_000) * requestPerMillionUsd;
  const durationUsd = input.gbSeconds * gbSecondUsd;
  const notes = ['an estimate: the free tier and volume tiers are not applied'];
  if (region !== PRICES.region && (overrides.gbSecondUsd === undefined || overrides.requestPerMillionUsd === undefined)) {
    notes.push(`priced at ${PRICES.region}'s prices (${PRICES.date}); ${region}'s may differ: give --price-gb-s and --price-request`);
  }
  if (input.architectureAssumed) notes.push(`the architecture was not read from the function's configuration: priced as ${input.architecture}`);
  const estimate: CostEstimate = {
    currency: 'USD',
    invocations: input.invocations,
    gbSeconds: input.gbSeconds,
    requestsUsd,
    durationUsd,
    totalUsd: requestsUsd + durationUsd,
    prices: { requestPerMillionUsd, gbSecondUsd, architecture: input.architecture, region, date: PRICES.date, source: overrides.gbSecondUsd !== undefined || overrides.requestPerMillionUsd !== undefined ? 'given on the command line (the rest: ' + PRICES.source + ')' : PRICES.source },
    notes,
  };
  if (input.sqsRequests !== undefined) {
    const sqsPerMillionUsd = input.fifo ? PRICES.sqsPerMillionUsd.fifo : PRICES.sqsPerMillionUsd.standard;
    estimate.sqsRequests = input.sqsRequests;
    estimate.sqsUsd = (input.sqsRequests / 1_000_000) * sqsPerMillionUsd;
    estimate.prices.sqsPerMillionUsd = sqsPerMillionUsd;
    estimate.totalUsd += estimate.sqsUsd;
    notes.push("SQS: lambench's own send requests only (the event source mapping's receives and deletes are billed too)");
  }
  if (input.calls > 0) estimate.perMillionCallsUsd = (estimate.totalUsd / input.calls) * 1_000_000;
  return estimate;
}
