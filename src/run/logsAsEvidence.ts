/**
 * Opens the function's CloudWatch Logs as completion evidence for an async run (delivery/
 * logsCompletions.ts), before anything is sent: its log group and format from its configuration,
 * and one FilterLogEvents to learn that the logs can be read. Asked for (`--logs`), a refusal ends
 * the run (exit 3); taken by default where the destinations leave outcomes unread, a refusal is
 * said in one line and the run goes on without it (those outcomes are then unverified).
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaCall } from '../config/runConfig.js';
import { TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import { endpointOf, isLoopbackHost, regionFromArn } from '../aws/awsConfig.js';
import { awsErrorName, createLambdaControlClient, isAccessDenied } from '../aws/lambdaControl.js';
import { createLogsClient } from '../aws/serviceClients.js';
import { LogsCompletions, type LogsCompletionsOptions } from '../delivery/logsCompletions.js';
import { logsErrorLines, readFunctionFacts } from '../discovery/functionFacts.js';

const PROBE_TIMEOUT_MS = 15_000;

export interface LogsEvidenceSource {
  completions: LogsCompletions;
  /** The line said before sending: where and how the logs are read. */
  describe: string;
  close(): void;
}

/** Why the logs are not read, when they are not (taken by default): `refused`: AWS said no. */
export interface LogsUnread {
  why: string;
  refused: boolean;
}

/**
 * `asked`: `--logs` was given (a refusal fails the run); otherwise the logs are taken where they
 * can be read, and where they cannot, why comes back, said.
 */
export async function openLogsAsEvidence(
  call: Pick<LambdaCall, 'functionName' | 'qualifier' | 'aws'>,
  maximumRetryAttempts: number,
  asked: boolean,
  note: (message: string) => void,
  wire: Pick<LogsCompletionsOptions, 'pending' | 'offer' | 'retrying'>,
  signal?: AbortSignal,
): Promise<LogsEvidenceSource | LogsUnread> {
  const regionHint = regionFromArn(call.functionName);
  // Lambda on this machine (the local stack, LocalStack) and no Logs endpoint: AWS's own logs are not this function's.
  const lambdaEndpoint = endpointOf('LAMBDA', call.aws.endpointUrl);
  if (lambdaEndpoint && isLoopbackHost(new URL(lambdaEndpoint).hostname) && !endpointOf('CLOUDWATCH_LOGS')) {
    const why = `Lambda is at ${lambdaEndpoint} but no CloudWatch Logs endpoint is set (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS)`;
    if (asked) throw new UsageError(`cannot read the function's logs: ${why}: set it (lambench local prints it), or drop --logs`);
    note(`logs: not read: ${why}`);
    return { why, refused: false };
  }
  const lambda = await createLambdaControlClient(call.aws, note, regionHint);
  const facts = await readFunctionFacts(lambda, call.functionName, call.qualifier, signal).finally(() => lambda.destroy());
  if (facts.unknown) note(`logs: ${facts.unknown}: reading ${facts.logGroup} in the ${facts.logFormat} format`);
  // The Lambda endpoint (--endpoint-url) is not the Logs endpoint: that comes from the AWS settings (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS).
  const { endpointUrl: _lambdaEndpoint, ...aws } = call.aws;
  const logs = await createLogsClient(aws, note, regionHint);
  let missing = false;
  try {
    await logs.send(new FilterLogEventsCommand({ logGroupName: facts.logGroup, startTime: Date.now() - 60_000, limit: 1 }), { abortSignal: signal ?? AbortSignal.timeout(PROBE_TIMEOUT_MS), requestTimeout: PROBE_TIMEOUT_MS });
  } catch (error) {
    // A group appears with the function's first log line: absent now, it may still come.
    if (awsErrorName(error) === 'ResourceNotFoundException') missing = true;
    else {
      logs.destroy();
      const name = awsErrorName(error);
      const why = isAccessDenied(error) ? 'not allowed: logs:FilterLogEvents denied' : name && name !== 'Error' ? `${name}: ${messageOf(error)}` : messageOf(error);
      if (asked) throw new TargetUnavailableError(`cannot read ${facts.logGroup} as evidence (${why}): grant logs:FilterLogEvents, check the Logs endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), or drop --logs`, { cause: error });
      note(`logs: cannot read ${facts.logGroup} (${why}): outcomes no destination reports stay unverified`);
      return { why: `cannot read ${facts.logGroup} (${why})`, refused: isAccessDenied(error) };
    }
  }
  const completions = new LogsCompletions({ logs, logGroup: facts.logGroup, format: facts.logFormat, maximumRetryAttempts, errorLinesLogged: logsErrorLines(facts), ...(facts.unknown && { guessedGroup: facts.unknown }), ...wire });
  const failure = facts.logFormat === 'JSON' ? 'each REPORT\'s status' : 'a retry, a REPORT Status or the runtime\'s error line';
  const unsure = logsErrorLines(facts) ? '' : `; ${facts.runtime ?? 'this function'} writes no error line under the request ID, so a success stands only once no retry came (or --settle ends): the JSON log format says it at once`;
  const describe =
    `  logs: ${facts.logGroup} (${facts.logFormat} format): every attempt's REPORT, read while events are pending: the first success settles an event, ` +
    `${1 + maximumRetryAttempts} failed attempts fail it (a failure known by ${failure})${unsure}${missing ? '; the group does not exist yet' : ''}`;
  return { completions, describe, close: () => logs.destroy() };
}
