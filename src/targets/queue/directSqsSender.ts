/**
 * SendMessage and SendMessageBatch for load tests without the SDK's per-call machinery: the request
 * the SDK's SQS client sends (AWS JSON 1.0, the same body bytes and signed headers; only the user
 * agent and the invocation ID differ: `test/unit/targets/sqsDirect.test.ts` holds it to that), signed by
 * wire/signRequest.ts and sent on an undici pool through the exchange every HTTP-based target uses.
 *
 * Why not the SDK client: measured here (`npm run bench:queue`'s set-up: 8 batches of 10 in flight
 * against the local SQS, each message with a correlation attribute, one core each), a plain loop of
 * `client.send(SendMessageBatchCommand)` sent about 7,500 messages/s at a full core, about 120 µs of
 * client CPU a message, nearly all in the SDK's middleware, serde, signing and retry bookkeeping;
 * the same requests signed and sent this way ran at about 16,000/s. The SDK stays the path for
 * `invoke`'s one message and `--sdk`.
 *
 * Checked as the SDK checks: each accepted body's MD5 against SQS's MD5OfMessageBody (a mismatch
 * fails that message, as the SDK's middleware fails the call); errors decoded as the SDK decodes
 * awsJson errors (the name from `__type`), the clock corrected from the `Date` header on a skew error.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ResolvedAwsConfig } from '../../aws/awsConfig.js';
import { Connections } from '../wire/connections.js';
import { headerValue, timedExchange, ERROR_BODY_LIMIT_BYTES, type ExchangeRequest, type HttpAnswer } from '../wire/exchange.js';
import { CLOCK_SKEW_ERRORS, serviceError, skewFrom } from '../wire/serviceError.js';
import { createRequestSigner, type SignableRequest } from '../wire/signRequest.js';
import { signingFailure } from '../wire/callFailure.js';
import type { Outcome } from '../types.js';
import type { AcceptedEntry, RefusedEntry, SqsEntry, SqsSender, SqsSendResult } from './sqsSender.js';
import { isSqsThrottle } from './sqsOutcome.js';

export interface DirectSqsSenderOptions {
  aws: ResolvedAwsConfig;
  /** Where requests go: the configured endpoint, else the queue URL's origin (as the SDK does). */
  endpoint: URL;
  connections?: number;
  userAgent: string;
}

/** What a send answered, as the SDK's JSON shapes (only the fields read). */
interface SendAnswer {
  MessageId?: string;
  MD5OfMessageBody?: string;
  Successful?: { Id?: string; MessageId?: string; MD5OfMessageBody?: string }[];
  Failed?: { Id?: string; Code?: string; SenderFault?: boolean; Message?: string }[];
}

