/**
 * SQS's ListDeadLetterSourceQueues, which fauxqs lacks: the queues whose RedrivePolicy names a
 * given queue as their DLQ. Answered by the SQS proxy (JSON protocol, as the SDK and the AWS CLI
 * speak it to SQS) from the emulator's own ListQueues and GetQueueAttributes, so it is always true
 * to the queues as they are now. `lambench redrive` asks it to tell a DLQ from any other queue.
 */
import { GetQueueAttributesCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface LocalAnswer {
  status: number;
  body: unknown;
  /** The query-protocol error code, for x-amzn-query-error. */
  queryError?: string;
}

export async function listDeadLetterSourceQueues(client: SQSClient, input: { QueueUrl?: string; MaxResults?: number; NextToken?: string }): Promise<LocalAnswer> {
  const { QueueUrls = [] } = await client.send(new ListQueuesCommand({ MaxResults: 1000 }));
  const target = QueueUrls.find((url) => url === input.QueueUrl || sameQueue(url, input.QueueUrl));
  if (!target) {
    return { status: 400, body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }, queryError: 'AWS.SimpleQueueService.NonExistentQueue;Sender' };
  }
  const arnOf = async (url: string) => (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }))).Attributes ?? {};
  const targetArn = (await arnOf(target)).QueueArn;
  const sources: string[] = [];
  for (const url of QueueUrls) {
    const policy = (await arnOf(url)).RedrivePolicy;
    if (!policy) continue;
    try {
      if ((JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn === targetArn) sources.push(url);
    } catch {
      // a policy that is not JSON names no DLQ
    }
  }
  const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) || 0 : 0;
  const size = input.MaxResults ?? 1000;
  const page = sources.slice(start, start + size);
  const next = start + size < sources.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { status: 200, body: { queueUrls: page, ...(next && { NextToken: next }) } };
}

/** Queue URLs naming the same queue whatever host the client used (localhost vs 127.0.0.1). */
function sameQueue(a: string, b: string | undefined): boolean {
  if (!b) return false;
  try {
    return new URL(a).pathname === new URL(b).pathname;
  } catch {
    return false;
  }
}
