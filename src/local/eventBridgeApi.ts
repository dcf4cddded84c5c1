/**
 * The local EventBridge over HTTP, as `@aws-sdk/client-eventbridge` and `aws events --endpoint-url`
 * speak it: `X-Amz-Target: AWSEvents.<Operation>` over the JSON protocol (jsonProtocol.ts).
 * Operations: CreateEventBus, DeleteEventBus, ListEventBuses, DescribeEventBus, PutRule,
 * DescribeRule, ListRules, DeleteRule, PutTargets, RemoveTargets, ListTargetsByRule, PutEvents.
 */
import type { Server } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import type { EventBridge, PutEventsEntry } from './eventBridge.js';
import { createJsonProtocolServer, type JsonInput } from './jsonProtocol.js';

/** PutEvents takes at most 256 KB; the other operations far less. */
const BODY_LIMIT_BYTES = 256 * 1024;

type Input = JsonInput;
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
  return createJsonProtocolServer({
    targetPrefix: 'AWSEvents',
    name: 'EventBridge',
    operations: Object.fromEntries(Object.entries(OPERATIONS).map(([name, operation]) => [name, (input: Input) => operation(bus, input)])),
    bodyLimitBytes: BODY_LIMIT_BYTES,
    tooLargeError: 'ValidationException',
    internalError: 'InternalException',
    ...(onWarning && { onWarning }),
  });
}
