/**
 * The local EventBridge over HTTP, as `@aws-sdk/client-eventbridge` and `aws events --endpoint-url`
 * speak it: `POST /` with `X-Amz-Target: AWSEvents.<Operation>` and an `application/x-amz-json-1.1`
 * body; errors as `{"__type", "message"}` with the exception's name in `x-amzn-ErrorType` too.
 * Operations: CreateEventBus, DeleteEventBus, ListEventBuses, DescribeEventBus, PutRule,
 * DescribeRule, ListRules, DeleteRule, PutTargets, RemoveTargets, ListTargetsByRule, PutEvents.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import type { EventBridge, PutEventsEntry } from './eventBridge.js';
import { header, readBody } from './http.js';

/** PutEvents takes at most 256 KB; the other operations far less. */
const BODY_LIMIT_BYTES = 256 * 1024;

type Input = Record<string, unknown>;
type Operation = (bus: EventBridge, input: Input) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreateEventBus: (bus, input) => ({ EventBusArn: bus.createEventBus(input.Name) }),
  DeleteEventBus: (bus, input) => {
    bus.deleteEventBus(input.Name);
    return {};
  },
  DescribeEventBus: (bus, input) => {
    const name = typeof input.Name === 'string' && input.Name !== '' ? input.Name.replace(/^.*:event-bus\//, '') : 'default';
    const found = bus.listEventBuses().find((entry) => entry.Name === name);
    if (!found) throw new AwsServiceError(400, 'ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return found;
  },
  ListEventBuses: (bus, input) => ({ EventBuses: bus.listEventBuses(typeof input.NamePrefix === 'string' ? input.NamePrefix : '') }),
  PutRule: (bus, input) => ({ RuleArn: bus.putRule(input) }),
  DescribeRule: (bus, input) => bus.describeRule(input.Name, input.EventBusName),
  ListRules: (bus, input) => ({ Rules: bus.listRules(typeof input.NamePrefix === 'string' ? input.NamePrefix : '', input.EventBusName) }),
  DeleteRule: (bus, input) => {
    bus.deleteRule(input.Name, input.EventBusName);
    return {};
  },
  PutTargets: (bus, input) => {
    const failed = bus.putTargets(input.Rule, input.EventBusName, input.Targets);
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  },
  RemoveTargets: (bus, input) => {
    bus.removeTargets(input.Rule, input.EventBusName, input.Ids);
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  ListTargetsByRule: (bus, input) => ({ Targets: bus.listTargetsByRule(input.Rule, input.EventBusName) }),
  PutEvents: async (bus, input) => {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsServiceError(400, 'ValidationException', '1 validation error detected: Value at \'entries\' failed to satisfy constraint: Member must have length between 1 and 10');
    }
    const results = await bus.putEvents(entries as PutEventsEntry[]);
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  },
};

export function createEventBridgeServer(bus: EventBridge, onWarning?: (message: string) => void): Server {
  return createServer((req, res) => {
    const requestId = randomUUID();
    (async () => {
      const target = header(req, 'x-amz-target') ?? '';
      const operation = OPERATIONS[target.replace(/^AWSEvents\./, '')];
      const { data, tooLarge } = await readBody(req, BODY_LIMIT_BYTES);
      if (req.method !== 'POST' || !target.startsWith('AWSEvents.') || !operation) {
        throw new AwsServiceError(400, 'UnknownOperationException', `Unknown operation ${target || `${req.method} ${req.url}`}: this local EventBridge serves ${Object.keys(OPERATIONS).join(', ')}`);
      }
      if (tooLarge) throw new AwsServiceError(413, 'ValidationException', `Request must be smaller than ${BODY_LIMIT_BYTES} bytes`);
      let input: Input = {};
      const text = data.toString('utf8');
      if (text.trim() !== '') {
        try {
          input = JSON.parse(text) as Input;
        } catch (error) {
          throw new AwsServiceError(400, 'SerializationException', `Could not parse request body into json: ${(error as Error).message}`);
        }
      }
      send(res, 200, await operation(bus, input ?? {}), requestId);
    })().catch((error: unknown) => {
      const failure = error instanceof AwsServiceError ? error : new AwsServiceError(500, 'InternalException', (error as Error).message);
      if (failure.statusCode >= 500) onWarning?.(`EventBridge: ${failure.message}`);
      if (res.headersSent) res.destroy();
      else send(res, failure.statusCode, { __type: failure.errorType, message: failure.message }, requestId, failure.errorType);
    });
  });
}

function send(res: ServerResponse, status: number, document: unknown, requestId: string, errorType?: string): void {
  const body = JSON.stringify(document);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  res.end(body);
}
