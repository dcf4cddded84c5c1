/**
 * What the local stack creates before it listens, and what its functions see: the queues, topics,
 * buckets and event buses named by the flags (--queue, --topic, --bucket, --event-bus) and by the
 * functions' destinations and DLQs (so a wiring always has somewhere to write), and each function's
 * environment (its endpoints point at this stack).
 */
import { DEFAULT_QUEUES, resourcesOf, type LocalFunction } from './functionRegistry.js';
import { versionConfig } from './localFunction.js';

export interface StackResources {
  /** Queue names besides the samples' and the declared mappings' (the caller adds those). */
  queues: string[];
  topics: string[];
  buckets: string[];
  /** Besides `default`. */
  buses: string[];
}

export function stackResources(functions: Map<string, LocalFunction>, region: string, given: { queues?: string[]; topics?: string[]; buckets?: string[]; eventBuses?: string[] }): StackResources {
  const wired = [...functions.values()].map((fn) => resourcesOf(fn.config, region));
  const unique = (names: string[]) => [...new Set(names)];
  return {
    queues: unique([...Object.values(DEFAULT_QUEUES), ...(given.queues ?? []), ...wired.flatMap((found) => found.sqs)]),
    topics: unique([...(given.topics ?? []), ...wired.flatMap((found) => found.sns)]),
    buckets: unique([...(given.buckets ?? []), ...wired.flatMap((found) => found.s3)]),
    buses: unique([...(given.eventBuses ?? []), ...wired.flatMap((found) => found.events)]).filter((name) => name !== 'default'),
  };
}

/**
 * What Lambda puts in a function's environment, for this stack: region, name, version, memory,
 * log group, dummy credentials, and the stack's endpoints (SQS, SNS and S3 are fauxqs's; Lambda;
 * EventBridge), so that an SDK client created in a handler talks to this stack. A function's
 * fauxqs calls go to the emulator directly, as the stack's own writes do: SQS faults are on
 * lambench's side of SQS, not Lambda's. $LATEST also gets the Environment.Variables an
 * UpdateFunctionConfiguration set (they may override the endpoints, not Lambda's reserved names).
 */
export function functionEnvironment(fn: LocalFunction, version: string, region: string, endpoints: { fauxqs: string; lambda: string; events: string; logs: string }): Record<string, string> {
  const config = versionConfig(fn, version);
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.config.logGroup,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: endpoints.fauxqs,
    AWS_ENDPOINT_URL_SNS: endpoints.fauxqs,
    AWS_ENDPOINT_URL_S3: endpoints.fauxqs,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoints.logs,
    ...config.variables,
  };
}
