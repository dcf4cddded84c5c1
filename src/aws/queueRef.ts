/**
 * An SQS queue named the two ways AWS names one: its URL, or its ARN
 * (`arn:aws:sqs:<region>:<account>:<name>`). Redrive policies, event source mappings and
 * DeadLetterQueueSourceArn give ARNs; SQS calls want URLs, which only GetQueueUrl may build (a
 * local emulator's URLs are not AWS's), so an ARN becomes a URL by asking SQS, never by formatting.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import { TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import { withSqsDeadline } from './sqsClient.js';

export interface QueueArn {
  partition: string;
  region: string;
  account: string;
  name: string;
}

const ARN = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

export function parseQueueArn(text: string): QueueArn | undefined {
  const match = ARN.exec(text);
  return match ? { partition: match[1]!, region: match[2]!, account: match[3]!, name: match[4]! } : undefined;
}

export function isQueueArn(text: string): boolean {
  return text.startsWith('arn:') && text.split(':')[2] === 'sqs';
}

/** The queue's name: an ARN's last field, a URL's last path segment. */
export function queueNameOf(reference: string): string {
  const arn = parseQueueArn(reference);
  if (arn) return arn.name;
  try {
    return new URL(reference).pathname.split('/').filter(Boolean).pop() ?? reference;
  } catch {
    return reference;
  }
}

/**
 * A queue URL for a URL or an ARN. A URL is taken as given; an ARN is looked up (GetQueueUrl
 * with the ARN's account as owner). A queue that does not exist, like any target not found,
 * exits 3 (TargetUnavailableError, naming `what`), as does SQS not answering; a reference that is
 * neither a URL nor an ARN is bad input (UsageError).
 */
export async function resolveQueueUrl(sqs: SQSClient, reference: string, what: string, stop?: AbortSignal): Promise<string> {
  if (!isQueueArn(reference)) {
    try {
      const url = new URL(reference);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // named below
    }
    throw new UsageError(`${what} '${reference}' is neither a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>) nor a queue ARN (arn:aws:sqs:<region>:<account>:<name>)`);
  }
  const arn = parseQueueArn(reference);
  if (!arn) throw new UsageError(`${what} '${reference}' is not a queue ARN: write arn:aws:sqs:<region>:<account>:<name>`);
  try {
    const { QueueUrl } = await withSqsDeadline((options) => sqs.send(new GetQueueUrlCommand({ QueueName: arn.name, QueueOwnerAWSAccountId: arn.account }), options), stop);
    if (!QueueUrl) throw new Error('GetQueueUrl returned no QueueUrl');
    return QueueUrl;
  } catch (error) {
    if (isNoSuchQueue(error)) throw new TargetUnavailableError(`${what} ${reference}: no such queue in account ${arn.account}, region ${arn.region} (check the ARN, --region and --endpoint-url)`, { cause: error });
    throw new TargetUnavailableError(`cannot look up ${what} ${reference} (${messageOf(error)}): check the SQS endpoint and credentials`, { cause: error });
  }
}

/**
 * A queue's attributes, read before anything is sent or moved: a queue that does not exist, or an
 * SQS that cannot be read, is one line naming `what` and `reference` (exit 3); `after` ends it (e.g.
 * "; nothing was sent").
 */
export async function readQueueAttributes(sqs: SQSClient, queueUrl: string, names: QueueAttributeName[], what: string, reference: string, stop?: AbortSignal, after = ''): Promise<Record<string, string>> {
  try {
    return (await withSqsDeadline((call) => sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }), call), stop)).Attributes ?? {};
  } catch (error) {
    if (isNoSuchQueue(error)) throw new TargetUnavailableError(`${what} ${reference}: no such queue (check the URL or ARN, --region and --endpoint-url)${after}`, { cause: error });
    throw new TargetUnavailableError(`cannot read ${what} ${reference} (${messageOf(error)}): check the SQS endpoint and credentials${after}`, { cause: error });
  }
}

/** SQS's "no such queue", under either protocol's name. */
export function isNoSuchQueue(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string })?.name ?? '';
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

/** A queue's RedrivePolicy attribute: its DLQ and maxReceiveCount (undefined: none, or not one SQS would apply). */
export function parseRedrivePolicy(text: string | undefined): { dlqArn: string; maxReceiveCount: number } | undefined {
  if (!text) return undefined;
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    const maxReceiveCount = Number(policy.maxReceiveCount);
    if (!policy.deadLetterTargetArn || !parseQueueArn(policy.deadLetterTargetArn) || !Number.isFinite(maxReceiveCount)) return undefined;
    return { dlqArn: policy.deadLetterTargetArn, maxReceiveCount };
  } catch {
    return undefined;
  }
}
