/**
 * Builds the Target for what the user named. Transports are imported lazily: a one-off call loads
 * only the SDK (or undici) it needs.
 */
import { UsageError } from '../errors.js';
import { regionFromArn, resolveAwsConfig, type AwsOptions } from './awsConfig.js';
import type { TargetSpec } from './targetSpec.js';
import type { Target } from './types.js';

export interface TargetOptions {
  aws: AwsOptions;
  retries?: number;
  maxSockets?: number;
  note: (message: string) => void;
}

export async function createTarget(spec: TargetSpec, options: TargetOptions): Promise<Target> {
  if (spec.kind === 'http') {
    throw new UsageError(`HTTP targets (${spec.url.href}) are not supported by this version yet: name a Lambda function instead`);
  }
  const aws = await resolveAwsConfig(options.aws, 'LAMBDA', options.note, regionFromArn(spec.functionName));
  const { createLambdaTarget } = await import('./lambdaTarget.js');
  return createLambdaTarget({
    functionName: spec.functionName,
    ...(spec.qualifier !== undefined && { qualifier: spec.qualifier }),
    aws,
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.maxSockets !== undefined && { maxSockets: options.maxSockets }),
  });
}

export type { Target, Outcome, InvokeRequest, InvocationType, OutcomeClass } from './types.js';
