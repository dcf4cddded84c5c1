/**
 * `--logs`: each phase's invocations looked up in the function's CloudWatch Logs once the phase
 * (and, for async, its settle) is over (delivery/logsEvidence.ts). What the logs say becomes the
 * phase's Lambda figures where the calls did not bring them (async calls have no log tail), so
 * durations, cold starts and cost come for every phase, and a retried event shows its attempts.
 * The report says how many invocations were found and how many not, and why.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaCall } from '../config/runConfig.js';
import { regionFromArn } from '../aws/awsConfig.js';
import { awsErrorName, createLambdaControlClient, isAccessDenied } from '../aws/lambdaControl.js';
import { messageOf } from '../errors.js';
import { createLogsClient } from '../aws/serviceClients.js';
import { findInvocationLogs } from '../delivery/logsEvidence.js';
import { readFunctionFacts, type FunctionFacts } from '../discovery/functionFacts.js';
import type { PhaseResult } from '../load/phaseRunner.js';
import type { PhaseLogs } from '../report/reportDocument.js';

/** Logs are read from a little before the phase began: clocks differ. */
const EARLIER_MS = 5_000;

export class LogsEvidence {
  private ids = new Set<string>();
  /** The problems already said on stderr: each once a run, however many phases meet it. */
  private readonly told = new Set<string>();

  private constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly facts: FunctionFacts,
    /** A queue phase: the mapping's invocations, read as every REPORT of the window (their request IDs are never seen). */
    private readonly mapped: boolean,
    private readonly note: (message: string) => void,
  ) {}

  /**
   * The function's log group and format, read before anything is sent (its defaults, and why, when
   * the configuration cannot be read). `mapped`: a queue's function, whose invocations the mapping makes.
   */
  static async open(call: Pick<LambdaCall, 'functionName' | 'qualifier' | 'aws'>, note: (message: string) => void, signal?: AbortSignal, mapped = false): Promise<LogsEvidence> {
    const regionHint = regionFromArn(call.functionName);
    const lambda = await createLambdaControlClient(call.aws, note, regionHint);
    let facts: FunctionFacts;
    try {
      facts = await readFunctionFacts(lambda, call.functionName, call.qualifier, signal);
    } finally {
      lambda.destroy();
    }
    if (facts.unknown) note(`--logs: ${facts.unknown}: reading ${facts.logGroup} in the ${facts.logFormat} format`);
    note(
      mapped
        ? `--logs: the mapping's invocations of ${call.functionName} will be read from ${facts.logGroup} (${facts.logFormat} format): every REPORT of the phase's window, other callers' included`
        : `--logs: each phase's invocations will be looked up in ${facts.logGroup} (${facts.logFormat} format)`,
    );
    const { endpointUrl: _lambdaEndpoint, ...aws } = call.aws;
    return new LogsEvidence(await createLogsClient(aws, note, regionHint), facts, mapped, note);
  }

  /** A measured call Lambda answered. */
  readonly answered = (requestId: string): void => {
    // A queue phase's answers are SQS's (message IDs): its invocations are read from the window instead.
    if (!this.mapped) this.ids.add(requestId);
  };

  /** Looks the phase's invocations up; adds their REPORT figures to its recorder when the calls brought none. */
  async finish(result: PhaseResult, settleMs: number, signal?: AbortSignal): Promise<PhaseLogs> {
    const ids = [...this.ids];
    this.ids = new Set();
    let findings;
    try {
      findings = await findInvocationLogs(
        { logs: this.logs, logGroup: this.facts.logGroup, format: this.facts.logFormat, startTime: result.startedAt - (this.mapped ? 0 : EARLIER_MS), settleMs, ...(signal && { signal }) },
        this.mapped ? 'all' : ids,
      );
    } catch (error) {
      // The logs could not be read (not allowed, not reachable): the phase's report stands without them, and says why.
      const why = isAccessDenied(error) ? 'not allowed (logs:FilterLogEvents)' : awsErrorName(error) || messageOf(error);
      this.tell(
        isAccessDenied(error)
          ? `--logs: not allowed to read ${this.facts.logGroup} (logs:FilterLogEvents denied): grant logs:FilterLogEvents on it to the identity lambench runs as; the report has the calls' own figures only`
          : `--logs: could not read ${this.facts.logGroup} (${why}); the report has the calls' own figures only`,
      );
      return { logGroup: this.facts.logGroup, format: this.facts.logFormat, invocations: ids.length, found: 0, notFound: ids.length, attempts: {}, coldStarts: 0, method: 'by request ID', calls: 0, throttled: 0, figuresFrom: 'tail', unreadable: why };
    }
    if (findings.groupMissing) {
      const guessed = this.facts.unknown ? ' (it is the default: the function\'s LoggingConfig could not be read and may name another)' : '';
      this.tell(`--logs: the log group ${this.facts.logGroup} does not exist: nothing has logged to it, so no invocation was found in it${guessed}`);
    }
    const fromLogs = result.recorder.lambda.reports === 0;
    const attempts: Record<string, number> = {};
    let coldStarts = 0;
    for (const invocation of findings.found.values()) {
      attempts[invocation.reports.length] = (attempts[invocation.reports.length] ?? 0) + 1;
      for (const report of invocation.reports) {
        if (report.initDurationMs !== undefined) coldStarts += 1;
        if (fromLogs) result.recorder.recordReportFigures(report);
      }
    }
    const peak = peakConcurrency([...findings.found.values()].flatMap((invocation) => invocation.reports));
    return {
      logGroup: this.facts.logGroup,
      format: this.facts.logFormat,
      invocations: this.mapped ? findings.found.size : ids.length,
      ...(this.mapped && { mapped: true }),
      ...(peak > 0 && { peakConcurrency: peak }),
      found: findings.found.size,
      notFound: findings.notFound.length,
      attempts,
      coldStarts,
      method: findings.method,
      calls: findings.calls,
      throttled: findings.throttled,
      figuresFrom: fromLogs ? 'logs' : 'tail',
      ...(findings.groupMissing && { groupMissing: true }),
      ...(findings.notFound.length > 0 && { notFoundExamples: findings.notFound.slice(0, 5) }),
    };
  }

  close(): void {
    this.logs.destroy();
  }

  private tell(line: string): void {
    if (this.told.has(line)) return;
    this.told.add(line);
    this.note(line);
  }
}

/** The most invocations running at once, each from its REPORT's time less its duration (an end and a start at the same moment do not overlap). */
export function peakConcurrency(reports: { timestamp: number; durationMs: number }[]): number {
  const edges = reports.flatMap((report) => [
    [report.timestamp - report.durationMs, 1],
    [report.timestamp, -1],
  ]) as [number, number][];
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (running += step));
  return peak;
}
