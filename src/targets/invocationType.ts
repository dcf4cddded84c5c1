import { UsageError } from '../errors.js';
import type { InvocationType } from './types.js';

const ALIASES: Record<string, InvocationType> = {
  requestresponse: 'RequestResponse',
  sync: 'RequestResponse',
  event: 'Event',
  async: 'Event',
  dryrun: 'DryRun',
  'dry-run': 'DryRun',
};

export const INVOCATION_TYPE_CHOICES = 'RequestResponse|Event|DryRun (or sync, async, event, dry-run)';

/** `--type` in any case, with the aliases sync/async/event/dry-run. */
export function parseInvocationType(text: string, flag = '--type'): InvocationType {
  const type = ALIASES[text.trim().toLowerCase()];
  if (type === undefined) {
    throw new UsageError(`${flag} '${text}' is not an invocation type: use ${INVOCATION_TYPE_CHOICES}`);
  }
  return type;
}
