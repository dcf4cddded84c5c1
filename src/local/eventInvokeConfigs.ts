/**
 * Each function's event invoke configs, per qualifier ($LATEST — also the unqualified function's —,
 * a version, an alias), as Lambda keeps them: the one state the async invoker reads for retries,
 * maximum event age and destinations, and the Get/Put/Update/Delete/List operations change. At start
 * every qualifier holds the function's settings (module config, --config, --set), so the samples
 * are wired as before; a qualifier without one (after a Delete) gets AWS's defaults: 2 retries, 6 h,
 * no destinations.
 */
import { AwsServiceError } from './awsErrors.js';
import { parseDestination, type DestinationKind } from './destinationArns.js';
import type { LocalFunction } from './localFunction.js';

/** What a config holds; a field left unset takes AWS's default where it is used. Destinations as ARNs. */
export interface EventInvokeSettings {
  maximumRetryAttempts?: number;
  maximumEventAgeSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
}

/** The settings the async invoker applies: unset fields filled with AWS's defaults. */
export interface EffectiveEventInvokeSettings {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onSuccess: string | null;
  onFailure: string | null;
}

/** FunctionEventInvokeConfig as the API returns it. */
export interface FunctionEventInvokeConfig {
  LastModified: number;
  FunctionArn: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig: { OnSuccess: { Destination?: string }; OnFailure: { Destination?: string } };
}

export const ASYNC_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21600 } as const;

interface Entry {
  settings: EventInvokeSettings;
  /** Epoch seconds, with a fraction, as Lambda answers. */
  lastModified: number;
}

const invalid = (message: string) => new AwsServiceError(400, 'InvalidParameterValueException', message);

