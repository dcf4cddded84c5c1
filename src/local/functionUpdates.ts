/**
 * UpdateFunctionConfiguration on the local functions: Environment (Variables), MemorySize, Timeout
 * and Description of $LATEST (a published version's configuration cannot change). As Lambda does,
 * the answer says `LastUpdateStatus: InProgress`, which becomes `Successful` a moment later
 * (`settleMs`); another update meanwhile is refused with ResourceConflictException; and the
 * function's warm $LATEST execution environments are retired, so the next call starts cold (an
 * Init Duration in its REPORT, a new log stream) and sees the new settings.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './awsErrors.js';
import type { LatestChanges, LocalFunction } from './localFunction.js';

/** How long an update stays InProgress unless set: Lambda's take a second or so. */
export const DEFAULT_UPDATE_SETTLE_MS = 250;
const SERVED = ['Environment', 'MemorySize', 'Timeout', 'Description', 'RevisionId'];
/** Variables Lambda sets itself and refuses to take from an update. */
const RESERVED_VARIABLES = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);
const VARIABLES_LIMIT_BYTES = 4096;

const validation = (field: string, value: unknown, constraint: string) =>
  new AwsServiceError(400, 'ValidationException', `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);

export class FunctionUpdates {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    /** Retires the function's warm $LATEST environments (FunctionRuntime.retire). */
    private readonly retire: (functionName: string) => void,
    private readonly settleMs = DEFAULT_UPDATE_SETTLE_MS,
  ) {}

  /** Applies an UpdateFunctionConfiguration body to $LATEST; throws the AWS error the API would answer. */
  update(fn: LocalFunction, body: unknown): void {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AwsServiceError(400, 'InvalidRequestContentException', 'The request body must be a JSON object.');
    const given = body as Record<string, unknown>;
    const unserved = Object.keys(given).filter((key) => !SERVED.includes(key) && given[key] !== undefined && given[key] !== null);
    if (unserved.length > 0) {
      throw new AwsServiceError(400, 'InvalidParameterValueException', `This local stack updates Environment, MemorySize, Timeout and Description only; not ${unserved.join(', ')}`);
    }
    if (fn.latest?.lastUpdateStatus === 'InProgress') {
      throw new AwsServiceError(409, 'ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`);
    }
    if (given.RevisionId !== undefined && given.RevisionId !== (fn.latest?.revisionId ?? initialRevision(fn))) {
      throw new AwsServiceError(412, 'PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    const changes: LatestChanges = { ...fn.latest, lastUpdateStatus: 'InProgress', revisionId: randomUUID(), lastModified: new Date().toISOString().replace('Z', '+0000') };
    const { MemorySize: memory, Timeout: timeout, Description: description, Environment: environment } = given;
    if (memory !== undefined) {
      if (!Number.isInteger(memory) || (memory as number) < 128 || (memory as number) > 10240) throw validation('memorySize', memory, 'Member must have value greater than or equal to 128 and less than or equal to 10240');
      changes.memorySize = memory as number;
    }
    if (timeout !== undefined) {
      if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > 900) throw validation('timeout', timeout, 'Member must have value greater than or equal to 1 and less than or equal to 900');
      changes.timeoutSeconds = timeout as number;
    }
    if (description !== undefined) {
      if (typeof description !== 'string' || description.length > 256) throw validation('description', description, 'Member must have length less than or equal to 256');
      changes.description = description;
    }
    if (environment !== undefined) changes.variables = readVariables(environment);
    fn.latest = changes;
    this.retire(fn.name);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (fn.latest === changes) changes.lastUpdateStatus = 'Successful';
    }, this.settleMs);
    timer.unref();
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** The RevisionId of a function no update has touched: stable per function. */
export function initialRevision(fn: LocalFunction): string {
  const hex = Buffer.from(fn.arn).toString('hex').padEnd(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function readVariables(environment: unknown): Record<string, string> {
  const variables = environment !== null && typeof environment === 'object' ? (environment as { Variables?: unknown }).Variables : undefined;
  if (variables === undefined) return {};
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables) || !Object.values(variables).every((value) => typeof value === 'string')) {
    throw new AwsServiceError(400, 'InvalidParameterValueException', 'Environment.Variables must be an object of names to string values, e.g. {"Variables": {"MODE": "fast"}}');
  }
  const names = Object.keys(variables);
  const badName = names.find((name) => !/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(name));
  if (badName !== undefined) throw validation('environment.variables', badName, 'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+');
  const reserved = names.filter((name) => RESERVED_VARIABLES.has(name));
  if (reserved.length > 0) {
    throw new AwsServiceError(
      400,
      'InvalidParameterValueException',
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(variables)) > VARIABLES_LIMIT_BYTES) {
    throw new AwsServiceError(400, 'InvalidParameterValueException', 'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.');
  }
  return { ...(variables as Record<string, string>) };
}
