/**
 * Changing a function's environment and putting it back, for `lambench coldstart` (coldStart.ts):
 * read the configuration, update the variables, wait for `LastUpdateStatus: Successful`, and
 * restore the original exactly, read back to check; a restore that fails is said with the command
 * that does it by hand.
 */
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { TargetUnavailableError, messageOf } from '../errors.js';
import { sleep } from '../time.js';

/** How long an update may take to become Successful before it counts as stuck. */
const UPDATE_WAIT_MS = 120_000;
const POLL_EVERY_MS = 250;
/** Tries of the restoring update when another update is still in progress. */
const RESTORE_ATTEMPTS = 5;

export async function readConfiguration(lambda: LambdaClient, functionName: string): Promise<FunctionConfiguration> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'ResourceNotFoundException') throw new TargetUnavailableError(`function ${functionName} not found: check the name, --region and --endpoint-url; nothing was changed`, { cause: error });
    if (isAccessDenied(error)) throw new TargetUnavailableError(`not allowed to read ${functionName}'s configuration (lambda:GetFunctionConfiguration): lambench must read it to put it back afterwards, so it changes nothing without it`, { cause: error });
    throw new TargetUnavailableError(`cannot read ${functionName}'s configuration (${name || messageOf(error)}): lambench must read it to put it back afterwards, so it changes nothing without it`, { cause: error });
  }
}

export async function update(lambda: LambdaClient, functionName: string, variables: Record<string, string>): Promise<void> {
  try {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: variables } }));
  } catch (error) {
    if (isAccessDenied(error)) throw new TargetUnavailableError(`not allowed to change ${functionName}'s configuration (lambda:UpdateFunctionConfiguration), which forcing a cold start needs`, { cause: error });
    throw error;
  }
}

/** Waits for `LastUpdateStatus: Successful`; a Failed update, or one stuck past UPDATE_WAIT_MS, is an error. */
export async function waitUntilUpdated(lambda: LambdaClient, functionName: string, signal?: AbortSignal): Promise<void> {
  const until = Date.now() + UPDATE_WAIT_MS;
  for (;;) {
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    if (configuration.LastUpdateStatus === 'Successful' || configuration.LastUpdateStatus === undefined) return;
    if (configuration.LastUpdateStatus === 'Failed') throw new TargetUnavailableError(`${functionName}'s configuration update failed (${configuration.LastUpdateStatusReason ?? 'no reason given'})`);
    if (Date.now() > until) throw new TargetUnavailableError(`${functionName}'s configuration update was still ${configuration.LastUpdateStatus} after ${UPDATE_WAIT_MS / 1000} s`);
    if (signal?.aborted) return;
    await sleep(POLL_EVERY_MS, signal);
  }
}

/**
 * Puts the original environment back (exactly: no variables if it had none), waits for it to be
 * applied, and reads it back. A restore that fails is said with the command that does it by hand.
 */
export async function restore(lambda: LambdaClient, functionName: string, original: FunctionConfiguration, note: (message: string) => void): Promise<boolean> {
  const variables = original.Environment?.Variables ?? {};
  try {
    // Ctrl-C may come while lambench's own change is still InProgress: Lambda refuses another
    // update until it is done (ResourceConflictException), so the restore waits for it first (a
    // change that Failed does not stop the restore from being tried).
    await waitUntilUpdated(lambda, functionName).catch(() => undefined);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await update(lambda, functionName, variables);
        break;
      } catch (error) {
        if (awsErrorName(error) !== 'ResourceConflictException' || attempt >= RESTORE_ATTEMPTS) throw error;
        await waitUntilUpdated(lambda, functionName);
      }
    }
    await waitUntilUpdated(lambda, functionName);
    const now = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const back = now.Environment?.Variables ?? {};
    if (JSON.stringify(sortKeys(back)) !== JSON.stringify(sortKeys(variables))) throw new Error(`read back ${JSON.stringify(back)}, not the original ${JSON.stringify(variables)}`);
    return true;
  } catch (error) {
    note(`could not put ${functionName}'s environment back (${messageOf(error)}): restore it with: aws lambda update-function-configuration --function-name ${functionName} --environment '${JSON.stringify({ Variables: variables })}'`);
    return false;
  }
}

function sortKeys(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
