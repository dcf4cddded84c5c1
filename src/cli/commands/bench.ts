/** `lambench bench <target>`: run, show progress on a TTY, print and save the report, judge thresholds. */
import { UsageError } from '../../errors.js';
import { formatLatencyUs } from '../../latencyText.js';
import type { Recorder } from '../../metrics/recorder.js';
import type { BenchRunOptions } from '../../run/runBench.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { callOptionsFrom, notePrinter, parsePositiveDuration, type CallArgs } from '../callArgs.js';
import { listenForInterrupts, type RunInterrupts } from '../interrupts.js';
import { checkOutputs, emitReport, type ReportOutputArgs } from '../reportOutput.js';
import { judge } from '../../run/verdict.js';

export interface BenchArgs extends CallArgs, ReportOutputArgs {
  type?: string;
  concurrency?: number;
  rate?: number;
  maxInFlight?: number;
  duration?: string;
  requests?: number;
  warmup?: string;
  ramp?: string;
  verifyDelivery?: boolean;
  destinationQueue?: string;
  dlq?: string;
  settle?: string;
  threshold?: string | string[];
  raw?: string;
  sdk?: boolean;
  template?: boolean;
  shard?: string;
  workers?: number;
}

export async function benchCommand(args: BenchArgs): Promise<void> {
  await checkOutputs(args);
  // Listened to until the report is written: a second Ctrl-C cuts the run short, not the writing.
  const interrupts = listenForInterrupts();
  let report: ReportDocument;
  try {
    report = await runWithProgress({ ...benchFlags(args), target: args.target ?? '' }, args, notePrinter(), interrupts);
    await emitReport(report, args);
  } finally {
    interrupts.dispose();
  }
  await judge(report);
}

/** The run's flags as bench options; flags not given are left out (so a profile's fields stand). */
export function benchFlags(args: BenchArgs): Partial<BenchRunOptions> {
  const { target: _target, ...call } = callOptionsFrom(args);
  return {
    ...call,
    ...(args.target !== undefined && { target: args.target }),
    ...(args.type !== undefined && { types: args.type }),
    ...(args.concurrency !== undefined && { concurrency: args.concurrency }),
    ...(args.rate !== undefined && { rate: args.rate }),
    ...(args.maxInFlight !== undefined && { maxInFlight: args.maxInFlight }),
    ...(args.duration !== undefined && { durationMs: parsePositiveDuration(args.duration, '--duration', 'the default 10s') }),
    ...(args.requests !== undefined && { requests: args.requests }),
    ...(args.warmup !== undefined && { warmupMs: parsePositiveDuration(args.warmup, '--warmup', 'no warm-up') }),
    ...(args.ramp !== undefined && { rampMs: parsePositiveDuration(args.ramp, '--ramp', 'no ramp') }),
    ...(args.verifyDelivery && { verifyDelivery: true }),
    ...(args.destinationQueue !== undefined && { destinationQueue: args.destinationQueue }),
    ...(args.dlq !== undefined && { dlq: args.dlq }),
    ...(args.settle !== undefined && { settleMs: parsePositiveDuration(args.settle, '--settle', 'the default 30s') }),
    ...(args.threshold !== undefined && { thresholds: ([] as string[]).concat(args.threshold) }),
    ...(args.raw !== undefined && { rawPath: args.raw }),
    ...(args.sdk && { sdk: true }),
    ...(args.workers !== undefined && { workers: args.workers }),
    ...(args.shard !== undefined && { shard: parseShard(args.shard) }),
    ...(args.template && { template: true }),
  };
}

/**
 * Runs with Ctrl-C / SIGTERM turned into a clean stop (see listenForInterrupts: the caller's, kept
 * until its report is written, or one of its own for the run), and live progress on a TTY (not with --json).
 */
export async function runWithProgress(options: BenchRunOptions, args: { json?: boolean }, note: (message: string) => void, interrupts?: RunInterrupts): Promise<ReportDocument> {
  const { runBench } = await import('../../run/runBench.js');
  const own = interrupts ? undefined : listenForInterrupts();
  const { stop, cut } = (interrupts ?? own)!;
  const progress = args.json || !process.stderr.isTTY ? undefined : await startProgress();
  try {
    return await runBench({ ...options, signal: stop, cutSignal: cut, note, ...(progress && { onPhase: progress.follow }) });
  } finally {
    progress?.stop();
    own?.dispose();
  }
}

/** `--shard 2/4` → { index: 2, of: 4 } (1-based, as test runners write it); ranges are checked with the rest of the run. */
export function parseShard(text: string): { index: number; of: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UsageError(`--shard '${text}' must be i/n, e.g. --shard 2/4 (the second of four shards; 1-based)`);
  return { index: Number(match[1]), of: Number(match[2]) };
}

/** Live progress on a TTY (ora), reading recorder snapshots on a timer: never on the hot path. */
async function startProgress(): Promise<{ follow: (recorder: Recorder, phase: { name: string }) => void; stop: () => void }> {
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: process.stderr }).start('starting');
  let current: { recorder: Recorder; name: string } | undefined;
  const timer = setInterval(() => {
    if (!current) return;
    const s = current.recorder.snapshot();
    spinner.text = `${current.name}: ${(s.elapsedMs / 1000).toFixed(0)} s · ${s.completed} calls · ${s.ratePerSecond.toFixed(0)}/s · p99 ${formatLatencyUs(s.p99Us)} · errors ${s.errors}${s.dropped ? ` · dropped ${s.dropped}` : ''}`;
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
