/** `lambench invoke <target>`: parse, call, render; the outcome decides the exit code. */
import { CallFailedError, InterruptedError, TargetUnavailableError, UsageError } from '../../errors.js';
import { awaitingRetryText, invokeOnce } from '../../run/invokeOnce.js';
import { outcomeError } from '../../targets/outcomeError.js';
import { callInput, notePrinter, type CallArgs } from '../callArgs.js';
import { parseDuration } from '../../duration.js';
import { renderInvoke } from '../render/invokeText.js';
import { styleFor } from '../style.js';
import { listenForInterrupts } from '../interrupts.js';

export interface InvokeArgs extends CallArgs {
  type?: string;
  wait?: boolean;
  destinationQueue?: string;
  dlq?: string;
  waitTimeout?: string;
  /** After the call, its REPORT per attempt from the function's CloudWatch Logs. */
  logs?: boolean;
  /** --logs: how long to wait for the log lines. */
  settle?: string;
  json?: boolean;
}

/** How long --logs waits for the log lines: CloudWatch Logs ingests in seconds, rarely more. */
const DEFAULT_LOGS_SETTLE = '30s';

export async function invokeCommand(args: InvokeArgs): Promise<void> {
  if (args.settle !== undefined && !args.logs) throw new UsageError('--settle applies to --logs (how long to wait for the log lines): add --logs, or leave --settle out');
  const logs = args.logs ? { settleMs: parseDuration(args.settle ?? DEFAULT_LOGS_SETTLE, '--settle') } : undefined;
  // --wait and --logs listen: Ctrl-C ends the wait (the temporary taps are removed) or the look for the
  // log lines (the call's result is still shown, with what was found), then exits 130.
  const interrupts = args.wait || args.logs ? listenForInterrupts() : undefined;
  let result;
  try {
    result = await invokeOnce({
      ...callInput(args),
      target: args.target ?? '',
      type: args.type,
      // --wait reads the function's logs as evidence where no destination tells (--no-logs: never; --logs: always).
      wait: args.wait ? { destinationQueue: args.destinationQueue, dlq: args.dlq, timeoutMs: parseDuration(args.waitTimeout ?? '60s', '--wait-timeout'), ...(args.logs !== undefined && { logs: args.logs }) } : undefined,
      note: notePrinter(),
      // On a terminal, the wait for the logs (up to --settle) is said as it starts.
      ...(logs && { logs: { ...logs, ...(process.stderr.isTTY && { onWaiting: (message: string) => process.stderr.write(`lambench: ${message}\n`) }) } }),
      ...(interrupts && { signal: interrupts.stop }),
    });
  } finally {
    interrupts?.dispose();
  }
  const { document, outcome, target } = result;
  await target.close();

  const answered = outcome.statusCode !== undefined;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(document)}\n`);
  } else if (answered && !outcome.refusedByService) {
    // A refused Invoke API call has no body worth showing: the one error line says it all.
    process.stdout.write(renderInvoke(document, styleFor(process.stdout)));
  }
  if (document.interrupted) throw new InterruptedError(`interrupted ${document.interrupted}: the call's result is shown with what was found until then`);
  const error = outcomeError(outcome, target);
  if (error) throw error;
  if (document.completionUnverified) throw new TargetUnavailableError(document.completionUnverified);
  if (document.logs?.unreadable) throw new TargetUnavailableError(document.logs.unreadable);
  if (document.awaitingRetry) throw new CallFailedError(`no completion yet: ${awaitingRetryText(document.awaitingRetry)}`);
  if (document.completion === null) throw new CallFailedError('no completion record arrived before --wait-timeout: the event may still be in flight, or lost');
  if (document.completion && document.completion.condition !== 'Success') {
    throw new CallFailedError(`the event did not succeed: ${document.completion.condition} after ${document.completion.attempts ?? '?'} attempts`);
  }
}
