/** `lambench coldstart <function> -n N`: cold starts forced one by one, measured, the configuration put back. */
import { parseInvocationType } from '../../config/invocationType.js';
import { parseDuration } from '../../duration.js';
import { InterruptedError, TargetUnavailableError, UsageError } from '../../errors.js';
import { formatLatencyUs } from '../../latencyText.js';
import type { LatencySummary } from '../../metrics/histogram.js';
import { oneLine } from '../../terminalText.js';
import { listenForInterrupts } from '../interrupts.js';
import { styleFor } from '../style.js';

export interface ColdStartArgs {
  function?: string;
  count?: number;
  warm?: number;
  payload?: string;
  payloadFile?: string;
  qualifier?: string;
  /** sync (default) or event, any spelling invoke's --type accepts. */
  type?: string;
  /** Event: how long to wait for each call's REPORT in the logs. */
  settle?: string;
  json?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

const MAX_COLD = 1000;
/** How long an Event call's REPORT is waited for: CloudWatch Logs ingests in seconds, rarely more. */
const DEFAULT_SETTLE = '30s';

export async function coldStartCommand(args: ColdStartArgs): Promise<void> {
  if (!args.function) throw new UsageError('name the function: lambench coldstart <function> -n 5');
  const count = args.count ?? 5;
  const warm = args.warm ?? 1;
  if (!(Number.isInteger(count) && count > 0 && count <= MAX_COLD)) throw new UsageError(`-n ${args.count} must be a whole number from 1 to ${MAX_COLD} (each cold start is a configuration change)`);
  if (!(Number.isInteger(warm) && warm >= 0)) throw new UsageError(`--warm ${args.warm} must be a whole number, 0 or more`);
  const type = parseInvocationType(args.type ?? 'RequestResponse');
  if (type === 'DryRun') throw new UsageError('--type dry-run runs nothing, so it starts nothing cold: use --type sync (the default) or --type event');
  if (args.settle !== undefined && type !== 'Event') throw new UsageError("--settle applies to --type event (each call's REPORT waited for in the logs); a sync call's REPORT comes with its answer");
  const settleMs = parseDuration(args.settle ?? DEFAULT_SETTLE, '--settle');
  const [{ readPayloadText, encodeJsonPayload }, { parseTargetSpec, splitQualifier }, { createLambdaControlClient }, { regionFromArn }, { measureColdStarts }] = await Promise.all([
    import('../../targets/request/payload.js'),
    import('../../targets/targetSpec.js'),
    import('../../aws/lambdaControl.js'),
    import('../../aws/awsConfig.js'),
    import('../../run/coldStart.js'),
  ]);
  // Both flags reach readPayloadText, which refuses the pair as every command does.
  const read = await readPayloadText({ payload: args.payload ?? (args.payloadFile === undefined ? '{}' : undefined), payloadFile: args.payloadFile });
  const payload = encodeJsonPayload(read.text, read.source, read.bytes);
  const note = (message: string) => process.stderr.write(`lambench: note: ${oneLine(message)}\n`);
  // Read as every command reads a function (name, name:qualifier, an ARN, a partial ARN), --qualifier checked against it.
  const spec = parseTargetSpec(args.function, args.qualifier);
  if (spec.kind !== 'lambda') throw new UsageError(`coldstart takes a function (a name, name:qualifier or ARN), not ${spec.kind === 'queue' ? 'a queue' : 'a URL'}: '${args.function}'`);
  const { name, qualifier: nameQualifier } = splitQualifier(spec.functionName);
  const qualifier = spec.qualifier ?? nameQualifier;
  const aws = { region: args.region, profile: args.profile, endpointUrl: args.endpointUrl };
  const lambda = await createLambdaControlClient(aws, note, regionFromArn(name));
  const invoker = await createLambdaControlClient(aws, note, regionFromArn(name), true);
  const style = styleFor(process.stdout);
  const interrupts = listenForInterrupts(undefined, undefined, "the function's configuration is being put back");
  let result;
  try {
    result = await measureColdStarts({
      lambda,
      invoker,
      functionName: name,
      ...(qualifier !== undefined && { qualifier }),
      count,
      warm,
      payload,
      ...(type === 'Event' && { events: { aws, settleMs } }),
      signal: interrupts.stop,
      note,
      onCall: (call) => {
        if (args.json) return void process.stdout.write(`${JSON.stringify({ type: 'call', ...call })}\n`);
        const notFound = type === 'Event' ? `no REPORT in the logs within ${settleMs / 1000} s` : 'no REPORT in the log tail';
        const init =
          call.initDurationMs !== undefined ? `  init ${call.initDurationMs.toFixed(1)} ms` : call.reportFound === false ? style.yellow(`  ${notFound}`) : call.kind === 'cold' && call.reportFound ? style.red('  no Init Duration: an environment was reused') : '';
        const duration = call.durationMs !== undefined ? `  duration ${call.durationMs.toFixed(1)} ms  billed ${call.billedDurationMs} ms` : '';
        const failed = call.functionError ?? (call.status !== undefined && call.status !== 'success' ? `status ${call.status}` : undefined);
        const latency = `${type === 'Event' ? `${call.statusCode ?? '?'} in ` : ''}${call.latencyMs.toFixed(1)} ms`;
        process.stdout.write(`${call.kind === 'cold' ? style.bold(`cold ${call.index}`) : style.dim(`warm ${call.index}`)}  ${latency}${init}${duration}${failed ? style.red(`  ${oneLine(failed)}`) : ''}\n`);
      },
    });
  } finally {
    interrupts.dispose();
    lambda.destroy();
    invoker.destroy();
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ type: 'summary', ...result })}\n`);
  else process.stdout.write(renderColdStarts(result));
  if (!result.restored) throw new TargetUnavailableError(`${result.functionName}'s configuration could not be put back: see the note above for the command that does it`);
  if (result.interrupted) throw new InterruptedError('interrupted: the configuration was put back');
}

