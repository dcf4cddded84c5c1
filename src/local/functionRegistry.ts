/**
 * The functions the local stack serves: the shipped samples plus every `*.js` / `*.mjs` / `*.cjs`
 * module in the user's folder (the file name is the function name). A module exports `handler`
 * and may export `config` (memorySize, timeoutSeconds, reservedConcurrency, maximumRetryAttempts,
 * maximumEventAgeSeconds, onSuccess, onFailure, deadLetterQueue, versions, aliases); the stack's
 * per-function overrides go on top. Every function's configuration is checked against AWS's own
 * ranges before anything listens, and every problem is reported at once.
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ACCOUNT_ID, type FunctionConfig, type LocalFunction } from './localFunction.js';
import { withHandlerConsoleOnStderr } from './runtime.js';
import { DESTINATION_RULE, destinationProblems, parseDestination, type DestinationKind } from './destinationArns.js';
export { resourcesOf } from './destinationArns.js';

export type { FunctionConfig, LocalFunction };
export { ACCOUNT_ID };
export const DEFAULT_QUEUES = { onSuccess: 'lambench-success', onFailure: 'lambench-failure', deadLetter: 'lambench-dlq' };

/**
 * What a module's `config`, a config file or `LocalStackOptions.functionConfig` may set for one
 * function: any subset of FunctionConfig (`timeout` is accepted for `timeoutSeconds`), and
 * `reservedConcurrency: null` to drop a module's reservation.
 */
export type FunctionConfigOverrides = Partial<Omit<FunctionConfig, 'reservedConcurrency'>> & {
  reservedConcurrency?: number | null;
  timeout?: number;
  /** Another name for deadLetterQueue (DeadLetterConfig.TargetArn). */
  deadLetterTarget?: string | null;
  /** PutFunctionEventInvokeConfig's request, read as that call: it replaces retries, age and both destinations. */
  eventInvokeConfig?: EventInvokeConfigInput;
};