/** The request the SDK's SendMessage(Batch)Command serializes (awsJson1_0), minus signing. */
export function unsignedSend(queueUrl: string, entries: SqsEntry[], host: string, userAgent: string, invocationId: string): { request: SignableRequest; body: Buffer } {
  let json: string;
  if (entries.length === 1) {
    const { Id: _id, ...message } = entries[0]!;
    json = JSON.stringify({ QueueUrl: queueUrl, ...message });
  } else {
    json = JSON.stringify({ QueueUrl: queueUrl, Entries: entries });
  }
  const body = Buffer.from(json, 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': entries.length === 1 ? 'AmazonSQS.SendMessage' : 'AmazonSQS.SendMessageBatch',
    'x-amzn-query-mode': 'true',
    'content-length': String(body.length),
    'x-amz-user-agent': userAgent,
    'user-agent': userAgent,
    host,
    'amz-sdk-invocation-id': invocationId,
    'amz-sdk-request': 'attempt=1; max=1',
    'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
  };
  return { request: { path: '/', query: {}, headers }, body };
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** A 2xx answer read into SQS's word on each entry; undefined when it is not the JSON SQS sends. */
export function readSendAnswer(entries: SqsEntry[], body: Buffer | undefined): { accepted: AcceptedEntry[]; refused: RefusedEntry[] } | undefined {
  let answer: SendAnswer;
  try {
    answer = JSON.parse(body?.toString('utf8') ?? '') as SendAnswer;
  } catch {
    return undefined;
  }
  if (answer === null || typeof answer !== 'object') return undefined;
  const accepted: AcceptedEntry[] = [];
  const refused: RefusedEntry[] = [];
  const accept = (id: string, messageId: string | undefined, given: string | undefined) => {
    const entry = entries[Number(id)];
    if (entry && given !== md5(entry.MessageBody)) refused.push({ id, corrupted: true, message: `SQS gave MD5 ${given ?? '(none)'} for the body of message ${messageId ?? id}, not the body's` });
    else accepted.push({ id, ...(messageId && { messageId }) });
  };
  if (entries.length === 1) {
    accept('0', answer.MessageId, answer.MD5OfMessageBody);
    return { accepted, refused };
  }
  if ((answer.Successful !== undefined && !Array.isArray(answer.Successful)) || (answer.Failed !== undefined && !Array.isArray(answer.Failed))) return undefined;
  for (const entry of answer.Successful ?? []) if (entry.Id !== undefined) accept(entry.Id, entry.MessageId, entry.MD5OfMessageBody);
  for (const entry of answer.Failed ?? []) {
    if (entry.Id !== undefined) refused.push({ id: entry.Id, ...(entry.Code && { code: entry.Code }), senderFault: entry.SenderFault ?? false, ...(entry.Message && { message: entry.Message }) });
  }
  return { accepted, refused };
}

/** Keeps every answer's body (a batch's answer is a few KB), bounded like a load test's error bodies. */
const keepBody = () => ERROR_BODY_LIMIT_BYTES;
/** What timedExchange needs of the call it times: a batch has no one client request ID. */
const BATCH_CALL = { clientRequestId: undefined };

export function createDirectSqsSender(options: DirectSqsSenderOptions): SqsSender {
  const { endpoint } = options;
  const sign = createRequestSigner(options.aws.region, 'sqs', options.aws.credentials);
  const connections = new Connections(options.connections ?? 50);
  let clockOffsetMs = 0;

  return {
    async send(queueUrl: string, entries: SqsEntry[], signal: AbortSignal | undefined, deadlineMs: number): Promise<SqsSendResult> {
      const { request, body } = unsignedSend(queueUrl, entries, endpoint.host, options.userAgent, randomUUID());
      let headers: Record<string, string>;
      try {
        headers = await sign(request, clockOffsetMs === 0 ? undefined : new Date(Date.now() + clockOffsetMs));
      } catch (error) {
        return { answered: false, failure: signingFailure(error, BATCH_CALL) };
      }
      let result: SqsSendResult | undefined;
      const read = ({ statusCode, headers: answerHeaders, body: answerBody, bodyCut }: HttpAnswer, outcome: Outcome): Outcome => {
        if (statusCode >= 300) {
          const error = serviceError(statusCode, undefined, answerBody);
          if (CLOCK_SKEW_ERRORS.has(error.errorType)) clockOffsetMs = skewFrom(headerValue(answerHeaders, 'date')) ?? clockOffsetMs;
          const requestId = headerValue(answerHeaders, 'x-amzn-requestid');
          result = {
            answered: false,
            failure: { class: isSqsThrottle(error.errorType, statusCode) ? 'throttled' : 'httpError', statusCode, refusedByService: true, errorType: error.errorType, errorMessage: error.errorMessage, ...(requestId && { requestId }) },
          };
          return outcome;
        }
        const read = bodyCut ? undefined : readSendAnswer(entries, answerBody);
        result = read
          ? { answered: true, statusCode, attempts: 1, ...read }
          : { answered: false, failure: { class: 'httpError', statusCode, errorType: 'UnreadableAnswer', errorMessage: `SQS answered ${statusCode} with a body that is not its JSON` } };
        return outcome;
      };
      const exchange: ExchangeRequest = { origin: endpoint.origin, path: '/', method: 'POST', headers, body, keepBody, timeoutMs: deadlineMs };
      if (signal) exchange.signal = signal;
      // A batch is not one lane's: it goes on the shared pool (as many connections as calls in flight).
      const outcome = await timedExchange(connections.for(endpoint.origin, undefined), exchange, BATCH_CALL, read);
      // No answer at all: the exchange classified it (timeout, interrupt, network).
      return result ?? { answered: false, failure: { class: outcome.class, attempts: outcome.attempts, ...(outcome.errorType && { errorType: outcome.errorType }), ...(outcome.errorMessage && { errorMessage: outcome.errorMessage }) } };
    },
    close: () => connections.close(),
  };
}
