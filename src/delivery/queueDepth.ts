/**
 * A queue's depth over a queue phase: visible, in flight and delayed messages, read every second
 * (GetQueueAttributes' Approximate* counts), from before the first send until the phase has
 * settled. It tells how fast the event source mapping drained what was sent, when the queue was
 * empty again, and what was still in it at the end. The counts are SQS's approximations (they lag
 * by up to a minute on AWS), and they count every message, this run's or not: the depth before
 * the first send is the baseline the rest is read against.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { withSqsDeadline } from '../aws/sqsClient.js';
import { sleep } from '../time.js';

export interface DepthSample {
  /** Milliseconds since the sampler started. */
  atMs: number;
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface QueueDepthSummary {
  startedAt: number;
  intervalMs: number;
  samples: DepthSample[];
  /** The depth before anything was sent (visible + in flight + delayed). */
  baseline: number;
  /** The depth at the last sample. */
  last?: DepthSample;
  /** From the last send to the first sample back at (or under) the baseline, when it got there. */
  lastSendToEmptyMs?: number;
  /** Messages drained per second between the first send and the queue being back at its baseline (or the last sample). */
  drainPerSecond?: number;
  /** Samples that could not be read (SQS refused or did not answer). */
  failedReads: number;
}

/** Samples kept at most: an hour at one a second; beyond it every other sample is dropped. */
const MAX_SAMPLES = 3_600;

export class QueueDepthSampler {
  private readonly samples: DepthSample[] = [];
  private readonly controller = new AbortController();
  private loop?: Promise<void>;
  private startedAt = 0;
  private firstSendAt?: number;
  private lastSendAt?: number;
  private sentCount = 0;
  private failedReads = 0;
  private baseline?: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly intervalMs = 1000,
  ) {}

  /** Reads the baseline, then samples every interval until stop(). */
  async start(): Promise<void> {
    this.startedAt = Date.now();
    const first = await this.read();
    this.baseline = first ? total(first) : 0;
    this.loop = this.run();
  }

  sent(at: number): void {
    this.firstSendAt ??= at;
    this.lastSendAt = Math.max(this.lastSendAt ?? at, at);
    this.sentCount++;
  }

  /** Resolves once the queue is back at its baseline after the last send, or `timeoutMs` passed. */
  async drained(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    // Nothing sent (every send refused): nothing to wait for.
    if (this.lastSendAt === undefined) return true;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !signal?.aborted) {
      // Two samples in a row back at the baseline: SQS's counts are approximations, and one reading
      // of an empty queue has been seen while a message was about to come back (a busy machine).
      const [before, last] = this.samples.slice(-2);
      const settled = (sample: DepthSample | undefined) => sample !== undefined && this.startedAt + sample.atMs > this.lastSendAt! && total(sample) <= (this.baseline ?? 0);
      if (settled(before) && settled(last)) return true;
      await sleep(Math.min(this.intervalMs / 2, Math.max(0, deadline - Date.now())), signal);
    }
    return false;
  }

  async stop(): Promise<QueueDepthSummary> {
    this.controller.abort();
    await this.loop;
    // One last reading: what is left in the queue now.
    await this.read();
    return this.summary();
  }

  summary(): QueueDepthSummary {
    const baseline = this.baseline ?? 0;
    const last = this.samples.at(-1);
    const emptyAgain = this.lastSendAt === undefined ? undefined : this.samples.find((sample) => this.startedAt + sample.atMs > this.lastSendAt! && total(sample) <= baseline);
    const summary: QueueDepthSummary = { startedAt: this.startedAt, intervalMs: this.intervalMs, samples: this.samples, baseline, failedReads: this.failedReads, ...(last && { last }) };
    if (emptyAgain) summary.lastSendToEmptyMs = this.startedAt + emptyAgain.atMs - this.lastSendAt!;
    const drainEnd = emptyAgain ?? last;
    const drainMs = drainEnd && this.firstSendAt !== undefined ? this.startedAt + drainEnd.atMs - this.firstSendAt : 0;
    if (drainMs > 0) {
      // What left the queue in that time: everything sent, less what was still in it (above the baseline) then.
      const left = Math.max(0, this.sentCount - Math.max(0, total(drainEnd!) - baseline));
      summary.drainPerSecond = (left * 1000) / drainMs;
    }
    return summary;
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      await sleep(this.intervalMs, signal);
      if (signal.aborted) break;
      await this.read();
    }
  }

  private async read(): Promise<DepthSample | undefined> {
    try {
      const { Attributes = {} } = await withSqsDeadline((call) =>
        this.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
          call,
        ),
      );
      const sample = {
        atMs: Date.now() - this.startedAt,
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      };
      if (this.samples.length >= MAX_SAMPLES) this.samples.splice(0, this.samples.length, ...this.samples.filter((_, index) => index % 2 === 0));
      this.samples.push(sample);
      return sample;
    } catch {
      this.failedReads++;
      return undefined;
    }
  }
}

export function total(sample: Pick<DepthSample, 'visible' | 'inFlight' | 'delayed'>): number {
  return sample.visible + sample.inFlight + sample.delayed;
}
