/**
 * Ctrl-C and SIGTERM during a load run (`bench`, `run`, `demo`) or a `poll`, counted: the first stops sending
 * and gives the calls in flight a grace period; the second cuts them at once (they count as
 * interrupted) and what was measured is still written (raw lines, the partial report, `--out`,
 * `--html`), then the run exits 130; the third exits 130 at once, without the report, for a user
 * who wants out whatever it costs. Listening replaces Node's default, which would end the process
 * on the first signal: the listeners stay until the report is written.
 */
import { ExitCode } from '../errors.js';

export interface RunInterrupts {
  /** The first signal: stop sending. */
  stop: AbortSignal;
  /** The second signal: cut the calls in flight now. */
  cut: AbortSignal;
  /** Gives the signals back to Node's default. */
  dispose(): void;
}

export function listenForInterrupts(
  say: (message: string) => void = (message) => process.stderr.write(`lambench: ${message}\n`),
  exit: (code: number) => void = (code) => process.exit(code),
  /** What a second signal does, as said to the user (poll has no calls to cut, only messages to hand back). */
  secondMeans = 'cutting the calls in flight now; the partial report is still written',
): RunInterrupts {
  const stop = new AbortController();
  const cut = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    // The first is said by the verdict (exit 130, "interrupted"), as it always was.
    if (signals === 1) stop.abort();
    else if (signals === 2) {
      say(`second interrupt: ${secondMeans} (a third exits at once, without it)`);
      cut.abort();
    } else {
      say('third interrupt: exiting now, without the report');
      // The one place lambench ends the process itself: the user asked three times.
      exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    cut: cut.signal,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
