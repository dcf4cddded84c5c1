/** The command-line flags of a call (shared by invoke and bench), turned into CallOptions. */
import { UsageError } from '../errors.js';
import type { CallOptions } from '../targets/prepareCall.js';
import { parseDuration } from '../duration.js';

export interface CallArgs {
  target?: string;
  payload?: string;
  payloadFile?: string;
  qualifier?: string;
  logType?: string;
  clientContext?: string;
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
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export function callOptionsFrom(args: CallArgs): CallOptions {
  return {
    target: args.target ?? '',
    ...(args.payload !== undefined && { payload: args.payload }),
    ...(args.payloadFile !== undefined && { payloadFile: args.payloadFile }),
    ...(args.qualifier !== undefined && { qualifier: args.qualifier }),
    ...(args.logType !== undefined && { logType: args.logType }),
    ...(args.clientContext !== undefined && { clientContext: args.clientContext }),
    ...(args.retries !== undefined && { retries: parseRetries(args.retries) }),
    ...(args.timeout !== undefined && { timeoutMs: parsePositiveDuration(args.timeout, '--timeout') }),
    ...(args.method !== undefined && { method: args.method }),
    ...(args.header !== undefined && { headers: ([] as string[]).concat(args.header) }),
    ...(args.asyncVia !== undefined && { asyncVia: args.asyncVia }),
    ...(args.asyncHeader !== undefined && { asyncHeader: args.asyncHeader }),
    ...(args.asyncBodyPath !== undefined && { asyncBodyPath: args.asyncBodyPath }),
    ...(args.asyncUrl !== undefined && { asyncUrl: args.asyncUrl }),
    ...(args.correlationId === false ? { correlationPath: null } : args.correlationPath !== undefined ? { correlationPath: args.correlationPath } : {}),
    ...(args.correlationHeader !== undefined && { correlationHeader: args.correlationHeader }),
    ...(args.sigv4 && { sigv4: true }),
    ...(args.region !== undefined && { region: args.region }),
    ...(args.profile !== undefined && { profile: args.profile }),
    ...(args.endpointUrl !== undefined && { endpointUrl: args.endpointUrl }),
  };
}

/** A note printer that says each distinct note once, on stderr. */
export function notePrinter(): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (!seen.has(message)) process.stderr.write(`lambench: note: ${message}\n`);
    seen.add(message);
  };
}

function parseRetries(text: string): number {
  const retries = Number(text);
  if (text.trim() === '' || !Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new UsageError(`--retries '${text}' must be a whole number from 0 to 10`);
  }
  return retries;
}

/** `absent`: what leaving the flag out gives, for the message (e.g. 'no limit', 'no ramp'). */
export function parsePositiveDuration(text: string, flag: string, absent = 'no limit'): number {
  const ms = parseDuration(text, flag);
  if (ms <= 0) throw new UsageError(`${flag} '${text}' must be above 0 (leave it out for ${absent})`);
  return ms;
}