/** The body of PutFunctionEventInvokeConfig, as a config file may give it. */
export interface EventInvokeConfigInput {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

/** Every function's configuration problems, in one error (one problem per `problems` entry). */
export class FunctionConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid function configuration: ${problems.join('; ')}`);
    this.name = 'FunctionConfigError';
  }
}

const DLQ_RULE = 'must be an SQS queue name, an SQS queue ARN or an SNS topic ARN, or null to turn it off';
const ON_SUCCESS: readonly DestinationKind[] = ['sqs', 'sns', 'events', 'lambda'];
const ON_FAILURE: readonly DestinationKind[] = [...ON_SUCCESS, 's3'];
const DEAD_LETTER: readonly DestinationKind[] = ['sqs', 'sns'];
const integerIn = (min: number, max: number) => (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const inTimeoutRange = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 900;

/** How a field's value is written on a command line (`--set NAME.key=value`). */
export type ConfigFieldKind = 'number' | 'numberOrNull' | 'destinationOrNull' | 'text' | 'list' | 'map';

/** Every key a function's configuration may hold: its kind, its AWS range, and what a message says when it is out of range. */
export const CONFIG_FIELDS: Readonly<Record<keyof FunctionConfigOverrides, { kind: ConfigFieldKind; ok: (value: unknown) => boolean; must: string; problem?: (value: unknown) => string | undefined }>> = {
  memorySize: { kind: 'number', ok: integerIn(128, 10240), must: 'must be an integer number of MB from 128 to 10240' },
  timeoutSeconds: { kind: 'number', ok: inTimeoutRange, must: 'must be a number of seconds above 0 and at most 900' },
  timeout: { kind: 'number', ok: inTimeoutRange, must: 'must be a number of seconds above 0 and at most 900' },
  reservedConcurrency: { kind: 'numberOrNull', ok: (value) => value === null || integerIn(0, Number.MAX_SAFE_INTEGER)(value), must: 'must be an integer of 0 or more (null: unreserved)' },
  maximumRetryAttempts: { kind: 'number', ok: integerIn(0, 2), must: 'must be an integer from 0 to 2' },
  maximumEventAgeSeconds: { kind: 'number', ok: integerIn(60, 21600), must: 'must be an integer number of seconds from 60 to 21600 (6 h)' },
  onSuccess: { kind: 'destinationOrNull', ok: destinationOrNull(ON_SUCCESS), must: DESTINATION_RULE.replace(' or (on failure only) S3 bucket (arn:aws:s3:::BUCKET)', ' (an S3 bucket is for on-failure only)') },
  onFailure: { kind: 'destinationOrNull', ok: destinationOrNull(ON_FAILURE), must: DESTINATION_RULE },
  deadLetterQueue: { kind: 'destinationOrNull', ok: destinationOrNull(DEAD_LETTER), must: DLQ_RULE },
  deadLetterTarget: { kind: 'destinationOrNull', ok: destinationOrNull(DEAD_LETTER), must: DLQ_RULE },
  eventInvokeConfig: {
    kind: 'map',
    ok: (value) => eventInvokeConfigProblem(value) === undefined,
    problem: eventInvokeConfigProblem,
    must: 'must be PutFunctionEventInvokeConfig\'s body: {"MaximumRetryAttempts": 0-2, "MaximumEventAgeInSeconds": 60-21600, "DestinationConfig": {"OnSuccess": {"Destination": ARN}, "OnFailure": {"Destination": ARN}}}',
  },
  architecture: { kind: 'text', ok: (value) => value === 'x86_64' || value === 'arm64', must: 'must be x86_64 or arm64' },
  logFormat: { kind: 'text', ok: (value) => value === 'Text' || value === 'JSON', must: 'must be Text or JSON' },
  logGroup: { kind: 'text', ok: (value) => typeof value === 'string' && /^[.\-_/#A-Za-z0-9]{1,512}$/.test(value), must: 'must be a log group name, e.g. /aws/lambda/my-function' },
  systemLogLevel: { kind: 'text', ok: (value) => value === 'DEBUG' || value === 'INFO' || value === 'WARN', must: 'must be DEBUG, INFO or WARN (LoggingConfig.SystemLogLevel)' },
  versions: {
    kind: 'list',
    ok: (value) => Array.isArray(value) && value.every((version) => typeof version === 'string' && /^[1-9]\d*$/.test(version)),
    must: 'must be a list of version numbers as strings, e.g. ["1", "2"]',
  },
  aliases: {
    kind: 'map',
    ok: (value) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) &&
      Object.entries(value).every(([alias, version]) => /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(alias) && typeof version === 'string'),
    must: 'must be an object of alias name → version, e.g. {"live": "1"}',
  },
};

/** A destination of the allowed kinds in any region (loadFunctions checks it is this stack's), or null. */
function destinationOrNull(allowed: readonly DestinationKind[]) {
  return (value: unknown) => value === null || (typeof value === 'string' && !('problem' in parseDestination(value, undefined, allowed)));
}

/** What is wrong with an eventInvokeConfig object (read as PutFunctionEventInvokeConfig's body), or undefined when nothing is. */
function eventInvokeConfigProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not an object';
  const { MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: age, DestinationConfig: destinations, ...rest } = value as EventInvokeConfigInput;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `has unknown keys ${unknown.join(', ')}`;
  if (retries !== undefined && !integerIn(0, 2)(retries)) return `has MaximumRetryAttempts ${JSON.stringify(retries)}, not an integer from 0 to 2`;
  if (age !== undefined && !integerIn(60, 21600)(age)) return `has MaximumEventAgeInSeconds ${JSON.stringify(age)}, not an integer from 60 to 21600`;
  if (destinations === undefined) return undefined;
  if (destinations === null || typeof destinations !== 'object') return 'has a DestinationConfig that is not an object';
  const { OnSuccess, OnFailure, ...others } = destinations;
  if (Object.keys(others).length > 0) return `has unknown DestinationConfig keys ${Object.keys(others).join(', ')}`;
  for (const [side, given, allowed] of [['OnSuccess', OnSuccess, ON_SUCCESS], ['OnFailure', OnFailure, ON_FAILURE]] as const) {
    if (given === undefined) continue;
    if (given === null || typeof given !== 'object') return `has a DestinationConfig.${side} that is not an object {"Destination": ARN}`;
    const destination: unknown = given.Destination;
    if (destination === undefined) continue;
    const parsed = typeof destination === 'string' ? parseDestination(destination, undefined, allowed) : { problem: `${JSON.stringify(destination)} is not a string` };
    if ('problem' in parsed) return `has DestinationConfig.${side}.Destination ${parsed.problem}`;
  }
  return undefined;
}

/**
 * The problems of one function's partial configuration, each naming `subject.key`, the value and
 * the fix: unknown keys, and values outside AWS's ranges. An empty list means it is valid.
 */
export function configProblems(subject: string, given: unknown): string[] {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    return [`${subject} must be an object of settings, e.g. {"maximumRetryAttempts": 0}`];
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(CONFIG_FIELDS, key)) {
      problems.push(`${subject}: unknown key '${key}' (known: ${Object.keys(CONFIG_FIELDS).join(', ')})`);
      continue;
    }
    if (value === undefined) continue;
    const rule = CONFIG_FIELDS[key as keyof FunctionConfigOverrides];
    if (!rule.ok(value)) problems.push(`${subject}.${key} ${JSON.stringify(value)} ${rule.problem ? `${rule.problem(value)}: it ${rule.must}` : rule.must}`);
  }
  return problems;
}

const SAMPLES_DIR = fileURLToPath(new URL('./functions/', import.meta.url));
const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * Loads the samples and the user's modules, and resolves each function's configuration: defaults,
 * then the module's `config`, then `overrides[name]`. Throws FunctionConfigError listing every
 * problem (bad values, unknown keys, overrides for functions that do not exist).
 */
export async function loadFunctions(
  region: string,
  userDir?: string,
  overrides: Record<string, FunctionConfigOverrides> = {},
): Promise<{ functions: Map<string, LocalFunction>; skipped: SkippedFile[] }> {
  const functions = new Map<string, LocalFunction>();
  const skipped: SkippedFile[] = [];
  const names: string[] = [];
  const problems: string[] = [];
  for (const dir of [SAMPLES_DIR, ...(userDir ? [resolve(userDir)] : [])]) {
    let entries: string[];
    try {
      entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    } catch (error) {
      throw new Error(`--functions '${dir}' cannot be read: ${(error as Error).message}`, { cause: error });
    }
    for (const entry of entries.sort()) {
      const ext = extname(entry);
      if (!MODULE_EXTENSIONS.has(ext) || entry.endsWith('.d.ts')) continue;
      const name = basename(entry, ext);
      // The file name is the function name, and Lambda's names are 1-64 letters, digits, - and _:
      // a module like my.handler.js cannot be one. Said, not silently passed over.
      if (!FUNCTION_NAME.test(name)) {
        skipped.push({ file: join(dir, entry), reason: `'${name}' is not a Lambda function name (1-64 letters, digits, - and _): rename the file, e.g. ${suggestName(name)}${ext}` });
        continue;
      }
      const fileUrl = pathToFileURL(join(dir, entry)).href;
      const module = (await withHandlerConsoleOnStderr(() => import(fileUrl))) as { handler?: unknown; config?: unknown };
      if (typeof module.handler !== 'function') {
        throw new Error(`${join(dir, entry)} does not export a handler: add 'export const handler = async (event, context) => …'`);
      }
      names.push(name);
      const own = module.config ?? {};
      const override = overrides[name] ?? {};
      const found = [...configProblems(`${join(dir, entry)}: config`, own), ...configProblems(name, override)];
      if (found.length === 0) {
        const config = resolveConfig(name, { ...(own as FunctionConfigOverrides), ...override });
        found.push(...aliasProblems(name, config), ...loggingProblems(name, config), ...destinationProblems(name, config, region));
        functions.set(name, { name, arn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`, fileUrl, config });
      }
      problems.push(...found);
    }
  }
  for (const name of Object.keys(overrides)) {
    if (!names.includes(name)) problems.push(`no function named '${name}' to configure (the functions are ${names.join(', ')})`);
  }
  for (const fn of functions.values()) {
    for (const key of ['onSuccess', 'onFailure'] as const) {
      const destination = fn.config[key] === null ? undefined : parseDestination(fn.config[key]!, region);
      if (destination && 'kind' in destination && destination.kind === 'lambda' && !names.includes(destination.name)) {
        problems.push(`${fn.name}.${key} names the function '${destination.name}', which is not one here (the functions are ${names.join(', ')})`);
      }
    }
  }
  if (problems.length > 0) throw new FunctionConfigError(problems);
  return { functions, skipped };
}

