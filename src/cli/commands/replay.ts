/** `lambench replay <source>`: failed async events re-invoked; nothing deleted unless --delete, and then only what was answered. */
import { parseArn } from '../../aws/arn.js';
import { InterruptedError, TargetUnavailableError, UsageError } from '../../errors.js';
import { oneLine } from '../../terminalText.js';
import { styleFor } from '../style.js';
import { listenForInterrupts } from '../interrupts.js';
import { durationFlag } from '../callArgs.js';

export interface ReplayArgs {
  source?: string;
  function?: string;
  type?: string;
  max?: number;
  dryRun?: boolean;
  match?: string[];
  delete?: boolean;
  listen?: string;
  json?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export async function replayCommand(args: ReplayArgs): Promise<void> {
  if (!args.source) throw new UsageError('name where the failed events are: lambench replay <queue URL or ARN | s3://bucket/prefix | SNS topic ARN>');
  if (args.max !== undefined && !(Number.isInteger(args.max) && args.max > 0)) throw new UsageError(`--max ${args.max} must be a whole number above 0`);
  const type = args.type ?? 'sync';
  if (type !== 'sync' && type !== 'event') throw new UsageError(`--type ${type} must be sync (see each result now) or event (Lambda queues it again)`);
  if (args.delete && args.dryRun) throw new UsageError('--delete and --dry-run together: a dry run deletes nothing; leave one out');
  const listenMs = durationFlag(args.listen, '--listen');
  const { replay, NO_FUNCTION } = await import('../../replay/replay.js');
  const { readMatchKeys } = await import('../../replay/matchKeys.js');
  const match = args.match && args.match.length > 0 ? await readMatchKeys(args.match.map(String)) : undefined;
  const style = styleFor(process.stdout);
  const interrupts = listenForInterrupts(undefined, undefined, 'the messages read are being handed back, then the summary is written');
  let result;
  try {
    result = await replay({
      source: args.source,
      ...(args.function && { functionName: args.function }),
      type,
      ...(args.max !== undefined && { max: args.max }),
      ...(args.dryRun && { dryRun: true }),
      ...(args.delete && { delete: true }),
      ...(listenMs !== undefined && { listenMs }),
      ...(match && { match }),
      aws: { region: args.region, profile: args.profile, endpointUrl: args.endpointUrl },
      signal: interrupts.stop,
      note: (message) => process.stderr.write(`lambench: note: ${oneLine(message)}\n`),
      onEvent: (entry) => {
        if (args.json) return void process.stdout.write(`${JSON.stringify({ type: args.dryRun ? 'wouldReplay' : 'replayed', ...entry })}\n`);
        const verb =
          entry.outcome === undefined ? style.dim('would replay')
          : entry.outcome === 'succeeded' || entry.outcome === 'accepted' ? style.green(entry.outcome)
          : style.red(entry.outcome === 'failedAgain' ? 'failed again' : 'refused');
        const ids = [entry.requestId && `request ${entry.requestId}`, entry.correlationId && `id ${entry.correlationId}`].filter(Boolean).join(', ');
        const detail = [entry.error && oneLine(entry.error), entry.deleted && 'deleted'].filter(Boolean).join('; ');
        process.stdout.write(`${verb} ${oneLine(entry.sourceId)} → ${oneLine(entry.functionName)}${ids ? style.dim(`  ${oneLine(ids)}`) : ''}${detail ? `  ${detail}` : ''}\n`);
      },
    });
  } finally {
    interrupts.dispose();
  }
  const skipped = Object.entries(result.skipped);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ type: 'summary', source: result.sourceUrl, invocationType: type, examined: result.examined, [args.dryRun ? 'wouldReplay' : 'replayed']: args.dryRun ? result.wouldReplay : result.replayed, succeeded: result.succeeded, failedAgain: result.failedAgain, refused: result.refused, skipped: Object.fromEntries(skipped), deleted: result.deleted, replayedNotDeleted: result.replayedNotDeleted, ...(result.interrupted && { interrupted: true }) })}\n`);
  } else {
    const parts = [`${result.examined} examined`];
    if (args.dryRun) parts.push(`${result.wouldReplay} would be replayed (dry run: nothing invoked, nothing deleted)`);
    else {
      parts.push(`${result.replayed} replayed ${type === 'sync' ? 'synchronously' : 'as events'}: ${result.succeeded} ${type === 'sync' ? 'succeeded' : 'accepted'}, ${result.failedAgain} failed again`);
      // A topic keeps nothing: what it delivered during --listen and Lambda refused is gone from lambench's hands.
      const fromTopic = parseArn(result.sourceUrl)?.service === 'sns';
      if (result.refused > 0) parts.push(`${result.refused} refused by Lambda (${fromTopic ? 'a topic keeps nothing: its original delivery stays wherever else the topic sends it' : 'left in the source'})`);
      parts.push(args.delete ? `${result.deleted} deleted (each after its re-invoke was answered)` : 'nothing deleted (--delete deletes what was answered)');
      if (result.replayedNotDeleted > 0) parts.push(`${result.replayedNotDeleted} replayed but still in the source (the delete failed)`);
    }
    for (const [reason, count] of skipped) parts.push(`${count} skipped: ${reason}`);
    process.stderr.write(`${style.dim(`lambench replay: ${parts.join('; ')}`)}\n`);
  }
  if (result.replayed + result.refused + result.wouldReplay === 0 && result.skipped[NO_FUNCTION]) throw new UsageError(`${result.skipped[NO_FUNCTION]} DLQ message(s) and no --function: name the function to re-invoke (--function NAME)`);
  if (result.interrupted) throw new InterruptedError('interrupted: nothing was deleted before its re-invoke was answered; the rest is still in the source');
  if (result.refused > 0 && result.replayed === 0) throw new TargetUnavailableError(`Lambda refused every re-invoke (${result.refused}): check the function name (--function), the endpoint and permissions (lambda:InvokeFunction)`);
}
