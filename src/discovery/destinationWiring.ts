/**
 * Where a function's async outcomes go, read before any event is sent: its event invoke config
 * for the qualifier called (GetFunctionEventInvokeConfig: on-success and on-failure destinations,
 * retries, event age; a 404 means AWS's defaults: 2 retries, 6 h, no destinations; an unset
 * destination comes back as `{}`), and its DLQ (GetFunctionConfiguration's
 * DeadLetterConfig.TargetArn, function-wide). Each destination's kind is its ARN's service.
 * Refusals are said in one line naming the permission, the fix, and `--no-discover`.
 */
import { GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { TargetUnavailableError, messageOf } from '../errors.js';
import { parseArn } from '../aws/arn.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';

export type DestinationRole = 'success' | 'failure' | 'dlq';
/** An ARN's service: what lambench can observe, and how. `other`: a service that is no destination Lambda knows. */
export type DestinationKind = 'sqs' | 'sns' | 'events' | 's3' | 'lambda' | 'other';

export interface Destination {
  role: DestinationRole;
  arn: string;
  kind: DestinationKind;
  /** Read from the function's configuration, or given by a flag (`--destination-queue`, `--dlq`). */
  from: 'discovered' | 'flag';
}

export interface DestinationWiring {
  functionName: string;
  qualifier?: string;
  /** MaximumRetryAttempts (AWS's default 2 when no event invoke config exists). */
  maximumRetryAttempts: number;
  /** MaximumEventAgeInSeconds (AWS's default 21600). */
  maximumEventAgeSeconds: number;
  /** `defaults`: the function has no event invoke config (404), AWS's defaults apply; `unknown`: it could not be read (see unknown). */
  invokeConfig: 'read' | 'defaults' | 'unknown';
  destinations: Destination[];
  /** What could not be read, and why. */
  unknown: string[];
}

const KINDS: DestinationKind[] = ['sqs', 'sns', 'events', 's3', 'lambda'];

export function kindOf(arn: string): DestinationKind {
  const service = parseArn(arn)?.service ?? '';
  return (KINDS as string[]).includes(service) ? (service as DestinationKind) : 'other';
}

export async function discoverDestinations(lambda: LambdaClient, functionName: string, qualifier: string | undefined, stop?: AbortSignal): Promise<DestinationWiring> {
  const wiring: DestinationWiring = { functionName, ...(qualifier && { qualifier }), maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, invokeConfig: 'read', destinations: [], unknown: [] };
  const named = `${functionName}${qualifier ? `:${qualifier}` : ''}`;
  try {
    const config = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: functionName, ...(qualifier && { Qualifier: qualifier }) }), { abortSignal: stop });
    if (config.MaximumRetryAttempts !== undefined) wiring.maximumRetryAttempts = config.MaximumRetryAttempts;
    if (config.MaximumEventAgeInSeconds !== undefined) wiring.maximumEventAgeSeconds = config.MaximumEventAgeInSeconds;
    // An unset destination is `{}`: no Destination.
    const onSuccess = config.DestinationConfig?.OnSuccess?.Destination;
    const onFailure = config.DestinationConfig?.OnFailure?.Destination;
    if (onSuccess) wiring.destinations.push({ role: 'success', arn: onSuccess, kind: kindOf(onSuccess), from: 'discovered' });
    if (onFailure) wiring.destinations.push({ role: 'failure', arn: onFailure, kind: kindOf(onFailure), from: 'discovered' });
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'ResourceNotFoundException') wiring.invokeConfig = 'defaults';
    else if (isAccessDenied(error)) throw refused('lambda:GetFunctionEventInvokeConfig', named, error);
    else if (name === 'UnknownOperationException' || name === 'UnrecognizedClientException') {
      wiring.invokeConfig = 'unknown';
      wiring.unknown.push(`the on-success and on-failure destinations (the Lambda endpoint does not serve GetFunctionEventInvokeConfig: ${name}), so are its retries and maximum event age`);
    } else throw new TargetUnavailableError(`cannot read where ${named}'s async outcomes go (GetFunctionEventInvokeConfig: ${name || messageOf(error)}): check the Lambda endpoint and credentials, or pass --no-discover with --destination-queue/--dlq`, { cause: error });
  }
  try {
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, ...(qualifier && { Qualifier: qualifier }) }), { abortSignal: stop });
    const dlq = configuration.DeadLetterConfig?.TargetArn;
    if (dlq) wiring.destinations.push({ role: 'dlq', arn: dlq, kind: kindOf(dlq), from: 'discovered' });
  } catch (error) {
    const name = awsErrorName(error);
    if (isAccessDenied(error)) throw refused('lambda:GetFunctionConfiguration', named, error);
    if (name === 'ResourceNotFoundException') throw new TargetUnavailableError(`function ${named} not found: check the name, the qualifier, --region and --endpoint-url`, { cause: error });
    throw new TargetUnavailableError(`cannot read ${named}'s dead-letter queue (GetFunctionConfiguration: ${name || messageOf(error)}): check the Lambda endpoint and credentials, or pass --no-discover with --destination-queue/--dlq`, { cause: error });
  }
  return wiring;
}