/** A module in a functions folder that was not loaded, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;

/** A function name close to a file's: other characters become -, cut to 64. */
function suggestName(name: string): string {
  return name.replace(/[^a-zA-Z0-9-_]/g, '-').slice(0, 64) || 'my-function';
}

function resolveConfig(name: string, given: FunctionConfigOverrides): FunctionConfig {
  const deadLetter = given.deadLetterTarget !== undefined ? given.deadLetterTarget : given.deadLetterQueue;
  const config: FunctionConfig = {
    memorySize: given.memorySize ?? 128,
    timeoutSeconds: given.timeoutSeconds ?? given.timeout ?? 3,
    maximumRetryAttempts: given.maximumRetryAttempts ?? 2,
    maximumEventAgeSeconds: given.maximumEventAgeSeconds ?? 21600,
    onSuccess: given.onSuccess === undefined ? DEFAULT_QUEUES.onSuccess : given.onSuccess,
    onFailure: given.onFailure === undefined ? DEFAULT_QUEUES.onFailure : given.onFailure,
    deadLetterQueue: deadLetter === undefined ? DEFAULT_QUEUES.deadLetter : deadLetter,
    architecture: given.architecture ?? 'x86_64',
    logFormat: given.logFormat ?? 'Text',
    logGroup: given.logGroup ?? `/aws/lambda/${name}`,
    ...(given.systemLogLevel !== undefined && { systemLogLevel: given.systemLogLevel }),
    versions: given.versions ?? ['1'],
    aliases: given.aliases ?? { live: '1' },
  };
  // As PutFunctionEventInvokeConfig: the whole async configuration, AWS's defaults for what it leaves out.
  const put = given.eventInvokeConfig;
  if (put) {
    config.maximumRetryAttempts = put.MaximumRetryAttempts ?? 2;
    config.maximumEventAgeSeconds = put.MaximumEventAgeInSeconds ?? 21600;
    config.onSuccess = put.DestinationConfig?.OnSuccess?.Destination ?? null;
    config.onFailure = put.DestinationConfig?.OnFailure?.Destination ?? null;
  }
  if (given.reservedConcurrency !== undefined && given.reservedConcurrency !== null) config.reservedConcurrency = given.reservedConcurrency;
  return config;
}

