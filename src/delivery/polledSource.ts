/**
 * Evidence read in passes rather than from a queue (an S3 prefix, a log group): a loop that runs a
 * pass, pauses, and runs the next until stopped. A pass that fails is tried again at the next;
 * since when it fails, and why, is kept for the tracker to say why pending events are unverified.
 */
import { messageOf } from '../errors.js';
import { awsErrorName } from '../aws/lambdaControl.js';
import { sleep } from '../time.js';

export abstract class PolledSource {
  protected readonly controller = new AbortController();
  /** Since when passes fail, and why (undefined once one succeeds). */
  protected failing: { since: number; why: string } | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly intervalMs: number) {}

  /** One read of the source; throws when it cannot be read. */
  abstract pass(): Promise<void>;

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop; a pass under way is aborted. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  /** A failed pass in words (subclasses name the permission they were refused). */
  protected describeFailure(error: unknown): string {
    return awsErrorName(error) || messageOf(error);
  }

  /** `<label>: <what> failing since <when> (<why>)`, while passes fail. */
  protected failingReason(label: string, what: string): string | undefined {
    return this.failing && `${label}: ${what} failing since ${new Date(this.failing.since).toISOString()} (${this.failing.why})`;
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      try {
        await this.pass();
        this.failing = undefined;
      } catch (error) {
        if (signal.aborted) return;
        this.failing ??= { since: Date.now(), why: this.describeFailure(error) };
      }
      await sleep(this.intervalMs, signal);
    }
  }
}
