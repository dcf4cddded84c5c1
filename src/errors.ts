/**
 * One error hierarchy for everything a user can see. Each class carries the exit code of the
 * contract; `src/cli/main.ts` is the only place that turns an error into a process exit code.
 * Messages are one line that names what was wrong and how to fix it.
 */
export const ExitCode = {
  ok: 0,
  /** The call was answered but failed: a function error, an HTTP status >= 400, thresholds, delivery. */
  failed: 1,
  /** Bad usage or bad input: nothing was sent. */
  usage: 2,
  /** The target or AWS refused, or could not be reached (not found, access denied, unreachable, TLS). */
  unavailable: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class LambenchError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flags, bad payload, bad configuration: caught before anything was sent. */
export class UsageError extends LambenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** The call was answered and the answer is a failure (function error, HTTP error status). */
export class CallFailedError extends LambenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.failed, options);
  }
}

/** The target or AWS refused the call, or could not be reached at all. */
export class TargetUnavailableError extends LambenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.unavailable, options);
  }
}

export class InterruptedError extends LambenchError {
  constructor(message = 'interrupted', options?: { cause?: unknown }) {
    super(message, ExitCode.interrupted, options);
  }
}

/** The message of anything thrown, for wrapping foreign errors into one of ours. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
