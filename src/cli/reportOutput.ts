/**
 * Where a finished report goes, the same for `bench`, `run` and `report`: the JSON file, stdout
 * (table or JSON), .hgrm files and the HTML page; then the verdict as an exit code. Paths are
 * checked before a run starts, so a long run never ends in an unwritable file.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CallFailedError, InterruptedError, TargetUnavailableError, UsageError } from '../errors.js';
import { CLIENT_OUT_OF_FILES, OUT_OF_FILES_EXAMPLE } from '../metrics/recorder.js';
import type { PhaseReport, ReportDocument } from '../report/reportDocument.js';

export interface ReportOutputArgs {
  out?: string;
  json?: boolean;
  hgrm?: string;
  html?: string;
}

export async function checkOutputs(args: ReportOutputArgs): Promise<void> {
  if (args.out !== undefined) await checkWritable(args.out, '--out');
  if (args.html !== undefined) await checkWritable(args.html, '--html');
  if (args.hgrm !== undefined) await checkDirectory(args.hgrm, '--hgrm');
}

/** Writes the report wherever asked; the JSON file first, so a failure later still leaves it. Returns the files written. */
export async function emitReport(report: ReportDocument, args: ReportOutputArgs, print: (text: string) => void = (text) => process.stdout.write(text)): Promise<string[]> {
  const written: string[] = [];
  if (args.out !== undefined) {
    await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
    written.push(args.out);
  }
  if (args.json) print(`${JSON.stringify(report)}\n`);
  else {
    const { renderReportTable } = await import('../report/table.js');
    print(renderReportTable(report));
  }
  if (args.hgrm !== undefined) {
    const { writeHgrmFiles } = await import('../report/hgrm.js');
    written.push(...(await writeHgrmFiles(report, args.hgrm)));
  }
  if (args.html !== undefined) {
    const { renderHtmlReport } = await import('../report/html.js');
    await writeFile(args.html, renderHtmlReport(report));
    written.push(args.html);
  }
  // Under --json stdout holds the document only: where the files went is said on stderr.
  if (written.length > 0) process.stderr.write(`lambench: wrote ${written.join(', ')}\n`);
  return written;
}

/**
 * Exit 130 for a run this process interrupted (`live`); 3 when no call of a phase got an answer
 * from the target (see unanswered: it is wrong, down or mute, not slow: nothing was measured)
 * or a phase's delivery could not be verified (a queue could not be read through);
 * 1 for failed thresholds or verified delivery with events missing; otherwise nothing.
 */
export async function judge(report: ReportDocument, live = true): Promise<void> {
  if (live && report.interrupted) throw new InterruptedError('interrupted: the report covers what was measured before Ctrl-C');
  const silent = report.phases.find(unanswered);
  if (silent) throw new TargetUnavailableError(unansweredVerdict(silent));
  // Delivery that could not be verified (a queue unreadable, hung, or its backlog not read through): AWS could not be reached, not a loss.
  const unverified = report.interrupted ? undefined : report.phases.find((phase) => (phase.delivery?.unverified ?? 0) > 0);
  if (unverified) {
    const delivery = unverified.delivery!;
    throw new TargetUnavailableError(
      `delivery unverified: ${delivery.unverified} of ${delivery.accepted} accepted events of the ${unverified.name} phase could not be looked for (${delivery.unverifiedReasons?.[0] ?? 'a queue could not be read'}): the report says what was found; check SQS, or raise --settle for a backlog`,
    );
  }
  const failed = report.thresholds.filter((result) => !result.passed);
  const problems: string[] = [];
  if (failed.length > 0) {
    const { formatThresholdValue } = await import('../thresholds/thresholds.js');
    problems.push(`thresholds failed: ${failed.map((result) => `${result.threshold} (${result.phase}: ${formatThresholdValue(result.metric, result.actual)})`).join(', ')}`);
  }
  // Verified delivery with events unaccounted for is the contract's "delivery incomplete" (exit 1); failed events were delivered to a failure queue and are counted.
  // An interrupted run stopped waiting for its events: those not found yet are not proof of loss.
  for (const phase of report.interrupted ? [] : report.phases) {
    const delivery = phase.delivery;
    if (delivery && delivery.missing > 0) {
      problems.push(`delivery incomplete: ${delivery.missing} of ${delivery.accepted} accepted events of the ${phase.name} phase were found on no queue (raise --settle if they are only slow; check the function's destinations and DLQ if not)`);
    }
  }
  if (problems.length > 0) throw new CallFailedError(problems.join('; '));
}

