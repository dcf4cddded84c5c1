/**
 * A local EventBridge with just what Lambda destinations and their observers need: event buses
 * (`default` always there), rules with event patterns, SQS queue targets, and PutEvents, which
 * delivers each matching event to every target queue as EventBridge's event JSON (`version "0"`,
 * `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`). The wire
 * protocol (AWSEvents.* over JSON 1.1) is eventBridgeApi.ts; failures are AwsServiceErrors with
 * EventBridge's exception names and messages.
 *
 * Patterns: a field's list of allowed values (exact values, `{"prefix": …}`, `{"anything-but": …}`,
 * `{"exists": bool}`), nested objects for `detail`; fields absent from the pattern are ignored; an
 * array in the event matches when any of its values does.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './awsErrors.js';
import { ACCOUNT_ID } from './functionRegistry.js';

export interface EventBridgeRule {
  Name: string;
  Arn: string;
  EventPattern: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  EventBusName: string;
}

export interface EventTarget {
  Id: string;
  Arn: string;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: string | number | Date;
}

export type PutEventsResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** How a matching event reaches a target: the event JSON sent to the SQS queue of `queueArn`. */
export type DeliverToQueue = (queueArn: string, body: string) => Promise<void>;

interface Bus {
  name: string;
  rules: Map<string, { rule: EventBridgeRule; targets: Map<string, EventTarget> }>;
}

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const SQS_ARN = /^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

const validation = (message: string) => new AwsServiceError(400, 'ValidationException', message);
const notFound = (message: string) => new AwsServiceError(400, 'ResourceNotFoundException', message);

export class EventBridge {
  private readonly buses = new Map<string, Bus>([['default', { name: 'default', rules: new Map() }]]);

