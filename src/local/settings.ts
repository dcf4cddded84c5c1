/**
 * The per-function settings `lambench local` is given on its command line, read into overrides the
 * stack applies: `--config FILE` (a JSON object of function name → settings, with optional fault
 * lists and event source mappings), then `--reserved-concurrency NAME=N`, then `--set
 * NAME.key=value` (the last one wins).
 * Every problem is collected, named by the flag it came from; the stack itself then rejects names
 * that are not functions.
 */
import { readFile } from 'node:fs/promises';
import { CONFIG_FIELDS, configProblems, type ConfigFieldKind, type FunctionConfigOverrides } from './functionRegistry.js';
import { FAULT_EXAMPLES } from './faults.js';

export interface SettingsFlags {
  /**
   * A JSON file: `{ "NAME": { "maximumRetryAttempts": 0, "onFailure": "arn:aws:sns:…", "eventInvokeConfig": {…}, … },
   * "faults": [ … ], "eventSourceMappings": [ … ] }`.
   */
  config?: string;
  /** `NAME=N`. */
  reservedConcurrency?: string[];
  /** `NAME.key=value`. */
  set?: string[];
}

export interface FunctionSettings {
  /** Each function's overrides, the flags applied in order. */
  functionConfig: Record<string, FunctionConfigOverrides>;
  /** The config file's fault lines in the --fault grammar (a function's own scoped to it), still to parse. */
  faultLines: string[];
  /**
   * The config file's "eventSourceMappings": CreateEventSourceMapping requests (EventSourceArn may
   * be a queue name), still to check; the stack checks them as the API would. Absent when none.
   */
  eventSourceMappings?: unknown[];
  /** Every problem found, each naming its flag: empty when all of it applies. */
  problems: string[];
}

export async function readFunctionSettings(flags: SettingsFlags): Promise<FunctionSettings> {
  const settings: FunctionSettings = { functionConfig: {}, faultLines: [], problems: [] };
  if (flags.config !== undefined) {
    let document: unknown;
    try {
      document = JSON.parse(await readFile(flags.config, 'utf8'));
    } catch (error) {
      const reason = error instanceof SyntaxError ? `is not JSON (${error.message})` : `cannot be read (${(error as Error).message})`;
      settings.problems.push(`--config ${flags.config} ${reason}: it must hold {"NAME": {"maximumRetryAttempts": 0, …}, …}`);
    }
    if (document !== undefined) applyConfigDocument(settings, flags.config, document);
  }
  for (const item of flags.reservedConcurrency ?? []) applyReservedConcurrency(settings, item);
  for (const item of flags.set ?? []) applySet(settings, item);
  return settings;
}

function merge(settings: FunctionSettings, name: string, values: FunctionConfigOverrides): void {
  settings.functionConfig[name] = { ...settings.functionConfig[name], ...values };
}

/** The parsed --config document: function name → settings, and fault lists at the top or per function. */
function applyConfigDocument(settings: FunctionSettings, file: string, document: unknown): void {
  const { problems, faultLines } = settings;
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    problems.push(`--config ${file} must hold a JSON object of function name → settings, e.g. {"flaky": {"maximumRetryAttempts": 0}}`);
    return;
  }
  for (const [name, value] of Object.entries(document)) {
    // A top-level "faults" list is the fronts' faults (a function named faults has an object).
    if (name === 'faults' && Array.isArray(value)) {
      faultLines.push(...faultList(`--config ${file}: faults`, value, problems));
      continue;
    }
    // Likewise "eventSourceMappings": a list of CreateEventSourceMapping requests.
    if (name === 'eventSourceMappings' && Array.isArray(value)) {
      settings.eventSourceMappings = [...(settings.eventSourceMappings ?? []), ...(value as unknown[])];
      continue;
    }
    let given: unknown = value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'faults' in value) {
      const { faults: own, ...rest } = value as { faults: unknown };
      given = rest;
      faultLines.push(...faultList(`--config ${file}: ${name}.faults`, own, problems).map((line) => scopeToFunction(line, name)));
    }
    const found = configProblems(`--config ${file}: ${name}`, given);
    problems.push(...found);
    if (found.length === 0) merge(settings, name, given as FunctionConfigOverrides);
  }
}

function applyReservedConcurrency(settings: FunctionSettings, item: string): void {
  const match = /^([a-zA-Z0-9-_]+)=(\d+)$/.exec(item);
  if (match) merge(settings, match[1]!, { reservedConcurrency: Number(match[2]) });
  else settings.problems.push(`--reserved-concurrency '${item}' must look like NAME=N, e.g. sleep=5`);
}

/** `NAME.key=value`: the value is read by the key's kind (a number, null, a queue name, JSON), then checked like a config file's. */
function applySet(settings: FunctionSettings, item: string): void {
  const { problems } = settings;
  const match = /^([a-zA-Z0-9-_]+)\.([a-zA-Z]+)=(.*)$/s.exec(item);
  if (!match) {
    problems.push(`--set '${item}' must look like NAME.key=value, e.g. flaky.maximumRetryAttempts=0 or square.onSuccess=null`);
    return;
  }
  const [, name, key, text] = match as unknown as [string, string, string, string];
  const field = Object.hasOwn(CONFIG_FIELDS, key) ? CONFIG_FIELDS[key as keyof typeof CONFIG_FIELDS] : undefined;
  if (field === undefined) {
    problems.push(`--set ${item}: unknown key '${key}' (known: ${Object.keys(CONFIG_FIELDS).join(', ')})`);
    return;
  }
  const value = parseSetValue(field.kind, text);
  if (value === undefined) {
    problems.push(`--set ${item}: ${key} takes ${SET_VALUE_HINTS[field.kind]}`);
    return;
  }
  const found = configProblems(`--set ${name}`, { [key]: value });
  problems.push(...found);
  if (found.length === 0) merge(settings, name, { [key]: value });
}

/** A config file's list of fault lines; a problem (and nothing) when it is not a list of strings. */
function faultList(subject: string, value: unknown, problems: string[]): string[] {
  if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value as string[];
  problems.push(`${subject} must be a list of faults as --fault writes them, ${FAULT_EXAMPLES}`);
  return [];
}

/**
 * A function's own fault in a config file, written without the function: `error p=0.2` (the
 * Invoke API and the function itself) or `api:latency 200ms` (the api front) → `lambda:NAME:error
 * p=0.2`, `api:NAME:latency 200ms`.
 */
function scopeToFunction(line: string, name: string): string {
  const [head = '', ...rest] = line.trim().split(/\s+/);
  const [front, kind] = head.includes(':') ? head.split(/:(.*)/s) : ['lambda', head];
  return [`${front}:${name}:${kind}`, ...rest].join(' ');
}

const SET_VALUE_HINTS: Record<ConfigFieldKind, string> = {
  number: 'a number',
  numberOrNull: 'a number, or null',
  destinationOrNull: 'a queue name or a destination ARN, or null to turn it off',
  text: 'a word, e.g. arm64 or JSON',
  list: 'a JSON list, e.g. ["1","2"]',
  map: 'a JSON object, e.g. {"live":"1"}',
};

/** A --set value read by its field's kind; undefined when it cannot be one. */
function parseSetValue(kind: ConfigFieldKind, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'null' && (kind === 'numberOrNull' || kind === 'destinationOrNull')) return null;
  if (kind === 'number' || kind === 'numberOrNull') return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : undefined;
  if (kind === 'destinationOrNull' || kind === 'text') return trimmed;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
