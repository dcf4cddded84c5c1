/**
 * Reading a queue through without taking what is not ours to take, for `redrive` and `replay`:
 * each message received is handed to the caller once; what the caller does not delete it keeps
 * (held hidden, HOLD_SECONDS, so the read gets past it to the next ones) and everything kept is
 * handed back (visible again) by the caller's HeldMessages at the end, on every exit path.
 *
 * A message read past comes back once its hold ends (a long read of a big queue): it is held
 * again, never handed to the caller twice. The read ends after two empty long polls of new
 * messages in a row, when `want()` says 0, when the signal fires, or at MAX_HELD held messages
 * (SQS allows 120,000 in flight on a standard queue: stop well before that).
 */
import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { withSqsDeadline } from '../aws/sqsClient.js';
import { HOLD_SECONDS, type HeldMessages } from '../delivery/heldMessages.js';

/** Empty long polls (of WAIT_SECONDS each) in a row that say the queue has been read through. */
const EMPTY_POLLS_TO_STOP = 2;
const WAIT_SECONDS = 1;
export const MAX_HELD = 100_000;

export interface ReadThroughOptions {
  sqs: SQSClient;
  queueUrl: string;
  held: HeldMessages;
  /** How many more messages the caller wants (0 ends the read). */
  want(): number;
  signal?: AbortSignal;
}

/** Calls `take` with each new message, in order, one at a time; `keep()` leaves it in the queue (handed back at the end). */
export async function readThrough(options: ReadThroughOptions, take: (message: Message, keep: () => void) => Promise<void>): Promise<{ stoppedAtMaxHeld: boolean }> {
  const { sqs, queueUrl, held, signal } = options;
  const seen = new Set<string>();
  let emptyPolls = 0;
  const idOf = (message: Message) => message.MessageId ?? message.ReceiptHandle!;
  while (!signal?.aborted && options.want() > 0 && held.size < MAX_HELD && emptyPolls < EMPTY_POLLS_TO_STOP) {
    const receivedAt = Date.now();
    const { Messages = [] } = await withSqsDeadline(
      (call) =>
        sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, options.want()), WaitTimeSeconds: WAIT_SECONDS, VisibilityTimeout: HOLD_SECONDS, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
          call,
        ),
      signal,
      WAIT_SECONDS,
    ).catch((error: unknown) => {
      if (signal?.aborted) return { Messages: [] };
      throw error;
    });
    const fresh = Messages.filter((message) => !seen.has(idOf(message)));
    for (const message of Messages) if (seen.has(idOf(message))) held.hold(idOf(message), queueUrl, message.ReceiptHandle!, receivedAt);
    emptyPolls = fresh.length === 0 ? emptyPolls + 1 : 0;
    for (const [index, message] of fresh.entries()) {
      seen.add(idOf(message));
      const keep = () => held.hold(idOf(message), queueUrl, message.ReceiptHandle!, receivedAt);
      // Received beyond what is wanted (the caller's count moved while this batch was taken): left alone.
      if (signal?.aborted || options.want() === 0) {
        keep();
        continue;
      }
      try {
        await take(message, keep);
      } catch (error) {
        // The caller failed on this message: it and the rest of the batch are handed back with the others at the end.
        for (const left of fresh.slice(index)) held.hold(idOf(left), queueUrl, left.ReceiptHandle!, receivedAt);
        throw error;
      }
    }
  }
  return { stoppedAtMaxHeld: held.size >= MAX_HELD };
}
