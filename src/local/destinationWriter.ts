/**
 * Where Lambda puts an async outcome, by the destination ARN's service, as AWS does:
 *   sqs     the record JSON as the message body
 *   sns     the record JSON as the Message (subscribers see it in the SNS envelope, or raw)
 *   events  an event on that bus: source "lambda", detail-type "Lambda Function Invocation Result -
 *           Success" / "- Failure", resources [the bus ARN, the function ARN], detail = the record
 *   s3      (on failure) an object aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid> (UTC)
 *   lambda  that function invoked asynchronously with the record as its event
 * and a DLQ (sqs or sns) gets the event as sent, with the RequestID, ErrorCode and ErrorMessage
 * attributes. SQS, SNS and S3 are fauxqs's, written to directly (never faulted). A write that
 * cannot be made (no such queue, topic, bucket or bus; a FIFO target) is dropped with a warning,
 * as Lambda drops it (a DestinationDeliveryFailure).
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseDestination } from './destinationArns.js';
import type { EventBridge } from './eventBridge.js';
import type { SqsEmulator } from './sqsEmulator.js';

export type MessageAttributes = Record<string, { DataType: string; StringValue: string }>;

export interface DestinationWriterOptions {
  region: string;
  fauxqs: SqsEmulator;
  eventBridge: EventBridge;
  /** Starts a local function asynchronously (as an Event invocation) with `event`. */
  invokeAsync: (functionName: string, event: unknown) => void;
  onWarning?: (message: string) => void;
}

export class DestinationWriter {
  constructor(private readonly options: DestinationWriterOptions) {}

  /** An invocation record (for `functionArn`, qualified) to an on-success or on-failure destination (a queue name or an ARN). */
  async writeRecord(destination: string, record: Record<string, unknown>, functionArn: string, success: boolean): Promise<void> {
    const target = this.parse(destination);
    if (!target) return;
    const body = JSON.stringify(record);
    const functionName = functionArn.split(':')[6] ?? 'function';
    switch (target.kind) {
      case 'sqs':
        return this.sendToQueue(target.name, body);
      case 'sns':
        return this.publish(target.arn, body);
      case 'events': {
        const [result] = await this.options.eventBridge.putEvents([
          {
            EventBusName: target.name,
            Source: 'lambda',
            DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
            Detail: body,
            Resources: [target.arn, functionArn],
          },
        ]);
        if (result && 'ErrorCode' in result) this.warn(`could not put the record on ${target.arn}: ${result.ErrorMessage}`);
        return;
      }
      case 's3':
        return this.putObject(target.name, s3RecordKey(functionName, new Date()), body);
      case 'lambda':
        this.options.invokeAsync(target.name, record);
    }
  }

  /** The event as sent, with its DLQ attributes, to a DLQ queue or topic. */
  async writeDeadLetter(destination: string, body: string, attributes: MessageAttributes): Promise<void> {
    const target = this.parse(destination);
    if (!target) return;
    if (target.kind === 'sqs') return this.sendToQueue(target.name, body, attributes);
    if (target.kind === 'sns') return this.publish(target.arn, body, attributes);
    this.warn(`'${destination}' cannot be a dead-letter queue (SQS or SNS only); the event was dropped`);
  }

  private parse(destination: string) {
    const target = parseDestination(destination, this.options.region);
    if ('problem' in target) {
      this.warn(`destination ${target.problem}; the record was dropped`);
      return undefined;
    }
    if (target.fifo) {
      this.warn(`'${target.name}' is FIFO: Lambda does not deliver async records to FIFO queues or topics (a DestinationDeliveryFailure in AWS); the record was dropped`);
      return undefined;
    }
    return target;
  }

  /** A message to the queue of that name (also an EventBridge rule's target); a missing queue is warned about, not thrown. */
  async sendToQueue(name: string, body: string, attributes?: MessageAttributes): Promise<void> {
    const { fauxqs } = this.options;
    try {
      const url = await fauxqs.urlOf(name);
      if (url === undefined) return this.warn(`destination queue '${name}' does not exist; the record was dropped`);
      await fauxqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, ...(attributes && { MessageAttributes: attributes }) }));
    } catch (error) {
      this.warn(`could not write to '${name}': ${(error as Error).message}`);
    }
  }

  private async publish(topicArn: string, message: string, attributes?: MessageAttributes): Promise<void> {
    try {
      await this.options.fauxqs.sns.send(new PublishCommand({ TopicArn: topicArn, Message: message, ...(attributes && { MessageAttributes: attributes }) }));
    } catch (error) {
      this.warn(`could not publish to '${topicArn}': ${(error as Error).message}`);
    }
  }

  private async putObject(bucket: string, key: string, body: string): Promise<void> {
    try {
      await this.options.fauxqs.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    } catch (error) {
      this.warn(`could not write s3://${bucket}/${key}: ${(error as Error).message}`);
    }
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }
}

/** `aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`, in UTC: where Lambda puts an on-failure record in S3. */
export function s3RecordKey(functionName: string, at: Date): string {
  const iso = at.toISOString();
  const [date = '', time = ''] = iso.split('T');
  const [year, month, day] = date.split('-');
  return `aws/lambda/async/${functionName}/${year}/${month}/${day}/${date}T${time.slice(0, 8).replaceAll(':', '.')}-${randomUUID()}`;
}
