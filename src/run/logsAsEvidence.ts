/**
 * Opens the function's CloudWatch Logs as completion evidence for an async run (delivery/
 * logsCompletions.ts), before anything is sent, checked as every reader's are (functionLogs.ts).
 * Asked for (`--logs`), what keeps them from being read ends the run (exit 2 or 3); taken by
 * default where the destinations leave outcomes unread, it is said in one line and the run goes on
 * without them (those outcomes are then unverified).
 */
import type { LambdaCall } from '../config/runConfig.js';
import { LogsCompletions, type LogsCompletionsOptions } from '../delivery/logsCompletions.js';
import { logsErrorLines } from '../discovery/functionFacts.js';
import { FunctionLogs, type LogsUnread } from './functionLogs.js';

export type { LogsUnread };

export interface LogsEvidenceSource {
  completions: LogsCompletions;
  /** The line said before sending: where and how the logs are read. */
  describe: string;
  close(): void;
}

/**
 * `asked`: `--logs` was given (what keeps the logs from being read fails the run); otherwise the
 * logs are taken where they can be read, and where they cannot, why comes back, said.
 */
export async function openLogsAsEvidence(
  call: Pick<LambdaCall, 'functionName' | 'qualifier' | 'aws'>,
  maximumRetryAttempts: number,
  asked: boolean,
  note: (message: string) => void,
  wire: Pick<LogsCompletionsOptions, 'pending' | 'offer' | 'retrying'>,
  signal?: AbortSignal,
): Promise<LogsEvidenceSource | LogsUnread> {
  const opened = await FunctionLogs.open({
    functions: [call.functionName],
    ...(call.qualifier && { qualifier: call.qualifier }),
    aws: call.aws,
    purpose: asked ? '--logs' : 'logs',
    without: 'drop --logs',
    asked,
    check: true,
    note,
    ...(signal && { signal }),
  });
  if (!(opened instanceof FunctionLogs)) {
    note(opened.refused ? `logs: ${opened.why}: outcomes no destination reports stay unverified` : `logs: not read: ${opened.why}`);
    return opened;
  }
  const { facts } = opened;
  const completions = new LogsCompletions({
    logs: opened.logs,
    logGroup: facts.logGroup,
    format: facts.logFormat,
    maximumRetryAttempts,
    errorLinesLogged: logsErrorLines(facts),
    ...(facts.unknown && { guessedGroup: facts.unknown }),
    ...wire,
  });
  const failure = facts.logFormat === 'JSON' ? 'each REPORT\'s status' : 'a retry, a REPORT Status or the runtime\'s error line';
  const unsure = logsErrorLines(facts) ? '' : `; ${facts.runtime ?? 'this function'} writes no error line under the request ID, so a success stands only once no retry came (or --settle ends): the JSON log format says it at once`;
  const describe =
    `  logs: ${facts.logGroup} (${facts.logFormat} format): every attempt's REPORT, read while events are pending: the first success settles an event, ` +
    `${1 + maximumRetryAttempts} failed attempts fail it (a failure known by ${failure})${unsure}${opened.groupMissing ? '; the group does not exist yet' : ''}`;
  return { completions, describe, close: () => opened.close() };
}
