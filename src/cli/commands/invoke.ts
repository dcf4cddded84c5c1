/** `lambench invoke <target>`: parse, call, render; the outcome decides the exit code. */
import { CallFailedError, UsageError } from '../../errors.js';
import { invokeOnce } from '../../targets/invokeOnce.js';
import { outcomeError } from '../../targets/outcomeError.js';
import { parseDuration } from '../duration.js';
import { renderInvoke } from '../render/invokeText.js';
import { styleFor } from '../style.js';

export interface InvokeArgs {
  target?: string;
  type?: string;
  payload?: string;
  payloadFile?: string;
  qualifier?: string;
  logType?: string;
  clientContext?: string;
  retries?: string;
  wait?: boolean;
  destinationQueue?: string;
  dlq?: string;
  waitTimeout?: string;
  json?: boolean;
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

export async function invokeCommand(args: InvokeArgs): Promise<void> {
  const notes = new Set<string>();
  const { document, outcome, target } = await invokeOnce({
    target: args.target ?? '',
    ...(args.type !== undefined && { type: args.type }),
    ...(args.payload !== undefined && { payload: args.payload }),
    ...(args.payloadFile !== undefined && { payloadFile: args.payloadFile }),
    ...(args.qualifier !== undefined && { qualifier: args.qualifier }),
    ...(args.logType !== undefined && { logType: args.logType }),
    ...(args.clientContext !== undefined && { clientContext: args.clientContext }),
    ...(args.retries !== undefined && { retries: parseRetries(args.retries) }),
    ...(args.wait && {
      wait: {
        ...(args.destinationQueue !== undefined && { destinationQueue: args.destinationQueue }),
        ...(args.dlq !== undefined && { dlq: args.dlq }),
        timeoutMs: parseDuration(args.waitTimeout ?? '60s', '--wait-timeout'),
      },
    }),
    ...(args.timeout !== undefined && { timeoutMs: parseTimeout(args.timeout) }),
    ...(args.method !== undefined && { method: args.method }),
    ...(args.header !== undefined && { headers: ([] as string[]).concat(args.header) }),
    ...(args.asyncVia !== undefined && { asyncVia: args.asyncVia }),
    ...(args.asyncHeader !== undefined && { asyncHeader: args.asyncHeader }),
    ...(args.asyncBodyPath !== undefined && { asyncBodyPath: args.asyncBodyPath }),
    ...(args.asyncUrl !== undefined && { asyncUrl: args.asyncUrl }),
    ...(args.correlationId === false ? { correlationPath: null } : args.correlationPath !== undefined ? { correlationPath: args.correlationPath } : {}),
    ...(args.correlationHeader !== undefined && { correlationHeader: args.correlationHeader }),
    ...(args.sigv4 && { sigv4: true }),
    region: args.region,
    profile: args.profile,
    endpointUrl: args.endpointUrl,
    note: (message) => {
      if (!notes.has(message)) process.stderr.write(`lambench: note: ${message}\n`);
      notes.add(message);
    },
  });
  await target.close();

  const answered = outcome.statusCode !== undefined;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(document)}\n`);
  } else if (answered && !outcome.refusedByService) {
    // A refused Invoke API call has no body worth showing: the one error line says it all.
    process.stdout.write(renderInvoke(document, styleFor(process.stdout)));
  }
  const error = outcomeError(outcome, target);
  if (error) throw error;
  if (document.completion === null) throw new CallFailedError('no completion record arrived before --wait-timeout: the event may still be in flight, or lost');
  if (document.completion && document.completion.condition !== 'Success') {
    throw new CallFailedError(`the event did not succeed: ${document.completion.condition} after ${document.completion.attempts ?? '?'} attempts`);
  }
}

function parseRetries(text: string): number {
  const retries = Number(text);
  if (text.trim() === '' || !Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new UsageError(`--retries '${text}' must be a whole number from 0 to 10`);
  }
  return retries;
}

function parseTimeout(text: string): number {
  const ms = parseDuration(text, '--timeout');
  if (ms <= 0) throw new UsageError(`--timeout '${text}' must be above 0 (leave it out for no limit)`);
  return ms;
}