function refused(permission: string, named: string, error: unknown): TargetUnavailableError {
  return new TargetUnavailableError(
    `not allowed to read where ${named}'s async outcomes go (${permission} denied): grant ${permission}, or pass --no-discover with --destination-queue and/or --dlq`,
    { cause: error },
  );
}

const ROLE_WORDS: Record<DestinationRole, string> = { success: 'success', failure: 'failure', dlq: 'DLQ' };

/** How each kind is observed, in words (`tap` names the temporary resources of this run; `logsRead`: the function's logs are read too). */
export function howObserved(destination: Destination, tap: (purpose: string) => string, functionName: string, logsRead = false): string {
  switch (destination.kind) {
    case 'sqs':
      return 'read directly (this run\'s records deleted once matched, others handed back)';
    case 'sns':
      return `through ${tap(`${destination.role}-sns`)}, a temporary queue subscribed to the topic for the run`;
    case 'events':
      return `through ${tap(`${destination.role}-events`)}, a temporary rule on the bus and its temporary queue`;
    case 's3':
      return `objects listed under aws/lambda/async/${functionName}/ from the run's start and read (nothing deleted)`;
    case 'lambda':
      return `cannot be observed from outside (a function receives it): ${logsRead ? 'the logs tell these outcomes' : 'these outcomes are reported unverified, not missing'}`;
    default:
      return `not a destination lambench can read: ${logsRead ? 'the logs tell these outcomes' : 'these outcomes are reported unverified'}`;
  }
}

/** The lines printed before sending: where each outcome will be observed, and how; what is unknown (`logsRead`: the function's logs are read too). */
export function describeWiring(wiring: DestinationWiring, tap: (purpose: string) => string, logsRead = false): string[] {
  const lines: string[] = [];
  const settings = {
    read: `${wiring.maximumRetryAttempts} retries, events up to ${wiring.maximumEventAgeSeconds} s old`,
    defaults: 'no event invoke config: AWS defaults (2 retries, 6 h, no destinations)',
    unknown: 'event invoke config unknown',
  }[wiring.invokeConfig];
  lines.push(`async outcomes of ${wiring.functionName}${wiring.qualifier ? `:${wiring.qualifier}` : ''}: ${settings}`);
  for (const role of ['success', 'failure', 'dlq'] as const) {
    const found = wiring.destinations.filter((one) => one.role === role);
    const unreported = logsRead ? ' (read from the logs)' : ' (succeeded events leave no record: they are reported unverified)';
    if (found.length === 0) lines.push(`  ${ROLE_WORDS[role]}: ${role === 'dlq' ? 'no DLQ' : `no on-${role} destination`}${role === 'success' ? unreported : ''}`);
    // A destination playing two roles is tapped once, named for its first role (as the taps are made).
    const tapped = (one: Destination) => wiring.destinations.find((each) => each.arn === one.arn) ?? one;
    for (const one of found) lines.push(`  ${ROLE_WORDS[role]}: ${one.kind} ${one.arn}${one.from === 'flag' ? ' (from the flag)' : ''}: ${howObserved(tapped(one), tap, wiring.functionName, logsRead)}`);
  }
  for (const unknown of wiring.unknown) lines.push(`  unknown: ${unknown}`);
  return lines;
}
