/** `lambench bench <target>`: run, show progress on a TTY, print and save the report, judge thresholds. */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CallFailedError, InterruptedError, UsageError } from '../../errors.js';
import type { Recorder } from '../../metrics/recorder.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { callOptionsFrom, notePrinter, parsePositiveDuration, type CallArgs } from '../callArgs.js';

export interface BenchArgs extends CallArgs {
  type?: string;
  concurrency?: number;
  rate?: number;
  maxInFlight?: number;
  duration?: string;
  requests?: number;
  warmup?: string;
  verifyDelivery?: boolean;
  destinationQueue?: string;
  dlq?: string;
  settle?: string;
  threshold?: string | string[];
  out?: string;
  raw?: string;
  hgrm?: string;
  json?: boolean;
  sdk?: boolean;
  workers?: number;
}

export async function benchCommand(args: BenchArgs): Promise<void> {
  const { runBench } = await import('../../load/runBench.js');
  if (args.out !== undefined) await checkWritable(args.out, '--out');
  if (args.hgrm !== undefined) await checkDirectory(args.hgrm, '--hgrm');
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = args.json || !process.stderr.isTTY ? undefined : await startProgress();
  let report: ReportDocument;
  try {
    report = await runBench({
      ...callOptionsFrom(args),
      ...(args.type !== undefined && { types: args.type }),
      ...(args.concurrency !== undefined && { concurrency: args.concurrency }),
      ...(args.rate !== undefined && { rate: args.rate }),
      ...(args.maxInFlight !== undefined && { maxInFlight: args.maxInFlight }),
      ...(args.duration !== undefined && { durationMs: parsePositiveDuration(args.duration, '--duration') }),
      ...(args.requests !== undefined && { requests: args.requests }),
      ...(args.warmup !== undefined && { warmupMs: parsePositiveDuration(args.warmup, '--warmup') }),
      ...(args.verifyDelivery && { verifyDelivery: true }),
      ...(args.destinationQueue !== undefined && { destinationQueue: args.destinationQueue }),
      ...(args.dlq !== undefined && { dlq: args.dlq }),
      ...(args.settle !== undefined && { settleMs: parsePositiveDuration(args.settle, '--settle') }),
      ...(args.threshold !== undefined && { thresholds: ([] as string[]).concat(args.threshold) }),
      ...(args.raw !== undefined && { rawPath: args.raw }),
      ...(args.sdk && { sdk: true }),
      ...(args.workers !== undefined && { workers: args.workers }),
      signal: interrupt.signal,
      note: notePrinter(),
      ...(progress && { onPhase: progress.follow }),
    });
  } finally {
    progress?.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  // Written before anything is judged: an interrupted or failing run still leaves its report.
  if (args.out !== undefined) await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const { renderReportTable } = await import('../../report/table.js');
    process.stdout.write(renderReportTable(report));
  }
  if (args.hgrm !== undefined) {
    const { writeHgrmFiles } = await import('../../report/hgrm.js');
    await writeHgrmFiles(report, args.hgrm);
  }
  if (report.interrupted) throw new InterruptedError('interrupted: the report covers what was measured before Ctrl-C');
  const failed = report.thresholds.filter((result) => !result.passed);
  if (failed.length > 0) {
    const { formatThresholdValue } = await import('../../report/thresholds.js');
    throw new CallFailedError(`thresholds failed: ${failed.map((result) => `${result.threshold} (${result.phase}: ${formatThresholdValue(result.metric, result.actual)})`).join(', ')}`);
  }
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

/** Live progress on a TTY (ora), reading recorder snapshots on a timer: never on the hot path. */
async function startProgress(): Promise<{ follow: (recorder: Recorder, phase: { name: string }) => void; stop: () => void }> {
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: process.stderr }).start('starting');
  let current: { recorder: Recorder; name: string } | undefined;
  const timer = setInterval(() => {
    if (!current) return;
    const s = current.recorder.snapshot();
    spinner.text = `${current.name}: ${(s.elapsedMs / 1000).toFixed(0)} s · ${s.completed} calls · ${s.ratePerSecond.toFixed(0)}/s · p99 ${(s.p99Us / 1000).toFixed(1)} ms · errors ${s.errors}${s.dropped ? ` · dropped ${s.dropped}` : ''}`;
  }, 250);
  return {
    follow: (recorder, phase) => {
      current = { recorder, name: phase.name };
    },
    stop: () => {
      clearInterval(timer);
      spinner.stop();
    },
  };
}
