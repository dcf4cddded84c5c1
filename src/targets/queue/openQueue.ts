/**
 * A queue call's target, opened: the queue found (an ARN looked up as a URL), checked to exist
 * and to be what the call says (FIFO needs a message group), before anything is sent. A queue
 * that does not exist, like SQS not answering, ends it before anything is sent (exit 3).
 * A load test sends on the direct signed path (directSqsSender.ts) unless `--sdk`; a one-off
 * message goes through the SDK client.
 */
import { UsageError } from '../../errors.js';
import { isQueueArn, readQueueAttributes, resolveQueueUrl } from '../../aws/queueRef.js';
import { resolveSqsAws, sqsClientFor } from '../../aws/sqsClient.js';
import type { QueueCall } from '../../config/runConfig.js';
import type { Target } from '../types.js';
import { createSqsTarget } from './sqsTarget.js';
import type { SqsSender } from './sqsSender.js';
import { sdkSqsSender } from './sdkSqsSender.js';

export async function openQueueTarget(call: QueueCall, use: { connections?: number; forLoad?: boolean; note: (message: string) => void }): Promise<Target> {
  const aws = await resolveSqsAws(call.aws, isQueueArn(call.queue) ? [] : [call.queue], use.note);
  const connections = use.connections !== undefined ? Math.max(1, use.connections) : undefined;
  const client = sqsClientFor(aws, { maxAttempts: 1, ...(connections !== undefined && { connections }) });
  try {
    const queueUrl = await resolveQueueUrl(client, call.queue, 'queue');
    const attributes = await readQueueAttributes(client, queueUrl, ['FifoQueue', 'ContentBasedDeduplication'], 'queue', call.queue, undefined, '; nothing was sent');
    const fifo = attributes.FifoQueue === 'true';
    if (fifo && !call.messageGroupId) throw new UsageError(`queue ${call.queue} is a FIFO queue: give --message-group-id GROUP (every message needs one); nothing was sent`);
    if (!fifo && call.messageGroupId) use.note('--message-group-id applies to FIFO queues only: this standard queue ignores it');
    let sender: SqsSender;
    if (use.forLoad && !call.sdk) {
      client.destroy();
      const [{ createDirectSqsSender }, { VERSION }] = await Promise.all([import('./directSqsSender.js'), import('../../version.js')]);
      // Where the SDK would send: the configured endpoint, else the queue URL's own origin.
      sender = createDirectSqsSender({ aws, endpoint: new URL(aws.endpoint ?? new URL(queueUrl).origin), ...(connections !== undefined && { connections }), userAgent: `lambench/${VERSION}` });
    } else {
      sender = sdkSqsSender(client);
    }
    return createSqsTarget({
      sender,
      queueUrl,
      description: call.target,
      fifo,
      ...(call.messageGroupId && { messageGroupId: call.messageGroupId }),
      // Each message its own deduplication ID unless the queue deduplicates by content (or was told to).
      deduplicate: fifo && !call.contentDedup && attributes.ContentBasedDeduplication !== 'true',
      ...(call.delaySeconds !== undefined && { delaySeconds: call.delaySeconds }),
      attributes: call.attributes,
      ...(call.timeoutMs !== undefined && { timeoutMs: call.timeoutMs }),
    });
  } catch (error) {
    client.destroy();
    throw error;
  }
}
