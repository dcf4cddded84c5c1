/** `lambench bench <target>`: flags to a checked RunConfig, the run (progress on a TTY), the report printed and saved, thresholds judged. */
import { UsageError } from '../../errors.js';
import { formatLatencyUs } from '../../latencyText.js';
import type { RunConfig } from '../../config/runConfig.js';
import type { RunInput } from '../../config/runInput.js';
import type { Recorder } from '../../metrics/recorder.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { callInput, durationFlag, notePrinter, type CallArgs } from '../callArgs.js';
import { listenForInterrupts, type RunInterrupts } from '../interrupts.js';
import { emitReport, type ReportOutputArgs } from '../reportOutput.js';
import { judge } from '../../run/verdict.js';

export interface BenchArgs extends CallArgs, ReportOutputArgs {
  priceGbS?: number;
  logs?: boolean;
  priceRequest?: number;
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
  outputQueue?: string;
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
  const { buildRunConfig } = await import('../../run/runConfig.js');
  const config = await buildRunConfig({ ...benchFlags(args), target: args.target ?? '' });
  // Listened to until the report is written: a second Ctrl-C cuts the run short, not the writing.
  const interrupts = listenForInterrupts();
  let report: ReportDocument;
  try {
    report = await runWithProgress(config, notePrinter(), interrupts);
    await emitReport(report, config.outputs);
  } finally {
    interrupts.dispose();
  }
  await judge(report);
}

/** A run's flags as its input; a flag not given is left undefined (so, under `run`, the profile's field stands). */
export function benchFlags(args: BenchArgs): Omit<RunInput, 'target'> & { target: string | undefined } {
  return {
    ...callInput(args),
    types: args.type,
    concurrency: args.concurrency,
    rate: args.rate,
    maxInFlight: args.maxInFlight,
    durationMs: durationFlag(args.duration, '--duration'),
    requests: args.requests,
    warmupMs: durationFlag(args.warmup, '--warmup'),
    rampMs: durationFlag(args.ramp, '--ramp'),
    verifyDelivery: args.verifyDelivery || undefined,
    destinationQueue: args.destinationQueue,
    outputQueue: args.outputQueue,
    dlq: args.dlq,
    settleMs: durationFlag(args.settle, '--settle'),
    thresholds: args.threshold === undefined ? undefined : ([] as string[]).concat(args.threshold),
    rawPath: args.raw,
    sdk: args.sdk || undefined,
    workers: args.workers,
    shard: args.shard === undefined ? undefined : parseShard(args.shard),
    template: args.template || undefined,
    out: args.out,
    html: args.html,
    hgrm: args.hgrm,
    json: args.json || undefined,
    // --no-logs (false) also keeps the logs from serving as delivery evidence.
    logs: args.logs,
    priceGbSecond: args.priceGbS,
    priceRequest: args.priceRequest,
  };
}

/**
 * Runs with Ctrl-C / SIGTERM turned into a clean stop (see listenForInterrupts: the caller's, kept
 * until its report is written, or one of its own for the run), and live progress on a TTY (not with
 * --json, nor when `showProgress` is false).
 */
export async function runWithProgress(config: RunConfig, note: (message: string) => void, interrupts?: RunInterrupts, showProgress = !config.outputs.json): Promise<ReportDocument> {
  const { runConfigured } = await import('../../run/runBench.js');
  const own = interrupts ? undefined : listenForInterrupts();
  const { stop, cut } = (interrupts ?? own)!;
  const progress = !showProgress || !process.stderr.isTTY ? undefined : await startProgress();
  try {
    return await runConfigured(config, { signal: stop, cutSignal: cut, note, ...(progress && { onPhase: progress.follow }) });
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
