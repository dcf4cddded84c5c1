/**
 * The local stack's event source mappings: what Create/Get/List/Update/DeleteEventSourceMapping act
 * on, and the pollers of the enabled ones. States move as Lambda's do: Create answers `Creating`
 * and becomes `Enabled` (or `Disabled` with `Enabled: false`) once its pollers run; Update answers
 * `Updating`, or `Disabling` / `Enabling` when it turns the mapping off or on; Delete answers
 * `Deleting` and the mapping is gone once its pollers have finished their batches. A mapping in one
 * of those passing states cannot be updated or deleted (ResourceInUseException), as in Lambda.
 *
 * Just over 300 lines: the API's operations, the state machine and the pollers' lifecycle share
 * the one map of mappings; the rules (eventSourceMappingRules), the REST routes and the pollers
 * themselves already stand apart.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './awsErrors.js';
import {
  batchRuleProblem,
  DEFAULT_SETTINGS,
  mergeSettings,
  noSuchQueue,
  parseQueueArn,
  readMappingRequest,
  unsupportedSource,
  type MappingSettings,
} from './eventSourceMappingRules.js';
import { ACCOUNT_ID, resolveInvocationTarget, type LocalFunction, type ResolvedInvocationTarget } from './functionRegistry.js';
import type { FunctionRuntime } from './runtime.js';
import type { EventSourceBatch } from './sqsBatch.js';
import { SqsPoller } from './sqsPoller.js';

export type MappingState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

/** A mapping as the Lambda API returns it (EventSourceMappingConfiguration, the members an SQS mapping has). */
export interface EventSourceMappingConfiguration {
  UUID: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  EventSourceArn: string;
  FunctionArn: string;
  /** Epoch seconds, as the REST API's timestamps are. */
  LastModified: number;
  State: MappingState;
  StateTransitionReason: string;
  FunctionResponseTypes: string[];
  ScalingConfig?: { MaximumConcurrency: number };
  EventSourceMappingArn: string;
}

interface Mapping {
  uuid: string;
  /** Creation order, for List's markers. */
  seq: number;
  eventSourceArn: string;
  fifo: boolean;
  target: ResolvedInvocationTarget;
  settings: MappingSettings;
  enabled: boolean;
  state: MappingState;
  /** USER_INITIATED, or `PROBLEM: …` when its pollers could not start. */
  reason: string;
  lastModified: number;
  poller?: SqsPoller;
  /** The current state change, until it has settled. */
  transition: Promise<void>;
}

export interface EventSourceMappingsOptions {
  functions: Map<string, LocalFunction>;
  region: string;
  /** The stack's own SQS client (straight to the emulator, never faulted). */
  sqs: SQSClient;
  runtime: FunctionRuntime;
  timeScale: number;
  onBatch?: (batch: EventSourceBatch) => void;
  onWarning?: (message: string) => void;
}

