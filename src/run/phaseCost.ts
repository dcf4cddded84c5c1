/**
 * Each phase's cost estimate (metrics/cost.ts), from the REPORT figures it recorded: the function's
 * architecture read from its configuration (else assumed x86_64, and said), the region the run
 * used, and any prices given on the command line.
 */
import type { Architecture, PriceOverrides } from '../metrics/cost.js';
import { estimateCost } from '../metrics/cost.js';
import type { PhaseReport } from '../report/reportDocument.js';

export interface CostSettings {
  architecture?: Architecture;
  region?: string;
  prices?: PriceOverrides;
}

/** Adds `cost` to every phase with REPORT figures; a phase without any has no estimate (nothing to price its duration by). */
export function addPhaseCosts(phases: PhaseReport[], settings: CostSettings): void {
  for (const phase of phases) {
    const lambda = phase.lambda;
    if (!lambda || lambda.reports === 0 || lambda.gbSeconds === undefined) continue;
    phase.cost = estimateCost({
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
}