/** Aliases must point at a published version. */
function aliasProblems(name: string, config: FunctionConfig): string[] {
  return Object.entries(config.aliases)
    .filter(([, version]) => !config.versions.includes(version))
    .map(([alias, version]) => `${name}.aliases.${alias} points at version ${JSON.stringify(version)}, which is not among its versions ${JSON.stringify(config.versions)}: add it to versions or change the alias`);
}

/** Lambda takes a system log level only with the JSON format (InvalidParameterValueException otherwise). */
function loggingProblems(name: string, config: FunctionConfig): string[] {
  return config.systemLogLevel !== undefined && config.logFormat !== 'JSON' ? [`${name}.systemLogLevel applies to the JSON log format only: set ${name}.logFormat=JSON too`] : [];
}

export interface ResolvedInvocationTarget {
  fn: LocalFunction;
  /** $LATEST or a version number: what runs. */
  executedVersion: string;
  /** The ARN the caller invoked, qualified when a qualifier was given. */
  invokedArn: string;
}

/**
 * Resolves the FunctionName path parameter (name, name:qualifier, partial or full ARN) and the
 * Qualifier query parameter the way the Invoke API does. Returns a message when the name does not
 * resolve, for a ResourceNotFoundException.
 */
export function resolveInvocationTarget(
  functions: Map<string, LocalFunction>,
  region: string,
  functionName: string,
  queryQualifier: string | undefined,
): ResolvedInvocationTarget | { notFound: string } | { conflict: string } {
  const match =
    /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/.exec(functionName);
  const name = match?.[4] ?? functionName;
  const nameQualifier = match?.[5];
  const unqualified = `arn:aws:lambda:${match?.[1] ?? region}:${match?.[2] ?? match?.[3] ?? ACCOUNT_ID}:function:${name}`;
  if (nameQualifier !== undefined && queryQualifier !== undefined && nameQualifier !== queryQualifier) {
    return { conflict: 'The derived qualifier from the function name does not match the specified qualifier.' };
  }
  const qualifier = nameQualifier ?? queryQualifier;
  const fn = match ? functions.get(name) : undefined;
  const invokedArn = qualifier ? `${unqualified}:${qualifier}` : unqualified;
  if (!fn || (match?.[1] !== undefined && match[1] !== region) || ((match?.[2] ?? match?.[3] ?? ACCOUNT_ID) !== ACCOUNT_ID)) {
    return { notFound: invokedArn };
  }
  if (qualifier === undefined || qualifier === '$LATEST') return { fn, executedVersion: '$LATEST', invokedArn };
  if (fn.config.versions.includes(qualifier)) return { fn, executedVersion: qualifier, invokedArn };
  const aliased = fn.config.aliases[qualifier];
  if (aliased !== undefined) return { fn, executedVersion: aliased, invokedArn };
  return { notFound: invokedArn };
}
