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

/**
 * `invoke --logs`, before the call: the function's log group and format, checked readable (a
 * refusal sends nothing). Nothing is held open across the call: the lookup makes its own client.
 */
export async function prepareInvocationLogs(call: LambdaCall, note: (message: string) => void, signal?: AbortSignal): Promise<FunctionFacts> {
  const logs = await FunctionLogs.open(call, '--logs', note, signal);
  try {
    await logs.checkReadable(signal);
    return logs.facts;
  } finally {
    logs.close();
  }
}

export interface InvocationLogsLookup {
  call: LambdaCall;
  facts: FunctionFacts;
  requestId: string;
  sentAt: number;
  invocationType: 'RequestResponse' | 'Event';
  /** Event with --wait: the attempts the completion record counted, when it did. */
  attempts?: number;
  settleMs: number;
  note: (message: string) => void;
  /** Told once the lookup starts (the CLI says it on a TTY: it may take up to settleMs). */
  onWaiting?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * `invoke --logs`, after the call (and --wait): the invocation's attempts. A sync call has one. An
 * event's are all in once the completion record's count of them is reached, or (JSON format) one
 * ended in success; otherwise a failed attempt may still be retried, and they are looked for until
 * `settleMs` runs out. Logs that cannot be read are said in `unreadable`, not thrown: the call's
 * own result still stands.
 */
export async function lookUpInvocationLogs(lookup: InvocationLogsLookup): Promise<InvocationLogsDocument> {
  const { facts, settleMs } = lookup;
  const complete =
    lookup.invocationType === 'RequestResponse'
      ? undefined
      : lookup.attempts !== undefined
        ? (invocation: InvocationLogs) => invocation.reports.length >= lookup.attempts!
        : facts.logFormat === 'JSON'
          ? (invocation: InvocationLogs) => invocation.reports.some((report) => report.status === 'success')
          : () => false;
  const until = lookup.invocationType === 'Event' && lookup.attempts === undefined && facts.logFormat === 'Text' ? 'its attempts (a failed one is retried; the Text format does not say which failed), for' : 'them, up to';
  lookup.onWaiting?.(`looking for ${lookup.requestId} in ${facts.logGroup}: waiting for ${until} ${settleMs / 1000} s (--settle)…`);
  const logs = new FunctionLogs(await FunctionLogs.client(lookup.call.aws, lookup.note, regionFromArn(lookup.call.functionName)), facts, '--logs');
  try {
    const invocation = await logs.find(lookup.requestId, lookup.sentAt, settleMs, { ...(complete && { complete }), ...(lookup.signal && { signal: lookup.signal }) });
    return invocationLogsDocument(facts, settleMs, invocation);
  } catch (error) {
    if (!(error instanceof TargetUnavailableError)) throw error;
    return { ...invocationLogsDocument(facts, settleMs, undefined), unreadable: error.message };
  } finally {
    logs.close();
  }
}

/** The `logs` part of `invoke --json`: each attempt's figures with its time, oldest first. */
function invocationLogsDocument(facts: FunctionFacts, settleMs: number, invocation: InvocationLogs | undefined): InvocationLogsDocument {
  const attempts = (invocation?.reports ?? []).map(({ logStream: _stream, requestId: _id, ...figures }) => figures);
  return { logGroup: facts.logGroup, format: facts.logFormat, found: attempts.length > 0, attempts, settleMs };
}
