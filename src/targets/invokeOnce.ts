/**
 * One invocation, as `lambench invoke` makes it: inputs checked (every problem listed) before
 * anything is sent, one call, and a result document that `--json` prints as is.
 */
import { TargetUnavailableError, UsageError, messageOf } from '../errors.js';
import type { CompletionRecord } from '../delivery/completionRecord.js';
import { createTarget } from './index.js';
import { parseInvocationType } from './invocationType.js';
import { parseReportLine, type ReportFigures } from './lambdaLog.js';
import { decodePayload } from './payloadCodec.js';
import { checkPayloadSize, encodeClientContext, encodeJsonPayload, readPayloadText } from './payload.js';
import { parseTargetSpec } from './targetSpec.js';
import type { InvocationType, InvokeRequest, Outcome, Target } from './types.js';

export interface InvokeOnceOptions {
  target: string;
  type?: string;
  payload?: string;
  payloadFile?: string;
  qualifier?: string;
  logType?: string;
  clientContext?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  retries?: number;
  /** Event only: wait for the completion record on these queues. */
  wait?: { destinationQueue?: string; dlq?: string; timeoutMs: number };
  stdin?: NodeJS.ReadableStream;
  note: (message: string) => void;
}

/** What `invoke --json` prints: one object. */
export interface InvokeResultDocument {
  target: string;
  invocationType: InvocationType;
  outcome: Outcome['class'];
  statusCode?: number;
  requestId?: string;
  latencyMs: number;
  attempts: number;
  payload?: unknown;
  functionError?: string;
  executedVersion?: string;
  logResult?: string;
  report?: ReportFigures;
  errorType?: string;
  errorMessage?: string;
  clientRequestId?: string;
  completion?: CompletionRecord | null;
  /** Event with --wait: from the send to the completion record's timestamp, in milliseconds. */
  endToEndMs?: number;
}

export interface InvokeOnceResult {
  document: InvokeResultDocument;
  outcome: Outcome;
  target: Target;
}

export async function invokeOnce(options: InvokeOnceOptions): Promise<InvokeOnceResult> {
  const problems: string[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const invocationType = attempt(() => parseInvocationType(options.type ?? 'RequestResponse'));
  const spec = attempt(() => parseTargetSpec(options.target, options.qualifier));
  const logType = attempt(() => parseLogType(options.logType, invocationType));
  const clientContext = options.clientContext === undefined ? undefined : attempt(() => encodeClientContext(options.clientContext!));
  if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0 || options.retries > 10)) {
    problems.push(`--retries ${options.retries} must be a whole number from 0 to 10`);
  }
  if (options.wait && invocationType !== 'Event') problems.push('--wait only applies to --type Event: a synchronous call already returns its result');
  if (options.wait && !options.wait.destinationQueue && !options.wait.dlq) {
    problems.push('--wait needs --destination-queue URL and/or --dlq URL to watch for the completion record');
  }
  let payload: Uint8Array | undefined;
  try {
    const { text, source } = await readPayloadText(options, options.stdin);
    payload = encodeJsonPayload(text, source);
    if (invocationType) checkPayloadSize(payload.length, invocationType);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(error.message);
  }
  if (problems.length > 0 || !invocationType || !spec || !payload) throw new UsageError(problems.join('; '));

  const target = await createTarget(spec, {
    aws: { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl },
    ...(options.retries !== undefined && { retries: options.retries }),
    maxSockets: 1,
    note: options.note,
  });
  const request: InvokeRequest = {
    invocationType,
    payload,
    ...(logType && { logType }),
    ...(clientContext !== undefined && { clientContext }),
  };
  const outcome = await target.invoke(request);
  const document = resultDocument(options.target, invocationType, outcome);
  if (options.wait && outcome.class === 'ok' && outcome.requestId) {
    const completion = await waitForRecord(options, outcome.requestId);
    document.completion = completion ?? null;
    if (completion?.completedAt !== undefined) document.endToEndMs = completion.completedAt - outcome.sentAt;
  }
  return { document, outcome, target };
}

function parseLogType(text: string | undefined, invocationType: InvocationType | undefined): 'None' | 'Tail' | undefined {
  if (text === undefined) return undefined;
  const logType = text.toLowerCase() === 'tail' ? 'Tail' : text.toLowerCase() === 'none' ? 'None' : undefined;
  if (!logType) throw new UsageError(`--log-type '${text}' is not a log type: use Tail or None`);
  if (logType === 'Tail' && invocationType !== undefined && invocationType !== 'RequestResponse') {
    throw new UsageError('--log-type Tail only works with --type RequestResponse: Lambda returns logs only for synchronous calls');
  }
  return logType;
}

export function resultDocument(target: string, invocationType: InvocationType, outcome: Outcome): InvokeResultDocument {
  const document: InvokeResultDocument = {
    target,
    invocationType,
    outcome: outcome.class,
    latencyMs: Math.round(outcome.latencyMs * 1000) / 1000,
    attempts: outcome.attempts,
  };
  if (outcome.statusCode !== undefined) document.statusCode = outcome.statusCode;
  if (outcome.requestId) document.requestId = outcome.requestId;
  const payload = decodePayload(outcome.payload);
  if (payload !== undefined) document.payload = payload;
  if (outcome.functionError) document.functionError = outcome.functionError;
  if (outcome.executedVersion) document.executedVersion = outcome.executedVersion;
  if (outcome.logResult !== undefined) {
    document.logResult = outcome.logResult;
    const report = parseReportLine(outcome.logResult);
    if (report) document.report = report;
  }
  if (outcome.class !== 'ok' && outcome.class !== 'functionError') {
    if (outcome.errorType) document.errorType = outcome.errorType;
    if (outcome.errorMessage) document.errorMessage = outcome.errorMessage;
  }
  if (outcome.clientRequestId) document.clientRequestId = outcome.clientRequestId;
  return document;
}

async function waitForRecord(options: InvokeOnceOptions, requestId: string): Promise<CompletionRecord | undefined> {
  const wait = options.wait!;
  const [{ resolveAwsConfig }, { SQSClient }, { waitForCompletion }] = await Promise.all([
    import('./awsConfig.js'),
    import('@aws-sdk/client-sqs'),
    import('../delivery/completionWaiter.js'),
  ]);
  const aws = await resolveAwsConfig({ region: options.region, profile: options.profile }, 'SQS', options.note);
  const sqs = new SQSClient({ region: aws.region, credentials: aws.credentials, ...(aws.endpoint && { endpoint: aws.endpoint }), maxAttempts: 3 });
  try {
    return await waitForCompletion({
      sqs,
      queueUrls: [wait.destinationQueue, wait.dlq].filter((url): url is string => Boolean(url)),
      requestId,
      timeoutMs: wait.timeoutMs,
    });
  } catch (error) {
    throw new TargetUnavailableError(`could not read the queues for --wait: ${messageOf(error)}`, { cause: error });
  } finally {
    sqs.destroy();
  }
}