  constructor(
    readonly region: string,
    private readonly deliver: DeliverToQueue,
  ) {}

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${ACCOUNT_ID}:event-bus/${name}`;
  }

  /** The bus names, in creation order. */
  busNames(): string[] {
    return [...this.buses.keys()];
  }

  createEventBus(name: unknown): string {
    if (typeof name !== 'string' || !NAME.test(name)) throw validation(`Event bus name ${JSON.stringify(name)} is not valid: 1-64 characters of letters, digits, ., - and _.`);
    if (this.buses.has(name)) throw new AwsServiceError(400, 'ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    this.buses.set(name, { name, rules: new Map() });
    return this.busArn(name);
  }

  deleteEventBus(name: unknown): void {
    const bus = this.bus(name);
    if (bus.name === 'default') throw validation('Cannot delete event bus default.');
    this.buses.delete(bus.name);
  }

  listEventBuses(prefix = ''): { Name: string; Arn: string }[] {
    return this.busNames().filter((name) => name.startsWith(prefix)).map((name) => ({ Name: name, Arn: this.busArn(name) }));
  }

  putRule(input: { Name?: unknown; EventPattern?: unknown; EventBusName?: unknown; State?: unknown; Description?: unknown; ScheduleExpression?: unknown }): string {
    const bus = this.bus(input.EventBusName);
    if (typeof input.Name !== 'string' || !NAME.test(input.Name)) throw validation(`Rule name ${JSON.stringify(input.Name)} is not valid: 1-64 characters of letters, digits, ., - and _.`);
    if (input.ScheduleExpression !== undefined) throw validation('This local EventBridge has no scheduler: give the rule an EventPattern instead of a ScheduleExpression.');
    if (typeof input.EventPattern !== 'string') throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    checkPattern(input.EventPattern);
    const state = input.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw validation(`1 validation error detected: Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`);
    const arn = `arn:aws:events:${this.region}:${ACCOUNT_ID}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${input.Name}`;
    const rule: EventBridgeRule = { Name: input.Name, Arn: arn, EventPattern: input.EventPattern, State: state, EventBusName: bus.name, ...(typeof input.Description === 'string' && { Description: input.Description }) };
    const known = bus.rules.get(input.Name);
    bus.rules.set(input.Name, { rule, targets: known?.targets ?? new Map() });
    return arn;
  }

  describeRule(name: unknown, busName?: unknown): EventBridgeRule {
    return { ...this.rule(name, busName).rule };
  }

  listRules(prefix = '', busName?: unknown): EventBridgeRule[] {
    return [...this.bus(busName).rules.values()].map(({ rule }) => ({ ...rule })).filter((rule) => rule.Name.startsWith(prefix));
  }

  /** As AWS: a rule that still has targets is not deleted. */
  deleteRule(name: unknown, busName?: unknown): void {
    const bus = this.bus(busName);
    const entry = bus.rules.get(String(name));
    if (!entry) return;
    if (entry.targets.size > 0) throw validation("Rule can't be deleted since it has targets.");
    bus.rules.delete(entry.rule.Name);
  }

  /** Only SQS queues are targets here; any other ARN is a failed entry saying so. */
  putTargets(name: unknown, busName: unknown, targets: unknown): { TargetId: string; ErrorCode: string; ErrorMessage: string }[] {
    const entry = this.rule(name, busName);
    if (!Array.isArray(targets) || targets.length === 0) throw validation('Parameter Targets must hold at least one target {Id, Arn}.');
    const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const target of targets as { Id?: unknown; Arn?: unknown }[]) {
      const id = String(target?.Id ?? '');
      if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(id)) failed.push({ TargetId: id, ErrorCode: 'ValidationException', ErrorMessage: 'Target Id must be 1-64 letters, digits, ., - and _.' });
      else if (typeof target.Arn !== 'string' || !SQS_ARN.test(target.Arn)) {
        failed.push({ TargetId: id, ErrorCode: 'ValidationException', ErrorMessage: `Target ${JSON.stringify(target.Arn)} is not an SQS queue ARN: this local EventBridge delivers to SQS queues only.` });
      } else entry.targets.set(id, { Id: id, Arn: target.Arn });
    }
    return failed;
  }

  removeTargets(name: unknown, busName: unknown, ids: unknown): void {
    const entry = this.rule(name, busName);
    for (const id of Array.isArray(ids) ? ids : []) entry.targets.delete(String(id));
  }

  listTargetsByRule(name: unknown, busName?: unknown): EventTarget[] {
    return [...this.rule(name, busName).targets.values()].map((target) => ({ ...target }));
  }

  /** Each entry accepted (an EventId) or refused (an error code); accepted events go to the targets of every enabled rule they match. */
  async putEvents(entries: PutEventsEntry[]): Promise<PutEventsResult[]> {
    const deliveries: Promise<void>[] = [];
    const results = entries.map((entry): PutEventsResult => {
      if (typeof entry.Source !== 'string' || entry.Source === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' };
      if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '{}');
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: it must be a JSON object.' };
      let bus: Bus;
      try {
        bus = this.bus(entry.EventBusName);
      } catch (error) {
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: (error as Error).message };
      }
      const id = randomUUID();
      const event = {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: ACCOUNT_ID,
        time: isoSeconds(entry.Time),
        region: this.region,
        resources: entry.Resources ?? [],
        detail,
      };
      const body = JSON.stringify(event);
      for (const { rule, targets } of bus.rules.values()) {
        if (rule.State !== 'ENABLED' || !matches(JSON.parse(rule.EventPattern), event)) continue;
        for (const target of targets.values()) deliveries.push(this.deliver(target.Arn, body));
      }
      return { EventId: id };
    });
    await Promise.all(deliveries);
    return results;
  }

  /** A bus by name or ARN; absent: `default`. */
  private bus(given: unknown): Bus {
    const name = given === undefined || given === null || given === '' ? 'default' : String(given).replace(/^arn:aws[a-zA-Z-]*:events:[^:]*:\d{12}:event-bus\//, '');
    const bus = this.buses.get(name);
    if (!bus) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  }

  private rule(name: unknown, busName: unknown) {
    const bus = this.bus(busName);
    const entry = bus.rules.get(String(name));
    if (!entry) throw notFound(`Rule ${String(name)} does not exist on EventBus ${bus.name}.`);
    return entry;
  }
}

/** EventBridge's time: ISO 8601 to the second, UTC. */
function isoSeconds(time: PutEventsEntry['Time']): string {
  const date = time === undefined ? new Date() : new Date(typeof time === 'number' ? time * 1000 : time);
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Throws InvalidEventPatternException naming what is wrong with a pattern. */
function checkPattern(text: string): void {
  const invalid = (reason: string) => new AwsServiceError(400, 'InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (error) {
    throw invalid(`it is not JSON (${(error as Error).message})`);
  }
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw invalid(`${path || 'the pattern'} must be an object of field → list of values`);
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      if (Array.isArray(value)) {
        if (value.length === 0) throw invalid(`"${at}" has an empty list, which matches nothing`);
        continue;
      }
      walk(value, at);
    }
  };
  walk(pattern, '');
}

/** Whether `event` matches `pattern` (both parsed JSON). */
export function matches(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return false;
  for (const [key, expected] of Object.entries(pattern)) {
    const actual = event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!fieldMatches(expected, actual)) return false;
    } else if (!matches(expected, actual)) return false;
  }
  return true;
}

function fieldMatches(allowed: unknown[], actual: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return allowed.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      const { prefix, 'anything-but': anythingBut, exists } = rule as { prefix?: unknown; 'anything-but'?: unknown; exists?: unknown };
      if (typeof exists === 'boolean') return exists === (actual !== undefined);
      if (typeof prefix === 'string') return values.some((value) => typeof value === 'string' && value.startsWith(prefix));
      if (anythingBut !== undefined) {
        const excluded = Array.isArray(anythingBut) ? anythingBut : [anythingBut];
        return actual !== undefined && values.every((value) => !excluded.includes(value));
      }
      return false;
    }
    return actual !== undefined && values.some((value) => value === rule);
  });
}
