/**
 * `lambench run <profile>`: a scenario file run as a bench, flags over its fields. A profile with
 * `localStack: true` gets the built-in local stack, started for the run and stopped after it.
 * `--check` validates and prints what would run, sending nothing.
 */
import { UsageError } from '../../errors.js';
import type { LocalStack } from '../../local/index.js';
import type { ProfileOptions } from '../../run/benchOptions.js';
import { benchFlags, runWithProgress, type BenchArgs } from './bench.js';
import { notePrinter } from '../callArgs.js';
import { listenForInterrupts } from '../interrupts.js';
import { useLocalStackEnvironment } from '../awsEnvironment.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { checkOutputs, emitReport } from '../reportOutput.js';
import { judge } from '../../run/verdict.js';

export interface RunArgs extends Omit<BenchArgs, 'target'> {
  file?: string;
  target?: string;
  check?: boolean;
  local?: boolean;
}

export async function runCommand(args: RunArgs): Promise<void> {
  if (!args.file) throw new UsageError('name a profile: lambench run profiles/square-sync-vs-async.yaml');
  const { loadProfile, LOCAL_STACK_VARIABLES } = await import('../../profiles/profile.js');
  const { benchOptionsFrom, withFlags } = await import('../../run/benchOptions.js');
  const loaded = await loadProfile(args.file);
  const useLocal = args.local ?? Boolean(loaded.profile.localStack);
  const note = notePrinter();
  const flags = benchFlags(args);
  const outputs = { ...loadedOutputs(loaded.profile.output), ...definedOnly({ out: args.out, html: args.html, hgrm: args.hgrm }), json: args.json };
  if (args.check) {
    // Queue names are left as written: looking them up would mean asking SQS.
    const options = withFlags(benchOptionsFrom(loaded, (queue) => queue, withLocalPlaceholders(useLocal, LOCAL_STACK_VARIABLES)), flags);
    // The same checks a run makes on its merged options (a ramp longer than the phase…), with
    // stand-in endpoints for the local stack's variables: nothing is started or sent.
    const { checkRun } = await import('../../run/runBench.js');
    const standIns = useLocal ? { ...process.env, ...Object.fromEntries(LOCAL_STACK_VARIABLES.map((name) => [name, 'http://127.0.0.1:1'])) } : process.env;
    try {
      await checkRun(withFlags(benchOptionsFrom(loaded, (queue) => queue, standIns), flags));
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${args.file}: ${error.message} (nothing was sent)`, { cause: error });
      throw error;
    }
    process.stdout.write(`${args.file}: valid${useLocal ? ' (runs on the built-in local stack)' : ''}\n${describe(options)}\n`);
    return;
  }
  await checkOutputs(outputs);
  let stack: LocalStack | undefined;
  try {
    if (useLocal) stack = await startStack(loaded.profile.localStack);
    const queueUrl = await queueResolver(loaded.profile.queues ?? {}, stack, { region: loaded.profile.aws?.region, profile: loaded.profile.aws?.profile }, note);
    const { outputs: _files, ...fromProfile } = benchOptionsFrom(loaded, queueUrl);
    const options = withFlags({ ...fromProfile, ...(stack && { endpointUrl: stack.lambdaUrl }) }, flags);
    // Listened to until the report is written: a second Ctrl-C cuts the run short, not the writing.
    const interrupts = listenForInterrupts();
    let report: ReportDocument;
    try {
      report = await runWithProgress(options, args, note, interrupts);
      await emitReport(report, outputs);
    } finally {
      interrupts.dispose();
    }
    await judge(report);
  } finally {
    await stack?.stop();
  }
}

/** The local stack for this run; its endpoints reach the profile through the environment (`${LAMBENCH_API_URL}`). */
async function startStack(settings: boolean | { timeScale?: number; apiAsyncStatus?: 200 | 202 } | undefined): Promise<LocalStack> {
  const { startLocalStack } = await import('../../local/index.js');
  const stack = await startLocalStack({ ...(typeof settings === 'object' && settings) });
  // This run talks only to its own stack: none of the user's AWS settings may leak in.
  useLocalStackEnvironment(stack.env);
  process.stderr.write(`lambench: local stack on 127.0.0.1 (Lambda ${stack.lambdaUrl}, API ${stack.apiUrl}, SQS ${stack.sqsUrl})\n`);
  return stack;
}

/** A queue as written → its URL: itself when it is one, else by name from the local stack or SQS (GetQueueUrl). */
async function queueResolver(queues: Record<string, string>, stack: LocalStack | undefined, aws: { region?: string | undefined; profile?: string | undefined }, note: (message: string) => void): Promise<(reference: string) => string> {
  const { expandVariables } = await import('../../profiles/profile.js');
  const written = Object.fromEntries(Object.entries(queues).map(([key, value]) => [key, expandVariables(value)]));
  const names = Object.values(written).filter((value) => !/^https?:\/\//i.test(value));
  const found = new Map<string, string>();
  const unknown: string[] = [];
  for (const name of names) {
    const url = stack?.queues[name];
    if (url) found.set(name, url);
    else if (stack) unknown.push(name);
  }
  if (unknown.length > 0) throw new UsageError(`queues: no queue named ${unknown.map((name) => `'${name}'`).join(', ')} on the local stack (it has ${Object.keys(stack!.queues).join(', ')})`);
  if (!stack && names.length > 0) {
    const { lookUpQueueUrls } = await import('../../delivery/queueUrl.js');
    for (const [name, url] of await lookUpQueueUrls(names, aws, note)) found.set(name, url);
  }
  return (queue) => found.get(queue) ?? queue;
}

function loadedOutputs(output: { out?: string; html?: string; hgrm?: string; raw?: string } | undefined): { out?: string; html?: string; hgrm?: string } {
  return definedOnly({ out: output?.out, html: output?.html, hgrm: output?.hgrm });
}

function withLocalPlaceholders(useLocal: boolean, names: string[]): NodeJS.ProcessEnv {
  return useLocal ? { ...process.env, ...Object.fromEntries(names.map((name) => [name, `<${name}>`])) } : process.env;
}

function describe(options: ProfileOptions): string {
  const load = options.rate !== undefined ? `open loop ${options.rate}/s` : options.concurrency !== undefined ? `closed loop × ${options.concurrency}` : 'no load shape (give --rate or --concurrency)';
  const length = options.requests !== undefined ? `${options.requests} calls` : `${(options.durationMs ?? 10_000) / 1000} s`;
  return [
    `  target      ${options.target}`,
    `  modes       ${options.types ?? 'sync'}`,
    `  load        ${load}, ${length} per phase${options.rampMs ? `, ramp ${options.rampMs / 1000} s` : ''}${options.warmupMs ? `, warm-up ${options.warmupMs / 1000} s` : ''}`,
    `  payload     ${options.payloadFile ?? options.payload ?? '(none)'}`,
    ...(options.verifyDelivery ? [`  delivery    ${[options.destinationQueue, options.dlq].filter(Boolean).join(', ')}`] : []),
    ...(options.thresholds?.length ? [`  thresholds  ${options.thresholds.join(', ')}`] : []),
  ].join('\n');
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