export class EventInvokeConfigs {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly functions: Map<string, LocalFunction>,
    private readonly region: string,
  ) {
    const now = Date.now() / 1000;
    for (const fn of functions.values()) {
      const { config } = fn;
      const settings: EventInvokeSettings = {
        maximumRetryAttempts: config.maximumRetryAttempts,
        maximumEventAgeSeconds: config.maximumEventAgeSeconds,
        ...(config.onSuccess !== null && { onSuccess: this.arnOf(config.onSuccess) }),
        ...(config.onFailure !== null && { onFailure: this.arnOf(config.onFailure) }),
      };
      for (const qualifier of ['$LATEST', ...config.versions, ...Object.keys(config.aliases)]) this.entries.set(key(fn, qualifier), { settings: { ...settings }, lastModified: now });
    }
  }

  /** What the async invoker does for an event to `fn` invoked with `qualifier` ($LATEST when unqualified). */
  effective(fn: LocalFunction, qualifier: string): EffectiveEventInvokeSettings {
    const settings = this.entries.get(key(fn, qualifier))?.settings ?? {};
    return {
      maximumRetryAttempts: settings.maximumRetryAttempts ?? ASYNC_DEFAULTS.maximumRetryAttempts,
      maximumEventAgeSeconds: settings.maximumEventAgeSeconds ?? ASYNC_DEFAULTS.maximumEventAgeSeconds,
      onSuccess: settings.onSuccess ?? null,
      onFailure: settings.onFailure ?? null,
    };
  }

  get(fn: LocalFunction, qualifier: string): FunctionEventInvokeConfig {
    const entry = this.entries.get(key(fn, qualifier));
    if (!entry) throw new AwsServiceError(404, 'ResourceNotFoundException', `The function ${qualifiedArn(fn, qualifier)} doesn't have an EventInvokeConfig`);
    return document(fn, qualifier, entry);
  }

  /** PutFunctionEventInvokeConfig: the request replaces the whole config. */
  put(fn: LocalFunction, qualifier: string, body: unknown): FunctionEventInvokeConfig {
    const entry = { settings: this.read(body), lastModified: Date.now() / 1000 };
    this.entries.set(key(fn, qualifier), entry);
    return document(fn, qualifier, entry);
  }

  /** UpdateFunctionEventInvokeConfig: what the request gives replaces that part; the rest stays. */
  update(fn: LocalFunction, qualifier: string, body: unknown): FunctionEventInvokeConfig {
    const known = this.entries.get(key(fn, qualifier));
    if (!known) throw new AwsServiceError(404, 'ResourceNotFoundException', `The function ${qualifiedArn(fn, qualifier)} doesn't have an EventInvokeConfig`);
    const given = this.read(body);
    const destinations = (body as { DestinationConfig?: { OnSuccess?: unknown; OnFailure?: unknown } }).DestinationConfig;
    const settings: EventInvokeSettings = { ...known.settings };
    if (given.maximumRetryAttempts !== undefined) settings.maximumRetryAttempts = given.maximumRetryAttempts;
    if (given.maximumEventAgeSeconds !== undefined) settings.maximumEventAgeSeconds = given.maximumEventAgeSeconds;
    // A destination given (even as {}) replaces the old one; one left out stays.
    for (const [side, field] of [['OnSuccess', 'onSuccess'], ['OnFailure', 'onFailure']] as const) {
      if (destinations?.[side] === undefined) continue;
      if (given[field] === undefined) delete settings[field];
      else settings[field] = given[field];
    }
    const entry = { settings, lastModified: Date.now() / 1000 };
    this.entries.set(key(fn, qualifier), entry);
    return document(fn, qualifier, entry);
  }

  delete(fn: LocalFunction, qualifier: string): void {
    if (!this.entries.delete(key(fn, qualifier))) throw new AwsServiceError(404, 'ResourceNotFoundException', `The function ${qualifiedArn(fn, qualifier)} doesn't have an EventInvokeConfig`);
  }

  list(fn: LocalFunction): FunctionEventInvokeConfig[] {
    const prefix = `${fn.name}\u0000`;
    return [...this.entries].filter(([name]) => name.startsWith(prefix)).map(([name, entry]) => document(fn, name.slice(prefix.length), entry));
  }

  /** A request body checked as Lambda checks it: every problem is an InvalidParameterValueException naming the field. */
  private read(body: unknown): EventInvokeSettings {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body must be a JSON object, e.g. {"MaximumRetryAttempts": 0}');
    const { MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: age, DestinationConfig: destinations } = body as Record<string, unknown>;
    const settings: EventInvokeSettings = {};
    if (retries !== undefined && retries !== null) {
      if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > 2) {
        throw invalid(`1 validation error detected: Value '${String(retries)}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must be an integer from 0 to 2`);
      }
      settings.maximumRetryAttempts = retries as number;
    }
    if (age !== undefined && age !== null) {
      if (!Number.isInteger(age) || (age as number) < 60 || (age as number) > 21600) {
        throw invalid(`1 validation error detected: Value '${String(age)}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must be an integer from 60 to 21600`);
      }
      settings.maximumEventAgeSeconds = age as number;
    }
    if (destinations !== undefined && destinations !== null) {
      if (typeof destinations !== 'object') throw invalid('DestinationConfig must be an object {"OnSuccess": {"Destination": ARN}, "OnFailure": {"Destination": ARN}}');
      for (const [side, field, kinds] of [
        ['OnSuccess', 'onSuccess', ['sqs', 'sns', 'events', 'lambda']],
        ['OnFailure', 'onFailure', ['sqs', 'sns', 'events', 'lambda', 's3']],
      ] as const) {
        const destination = (destinations as Record<string, { Destination?: unknown } | undefined>)[side]?.Destination;
        if (destination === undefined || destination === null || destination === '') continue;
        settings[field] = this.checkDestination(side, destination, kinds);
      }
    }
    return settings;
  }

  private checkDestination(side: string, destination: unknown, kinds: readonly DestinationKind[]): string {
    if (typeof destination !== 'string' || !destination.startsWith('arn:')) {
      throw invalid(`DestinationConfig.${side}.Destination ${JSON.stringify(destination)} must be an ARN, e.g. arn:aws:sqs:${this.region}:000000000000:my-queue`);
    }
    const parsed = parseDestination(destination, this.region, kinds);
    if ('problem' in parsed) {
      const reason = parsed.problem.includes("'s3'") || /is an S3 bucket/.test(parsed.problem) ? 'an S3 bucket is supported as an OnFailure destination only' : parsed.problem;
      throw invalid(`The provided destination config DestinationConfig.${side} is invalid: ${reason}`);
    }
    if (parsed.kind === 'lambda' && !this.functions.has(parsed.name)) {
      throw invalid(`The provided destination config DestinationConfig.${side} is invalid: there is no function '${parsed.name}' in this local stack (the functions are ${[...this.functions.keys()].join(', ')})`);
    }
    if (parsed.fifo) throw invalid(`The provided destination config DestinationConfig.${side} is invalid: ${destination} is FIFO; Lambda delivers async records to standard queues and topics only`);
    return parsed.arn;
  }

  private arnOf(destination: string): string {
    const parsed = parseDestination(destination, this.region);
    return 'arn' in parsed ? parsed.arn : destination;
  }
}

function key(fn: LocalFunction, qualifier: string): string {
  return `${fn.name}\u0000${qualifier}`;
}

function qualifiedArn(fn: LocalFunction, qualifier: string): string {
  return `${fn.arn}:${qualifier}`;
}

function document(fn: LocalFunction, qualifier: string, entry: Entry): FunctionEventInvokeConfig {
  const { settings } = entry;
  return {
    LastModified: entry.lastModified,
    FunctionArn: qualifiedArn(fn, qualifier),
    ...(settings.maximumRetryAttempts !== undefined && { MaximumRetryAttempts: settings.maximumRetryAttempts }),
    ...(settings.maximumEventAgeSeconds !== undefined && { MaximumEventAgeInSeconds: settings.maximumEventAgeSeconds }),
    DestinationConfig: {
      OnSuccess: settings.onSuccess === undefined ? {} : { Destination: settings.onSuccess },
      OnFailure: settings.onFailure === undefined ? {} : { Destination: settings.onFailure },
    },
  };
}
