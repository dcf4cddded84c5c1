/** Waiting without polling hard: until a condition holds, woken when something changed (a sleep that an abort ends is time.ts's). */

export class Changes {
  private listeners: (() => void)[] = [];

  /** Wakes every wait under way to check its condition again. */
  notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  /** Resolves once `done()` holds, after `timeoutMs`, or on abort; checks at least every `tickMs` (default 1 s). */
  async until(done: () => boolean, timeoutMs: number, signal?: AbortSignal, tickMs?: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline && !signal?.aborted) {
      const wait = Math.max(1, Math.min(deadline - Date.now(), tickMs ?? 1000));
      await new Promise<void>((resolve) => {
        const listener = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.listeners = this.listeners.filter((other) => other !== listener);
          resolve();
        }, wait);
        this.listeners.push(listener);
      });
    }
  }
}
