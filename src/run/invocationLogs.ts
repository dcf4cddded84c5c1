/**
 * One invocation at a time looked up in its function's CloudWatch Logs (`invoke --logs`,
 * `coldstart --type event`): its REPORT per attempt, found by request ID (delivery/logsEvidence.ts)
 * in the log group and format the function's LoggingConfig names (discovery/functionFacts.ts).
 *
 * The logs are checked readable before anything is sent or changed (one FilterLogEvents): a
 * refusal then costs nothing. A log group that does not exist yet is not a refusal at that point
 * (it appears with the function's first log line), but one still missing once an invocation's lines
 * had time to arrive is: the function logs elsewhere, or cannot write logs at all.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaCall } from '../config/runConfig.js';
import { regionFromArn } from '../aws/awsConfig.js';
import { awsErrorName, createLambdaControlClient, isAccessDenied } from '../aws/lambdaControl.js';
import type { ReportFigures } from '../aws/lambdaLog.js';
import { createLogsClient } from '../aws/serviceClients.js';
import { findInvocationLogs, type InvocationLogs, type LogFormat } from '../delivery/logsEvidence.js';
import { readFunctionFacts, type FunctionFacts } from '../discovery/functionFacts.js';
import { TargetUnavailableError, messageOf } from '../errors.js';

/** Logs are read from a little before the send: the client's clock and Lambda's differ. */
const EARLIER_MS = 5_000;
const CHECK_TIMEOUT_MS = 15_000;

/** What `invoke --json` prints under `logs`. */
export interface InvocationLogsDocument {
  logGroup: string;
  format: LogFormat;
  /** True when at least one REPORT of the invocation was found. */
  found: boolean;
  /** One per attempt, oldest first: an async event retried twice has three. */
  attempts: (ReportFigures & { timestamp: number })[];
  /** How long lambench looked for them at most (--settle), in milliseconds. */
  settleMs: number;
  /** Why they could not be read (the command then exits 3). */
  unreadable?: string;
}

export class FunctionLogs {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly facts: FunctionFacts,
    /** What needs the logs, as the user asked for it (`--logs`), for the messages. */
    private readonly purpose: string,
  ) {}

  /** The function's log group and format read from its configuration (its defaults, said, when it cannot be read), and a Logs client. */
  static async open(call: Pick<LambdaCall, 'functionName' | 'qualifier' | 'aws'>, purpose: string, note: (message: string) => void, signal?: AbortSignal): Promise<FunctionLogs> {
    const regionHint = regionFromArn(call.functionName);
    const lambda = await createLambdaControlClient(call.aws, note, regionHint);
    let facts: FunctionFacts;
    try {
      facts = await readFunctionFacts(lambda, call.functionName, call.qualifier, signal);
    } finally {
      lambda.destroy();
    }
    if (facts.unknown) note(`${purpose}: ${facts.unknown}: reading ${facts.logGroup} in the ${facts.logFormat} format`);
    return new FunctionLogs(await FunctionLogs.client(call.aws, note, regionHint), facts, purpose);
  }

  /** A Logs client on the AWS settings: the --endpoint-url flag is Lambda's, so Logs' endpoint comes from AWS_ENDPOINT_URL_CLOUDWATCH_LOGS / AWS_ENDPOINT_URL. */
  static client(aws: LambdaCall['aws'], note: (message: string) => void, regionHint?: string): Promise<CloudWatchLogsClient> {
    const { endpointUrl: _lambdaEndpoint, ...settings } = aws;
    return createLogsClient(settings, note, regionHint);
  }

  /** One read of the group before anything is sent: not allowed or not reachable is an error now; a group not there yet is not. */
  async checkReadable(signal?: AbortSignal): Promise<void> {
    try {
      await this.logs.send(new FilterLogEventsCommand({ logGroupName: this.facts.logGroup, startTime: Date.now(), limit: 1 }), { abortSignal: signal ?? AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'ResourceNotFoundException' || name === 'ThrottlingException' || signal?.aborted) return;
      throw this.unreadable(error);
    }
  }

  /**
   * The invocation's attempts, looked for from `sentAt` until `complete` says they are all in
   * (default: the first REPORT) or `settleMs` runs out; undefined when none was found (or the
   * search was stopped). Logs that cannot be read, or a group still missing, throw TargetUnavailableError.
   */
  async find(requestId: string, sentAt: number, settleMs: number, options: { complete?: (invocation: InvocationLogs) => boolean; signal?: AbortSignal } = {}): Promise<InvocationLogs | undefined> {
    let findings;
    try {
      findings = await findInvocationLogs(
        {
          logs: this.logs,
          logGroup: this.facts.logGroup,
          format: this.facts.logFormat,
          startTime: sentAt - EARLIER_MS,
          settleMs,
          ...(options.complete && { complete: options.complete }),
          ...(options.signal && { signal: options.signal }),
        },
        [requestId],
      );
    } catch (error) {
      throw this.unreadable(error);
    }
    if (findings.groupMissing && !options.signal?.aborted) {
      throw new TargetUnavailableError(
        `the log group ${this.facts.logGroup} does not exist ${settleMs / 1000} s after the call: the function logs elsewhere (its LoggingConfig) or cannot write logs (its role needs logs:CreateLogStream and logs:PutLogEvents)`,
      );
    }
    return findings.found.get(requestId);
  }

  private unreadable(error: unknown): TargetUnavailableError {
    const why = isAccessDenied(error)
      ? `not allowed to read the log group ${this.facts.logGroup} (logs:FilterLogEvents), which ${this.purpose} needs`
      : `cannot read the log group ${this.facts.logGroup}, which ${this.purpose} needs (${[awsErrorName(error), messageOf(error)].filter(Boolean).join(': ')})`;
    return new TargetUnavailableError(why, { cause: error });
  }

  close(): void {
    this.logs.destroy();
  }
}

/** The `logs` part of `invoke --json`: each attempt's figures with its time, oldest first. */
export function invocationLogsDocument(facts: FunctionFacts, settleMs: number, invocation: InvocationLogs | undefined): InvocationLogsDocument {
  const attempts = (invocation?.reports ?? []).map(({ logStream: _stream, requestId: _id, ...figures }) => figures);
  return { logGroup: facts.logGroup, format: facts.logFormat, found: attempts.length > 0, attempts, settleMs };
}
