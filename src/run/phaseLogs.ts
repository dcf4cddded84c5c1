/**
 * `--logs`: each phase's invocations looked up in the function's CloudWatch Logs once the phase
 * (and, for async, its settle) is over (delivery/logsEvidence.ts). What the logs say becomes the
 * phase's Lambda figures where the calls did not bring them (async calls have no log tail), so
 * durations, cold starts and cost come for every phase, and a retried event shows its attempts;
 * the REPORTs' times give concurrency over time (metrics/concurrencySeries.ts). A queue phase reads
 * every function its mappings invoke, each log group once. The report says how many invocations
 * were found and how many not, and why.
 *
 * An async phase's event is read until its attempts are over (its lines say it succeeded, or that
 * 1 + MaximumRetryAttempts attempts failed: delivery/logsCompletions.ts judgeAttempts), so a retry
 * ingested after the first read is still counted, and billed. A queue phase reads its groups side
 * by side under the one --settle, each until its count of REPORTs has stopped growing for longer
 * than logs arrive late.
 */
import { GetFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import type { AwsSettings, LambdaCall } from '../config/runConfig.js';
import { functionNameOf } from '../aws/arn.js';
import { regionFromArn } from '../aws/awsConfig.js';
import { awsErrorName, createLambdaControlClient, isAccessDenied } from '../aws/lambdaControl.js';
import { messageOf } from '../errors.js';
import { findInvocationLogs, type InvocationLogs, type LogsFindings, type LogsSearch } from '../delivery/logsEvidence.js';
import { judgeAttempts } from '../delivery/logsCompletions.js';
import { EARLIER_MS, describeLogsFailure, logsFailureFix } from '../delivery/logsReads.js';
import { logsErrorLines, reportsSilenced, type FunctionFacts } from '../discovery/functionFacts.js';
import type { PhaseResult } from '../load/phaseRunner.js';
import { concurrencySeries, peakConcurrency } from '../metrics/concurrencySeries.js';
import type { FunctionLogs as GroupLogs, PhaseLogs } from '../report/reportDocument.js';
import { sleep } from '../time.js';
import { FunctionLogs, type LogsOpening } from './functionLogs.js';

/** AWS's MaximumRetryAttempts when a function has no event invoke configuration. */
const DEFAULT_RETRY_ATTEMPTS = 2;

/** A log group to read, and the functions (as named) that log to it, invoked by `mappings` of a queue's mappings. */
interface Source {
  facts: FunctionFacts;
  functions: string[];
  mappings: number;
}

/** A group's findings; why it could not be read; or Ctrl-C while a read was in flight (nothing to show). */
type Read = { source: Source; findings: LogsFindings } | { source: Source; unreadable: string } | { source: Source; interrupted: true };

export class LogsEvidence {
  private ids = new Set<string>();
  /** The problems already said on stderr: each once a run, however many phases meet it. */
  private readonly told = new Set<string>();

  private constructor(
    private readonly logs: FunctionLogs,
    private readonly sources: [Source, ...Source[]],
    /** A queue phase: the mappings' invocations, read as every REPORT of the window (their request IDs are never seen). */
    private readonly mapped: boolean,
    private readonly note: (message: string) => void,
    /** The function's MaximumRetryAttempts, read when an async phase will run: when its events' attempts are over. */
    private readonly maximumRetryAttempts = DEFAULT_RETRY_ATTEMPTS,
  ) {}

  /** The (first) function's configuration: its architecture prices the phase. */
  get facts(): FunctionFacts {
    return this.sources[0].facts;
  }

  /**
   * A function target: its log group and format, read before anything is sent (its defaults, and
   * why, when the configuration cannot be read); with an async phase to come (`events`), its retries too.
   */
  static async open(call: Pick<LambdaCall, 'functionName' | 'qualifier' | 'aws'>, note: (message: string) => void, signal?: AbortSignal, events = false): Promise<LogsEvidence> {
    const logs = await FunctionLogs.open(opening([call.functionName], call.aws, note, signal, call.qualifier));
    const { facts } = logs;
    note(`--logs: each phase's invocations will be looked up in ${facts.logGroup} (${facts.logFormat} format)`);
    sayIfSilenced(facts, note);
    const retries = events ? await readRetryAttempts(call, note, signal).catch((error: unknown) => (logs.close(), Promise.reject(error))) : DEFAULT_RETRY_ATTEMPTS;
    return new LogsEvidence(logs, [{ facts, functions: [call.functionName], mappings: 0 }], false, note, retries);
  }

  /**
   * A queue phase: `mapped`, each mapping's function (as ListEventSourceMappings names it). A function
   * that several mappings invoke is read once; so is a log group that several functions share.
   */
  static async openMapped(mapped: [string, ...string[]], aws: AwsSettings, note: (message: string) => void, signal?: AbortSignal): Promise<LogsEvidence> {
    const byName = new Map<string, { function: string; mappings: number }>();
    for (const functionArn of mapped) {
      const known = byName.get(functionNameOf(functionArn));
      if (known) known.mappings += 1;
      else byName.set(functionNameOf(functionArn), { function: functionArn, mappings: 1 });
    }
    const functions = [...byName.values()];
    const logs = await FunctionLogs.open(opening(functions.map((entry) => entry.function) as [string, ...string[]], aws, note, signal));
    const facts = logs.every;
    const byGroup = new Map<string, Source>();
    functions.forEach((entry, index) => {
      const source = byGroup.get(facts[index]!.logGroup);
      if (source) {
        source.functions.push(entry.function);
        source.mappings += entry.mappings;
      } else byGroup.set(facts[index]!.logGroup, { facts: facts[index]!, functions: [entry.function], mappings: entry.mappings });
    });
    const sources = [...byGroup.values()] as [Source, ...Source[]];
    const groups = sources.map((source) => `${source.facts.logGroup} (${source.facts.logFormat} format)`).join(', ');
    if (mapped.length === 1) note(`--logs: the mapping's invocations of ${mapped[0]} will be read from ${groups}: every REPORT of the phase's window, other callers' included`);
    else {
      const names = functions.map((entry) => `${functionNameOf(entry.function)}${entry.mappings > 1 ? ` (by ${entry.mappings} mappings)` : ''}`).join(', ');
      note(`--logs: the queue's ${mapped.length} mappings invoke ${functions.length === 1 ? 'one function' : `${functions.length} functions`}, ${names}: their invocations will be read from ${groups}, each group once: every REPORT of the phase's window, other callers' included`);
    }
    for (const source of sources.filter((each) => each.functions.length > 1)) {
      note(`--logs: ${source.functions.map(functionNameOf).join(' and ')} log to the same group ${source.facts.logGroup}: their invocations are counted together`);
    }
    for (const source of sources) sayIfSilenced(source.facts, note);
    return new LogsEvidence(logs, sources, true, note);
  }

  /** Whether the phase's calls are looked up by request ID (a queue phase's answers are SQS's message IDs: its invocations are read from the window instead). */
  get byRequestId(): boolean {
    return !this.mapped;
  }

  /** A measured call Lambda answered (wired only where `byRequestId`). */
  readonly answered = (requestId: string): void => {
    this.ids.add(requestId);
  };

  /** Looks the phase's invocations up; adds their REPORT figures to its recorder when the calls brought none. */
  async finish(result: PhaseResult, settleMs: number, signal?: AbortSignal): Promise<PhaseLogs> {
    const ids = [...this.ids];
    this.ids = new Set();
    const startTime = result.startedAt - (this.mapped ? 0 : EARLIER_MS);
    // A mapping's batches are not retried as events are (SQS redelivers them: each a new invocation).
    const complete = !this.mapped && result.config.invocationType === 'Event' ? attemptsOver(this.maximumRetryAttempts, logsErrorLines(this.facts)) : undefined;
    // The groups side by side under the one --settle: a group with nothing to find costs the wait
    // for its count to hold, once, not a --settle of its own. Each reads every 2 s at most, well
    // under FilterLogEvents' 5 calls a second for the few functions a queue's mappings invoke.
    const reads = await Promise.all(this.sources.map((source) => this.read(source, { startTime, settleMs, ...(complete && { complete }), ...(signal && { signal }) }, ids)));
    const logGroup = this.sources.map((source) => source.facts.logGroup).join(', ');
    const format = this.facts.logFormat;
    const readable = reads.filter((read): read is Extract<Read, { findings: LogsFindings }> => 'findings' in read);
    // Ctrl-C before the lookup ended: what was found by then, said as such (never "not found", never "unreadable").
    const interrupted = Boolean(signal?.aborted);
    const [first] = readable;
    if (!first) {
      // The logs could not be read (not allowed, not reachable, silenced) or the read was stopped: the phase's report stands without them, and says why.
      const unread = reads.filter((read): read is Extract<Read, { unreadable: string }> => 'unreadable' in read);
      const why = unread.map((read) => (reads.length > 1 ? `${read.source.facts.logGroup}: ${read.unreadable}` : read.unreadable)).join('; ');
      return {
        logGroup,
        format,
        invocations: ids.length,
        found: 0,
        notFound: ids.length,
        attempts: {},
        coldStarts: 0,
        method: this.mapped ? 'every REPORT in the window' : 'by request ID',
        calls: 0,
        throttled: 0,
        figuresFrom: 'tail',
        ...(why && { unreadable: why }),
        ...(interrupted && { interrupted: true }),
      };
    }
    const fromLogs = result.recorder.lambda.reports === 0;
    const attempts: Record<string, number> = {};
    for (const { findings } of readable) {
      for (const invocation of findings.found.values()) {
        attempts[invocation.reports.length] = (attempts[invocation.reports.length] ?? 0) + 1;
        if (fromLogs) for (const report of invocation.reports) result.recorder.recordReportFigures(report);
      }
    }
    const reports = readable.flatMap((read) => reportsOf(read.findings.found));
    const peak = peakConcurrency(reports);
    const series = concurrencySeries(reports, result.startedAt, startTime);
    const found = readable.reduce((count, read) => count + read.findings.found.size, 0);
    const notFound = this.mapped ? [] : first.findings.notFound;
    return {
      logGroup,
      format,
      invocations: this.mapped ? found : ids.length,
      ...(this.mapped && { mapped: true }),
      ...(peak > 0 && { peakConcurrency: peak }),
      ...(series && { concurrency: series }),
      ...(this.mapped && { byFunction: reads.map(functionLogs) }),
      found,
      notFound: notFound.length,
      attempts,
      coldStarts: readable.reduce((count, read) => count + coldStartsOf(read.findings.found), 0),
      method: first.findings.method,
      calls: readable.reduce((count, read) => count + read.findings.calls, 0),
      throttled: readable.reduce((count, read) => count + read.findings.throttled, 0),
      figuresFrom: fromLogs ? 'logs' : 'tail',
      ...(readable.some((read) => read.findings.groupMissing) && { groupMissing: true }),
      ...(notFound.length > 0 && { notFoundExamples: notFound.slice(0, 5) }),
      ...(interrupted && { interrupted: true }),
    };
  }

  close(): void {
    this.logs.close();
  }

  private tell(line: string): void {
    if (this.told.has(line)) return;
    this.told.add(line);
    this.note(line);
  }

  private async read(source: Source, window: Omit<LogsSearch, 'logs' | 'logGroup' | 'format'>, ids: string[]): Promise<Read> {
    const { signal } = window;
    // Said once, before sending (sayIfSilenced): the group holds no REPORT line to find.
    const silenced = reportsSilenced(source.facts);
    if (silenced) return { source, unreadable: silenced };
    try {
      // Its pauses (between passes, after a throttle) end at Ctrl-C too.
      const search = { ...window, logs: this.logs.logs, logGroup: source.facts.logGroup, format: source.facts.logFormat, sleep: (ms: number) => sleep(ms, signal) };
      const findings = await findInvocationLogs(search, this.mapped ? 'all' : ids);
      if (findings.groupMissing) {
        const guessed = source.facts.unknown ? ' (it is the default: the function\'s LoggingConfig could not be read and may name another)' : '';
        this.tell(`--logs: the log group ${source.facts.logGroup} does not exist: nothing has logged to it, so no invocation was found in it${guessed}`);
      }
      return { source, findings };
    } catch (error) {
      if (signal?.aborted) return { source, interrupted: true };
      // The logs could not be read (not allowed, not reachable): the phase's report stands without them, and says why, once a run.
      const why = describeLogsFailure(error);
      this.tell(`--logs: cannot read ${source.facts.logGroup} (${why}): ${logsFailureFix(error, source.facts.logGroup)}; the report has the calls' own figures only`);
      return { source, unreadable: why };
    }
  }
}

/** What one group gave: its counts, or why it could not be read (the other groups' findings stand). */
function functionLogs(read: Read): GroupLogs {
  const { facts, functions, mappings } = read.source;
  const base = { functions, mappings, logGroup: facts.logGroup, format: facts.logFormat };
  if ('unreadable' in read) return { ...base, found: 0, coldStarts: 0, unreadable: read.unreadable };
  if ('interrupted' in read) return { ...base, found: 0, coldStarts: 0 };
  const peak = peakConcurrency(reportsOf(read.findings.found));
  return {
    ...base,
    found: read.findings.found.size,
    coldStarts: coldStartsOf(read.findings.found),
    ...(peak > 0 && { peakConcurrency: peak }),
    ...(read.findings.groupMissing && { groupMissing: true }),
  };
}

function reportsOf(found: Map<string, InvocationLogs>): InvocationLogs['reports'] {
  return [...found.values()].flatMap((invocation) => invocation.reports);
}

/** REPORT lines with an Init Duration. */
function coldStartsOf(found: Map<string, InvocationLogs>): number {
  return reportsOf(found).filter((report) => report.initDurationMs !== undefined).length;
}

/** An async event's attempts are over once its lines say how it ended: a success, or 1 + `maximumRetryAttempts` failures. */
/** `errorLines`: whether a failed attempt logs an error line (else a success that says nothing may still be followed by a retry: read on until --settle ends). */
function attemptsOver(maximumRetryAttempts: number, errorLines: boolean): (invocation: InvocationLogs) => boolean {
  return (invocation) => {
    const verdict = judgeAttempts(invocation, maximumRetryAttempts);
    if (verdict?.outcome === 'succeeded') return errorLines || !verdict.inferred;
    return verdict?.outcome === 'failed';
  };
}

/**
 * The function's MaximumRetryAttempts (GetFunctionEventInvokeConfig), best effort: AWS's default
 * when it has no such configuration, and (said) when it cannot be read.
 */
async function readRetryAttempts(call: Pick<LambdaCall, 'functionName' | 'qualifier' | 'aws'>, note: (message: string) => void, signal?: AbortSignal): Promise<number> {
  const lambda = await createLambdaControlClient(call.aws, note, regionFromArn(call.functionName));
  try {
    const config = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: call.functionName, ...(call.qualifier && { Qualifier: call.qualifier }) }), signal ? { abortSignal: signal } : {});
    return config.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return DEFAULT_RETRY_ATTEMPTS;
    if (signal?.aborted) throw error;
    const why = isAccessDenied(error) ? 'not allowed (lambda:GetFunctionEventInvokeConfig)' : awsErrorName(error) || messageOf(error);
    note(`--logs: the function's retries could not be read (${why}): AWS's default (${DEFAULT_RETRY_ATTEMPTS}) is assumed, so an async event is looked for until ${1 + DEFAULT_RETRY_ATTEMPTS} of its attempts failed`);
    return DEFAULT_RETRY_ATTEMPTS;
  } finally {
    lambda.destroy();
  }
}

/** How --logs opens the logs: asked for, each phase's report standing without them when they cannot be read (no probe). */
function opening(functions: [string, ...string[]], aws: AwsSettings, note: (message: string) => void, signal?: AbortSignal, qualifier?: string): LogsOpening & { asked: true } {
  return { functions, ...(qualifier && { qualifier }), aws, purpose: '--logs', without: 'drop --logs', asked: true, note, ...(signal && { signal }) };
}

/** A function whose logs hold no REPORT line: said before sending, and its group left unread. */
function sayIfSilenced(facts: FunctionFacts, note: (message: string) => void): void {
  const silenced = reportsSilenced(facts);
  if (silenced) note(`--logs: ${facts.logGroup} is not read: ${silenced}`);
}
