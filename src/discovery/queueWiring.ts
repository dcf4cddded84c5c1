/**
 * What an SQS queue is wired to, read before any message is sent: the event source mappings that
 * poll it (ListEventSourceMappings by EventSourceArn, 100 a page), each mapped function's timeout
 * (GetFunctionConfiguration), and the queue's own settings (GetQueueAttributes: visibility
 * timeout, RedrivePolicy, FIFO). With it come the warnings AWS's guidance gives for SQS event
 * sources, and, for what could not be read (no permission, --no-discover), what is then unknown.
 */
import { GetFunctionConfigurationCommand, ListEventSourceMappingsCommand, type EventSourceMappingConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { messageOf } from '../errors.js';
import { functionNameOf } from '../aws/arn.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { parseRedrivePolicy, readQueueAttributes, resolveQueueUrl } from '../aws/queueRef.js';

export interface QueueMapping {
  uuid: string;
  functionArn: string;
  state: string;
  batchSize: number;
  batchingWindowSeconds: number;
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
  /** The mapped function's timeout, when it could be read. */
  functionTimeoutSeconds?: number;
}

export interface QueueWiring {
  queueUrl: string;
  queueArn: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  delaySeconds: number;
  /** SQS's own limit is 1 MiB; a queue may set less. */
  maximumMessageBytes: number;
  redrive?: { dlqArn: string; dlqUrl?: string; maxReceiveCount: number };
  /** Absent when the mappings could not be read (see unknown). */
  mappings?: QueueMapping[];
  warnings: string[];
  /** What could not be read, and why, in words a report can carry. */
  unknown: string[];
}

/** The queue's own settings only: what a send needs (FIFO, size limit, the DLQ), whatever --no-discover says. */
export async function readQueue(sqs: SQSClient, reference: string, stop?: AbortSignal): Promise<Omit<QueueWiring, 'warnings' | 'unknown' | 'mappings'>> {
  const queueUrl = await resolveQueueUrl(sqs, reference, 'queue', stop);
  const attributes = await readQueueAttributes(sqs, queueUrl, ['All'], 'queue', reference, stop);
  const redrive = parseRedrivePolicy(attributes.RedrivePolicy);
  let dlqUrl: string | undefined;
  if (redrive) dlqUrl = await resolveQueueUrl(sqs, redrive.dlqArn, 'DLQ', stop).catch(() => undefined);
  return {
    queueUrl,
    queueArn: attributes.QueueArn ?? '',
    fifo: attributes.FifoQueue === 'true',
    visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
    delaySeconds: Number(attributes.DelaySeconds ?? 0),
    maximumMessageBytes: Number(attributes.MaximumMessageSize ?? 1_048_576),
    ...(redrive && { redrive: { ...redrive, ...(dlqUrl && { dlqUrl }) } }),
  };
}

export async function discoverQueueWiring(sqs: SQSClient, lambda: LambdaClient | undefined, reference: string, stop?: AbortSignal): Promise<QueueWiring> {
  const queue = await readQueue(sqs, reference, stop);
  const unknown: string[] = [];
  let mappings: QueueMapping[] | undefined;
  if (!lambda) unknown.push('the event source mappings (--no-discover): which function reads the queue, its batch size, concurrency and timeout, and whether it reports batch item failures');
  else if (!queue.queueArn) unknown.push('the event source mappings: SQS gave no QueueArn to look them up by');
  else {
    try {
      mappings = await listMappings(lambda, queue.queueArn, stop);
    } catch (error) {
      const why = isAccessDenied(error) ? 'not allowed (lambda:ListEventSourceMappings)' : messageOf(error);
      unknown.push(`the event source mappings (${why}): which function reads the queue, its batch size and concurrency`);
    }
    for (const mapping of mappings ?? []) {
      try {
        const { Timeout } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: mapping.functionArn }), { abortSignal: stop });
        if (Timeout !== undefined) mapping.functionTimeoutSeconds = Timeout;
      } catch (error) {
        unknown.push(`${functionNameOf(mapping.functionArn)}'s timeout (${isAccessDenied(error) ? 'not allowed (lambda:GetFunctionConfiguration)' : awsErrorName(error) || messageOf(error)}), so the visibility timeout is not checked against it`);
      }
    }
  }
  return { ...queue, ...(mappings && { mappings }), warnings: warningsFor(queue, mappings), unknown };
}

async function listMappings(lambda: LambdaClient, queueArn: string, stop?: AbortSignal): Promise<QueueMapping[]> {
  const found: QueueMapping[] = [];
  let Marker: string | undefined;
  // 100 a page; a queue has a handful of mappings at most, so 50 pages is past any real account.
  for (let page = 0; page < 50; page++) {
    const answer = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn, MaxItems: 100, ...(Marker && { Marker }) }), { abortSignal: stop });
    found.push(...(answer.EventSourceMappings ?? []).map(mappingOf));
    Marker = answer.NextMarker;
    if (!Marker) break;
  }
  return found;
}

function mappingOf(mapping: EventSourceMappingConfiguration): QueueMapping {
  return {
    uuid: mapping.UUID ?? '',
    functionArn: mapping.FunctionArn ?? '',
    state: mapping.State ?? 'unknown',
    batchSize: mapping.BatchSize ?? 10,
    batchingWindowSeconds: mapping.MaximumBatchingWindowInSeconds ?? 0,
    ...(mapping.ScalingConfig?.MaximumConcurrency !== undefined && { maximumConcurrency: mapping.ScalingConfig.MaximumConcurrency }),
    reportBatchItemFailures: (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
  };
}

/** AWS's guidance for an SQS event source, as one line each. */
export function warningsFor(queue: Pick<QueueWiring, 'visibilityTimeoutSeconds' | 'redrive' | 'fifo'>, mappings: QueueMapping[] | undefined): string[] {
  const warnings: string[] = [];
  if (mappings && mappings.length === 0) warnings.push('no event source mapping reads this queue: the messages sent will wait there until something receives them');
  for (const mapping of mappings ?? []) {
    const name = functionNameOf(mapping.functionArn);
    if (mapping.state !== 'Enabled') warnings.push(`the mapping to ${name} is ${mapping.state}, not Enabled: it does not poll the queue now`);
    if (mapping.functionTimeoutSeconds !== undefined && queue.visibilityTimeoutSeconds < 6 * mapping.functionTimeoutSeconds) {
      warnings.push(
        `the visibility timeout (${queue.visibilityTimeoutSeconds} s) is under 6 × ${name}'s timeout (${mapping.functionTimeoutSeconds} s → ${6 * mapping.functionTimeoutSeconds} s), as AWS advises: a batch still being processed (or retried after a throttle) can become visible again and run twice`,
      );
    }
    if (!mapping.reportBatchItemFailures) warnings.push(`the mapping to ${name} does not report batch item failures (FunctionResponseTypes ReportBatchItemFailures): one failing record returns its whole batch to the queue, successes included`);
  }
  if (!queue.redrive) warnings.push('the queue has no dead-letter queue (RedrivePolicy): a message that keeps failing is received again until the retention period ends, and is then lost');
  else if (queue.redrive.maxReceiveCount < 5) warnings.push(`maxReceiveCount is ${queue.redrive.maxReceiveCount}: AWS advises at least 5, so that a throttled or briefly failing message gets its retries before it is dead-lettered`);
  return warnings;
}

