/**
 * How many pollers ("lanes", each with at most one batch in flight) an SQS mapping may run, as
 * Lambda scales them: 5 to start with (fewer if MaximumConcurrency is lower); while receives come
 * back full, 300 more a minute, up to MaximumConcurrency or 1,000, and never more than the batches
 * actually waiting in the queue; one fewer each time a long poll comes back empty, down to the
 * starting 5.
 *
 * Time-compressed: a minute of scaling takes 60 s × timeScale here. At each tick of
 * max(10 ms, 1 s × timeScale) the ceiling may grow by 300 × tick / (60 s × timeScale): 5 lanes a
 * second at timeScale 1 (AWS's rate), 10 every 10 ms at the default 0.005 (1,000 reached in about
 * 1 s), 50 every 10 ms at the tests' 0.001. The queue-depth cap keeps that compression from
 * starting hundreds of idle pollers on a laptop: Lambda too only adds pollers while messages wait.
 */
export const START_LANES = 5;
export const MAX_LANES = 1000;
const LANES_PER_MINUTE = 300;

export interface LaneScalerOptions {
  timeScale: number;
  /** MaximumConcurrency, or 1,000. */
  ceiling: () => number;
  /** Batches waiting to be taken (visible messages ÷ batch size, rounded up), plus those in flight. */
  demand: () => Promise<number>;
  /** The target grew: start lanes up to it. */
  grown: () => void;
}

export class LaneScaler {
  private current: number;
  private backlog = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;

  constructor(private readonly options: LaneScalerOptions) {
    this.current = this.floor();
  }

  /** The lanes allowed now. */
  get target(): number {
    return this.current;
  }

  floor(): number {
    return Math.min(START_LANES, this.options.ceiling());
  }

  /** The settings changed: keep the target within the new floor and ceiling. */
  clamp(): void {
    this.current = Math.min(Math.max(this.current, this.floor()), this.options.ceiling());
  }

  /** A long poll came back empty: one lane fewer, down to the floor. */
  idle(): void {
    if (this.current > this.floor()) this.current -= 1;
  }

  /** A receive came back full: more is waiting, so grow at Lambda's rate while that lasts. */
  sawBacklog(): void {
    this.backlog = true;
    if (this.timer !== undefined || this.stopped || this.current >= this.options.ceiling()) return;
    const tickMs = Math.max(10, 1000 * this.options.timeScale);
    const step = Math.max(1, Math.round((LANES_PER_MINUTE * tickMs) / (60_000 * this.options.timeScale)));
    this.timer = setInterval(() => void this.tick(step), tickMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(step: number): Promise<void> {
    if (this.ticking) return;
    if (!this.backlog || this.stopped || this.current >= this.options.ceiling()) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.ticking = true;
    this.backlog = false;
    try {
      const demand = await this.options.demand();
      const next = Math.min(this.options.ceiling(), this.current + step, Math.max(this.current, demand));
      if (!this.stopped && next > this.current) {
        this.current = next;
        this.options.grown();
      }
    } catch {
      // The queue could not be asked: no growth this tick.
    } finally {
      this.ticking = false;
    }
  }
}
