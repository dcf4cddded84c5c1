/**
 * The command-line flags of a call (shared by invoke, bench and run), as a run's input: values
 * typed (durations in milliseconds), not checked. The checks are buildRunConfig's (or invokeOnce's),
 * made once for flags and profiles alike.
 */
import type { CallInput } from '../config/runInput.js';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';

export interface CallArgs {
  target?: string;
  payload?: string;
  payloadFile?: string;
  qualifier?: string;
  logType?: string;
  clientContext?: string;
  /** Text, not a yargs number: `--retries` with no value or an empty one is refused, not read as 0 or left out. */
  retries?: string;
  timeout?: string;
  method?: string;
  header?: string | string[];
  asyncVia?: string;
  asyncHeader?: string;
  asyncBodyPath?: string;
  asyncUrl?: string;
  correlationPath?: string;
  correlationHeader?: string;
  correlationId?: boolean;
  sigv4?: boolean;
  messageGroupId?: string;
  contentDedup?: boolean;
  delay?: string;
  messageAttribute?: string | string[];
  discover?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

/** The call's flags; a flag not given is left undefined (so, under `run`, the profile's field stands). */
export function callInput(args: CallArgs): Omit<CallInput, 'target'> & { target: string | undefined } {
  return {
    target: args.target,
    payload: args.payload,
    payloadFile: args.payloadFile,
    qualifier: args.qualifier,
    logType: args.logType,
    clientContext: args.clientContext,
    retries: numberFlag(args.retries, '--retries'),
    timeoutMs: durationFlag(args.timeout, '--timeout'),
    method: args.method,
    headers: args.header === undefined ? undefined : ([] as string[]).concat(args.header),
    asyncVia: args.asyncVia,
    asyncHeader: args.asyncHeader,
    asyncBodyPath: args.asyncBodyPath,
    asyncUrl: args.asyncUrl,
    correlationPath: args.correlationId === false ? null : args.correlationPath,
    correlationHeader: args.correlationHeader,
    sigv4: args.sigv4 || undefined,
    messageGroupId: args.messageGroupId,
    contentDedup: args.contentDedup || undefined,
    delayMs: durationFlag(args.delay, '--delay'),
    messageAttributes: args.messageAttribute === undefined ? undefined : ([] as string[]).concat(args.messageAttribute),
    discover: args.discover,
    region: args.region,
    profile: args.profile,
    endpointUrl: args.endpointUrl,
  };
}

/** A duration flag in milliseconds (its text checked here; whether it is long enough, with the run). */
export function durationFlag(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parseDuration(text, flag);
}

/** A number flag taken as text: the number, its text checked here (whether it is in range, with the run). */
export function numberFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new UsageError(`${flag} '${text}' is not a number`);
  return value;
}

/** A note printer that says each distinct note once, on stderr. */
export function notePrinter(): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (!seen.has(message)) process.stderr.write(`lambench: note: ${message}\n`);
    seen.add(message);
  };
}
