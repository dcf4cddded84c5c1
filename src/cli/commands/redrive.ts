/** `lambench redrive <dlq>`: dead-lettered messages back to their source queue, sent first and deleted after. */
import { InterruptedError, TargetUnavailableError, UsageError } from '../../errors.js';
import { oneLine } from '../../terminalText.js';
import { styleFor } from '../style.js';
import { listenForInterrupts } from '../interrupts.js';

export interface RedriveArgs {
  dlq?: string;
  to?: string;
  max?: number;
  dryRun?: boolean;
  match?: string[];
  json?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export async function redriveCommand(args: RedriveArgs): Promise<void> {
  if (!args.dlq) throw new UsageError('name the dead-letter queue: lambench redrive <dlq-url-or-arn>');
  if (args.max !== undefined && !(Number.isInteger(args.max) && args.max > 0)) throw new UsageError(`--max ${args.max} must be a whole number above 0`);
  const { redrive } = await import('../../replay/redrive.js');
  const { readMatchKeys } = await import('../../replay/matchKeys.js');
  const match = args.match && args.match.length > 0 ? await readMatchKeys(args.match.map(String)) : undefined;
  const style = styleFor(process.stdout);
  const interrupts = listenForInterrupts(undefined, undefined, 'the messages held are being handed back, then the summary is written');
  let result;
  try {
    result = await redrive({
      dlq: args.dlq,
      ...(args.to && { to: args.to }),
      ...(args.max !== undefined && { max: args.max }),
      ...(args.dryRun && { dryRun: true }),
      ...(match && { match }),
      aws: { region: args.region, profile: args.profile, endpointUrl: args.endpointUrl },
      signal: interrupts.stop,
      note: (message) => process.stderr.write(`lambench: note: ${oneLine(message)}\n`),
      onMessage: (entry) => {
        if (args.json) return void process.stdout.write(`${JSON.stringify({ type: args.dryRun ? 'wouldMove' : 'moved', ...entry })}\n`);
        const verb = args.dryRun ? style.dim('would move') : style.green('moved');
        const receives = entry.receiveCount === undefined ? '' : style.dim(`  ${entry.receiveCount} receive${entry.receiveCount === 1 ? '' : 's'}`);
        const id = entry.correlationId ? style.dim(`  id ${oneLine(entry.correlationId)}`) : '';
        process.stdout.write(`${verb} ${oneLine(entry.messageId)} → ${oneLine(entry.to)}${receives}${id}\n`);
      },
    });
  } finally {
    interrupts.dispose();
  }
  const left = Object.entries(result.leftBecause);
  const summary = {
    type: 'summary',
    dlq: result.dlqUrl,
    examined: result.examined,
    [args.dryRun ? 'wouldMove' : 'moved']: args.dryRun ? result.wouldMove : result.moved,
    notMatched: result.notMatched,
    left: Object.fromEntries(left),
    sentNotDeleted: result.sentNotDeleted,
    byDestination: result.byDestination,
    ...(result.interrupted && { interrupted: true }),
  };
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const moved = args.dryRun ? `${result.wouldMove} would move (dry run: nothing sent, nothing deleted)` : `${result.moved} moved (each sent, then deleted from the DLQ)`;
    const parts = [`${result.examined} examined`, moved];
    if (result.notMatched > 0) parts.push(`${result.notMatched} not matching --match, left in the DLQ`);
    for (const [reason, count] of left) parts.push(`${count} left in the DLQ: ${reason}`);
    if (result.sentNotDeleted > 0) parts.push(`${result.sentNotDeleted} sent but still in the DLQ too (the delete failed)`);
    process.stderr.write(`${style.dim(`lambench redrive: ${parts.join('; ')}`)}\n`);
  }
  if (result.interrupted) throw new InterruptedError('interrupted: what moved was sent before it was deleted; the rest is still in the DLQ');
  const failedSends = left.filter(([reason]) => reason.startsWith('the send to'));
  if (failedSends.length > 0) throw new TargetUnavailableError(`${failedSends.reduce((sum, [, count]) => sum + count, 0)} message(s) could not be sent back and are still in the DLQ (${failedSends[0]![0]})`);
}
