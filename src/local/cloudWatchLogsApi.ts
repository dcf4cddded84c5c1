/**
 * The local CloudWatch Logs over HTTP, as `@aws-sdk/client-cloudwatch-logs` and `aws logs
 * --endpoint-url` speak it: `X-Amz-Target: Logs_20140328.<Operation>` over the JSON protocol
 * (jsonProtocol.ts). Operations: FilterLogEvents, GetLogEvents, DescribeLogGroups,
 * DescribeLogStreams, over the store in cloudWatchLogs.ts. Bad parameters are answered with
 * InvalidParameterException naming the parameter, an unknown group with ResourceNotFoundException.
 * The `logs` fault switches (faults.ts) act before any of that, as IAM and the rate limit do.
 */
import type { IncomingMessage, Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError } from './awsErrors.js';
import { MAX_PAGE_EVENTS, type CloudWatchLogs } from './cloudWatchLogs.js';
import { FAULT_KINDS, type FaultPlan } from './faults.js';
import { compileFilterPattern } from './filterPattern.js';
import { breakExchange, faultMessage } from './frontFaults.js';
import { createJsonProtocolServer, type JsonInput } from './jsonProtocol.js';
import { ACCOUNT_ID } from './localFunction.js';

const BODY_LIMIT_BYTES = 64 * 1024;
/** DescribeLogGroups and DescribeLogStreams: at most 50 a page. */
const MAX_DESCRIBE = 50;

const invalid = (message: string) => new AwsServiceError(400, 'InvalidParameterException', message);

function optionalString(input: JsonInput, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${key} must be a string`);
  return value;
}

function optionalNumber(input: JsonInput, key: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(`${key} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return value;
}

/** logGroupName or logGroupIdentifier (a name or an ARN): exactly one. */
function groupOf(logs: CloudWatchLogs, input: JsonInput) {
  const name = optionalString(input, 'logGroupName');
  const identifier = optionalString(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined) throw invalid('LogGroupName and LogGroupIdentifier are mutually exclusive parameters.');
  if (name === undefined && identifier === undefined) throw invalid('Either logGroupName or logGroupIdentifier must be given.');
  return logs.group((name ?? identifier)!);
}

/** Offset tokens for the Describe operations. */
function offsetOf(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalid('The specified nextToken is invalid.');
  return offset;
}

function page<T>(items: T[], input: JsonInput): { items: T[]; nextToken?: string } {
  const start = offsetOf(optionalString(input, 'nextToken'));
  const limit = optionalNumber(input, 'limit', 1, MAX_DESCRIBE) ?? MAX_DESCRIBE;
  const end = start + limit;
  return { items: items.slice(start, end), ...(end < items.length && { nextToken: Buffer.from(String(end)).toString('base64url') }) };
}

/**
 * The `logs` faults drawn for one request, acted out as CloudWatch Logs answers: a throttle is 400
 * ThrottlingException "Rate exceeded", a deny 400 AccessDeniedException naming the IAM action and
 * the log group. True when the exchange was broken off (hang).
 */
async function actOutFault(plan: FaultPlan, logs: CloudWatchLogs, operation: string, input: JsonInput, req: IncomingMessage): Promise<boolean> {
  const { latencyMs, fault } = plan.draw('logs', undefined, FAULT_KINDS.logs, operation);
  if (latencyMs > 0) await sleep(latencyMs);
  if (!fault) return false;
  if (breakExchange(fault, req)) return true;
  if (fault.kind === 'throttle') throw new AwsServiceError(400, 'ThrottlingException', `Rate exceeded (${faultMessage(fault)})`);
  const named = input.logGroupIdentifier ?? input.logGroupName;
  const group = typeof named !== 'string' ? logs.groupArn('') : named.startsWith('arn:') ? named.replace(/:\*$/, '') : logs.groupArn(named);
  throw new AwsServiceError(
    400,
    'AccessDeniedException',
    `User: arn:aws:iam::${ACCOUNT_ID}:user/local is not authorized to perform: logs:${operation} on resource: ${group}:log-stream: because no identity-based policy allows the logs:${operation} action`,
  );
}

