/**
 * A delivery tracker with its own SQS client, its queues checked before anything is sent (a wrong
 * queue URL fails the run up front). Shared by `invoke --wait`, `bench --verify-delivery` and `poll`.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsOptions } from '../aws/awsConfig.js';
import type { DeliveryTracker, DeliveryTrackerOptions } from './deliveryTracker.js';

export interface OpenTracker {
  tracker: DeliveryTracker;
  /** Stops the pollers (settling what they hold) and the client. */
  close(): Promise<void>;
}

/** What a caller that made its own SQS client (to create taps) brings: the client, kept open, and what to do once the tracker has stopped. */
export interface TrackerOwner {
  sqs: SQSClient;
  afterStop: () => Promise<void>;
}

export async function openDeliveryTracker(
  queues: (string | undefined)[],
  aws: AwsOptions,
  note: (message: string) => void,
  options: Omit<DeliveryTrackerOptions, 'sqs' | 'queueUrls'> = {},
  owner?: TrackerOwner,
): Promise<OpenTracker> {
  const [{ createSqsClient }, { DeliveryTracker }] = await Promise.all([import('../aws/sqsClient.js'), import('./deliveryTracker.js')]);
  const queueUrls = [...new Set(queues.filter((url): url is string => Boolean(url)))];
  const sqs = owner?.sqs ?? (await createSqsClient(aws, queueUrls, note));
  const tracker = new DeliveryTracker({ onWarning: note, ...options, sqs, queueUrls });
  const close = async () => {
    await tracker.stop();
    if (owner) await owner.afterStop();
    else sqs.destroy();
  };
  try {
    await tracker.checkQueues();
  } catch (error) {
    await close();
    throw error;
  }
  return { tracker, close };
}
