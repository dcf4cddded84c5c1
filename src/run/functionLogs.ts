/**
 * The one way a function's CloudWatch Logs are opened, whoever reads them (`bench --logs`,
 * `invoke --logs`, `coldstart --type event`, the logs as delivery evidence):
 * - Lambda on this machine (the local stack, LocalStack) and no Logs endpoint set: nothing is read,
 *   for AWS's own log group of that name belongs to another function (asked for: exit 2 with how to
 *   set it; taken by default: why comes back to be said).
 * - Each function's log group and format from its configuration (discovery/functionFacts.ts); where
 *   that cannot be read, the default group, guessed, and said.
 * - The Logs client on the AWS settings: an --endpoint-url is Lambda's, never the Logs'.
 * - `check` (a reader that refuses before anything is sent): a JSON-format function whose
 *   SystemLogLevel silences START and REPORT has nothing to read; then one FilterLogEvents probe,
 *   which means the same for every caller: a group not there yet is fine (it appears with the
 *   function's first line), a throttle is readable (only busy), Ctrl-C an interruption (exit 130),
 *   and AccessDenied or anything else (unreachable, no answer) a refusal: exit 3 when asked for.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsSettings } from '../config/runConfig.js';
import { functionNameOf } from '../aws/arn.js';
import { endpointOf, isLoopbackHost, regionFromArn } from '../aws/awsConfig.js';
import { awsErrorName, createLambdaControlClient, isAccessDenied } from '../aws/lambdaControl.js';
import { createLogsClient } from '../aws/serviceClients.js';
import { findInvocationLogs, type InvocationLogs } from '../delivery/logsEvidence.js';
import { EARLIER_MS, describeLogsFailure, isLogsThrottle, logsFailureFix } from '../delivery/logsReads.js';
import { readFunctionFacts, reportsSilenced, type FunctionFacts } from '../discovery/functionFacts.js';
import { InterruptedError, TargetUnavailableError, UsageError } from '../errors.js';
import { sleep } from '../time.js';

/** How long the probe waits for an answer before the logs count as not reachable. */
const PROBE_TIMEOUT_MS = 15_000;

export interface LogsOpening {
  /** The functions whose logs are read, as named (a queue's mappings may invoke several); the first is the call's. */
  functions: [string, ...string[]];
  qualifier?: string;
  /** The Lambda settings: the configuration is read at `endpointUrl`; the logs never are. */
  aws: AwsSettings;
  /** What needs the logs, as the messages name it: `--logs`, `coldstart --type event`. */
  purpose: string;
  /** How to do without them, for the messages: `drop --logs`. */
  without: string;
  /** Asked for: what keeps the logs from being read is an error. Otherwise why comes back. */
  asked: boolean;
  /** Refuse now what would fail later: the REPORT lines silenced, the group not readable (one probe). */
  check?: boolean;
  /** The functions' facts, when already read (coldstart reads the configuration anyway). */
  facts?: [FunctionFacts, ...FunctionFacts[]];
  note: (message: string) => void;
  signal?: AbortSignal;
}

/** Why the logs are not read, when they are not: `refused`: AWS or the network said no (exit 3 where it matters). */
export interface LogsUnread {
  why: string;
  refused: boolean;
}

export type LogsProbe = { state: 'readable' } | { state: 'missing' } | { state: 'interrupted' } | { state: 'refused'; error: unknown } | { state: 'failed'; error: unknown };

export class FunctionLogs {
  private constructor(
    readonly logs: CloudWatchLogsClient,
    /** Each function's facts, in the order named. */
    readonly every: [FunctionFacts, ...FunctionFacts[]],
    private readonly purpose: string,
    /** The probe found no log group (yet). */
    readonly groupMissing: boolean,
  ) {}

  /** The (first) function's: its log group and format, its architecture. */
  get facts(): FunctionFacts {
    return this.every[0];
  }

  static open(opening: LogsOpening & { asked: true }): Promise<FunctionLogs>;
  static open(opening: LogsOpening): Promise<FunctionLogs | LogsUnread>;
  static async open(opening: LogsOpening): Promise<FunctionLogs | LogsUnread> {
    const { purpose, asked, signal } = opening;
    const local = loopbackWithoutLogs(opening.aws);
    if (local) {
      if (asked) throw new UsageError(`${purpose} cannot read the function's logs: ${local}: set it to the Logs endpoint (lambench local prints it), or ${opening.without}`);
      return { why: local, refused: false };
    }
    const every = opening.facts ?? (await readEveryFacts(opening));
    const { endpointUrl: _lambdaEndpoint, ...settings } = opening.aws;
    const logs = await createLogsClient(settings, opening.note, regionFromArn(opening.functions[0]));
    if (!opening.check) return new FunctionLogs(logs, every, purpose, false);
    const [facts] = every;
    const silenced = reportsSilenced(facts);
    if (silenced) {
      logs.destroy();
      if (asked) throw new UsageError(`${purpose} cannot use ${facts.logGroup}: ${silenced}; or ${opening.without}`);
      return { why: `${facts.logGroup} holds no REPORT lines: ${silenced}`, refused: false };
    }
    const probe = await probeLogs(logs, facts.logGroup, signal ? { signal } : {});
    if (probe.state === 'readable' || probe.state === 'missing') return new FunctionLogs(logs, every, purpose, probe.state === 'missing');
    logs.destroy();
    if (probe.state === 'interrupted') throw new InterruptedError(`interrupted while checking that ${facts.logGroup} can be read: nothing was sent or changed`);
    if (asked) throw unreadable(probe.error, facts.logGroup, purpose);
    return { why: `cannot read ${facts.logGroup} (${describeLogsFailure(probe.error)})`, refused: true };
  }

