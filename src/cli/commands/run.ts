/**
 * `lambench run <profile>`: a scenario file run as a bench, flags over its fields. A profile with
 * `localStack: true` gets the built-in local stack, started for the run and stopped after it.
 * `--check` validates and prints what would run, sending nothing.
 */
import { UsageError } from '../../errors.js';
import type { LocalStack } from '../../local/index.js';
import type { RunConfig } from '../../config/runConfig.js';
import { flagNames, overlay, type RunInput } from '../../config/runInput.js';
import type { LoadedProfile } from '../../profiles/profile.js';
import { benchFlags, runWithProgress, type BenchArgs } from './bench.js';
import { notePrinter } from '../callArgs.js';
import { listenForInterrupts } from '../interrupts.js';
import { useLocalStackEnvironment } from '../awsEnvironment.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { emitReport } from '../reportOutput.js';
import { judge } from '../../run/verdict.js';
import { isQueueTarget } from '../../targets/targetSpec.js';

export interface RunArgs extends Omit<BenchArgs, 'target'> {
  file?: string;
  target?: string;
  check?: boolean;
  local?: boolean;
}

export async function runCommand(args: RunArgs): Promise<void> {
  if (!args.file) throw new UsageError('name a profile: lambench run profiles/square-sync-vs-async.yaml');
  const { loadProfile, LOCAL_STACK_VARIABLES, targetQueueKey } = await import('../../profiles/profile.js');
  const loaded = await loadProfile(args.file);
  const useLocal = args.local ?? Boolean(loaded.profile.localStack);
  const note = notePrinter();
  if (args.check) {
    // The checks a run makes (a ramp longer than the phase…), with stand-in endpoints for the local
    // stack's variables and queue names left as written (looking them up would mean asking SQS):
    // nothing is started or sent. What would run is shown with the variables as placeholders.
    // A queue target named by its name gets a stand-in URL of that name (FIFO if it ends in .fifo), so that its checks are made.
    const standIns = useLocal ? { ...process.env, ...Object.fromEntries(LOCAL_STACK_VARIABLES.map((name) => [name, 'http://127.0.0.1:1'])) } : process.env;
    await checkedConfig(loaded, args, (queue) => (/^https?:\/\//i.test(queue) ? queue : `http://sqs.us-east-1.localhost:1/000000000000/${queue}`), standIns);
    const shown = await runInput(loaded, args, (queue) => queue, withLocalPlaceholders(useLocal, LOCAL_STACK_VARIABLES));
    process.stdout.write(`${args.file}: valid${useLocal ? ' (runs on the built-in local stack)' : ''}\n${describe(shown.input, args.target === undefined ? targetQueueKey(loaded.profile) : undefined)}\n`);
    return;
  }
  let stack: LocalStack | undefined;
  try {
    if (useLocal) stack = await startStack(loaded.profile.localStack);
    const queueUrl = await queueResolver(loaded.profile.queues ?? {}, stack, { region: loaded.profile.aws?.region, profile: loaded.profile.aws?.profile }, note);
    const config = await checkedConfig(loaded, args, queueUrl, process.env, stack);
    // Listened to until the report is written: a second Ctrl-C cuts the run short, not the writing.
    const interrupts = listenForInterrupts();
    let report: ReportDocument;
    try {
      report = await runWithProgress(config, note, interrupts);
      await emitReport(report, config.outputs);
    } finally {
      interrupts.dispose();
    }
    await judge(report);
  } finally {
    await stack?.stop();
  }
}

/**
 * The profile's fields with the flags over them, each named as where it came from. On the local
 * stack the endpoint is the stack's: its Lambda API, or for a queue target its SQS (the mapping's
 * Lambda is found through the environment the stack set).
 */
async function runInput(loaded: LoadedProfile, args: RunArgs, queueUrl: (reference: string) => string, env: NodeJS.ProcessEnv, stack?: LocalStack) {
  const { profileInput } = await import('../../profiles/profileInput.js');
  const fromProfile = profileInput(loaded, queueUrl, env);
  const top = benchFlags(args) as RunInput;
  if (stack) fromProfile.input.endpointUrl = isQueueTarget(top.target ?? fromProfile.input.target) ? stack.sqsUrl : stack.lambdaUrl;
  return overlay(fromProfile, { input: top, names: flagNames });
}


/** The run's configuration; its problems are said as the profile's (`file: …; … (nothing was sent)`). */
async function checkedConfig(loaded: LoadedProfile, args: RunArgs, queueUrl: (reference: string) => string, env: NodeJS.ProcessEnv, stack?: LocalStack): Promise<RunConfig> {
  const [{ buildRunConfig }, { ProfileError }, { ProblemsError }] = await Promise.all([import('../../run/runConfig.js'), import('../../profiles/profile.js'), import('../../config/problems.js')]);
  const { input, names } = await runInput(loaded, args, queueUrl, env, stack);
  try {
    return await buildRunConfig(input, names);
  } catch (error) {
    if (error instanceof ProblemsError) throw new ProfileError(loaded.path, error.problems);
    throw error;
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

function withLocalPlaceholders(useLocal: boolean, names: string[]): NodeJS.ProcessEnv {
  return useLocal ? { ...process.env, ...Object.fromEntries(names.map((name) => [name, `<${name}>`])) } : process.env;
}

/** What would run; `queueKey`: the key of queues the target names (a queue, its URL looked up by name when the run starts unless given). */
function describe(options: RunInput, queueKey?: string): string {
  const load = options.rate !== undefined ? `open loop ${options.rate}/s` : options.concurrency !== undefined ? `closed loop × ${options.concurrency}` : 'no load shape (give --rate or --concurrency)';
  const length = options.requests !== undefined ? `${options.requests} calls` : `${(options.durationMs ?? 10_000) / 1000} s`;
  const queue = queueKey !== undefined || isQueueTarget(options.target);
  const written = options.target.replace(/^sqs:/i, '');
  const target = queueKey !== undefined ? `queue ${written} (queues.${queueKey}${/^https?:|^arn:/i.test(written) ? '' : ', its URL looked up when the run starts'})` : queue ? `queue ${written}` : options.target;
  const delivery = queue
    ? [options.outputQueue && `output queue ${options.outputQueue}`, `DLQ ${options.dlq ?? "from the queue's redrive policy"}`].filter(Boolean).join(', ')
    : [options.destinationQueue, options.dlq].filter(Boolean).join(', ');
  return [
    `  target      ${target}`,
    `  modes       ${queue && options.types === undefined ? 'queue (the messages sent; the event source mapping invokes the function)' : ([] as string[]).concat(options.types ?? 'sync').join(',')}`,
    `  load        ${load}, ${length} per phase${options.rampMs ? `, ramp ${options.rampMs / 1000} s` : ''}${options.warmupMs ? `, warm-up ${options.warmupMs / 1000} s` : ''}`,
    `  payload     ${options.payloadFile ?? options.payload ?? '(none)'}`,
    ...(options.verifyDelivery ? [`  delivery    ${delivery}`] : []),
    ...(options.thresholds?.length ? [`  thresholds  ${options.thresholds.join(', ')}`] : []),
  ].join('\n');
}
