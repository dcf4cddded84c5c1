/**
 * What a queue target's run adds to the load: before sending, what the queue is wired to (its
 * event source mappings, the mapped functions' timeouts, its redrive policy) with AWS's warnings;
 * while sending and after, the evidence of what became of each message (its DLQ, an output queue,
 * the queue's depth), when delivery is verified.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsOptions } from '../aws/awsConfig.js';
import { createLambdaControlClient } from '../aws/lambdaControl.js';
import { isQueueArn, resolveQueueUrl } from '../aws/queueRef.js';
import { createSqsClient, regionOfQueueUrl } from '../aws/sqsClient.js';
import { regionFromArn } from '../aws/awsConfig.js';
import type { DeliveryConfig, QueueCall } from '../config/runConfig.js';
import { QueueEvidence, type QueueDeliveryReport } from '../delivery/queueDelivery.js';
import { discoverQueueWiring, readQueue, type QueueWiring } from '../discovery/queueWiring.js';

export interface QueuePhase {
  wiring: QueueWiring;
  /** Present when delivery is verified. */
  evidence?: QueueEvidence;
  /** Waits (at most settleMs) for the queue to drain and the evidence to come in, and stops reading: what became of the messages. */
  finish(settleMs: number, signal?: AbortSignal): Promise<QueueDeliveryReport | undefined>;
  /** Stops whatever still reads (held messages handed back), on every exit path. */
  close(): Promise<void>;
}

/**
 * Reads the queue's wiring (unless --no-discover: then only the queue itself, and the report says
 * what is unknown) and, with delivery verified, starts the evidence: the DLQ (given, or the redrive
 * policy's) and the output queue read, the depth's baseline taken, before the first send.
 */
export async function openQueuePhase(call: QueueCall, delivery: DeliveryConfig | undefined, note: (message: string) => void, signal?: AbortSignal): Promise<QueuePhase> {
  const aws: AwsOptions = call.aws;
  const sqs: SQSClient = await createSqsClient(aws, isQueueArn(call.queue) ? [] : [call.queue], note);
  let evidence: QueueEvidence | undefined;
  let stopped: Promise<QueueDeliveryReport> | undefined;
  const stop = () => (stopped ??= evidence!.stop());
  const close = async () => {
    if (evidence) await stop().catch(() => undefined);
    sqs.destroy();
  };
  const finish = async (settleMs: number, stopSignal?: AbortSignal) => {
    if (!evidence) return undefined;
    await evidence.settle(settleMs, stopSignal);
    return stop();
  };
  try {
    let wiring: QueueWiring;
    if (call.discover) {
      // The Lambda control plane is not the SQS endpoint: --endpoint-url is SQS's for a queue target,
      // so the Lambda client takes AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL, as the AWS CLI does.
      const region = regionFromArn(call.queue) ?? regionOfQueueUrl(call.queue);
      const lambda = await createLambdaControlClient({ region: aws.region, profile: aws.profile }, note, region);
      try {
        wiring = await discoverQueueWiring(sqs, lambda, call.queue, signal);
      } finally {
        lambda.destroy();
      }
    } else {
      wiring = { ...(await readQueue(sqs, call.queue, signal)), warnings: [], unknown: ['what reads the queue (--no-discover): its event source mappings, their batch size, concurrency and function timeout'] };
    }
    if (delivery) {
      const dlqUrl = delivery.dlq ? await resolveQueueUrl(sqs, delivery.dlq, '--dlq', signal) : wiring.redrive?.dlqUrl;
      const outputQueueUrl = delivery.outputQueue ? await resolveQueueUrl(sqs, delivery.outputQueue, '--output-queue', signal) : undefined;
      if (!dlqUrl) note('queue: no DLQ is known (the queue has no redrive policy, and no --dlq was given): a message that keeps failing cannot be told from one still in the queue');
      if (!outputQueueUrl) note('queue: without --output-queue, processed messages are derived from the counts (sent − dead-lettered − still in the queue), not seen one by one');
      evidence = new QueueEvidence({ sqs, queueUrl: wiring.queueUrl, ...(dlqUrl && { dlqUrl }), ...(outputQueueUrl && { outputQueueUrl }), onWarning: note });
      await evidence.start();
    }
    return { wiring, ...(evidence && { evidence }), finish, close };
  } catch (error) {
    await close();
    throw error;
  }
}
