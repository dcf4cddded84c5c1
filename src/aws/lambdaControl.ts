/**
 * A Lambda client for the control plane (ListEventSourceMappings, GetFunctionConfiguration, …),
 * configured the way the rest of lambench resolves AWS settings, as distinct from the Invoke
 * clients the targets build for load: a few retries (these calls are not what is measured, and
 * the control plane throttles at a few calls a second) and a deadline on each attempt.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { resolveAwsConfig, type AwsOptions } from './awsConfig.js';

const ATTEMPT_TIMEOUT_MS = 10_000;
/** A measured call may run as long as a function may (15 min), and a little more. */
const MEASURED_TIMEOUT_MS = 905_000;

/**
 * `measured`: for Invokes that are timed (coldstart's calls): one attempt, so a retry's backoff
 * never hides in a latency and a function is never run twice, and no cap shorter than a function's
 * own timeout.
 */
export async function createLambdaControlClient(options: AwsOptions, note: (message: string) => void, regionHint?: string, measured = false): Promise<LambdaClient> {
  const aws = await resolveAwsConfig(options, 'LAMBDA', note, options.region ? undefined : regionHint);
  return new LambdaClient({
    region: aws.region,
    credentials: aws.credentials,
    ...(aws.endpoint && { endpoint: aws.endpoint }),
    maxAttempts: measured ? 1 : 3,
    requestHandler: { requestTimeout: measured ? MEASURED_TIMEOUT_MS : ATTEMPT_TIMEOUT_MS, connectionTimeout: 5_000, throwOnRequestTimeout: true },
  });
}

/** The AWS error name of a failed SDK call ('' when it never reached the service). */
export function awsErrorName(error: unknown): string {
  return (error as { name?: string })?.name ?? '';
}

/** True for the refusals that mean "not allowed to look", as opposed to "not there" or "not answering". */
export function isAccessDenied(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedOperation' || name === 'AuthorizationError';
}
