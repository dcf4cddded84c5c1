/**
 * Each phase's cost estimate (metrics/cost.ts), from the REPORT figures it recorded: the function's
 * architecture read from its configuration (else assumed x86_64, and said), the region the run
 * used, and any prices given on the command line. A merged report's phases are priced the same
 * way, from the merged figures at the prices the shards used (merge.ts).
 */
import type { Architecture, PriceOverrides } from '../metrics/cost.js';
import { estimateCost } from '../metrics/cost.js';
import type { CostEstimate } from '../metrics/cost.js';
import type { PhaseReport } from './reportDocument.js';

export interface CostSettings {
  architecture?: Architecture;
  region?: string;
  prices?: PriceOverrides;
}

/** Adds `cost` to every phase with REPORT figures; a phase without any has no estimate (nothing to price its duration by). */
export function addPhaseCosts(phases: PhaseReport[], settings: CostSettings): void {
  for (const phase of phases) {
    const cost = phaseCost(phase, settings);
    if (cost) phase.cost = cost;
  }
}

/** A phase's estimate from its REPORT figures, requests and (a queue phase) SQS requests; undefined without REPORT figures. */
export function phaseCost(phase: PhaseReport, settings: CostSettings): CostEstimate | undefined {
  const lambda = phase.lambda;
  if (!lambda || lambda.reports === 0 || lambda.gbSeconds === undefined) return undefined;
  return estimateCost({
    invocations: lambda.reports,
    gbSeconds: lambda.gbSeconds,
    calls: phase.requests,
    architecture: settings.architecture ?? 'x86_64',
    architectureAssumed: settings.architecture === undefined,
    ...(settings.region && { region: settings.region }),
    ...(settings.prices && { overrides: settings.prices }),
    // A queue phase: the sends lambench made are SQS requests too.
    ...(phase.requestsSent !== undefined && { sqsRequests: phase.requestsSent, fifo: phase.queue?.wiring.fifo ?? false }),
  });
}