const LIST_PAGE_LIMIT = 100;
const PASSING_STATES: MappingState[] = ['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting'];
const notFound = () => new AwsServiceError(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');

export class EventSourceMappings {
  private readonly mappings = new Map<string, Mapping>();
  private seq = 0;
  private stopped = false;
  /** Pollers finishing their batches for a disable or a delete (no longer on their mapping). */
  private readonly draining = new Set<SqsPoller>();

  constructor(private readonly options: EventSourceMappingsOptions) {}

  /** CreateEventSourceMapping: checked like Lambda checks it; answers in state `Creating`. */
  async create(body: unknown): Promise<EventSourceMappingConfiguration> {
    const request = readMappingRequest(body, 'create');
    if (request instanceof AwsServiceError) throw request;
    const source = parseQueueArn(request.EventSourceArn!);
    if (!source) throw unsupportedSource(request.EventSourceArn!);
    const target = this.resolveFunction(request.FunctionName!);
    const settings = mergeSettings(DEFAULT_SETTINGS, request);
    const problem = batchRuleProblem(settings, source.fifo);
    if (problem) throw problem;
    await this.queue(request.EventSourceArn!);
    this.refuseDuplicate(request.EventSourceArn!, target);
    const mapping: Mapping = {
      uuid: randomUUID(),
      seq: (this.seq += 1),
      eventSourceArn: request.EventSourceArn!,
      fifo: source.fifo,
      target,
      settings,
      enabled: request.Enabled ?? true,
      state: 'Creating',
      reason: 'USER_INITIATED',
      lastModified: Date.now(),
      transition: Promise.resolve(),
    };
    this.mappings.set(mapping.uuid, mapping);
    const answer = this.describe(mapping);
    this.change(mapping, async () => (mapping.enabled ? this.startPoller(mapping) : undefined), mapping.enabled ? 'Enabled' : 'Disabled');
    return answer;
  }

  get(uuid: string): EventSourceMappingConfiguration {
    return this.describe(this.find(uuid));
  }

  /** ListEventSourceMappings: creation order, filtered, at most 100 a page (MaxItems 1 to 10,000, checked by the API); NextMarker while more remain. */
  list(query: { eventSourceArn?: string; functionName?: string; marker?: string; maxItems?: number }): { EventSourceMappings: EventSourceMappingConfiguration[]; NextMarker?: string } {
    let from = 0;
    if (query.marker !== undefined) {
      from = Number(Buffer.from(query.marker, 'base64url').toString('utf8'));
      if (!Number.isInteger(from) || from < 1) throw new AwsServiceError(400, 'InvalidParameterValueException', `Invalid marker: ${query.marker}`);
    }
    let functionArn: string | undefined;
    if (query.functionName !== undefined) {
      const target = resolveInvocationTarget(this.options.functions, this.options.region, query.functionName, undefined);
      functionArn = 'fn' in target ? target.invokedArn : `${query.functionName} (no such function)`;
    }
    const matching = [...this.mappings.values()].filter(
      (mapping) => mapping.seq >= from && (query.eventSourceArn === undefined || mapping.eventSourceArn === query.eventSourceArn) && (functionArn === undefined || mapping.target.invokedArn === functionArn),
    );
    const page = matching.slice(0, Math.min(query.maxItems ?? LIST_PAGE_LIMIT, LIST_PAGE_LIMIT));
    const next = matching[page.length];
    return { EventSourceMappings: page.map((mapping) => this.describe(mapping)), ...(next && { NextMarker: Buffer.from(String(next.seq)).toString('base64url') }) };
  }

  /** UpdateEventSourceMapping: answers `Updating`, `Disabling` or `Enabling`. */
  async update(uuid: string, body: unknown): Promise<EventSourceMappingConfiguration> {
    const mapping = this.find(uuid);
    this.refuseWhilePassing(mapping, 'update');
    const request = readMappingRequest(body, 'update');
    if (request instanceof AwsServiceError) throw request;
    const target = request.FunctionName === undefined ? mapping.target : this.resolveFunction(request.FunctionName);
    const settings = mergeSettings(mapping.settings, request);
    const problem = batchRuleProblem(settings, mapping.fifo);
    if (problem) throw problem;
    if (target.invokedArn !== mapping.target.invokedArn) this.refuseDuplicate(mapping.eventSourceArn, target);
    const enabled = request.Enabled ?? mapping.enabled;
    const passing: MappingState = enabled === mapping.enabled ? 'Updating' : enabled ? 'Enabling' : 'Disabling';
    Object.assign(mapping, { target, settings, enabled, state: passing, reason: 'USER_INITIATED', lastModified: Date.now() });
    const answer = this.describe(mapping);
    this.change(
      mapping,
      async () => {
        if (passing === 'Disabling') await this.stopPoller(mapping);
        else if (passing === 'Enabling') await this.startPoller(mapping);
        else mapping.poller?.settingsChanged();
      },
      enabled ? 'Enabled' : 'Disabled',
    );
    return answer;
  }

  /** DeleteEventSourceMapping: answers `Deleting`; the mapping is gone once its batches are finished. */
  delete(uuid: string): EventSourceMappingConfiguration {
    const mapping = this.find(uuid);
    this.refuseWhilePassing(mapping, 'delete');
    mapping.state = 'Deleting';
    mapping.lastModified = Date.now();
    const answer = this.describe(mapping);
    mapping.transition = this.stopPoller(mapping).finally(() => this.mappings.delete(uuid));
    return answer;
  }

  /** Every mapping, as List would show them all. */
  all(): EventSourceMappingConfiguration[] {
    return [...this.mappings.values()].map((mapping) => this.describe(mapping));
  }

  /** Resolves once every state change under way has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.mappings.values()].map((mapping) => mapping.transition));
  }

  /** The stack is stopping: no more receives; batches being invoked get `graceMs` to finish. */
  async stop(graceMs?: number): Promise<void> {
    this.stopped = true;
    // Pollers draining for a disable or a delete are stopped too: nothing invokes after the stack stops.
    const pollers = [...[...this.mappings.values()].map((mapping) => mapping.poller), ...this.draining];
    await Promise.all(pollers.map((poller) => poller?.stop(false, graceMs)));
  }

  private find(uuid: string): Mapping {
    const mapping = this.mappings.get(uuid);
    if (!mapping) throw notFound();
    return mapping;
  }

  private refuseWhilePassing(mapping: Mapping, operation: 'update' | 'delete'): void {
    if (PASSING_STATES.includes(mapping.state)) {
      throw new AwsServiceError(400, 'ResourceInUseException', `Cannot ${operation} the event source mapping ${mapping.uuid} while it is ${mapping.state}: wait until it is Enabled or Disabled`);
    }
  }

  /** Runs a state change after the answer has gone out, then settles in `settledState` (Disabled, with the problem, if it failed). */
  private change(mapping: Mapping, work: () => Promise<void>, settledState: MappingState): void {
    mapping.transition = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => (this.stopped ? undefined : work()))
      .then(
        () => {
          mapping.state = settledState;
        },
        (error: unknown) => {
          const message = error instanceof AwsServiceError ? error.message : String((error as Error).message);
          this.options.onWarning?.(`event source mapping ${mapping.uuid} is disabled: ${message}`);
          Object.assign(mapping, { state: 'Disabled', enabled: false, reason: `PROBLEM: ${message}` });
        },
      )
      .finally(() => {
        mapping.lastModified = Date.now();
      });
  }

  private resolveFunction(functionName: string): ResolvedInvocationTarget {
    const target = resolveInvocationTarget(this.options.functions, this.options.region, functionName, undefined);
    if (!('fn' in target)) throw new AwsServiceError(400, 'InvalidParameterValueException', 'Function does not exist'); // (AWS)
    return target;
  }

  private refuseDuplicate(eventSourceArn: string, target: ResolvedInvocationTarget): void {
    for (const other of this.mappings.values()) {
      if (other.eventSourceArn === eventSourceArn && other.target.invokedArn === target.invokedArn) {
        // (AWS) SQS's wording, spaces inside the quotes included.
        throw new AwsServiceError(
          409,
          'ResourceConflictException',
          `An event source mapping with SQS arn (" ${eventSourceArn} ") and function (" ${target.fn.name} ") already exists. Please update or delete the existing mapping with UUID ${other.uuid}`,
        );
      }
    }
  }

  /** The queue behind an SQS ARN, asked of SQS itself (it may have been created through the API): its URL and visibility timeout. */
  private async queue(arn: string): Promise<{ url: string; arn: string; visibilityTimeoutSeconds: number }> {
    const source = parseQueueArn(arn);
    if (!source || source.region !== this.options.region || source.account !== ACCOUNT_ID) throw noSuchQueue();
    try {
      const { QueueUrl } = await this.options.sqs.send(new GetQueueUrlCommand({ QueueName: source.name }));
      const { Attributes = {} } = await this.options.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout'] }));
      if (!QueueUrl || Attributes.QueueArn !== arn) throw noSuchQueue();
      return { url: QueueUrl, arn, visibilityTimeoutSeconds: Number(Attributes.VisibilityTimeout ?? 30) };
    } catch (error) {
      if (error instanceof AwsServiceError) throw error;
      if ((error as Error).name === 'QueueDoesNotExist' || (error as Error).name === 'AWS.SimpleQueueService.NonExistentQueue') throw noSuchQueue();
      throw new AwsServiceError(500, 'ServiceException', `SQS could not be asked about ${arn}: ${(error as Error).message}`);
    }
  }

  private async startPoller(mapping: Mapping): Promise<void> {
    const queue = await this.queue(mapping.eventSourceArn);
    if (this.stopped) return;
    mapping.poller = new SqsPoller({
      uuid: mapping.uuid,
      queue,
      region: this.options.region,
      sqs: this.options.sqs,
      runtime: this.options.runtime,
      timeScale: this.options.timeScale,
      current: () => ({ settings: mapping.settings, target: mapping.target }),
      ...(this.options.onBatch && { onBatch: this.options.onBatch }),
      ...(this.options.onWarning && { onWarning: this.options.onWarning }),
    });
    mapping.poller.start();
  }

  private async stopPoller(mapping: Mapping): Promise<void> {
    const poller = mapping.poller;
    delete mapping.poller;
    if (!poller) return;
    this.draining.add(poller);
    try {
      await poller.stop(true);
    } finally {
      this.draining.delete(poller);
    }
  }

  private describe(mapping: Mapping): EventSourceMappingConfiguration {
    const { settings } = mapping;
    return {
      UUID: mapping.uuid,
      BatchSize: settings.batchSize,
      MaximumBatchingWindowInSeconds: settings.maximumBatchingWindowInSeconds,
      EventSourceArn: mapping.eventSourceArn,
      FunctionArn: mapping.target.invokedArn,
      LastModified: mapping.lastModified / 1000,
      State: mapping.state,
      StateTransitionReason: mapping.reason,
      FunctionResponseTypes: settings.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      ...(settings.maximumConcurrency !== undefined && { ScalingConfig: { MaximumConcurrency: settings.maximumConcurrency } }),
      EventSourceMappingArn: `arn:aws:lambda:${this.options.region}:${ACCOUNT_ID}:event-source-mapping:${mapping.uuid}`,
    };
  }
}