function renderColdStarts(result: Awaited<ReturnType<typeof import('../../run/coldStart.js').measureColdStarts>>): string {
  const row = (label: string, summary: LatencySummary | undefined) =>
    `${label.padEnd(22)}${(['p50', 'p90', 'p99', 'max'] as const).map((key) => (summary ? formatLatencyUs(summary[key]) : '—').padStart(10)).join('')}${summary ? `   (${summary.count})` : ''}`;
  const event = result.invocationType === 'Event';
  const notFound = result.reportsNotFound.cold + result.reportsNotFound.warm;
  return [
    `lambench coldstart ${oneLine(result.functionName)}: ${result.coldCalls} cold ${event ? 'Event ' : ''}call${result.coldCalls === 1 ? '' : 's'}, each after a configuration change`,
    ...(event ? [`  first call latency is the 202's (the event queued, not run); init and durations from the REPORTs in ${oneLine(result.logs!.logGroup)}`] : []),
    `${''.padEnd(22)}${['p50', 'p90', 'p99', 'max'].map((key) => key.padStart(10)).join('')}`,
    row('init duration', result.initDurationUs),
    row('first call latency', result.firstCallLatencyUs),
    row('first call duration', result.firstCallDurationUs),
    row('warm call latency', result.warmLatencyUs),
    row('warm call duration', result.warmDurationUs),
    ...(notFound > 0
      ? [`  ${notFound} call(s) had no REPORT ${event ? `in the logs within ${result.logs!.settleMs / 1000} s (a longer --settle waits more)` : 'in the log tail'}: ${result.reportsNotFound.cold} cold, ${result.reportsNotFound.warm} warm, left out of init and duration`]
      : []),
    ...(result.notCold > 0 ? [`  ${result.notCold} "cold" call(s) had no Init Duration: Lambda reused an environment (they are left out of init duration)`] : []),
    ...(result.functionErrors > 0 ? [`  ${result.functionErrors} call(s) ended in a function error`] : []),
    `  configuration ${result.restored ? 'put back as it was (read back to check)' : 'NOT put back'}`,
  ].join('\n') + '\n';
}