export function createCloudWatchLogsServer(logs: CloudWatchLogs, onWarning?: (message: string) => void, faults?: FaultPlan): Server {
  const operations: Record<string, (input: JsonInput) => unknown> = {
    FilterLogEvents: (input) => {
      const group = groupOf(logs, input);
      const streamNames = input.logStreamNames;
      if (streamNames !== undefined && (!Array.isArray(streamNames) || streamNames.length < 1 || streamNames.length > 100 || !streamNames.every((name) => typeof name === 'string'))) {
        throw invalid('logStreamNames must be a list of 1 to 100 log stream names');
      }
      const streamPrefix = optionalString(input, 'logStreamNamePrefix');
      if (streamNames !== undefined && streamPrefix !== undefined) throw invalid('You cannot specify both LogStreamNames and LogStreamNamePrefix.');
      const startTime = optionalNumber(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
      const endTime = optionalNumber(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
      const nextToken = optionalString(input, 'nextToken');
      const found = logs.filter(group, {
        ...(streamNames !== undefined && { streamNames: streamNames as string[] }),
        ...(streamPrefix !== undefined && { streamPrefix }),
        ...(startTime !== undefined && { startTime }),
        ...(endTime !== undefined && { endTime }),
        matches: compileFilterPattern(optionalString(input, 'filterPattern')),
        limit: optionalNumber(input, 'limit', 1, MAX_PAGE_EVENTS) ?? MAX_PAGE_EVENTS,
        ...(nextToken !== undefined && { nextToken }),
      });
      return {
        events: found.events.map((event) => ({ logStreamName: event.logStreamName, timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime, eventId: String(event.seq).padStart(56, '0') })),
        searchedLogStreams: [],
        ...(found.nextToken !== undefined && { nextToken: found.nextToken }),
      };
    },
    GetLogEvents: (input) => {
      const group = groupOf(logs, input);
      const streamName = optionalString(input, 'logStreamName');
      if (streamName === undefined) throw invalid('logStreamName is required');
      const startTime = optionalNumber(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
      const endTime = optionalNumber(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
      const nextToken = optionalString(input, 'nextToken');
      const startFromHead = input.startFromHead;
      if (startFromHead !== undefined && typeof startFromHead !== 'boolean') throw invalid('startFromHead must be true or false');
      const found = logs.getLogEvents(group, streamName, {
        ...(startTime !== undefined && { startTime }),
        ...(endTime !== undefined && { endTime }),
        ...(startFromHead !== undefined && { startFromHead }),
        limit: optionalNumber(input, 'limit', 1, MAX_PAGE_EVENTS) ?? MAX_PAGE_EVENTS,
        ...(nextToken !== undefined && { nextToken }),
      });
      return {
        events: found.events.map((event) => ({ timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime })),
        nextForwardToken: found.nextForwardToken,
        nextBackwardToken: found.nextBackwardToken,
      };
    },
    DescribeLogGroups: (input) => {
      const prefix = optionalString(input, 'logGroupNamePrefix') ?? '';
      const found = page(logs.groupNames(prefix), input);
      return {
        logGroups: found.items.map((group) => ({
          logGroupName: group.name,
          creationTime: group.creationTime,
          metricFilterCount: 0,
          arn: `${logs.groupArn(group.name)}:*`,
          logGroupArn: logs.groupArn(group.name),
          storedBytes: 0,
          logGroupClass: 'STANDARD',
        })),
        ...(found.nextToken && { nextToken: found.nextToken }),
      };
    },
    DescribeLogStreams: (input) => {
      const group = groupOf(logs, input);
      const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid(`orderBy must be LogStreamName or LastEventTime, not ${orderBy}`);
      const prefix = optionalString(input, 'logStreamNamePrefix');
      if (prefix !== undefined && orderBy === 'LastEventTime') throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      const described = logs
        .streams(group)
        .filter((stream) => prefix === undefined || stream.name.startsWith(prefix))
        .map((stream) => {
          const visible = logs.visibleEvents(stream);
          const first = visible[0];
          const last = visible[visible.length - 1];
          return {
            logStreamName: stream.name,
            creationTime: stream.creationTime,
            ...(first && { firstEventTimestamp: first.timestamp, lastEventTimestamp: last!.timestamp, lastIngestionTime: last!.ingestionTime }),
            arn: `${logs.groupArn(group.name)}:log-stream:${stream.name}`,
            storedBytes: 0,
          };
        });
      const key = (stream: (typeof described)[number]) => (orderBy === 'LastEventTime' ? (stream.lastEventTimestamp ?? 0) : stream.logStreamName);
      described.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (input.descending === true) described.reverse();
      const found = page(described, input);
      return { logStreams: found.items, ...(found.nextToken && { nextToken: found.nextToken }) };
    },
  };
  return createJsonProtocolServer({
    targetPrefix: 'Logs_20140328',
    name: 'CloudWatch Logs',
    operations,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    tooLargeError: 'InvalidParameterException',
    internalError: 'ServiceUnavailableException',
    ...(onWarning && { onWarning }),
    ...(faults && { intercept: (operation: string, input: JsonInput, req: IncomingMessage) => actOutFault(faults, logs, operation, input, req) }),
  });
}
