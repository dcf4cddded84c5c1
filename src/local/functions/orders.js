// Processes the orders an SQS event source mapping delivers (the stack maps lambench-orders to it).
// A record whose body is JSON with "fail": true fails (so does one whose "order" number is a
// multiple of its "failEvery": a load test's template `{"order": {{seq}}, "failEvery": 10}` fails one in ten): it is reported in batchItemFailures, so only
// it goes back to the queue (and, after the queue's maxReceiveCount, to its DLQ). Every other record
// is written to lambench-orders-out: its correlation ID (the message attribute clientRequestId, else
// the body's meta.clientRequestId), its message ID and its SQS attributes (ApproximateReceiveCount…).
// A record that cannot be written there is reported as failed too, to be received again.
//
// Like any Lambda function it reaches SQS through its environment: the local stack gives it
// AWS_ENDPOINT_URL_SQS, AWS_REGION and credentials, as LocalStack does for its functions.
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

// Writing ten records takes milliseconds; 1 s leaves room for a busy machine, and stays well under
// lambench-orders' 3 s visibility timeout (see ORDERS_SAMPLE in src/local/eventSourceMappingSetup.ts).
export const config = { timeoutSeconds: 1 };

const OUTPUT_QUEUE = 'lambench-orders-out';
// lambench's correlation attribute (src/correlation.ts): a function is plain JavaScript, so the name is written here.
const CORRELATION_ATTRIBUTE = 'lambench-client-request-id';
// The endpoint, not the queue URL's host, decides where calls go (the stack's queue URLs name
// sqs.<region>.localhost, which does not resolve everywhere; on AWS both are the same).
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
let outputQueueUrl;

export const handler = async (event, context) => {
  const failed = [];
  const processed = [];
  for (const record of event.Records ?? []) {
    const order = parseJson(record.body);
    if (asksToFail(order)) failed.push(record.messageId);
    else processed.push(record);
  }
  if (processed.length > 0) {
    outputQueueUrl ??= (await sqs.send(new GetQueueUrlCommand({ QueueName: OUTPUT_QUEUE }))).QueueUrl;
    for (let start = 0; start < processed.length; start += 10) {
      const chunk = processed.slice(start, start + 10);
      try {
        const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: outputQueueUrl, Entries: chunk.map((record, index) => outputEntry(record, index, context)) }));
        for (const entry of Failed) failed.push(chunk[Number(entry.Id)].messageId);
      } catch (error) {
        console.error(`could not write ${chunk.length} record(s) to ${OUTPUT_QUEUE}: ${error.message}`);
        failed.push(...chunk.map((record) => record.messageId));
      }
    }
  }
  return { batchItemFailures: failed.map((messageId) => ({ itemIdentifier: messageId })) };
};

function outputEntry(record, index, context) {
  const correlationId = record.messageAttributes?.[CORRELATION_ATTRIBUTE]?.stringValue ?? parseJson(record.body)?.meta?.clientRequestId ?? null;
  const body = {
    correlationId,
    messageId: record.messageId,
    eventSourceARN: record.eventSourceARN,
    attributes: record.attributes,
    requestId: context.awsRequestId,
    processedAt: new Date().toISOString(),
  };
  return {
    Id: String(index),
    MessageBody: JSON.stringify(body),
    MessageAttributes: {
      sourceMessageId: { DataType: 'String', StringValue: record.messageId },
      ...(typeof correlationId === 'string' && correlationId !== '' && { [CORRELATION_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId } }),
    },
  };
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asksToFail(order) {
  if (order?.fail === true) return true;
  const every = Number(order?.failEvery);
  const number = Number(order?.order);
  return Number.isInteger(every) && every > 0 && Number.isInteger(number) && number % every === 0;
}
