/**
 * One queue checked before a run sends anything: it exists and answers (within a deadline, so an
 * SQS that never answers fails here, exit 3, nothing sent); its redrive policy, toward which every
 * read of a message lambench does not delete counts; and its backlog, which the pollers must read past.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { HOLD_SECONDS } from './heldMessages.js';
import { withSqsDeadline } from '../aws/sqsClient.js';
import { queueError } from './sqsFailure.js';
import { parseRedrivePolicy } from '../aws/queueRef.js';

/** Returns the messages the queue holds now (ApproximateNumberOfMessages), when SQS says. */
export async function checkQueue(sqs: SQSClient, queueUrl: string, signal: AbortSignal, sayBacklogFrom: number, warn?: (message: string) => void): Promise<number | undefined> {
  let attributes: Record<string, string> | undefined;
  try {
    const command = new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy', 'ApproximateNumberOfMessages'] });
    ({ Attributes: attributes } = await withSqsDeadline((options) => sqs.send(command, options), signal));
  } catch (error) {
    throw queueError(queueUrl, error);
  }
  const maxReceiveCount = parseRedrivePolicy(attributes?.RedrivePolicy)?.maxReceiveCount;
  if (maxReceiveCount !== undefined) {
    warn?.(`${queueUrl} has a redrive policy (maxReceiveCount ${maxReceiveCount}): messages lambench reads but does not match are hidden for up to ${HOLD_SECONDS} s and then handed back, never deleted, yet each read counts toward it`);
  }
  const backlog = Number(attributes?.ApproximateNumberOfMessages);
  if (!Number.isFinite(backlog)) return undefined;
  if (backlog >= sayBacklogFrom) {
    warn?.(
      `${queueUrl} holds about ${backlog} messages already: lambench reads past them to find this run's records (each hidden for up to ${HOLD_SECONDS} s, then handed back; none deleted), which takes about ${Math.ceil(backlog / 10)} reads; events whose records are not found before the reading ends (--settle) are reported unverified, not missing`,
    );
  }
  return backlog;
}