/** The file can be created or overwritten (checked without creating it). */
async function checkWritable(path: string, flag: string): Promise<void> {
  const fail = (why: string) => new UsageError(`${flag} '${path}' cannot be written: ${why}; give a path in a folder you can write to`);
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) throw fail('it is a folder');
    await access(path, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fail((error as NodeJS.ErrnoException).code ?? String(error));
    try {
      await access(dirname(resolve(path)), constants.W_OK);
    } catch (dirError) {
      throw fail((dirError as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : ((dirError as NodeJS.ErrnoException).code ?? String(dirError)));
    }
  }
}

/** The folder exists and is writable, or can be created (mkdir -p, as writing will). */
async function checkDirectory(path: string, flag: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} '${path}' cannot be used as a folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Refusals: the target (or the Invoke API) said the thing asked for is not there or not allowed. */
const REFUSED = new Set(['403', '404']);

/**
 * The one exit-3 rule: a phase whose every call went without an answer from the target. An answer
 * is any HTTP status but a refusal (403, 404), a gateway's 504 and a 429 included, or bytes that
 * were not HTTP (an `HPE_…` parse error: something is there, answering badly). Not answered: a
 * refusal, a network error before any answer (refused connection, DNS, TLS, reset), a call never
 * sent, and a timeout with no status (nothing came back in time).
 */
export function unanswered(phase: PhaseReport): boolean {
  if (phase.requests === 0) return false;
  const answered = Object.entries(phase.status).reduce((sum, [code, count]) => (REFUSED.has(code) ? sum : sum + count), 0);
  const garbled = (phase.errors ?? []).reduce((sum, kind) => (kind.outcome === 'networkError' && kind.type.startsWith('HPE_') ? sum + kind.count : sum), 0);
  return answered + garbled === 0;
}

/** What the unanswered phase's calls met, in the words that say what to check. */
function unansweredVerdict(phase: PhaseReport): string {
  const kind = firstFailure(phase);
  const codes = Object.keys(phase.status);
  if (codes.length > 0 && Object.values(phase.status).reduce((a, b) => a + b, 0) === phase.requests) {
    return `every call of the ${phase.name} phase was refused (${[codes.join(', '), kind].filter(Boolean).join(': ')}): check the target's name, region and permissions`;
  }
  if (phase.errors?.[0] && CLIENT_OUT_OF_FILES.has(phase.errors[0].type)) {
    return `no call of the ${phase.name} phase could open a connection: ${OUT_OF_FILES_EXAMPLE}`;
  }
  if (phase.outcomes.networkError === phase.requests) {
    return `no call of the ${phase.name} phase reached the target${kind ? ` (${kind})` : ''}: check the URL or endpoint, and that it is up`;
  }
  if (phase.outcomes.timeout === phase.requests) {
    return `no call of the ${phase.name} phase was answered in time${kind ? ` (${kind})` : ''}: check that the target is up and answering, or give it longer (--timeout)`;
  }
  const outcomes = Object.entries(phase.outcomes).filter(([name, count]) => count > 0 && name !== 'dropped').map(([name, count]) => `${name} ${count}`);
  return `no call of the ${phase.name} phase got an answer from the target (${[...outcomes, ...codes.map((code) => `HTTP ${code} ×${phase.status[code]}`)].join(', ')}${kind ? `; ${kind}` : ''}): check the target, its URL or endpoint, and its permissions`;
}

/** A phase's most frequent failure kind as `type: first message`, for a one-line verdict. */
function firstFailure(phase: PhaseReport): string | undefined {
  const kind = phase.errors?.[0];
  return kind && (kind.example ? `${kind.type}: ${kind.example}` : kind.type);
}