  /**
   * The invocation's attempts, looked for from `sentAt` until `complete` says they are all in
   * (default: the first REPORT) or `settleMs` runs out; undefined when none was found. Ctrl-C ends
   * the search with what was found by then. Logs that cannot be read, or a group still missing,
   * throw TargetUnavailableError.
   */
  async find(requestId: string, sentAt: number, settleMs: number, options: { complete?: (invocation: InvocationLogs) => boolean; signal?: AbortSignal } = {}): Promise<InvocationLogs | undefined> {
    const { signal } = options;
    const { logGroup, logFormat } = this.facts;
    let findings;
    try {
      findings = await findInvocationLogs(
        {
          logs: this.logs,
          logGroup,
          format: logFormat,
          startTime: sentAt - EARLIER_MS,
          settleMs,
          ...(options.complete && { complete: options.complete }),
          ...(signal && { signal }),
          // Its pauses (between passes, after a throttle) end at Ctrl-C too.
          sleep: (ms) => sleep(ms, signal),
        },
        [requestId],
      );
    } catch (error) {
      // Ctrl-C while a read was in flight: an interruption, nothing wrong with the logs.
      if (signal?.aborted) return undefined;
      throw unreadable(error, logGroup, this.purpose);
    }
    if (findings.groupMissing && !signal?.aborted) {
      throw new TargetUnavailableError(
        `the log group ${logGroup} does not exist ${settleMs / 1000} s after the call: the function logs elsewhere (its LoggingConfig) or cannot write logs (its role needs logs:CreateLogStream and logs:PutLogEvents)`,
      );
    }
    return findings.found.get(requestId);
  }

  close(): void {
    this.logs.destroy();
  }
}

/** Why the logs must not be read: Lambda is on this machine and no Logs endpoint is set (AWS's group of that name is another function's). */
function loopbackWithoutLogs(aws: AwsSettings): string | undefined {
  const lambda = endpointOf('LAMBDA', aws.endpointUrl);
  if (!lambda || endpointOf('CLOUDWATCH_LOGS')) return undefined;
  let host: string;
  try {
    host = new URL(lambda).hostname;
  } catch {
    // Not a URL: the Lambda client refuses it with its own line.
    return undefined;
  }
  return isLoopbackHost(host) ? `Lambda is at ${lambda} but no CloudWatch Logs endpoint is set (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS)` : undefined;
}

/** One FilterLogEvents of the last minute, limit 1: whether the group can be read (see the header for what each answer means). */
export async function probeLogs(logs: CloudWatchLogsClient, logGroup: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<LogsProbe> {
  const { signal } = options;
  if (signal?.aborted) return { state: 'interrupted' };
  try {
    await logs.send(new FilterLogEventsCommand({ logGroupName: logGroup, startTime: Date.now() - 60_000, limit: 1 }), { ...(signal && { abortSignal: signal }), requestTimeout: options.timeoutMs ?? PROBE_TIMEOUT_MS });
    return { state: 'readable' };
  } catch (error) {
    if (signal?.aborted || awsErrorName(error) === 'AbortError') return { state: 'interrupted' };
    // A group appears with the function's first log line: absent now, it may still come.
    if (awsErrorName(error) === 'ResourceNotFoundException') return { state: 'missing' };
    // Throttled: FilterLogEvents answered, and would have read the group at a slower pace.
    if (isLogsThrottle(error)) return { state: 'readable' };
    return { state: isAccessDenied(error) ? 'refused' : 'failed', error };
  }
}

function unreadable(error: unknown, logGroup: string, purpose: string): TargetUnavailableError {
  return new TargetUnavailableError(`cannot read the log group ${logGroup}, which ${purpose} needs (${describeLogsFailure(error)}): ${logsFailureFix(error, logGroup)}`, { cause: error });
}

/** Each function's configuration (one Lambda client for all), each unreadable one said. */
async function readEveryFacts({ functions, qualifier, aws, purpose, note, signal }: LogsOpening): Promise<[FunctionFacts, ...FunctionFacts[]]> {
  const lambda = await createLambdaControlClient(aws, note, regionFromArn(functions[0]));
  try {
    const every: FunctionFacts[] = [];
    for (const functionName of functions) {
      const facts = await readFunctionFacts(lambda, functionName, qualifier, signal);
      // Ctrl-C during the read is not a configuration that cannot be read: nothing is guessed.
      if (signal?.aborted) throw new InterruptedError(`interrupted while reading ${functionNameOf(functionName)}'s configuration: nothing was sent`);
      if (facts.unknown) note(`${purpose}: ${functions.length > 1 ? `${functionNameOf(functionName)}: ` : ''}${facts.unknown}: reading ${facts.logGroup} in the ${facts.logFormat} format`);
      every.push(facts);
    }
    return every as [FunctionFacts, ...FunctionFacts[]];
  } finally {
    lambda.destroy();
  }
}
