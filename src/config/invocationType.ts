/**
 * The invocation types (one phase each in a load run) and every spelling a user may give them:
 * below everything else, so a run's configuration, the targets and the reports name them alike.
 */
import { UsageError } from '../errors.js';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

const ALIASES: Record<string, InvocationType> = {
  requestresponse: 'RequestResponse',
  sync: 'RequestResponse',
  event: 'Event',
  async: 'Event',
  dryrun: 'DryRun',
  'dry-run': 'DryRun',
};

export const INVOCATION_TYPE_CHOICES = 'RequestResponse|Event|DryRun (or sync, async, event, dry-run)';

/** Any case, with the aliases sync/async/event/dry-run; undefined when it is none of them. */
export function invocationTypeOf(text: string): InvocationType | undefined {
  return ALIASES[text.trim().toLowerCase()];
}

/** What is wrong with a spelling that is no invocation type, after the name of the input it came from. */
export function notAnInvocationType(text: string): string {
  return `'${text}' is not an invocation type: use ${INVOCATION_TYPE_CHOICES}`;
}

/** `--type` in any case, with the aliases sync/async/event/dry-run. */
export function parseInvocationType(text: string, flag = '--type'): InvocationType {
  const type = invocationTypeOf(text);
  if (type === undefined) throw new UsageError(`${flag} ${notAnInvocationType(text)}`);
  return type;
}

/**
 * A phase's name in reports and thresholds: sync, async, dryrun; a queue target's one phase (its
 * messages, which the event source mapping hands on) is `queue`.
 */
export function phaseName(type: InvocationType, callKind?: 'lambda' | 'http' | 'queue'): string {
  if (callKind === 'queue') return 'queue';
  return type === 'RequestResponse' ? 'sync' : type === 'Event' ? 'async' : 'dryrun';
}
