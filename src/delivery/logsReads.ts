/**
 * What every reader of a function's CloudWatch Logs shares (`--logs` per phase, `invoke --logs`,
 * `coldstart --type event`, the logs as delivery evidence): how far before a send the logs are read
 * from, what a throttle looks like, and one wording of why a read failed, so the same refusal reads
 * the same whichever command met it.
 */
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { messageOf } from '../errors.js';

/** Logs are read from this long before a send (or a phase's start): the client's clock and Lambda's differ. */
export const EARLIER_MS = 5_000;

/** FilterLogEvents' "slower", not "no": about 5 calls a second per account and region, shared with every other reader. */
export function isLogsThrottle(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'ThrottlingException' || name === 'LimitExceededException' || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 429;
}

/** Why a read of the logs failed, in a few words: AWS's refusal by its permission, a network failure by what the socket said. */
export function describeLogsFailure(error: unknown): string {
  if (isAccessDenied(error)) return 'not allowed: logs:FilterLogEvents denied';
  const name = awsErrorName(error);
  const code = (error as { code?: unknown })?.code;
  if (name === 'TimeoutError') return 'no answer in time (TimeoutError)';
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `not reachable: ${messageOf(error)}`;
  return name && name !== 'Error' ? `${name}: ${messageOf(error)}` : messageOf(error);
}

/** What to do about a failed read of `logGroup`. */
export function logsFailureFix(error: unknown, logGroup: string): string {
  return isAccessDenied(error)
    ? `grant logs:FilterLogEvents on ${logGroup} to the identity lambench runs as`
    : 'check the CloudWatch Logs endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), the region and the network';
}
