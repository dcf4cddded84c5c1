/**
 * Scenario files for `lambench run`: read (YAML or JSON) and checked as a file: its shape against
 * the schema, then what only the file can tell (queue names, environment variables, a payload file
 * beside it), every problem listed with its field path and the fix. What its values mean for a run
 * (modes, load, thresholds, templates…) is checked with the run (run/runConfig.ts), the same checks
 * as flags get, named as the profile's fields (profileInput.ts). Nothing is sent until both are clean.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { UsageError, messageOf } from '../errors.js';
import { isQueueTarget } from '../targets/targetSpec.js';
import { PROFILE_SCHEMA } from './schema.js';

export interface Profile {
  name?: string;
  description?: string;
  target: string;
  localStack?: boolean | { timeScale?: number; apiAsyncStatus?: 200 | 202 };
  modes?: string[] | string;
  payload?: unknown;
  payloadFile?: string;
  timeout?: string;
  load?: { rate?: number; concurrency?: number; maxInFlight?: number; duration?: string; requests?: number; warmup?: string; ramp?: string; workers?: number };
  queues?: Record<string, string>;
  delivery?: { verify?: boolean; destination?: string; dlq?: string; outputQueue?: string; settle?: string };
  thresholds?: string[];
  logs?: boolean;
  aws?: { region?: string; profile?: string; endpointUrl?: string };
  invoke?: { qualifier?: string; logType?: string; clientContext?: Record<string, unknown>; retries?: number; sdk?: boolean };
  http?: {
    method?: string;
    headers?: Record<string, string>;
    asyncVia?: 'header' | 'body' | 'url';
    asyncHeader?: string;
    asyncBodyPath?: string;
    asyncUrl?: string;
    correlationPath?: string | null;
    correlationHeader?: string;
    sigv4?: boolean;
  };
  queue?: {
    messageGroupId?: string;
    contentDedup?: boolean;
    delay?: string;
    attributes?: Record<string, string>;
    discover?: boolean;
    correlationPath?: string | null;
  };
  output?: { out?: string; html?: string; raw?: string; hgrm?: string };
}

export interface LoadedProfile {
  /** As given on the command line. */
  path: string;
  /** Where `payloadFile` and `{{file …}}` paths start. */
  dir: string;
  profile: Profile;
}

/** A profile with problems: each one `field.path: what is wrong, and the fix`. */
export class ProfileError extends UsageError {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`${path}: ${problems.length === 1 ? '' : `${problems.length} problems: `}${problems.join('; ')} (nothing was sent)`);
  }
}

/** Variables the in-process local stack sets before the profile's `${…}` are read. */
export const LOCAL_STACK_VARIABLES = ['LAMBENCH_API_URL', 'AWS_ENDPOINT_URL_LAMBDA', 'AWS_ENDPOINT_URL_SQS'];

// verbose: errors carry their schema, whose description is the fix a message names.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(PROFILE_SCHEMA);

/** Reads and checks a profile; throws a ProfileError listing every problem. */
export async function loadProfile(path: string): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read profile '${path}': ${code === 'ENOENT' ? 'no such file (the shipped ones are in profiles/)' : code === 'EISDIR' ? 'it is a folder' : messageOf(error)}`);
  }
  const { parseDocument } = await import('yaml');
  // YAML 1.2 reads JSON as well; its errors carry line and column.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    // The first error says where the file stops being YAML; the rest follow from it (a README gives hundreds).
    const [first] = document.errors;
    const reason = first!.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/"([^"]{30})[^"]+"/g, '"$1…"');
    const more = document.errors.length > 1 ? ` (and ${document.errors.length - 1} more after it)` : '';
    throw new ProfileError(path, [`not valid YAML or JSON at line ${first!.linePos?.[0]?.line ?? '?'}, column ${first!.linePos?.[0]?.col ?? '?'}: ${reason}${more}; a profile is a YAML or JSON mapping like those in profiles/`]);
  }
  const loaded: LoadedProfile = { path, dir: dirname(resolve(path)), profile: document.toJS() as Profile };
  const problems = checkProfile(loaded.profile, loaded.dir);
  if (problems.length > 0) throw new ProfileError(path, problems);
  return loaded;
}

/** Every problem in a parsed profile as a file: the schema first, then its queues, variables and payload file; empty when it is clean. */
export function checkProfile(value: unknown, dir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ['a profile is a mapping of fields (target, modes, load, …): see profiles/README.md'];
  if (!validate(value)) return schemaProblems(validate.errors ?? []);
  const profile = value as Profile;
  const problems: string[] = [];
  if (profile.payloadFile !== undefined) {
    try {
      readFileSync(resolve(dir, profile.payloadFile));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(`payloadFile: cannot read ${resolve(dir, profile.payloadFile)} (${code === 'ENOENT' ? 'no such file' : (code ?? messageOf(error))}): paths start at the profile's folder`);
    }
  }
  if (deliveryVerified(profile)) {
    for (const field of ['destination', 'dlq', 'outputQueue'] as const) {
      const reference = profile.delivery?.[field];
      if (reference !== undefined && !isUrl(reference) && !(reference in (profile.queues ?? {}))) {
        const known = Object.keys(profile.queues ?? {});
        problems.push(`delivery.${field}: '${reference}' is not a queue under queues (${known.length ? known.join(', ') : 'none defined'}): define it there, or give a queue URL`);
      }
    }
  }

  // What the target is decides which sections apply; the run's checks name each field that does not
  // (http.method…), but a queue section or a correlation path in the wrong one is said here, with where it belongs.
  const queue = isQueueProfile(profile, env);
  if (queue === false && profile.queue !== undefined) {
    problems.push(`queue: applies to a queue target, and target '${profile.target}' is not one: give the queue's URL or ARN, or a key of queues (${Object.keys(profile.queues ?? {}).join(', ') || 'none defined'})`);
  }
  if (queue === true && profile.http?.correlationPath !== undefined) {
    problems.push('http.correlationPath: is for URL targets: for a queue target, write queue.correlationPath');
  }

  const provided = new Set(profile.localStack ? LOCAL_STACK_VARIABLES : []);
  for (const [path, text] of expandable(profile)) {
    for (const match of text.matchAll(VARIABLE)) {
      if (match[2] === undefined && env[match[1]!] === undefined && !provided.has(match[1]!)) {
        problems.push(`${path}: \${${match[1]}} is not set: export ${match[1]}=…, or write \${${match[1]}:-default}`);
      }
    }
  }
  return problems;
}

/** `${NAME}` or `${NAME:-default}`. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** The fields where `${VAR}` is read from the environment: where values differ between machines. */
function expandable(profile: Profile): [string, string][] {
  return [
    ['target', profile.target],
    ...Object.entries(profile.queues ?? {}).map(([name, value]): [string, string] => [`queues.${name}`, value]),
    ...(['destination', 'dlq', 'outputQueue'] as const).flatMap((field): [string, string][] => (profile.delivery?.[field] ? [[`delivery.${field}`, profile.delivery[field]!]] : [])),
    ...(['region', 'profile', 'endpointUrl'] as const).flatMap((field): [string, string][] => (profile.aws?.[field] ? [[`aws.${field}`, profile.aws[field]!]] : [])),
    ...(profile.http?.asyncUrl ? [['http.asyncUrl', profile.http.asyncUrl] as [string, string]] : []),
    ...Object.entries(profile.http?.headers ?? {}).map(([name, value]): [string, string] => [`http.headers.${name}`, value]),
    ...Object.entries(profile.queue?.attributes ?? {}).map(([name, value]): [string, string] => [`queue.attributes.${name}`, value]),
  ];
}

/** Fills in `${VAR}` from the environment (checked beforehand by checkProfile). */
export function expandVariables(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(VARIABLE, (_, name: string, fallback: string | undefined) => env[name] ?? fallback ?? '');
}

/**
 * The key of `queues` the target names, if it names one: the target is then that queue (a queue an
 * event source mapping reads), its URL given there or looked up by name, as delivery's queues are.
 */
export function targetQueueKey(profile: Profile): string | undefined {
  return profile.queues !== undefined && Object.hasOwn(profile.queues, profile.target) ? profile.target : undefined;
}

/**
 * Whether the profile's target is a queue: a key of queues, or a queue's URL or ARN once its
 * variables are filled in from `env`; undefined while a variable it needs is not known yet (the
 * local stack's, before the stack starts).
 */
export function isQueueProfile(profile: Profile, env: NodeJS.ProcessEnv = process.env): boolean | undefined {
  if (targetQueueKey(profile) !== undefined) return true;
  const unknown = [...profile.target.matchAll(VARIABLE)].some((match) => match[2] === undefined && env[match[1]!] === undefined);
  if (unknown) return undefined;
  return isQueueTarget(expandVariables(profile.target, env));
}

export function modesOf(profile: Profile): string[] {
  if (profile.modes === undefined) return ['sync'];
  return Array.isArray(profile.modes) ? profile.modes : profile.modes.split(',').map((mode) => mode.trim());
}

export function deliveryVerified(profile: Profile): boolean {
  return profile.delivery !== undefined && profile.delivery.verify !== false;
}

/** A queue given by URL (or by a variable holding one) rather than by a key of `queues`. */
export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text) || text.startsWith('${');
}

/**
 * The payload as template text. A JSON value is serialised, and a string that is one whole
 * placeholder giving a number or JSON ({{seq}}, {{randomInt A B}}, {{file PATH}}) loses its quotes:
 * `n: "{{randomInt 1 9}}"` sends a number. {{uuid}} stays a string.
 */
export function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  return JSON.stringify(payload).replace(/"\{\{(\s*(?:seq|randomInt|file)\b[^{}"]*)\}\}"/g, '{{$1}}');
}

/** ajv's findings as `field.path: what is wrong, and the fix` (the field's description). */
function schemaProblems(errors: ErrorObject[]): string[] {
  const problems = new Set<string>();
  for (const error of errors) {
    // anyOf reports each branch; the branch errors name the detail, the anyOf itself the fix.
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const path = fieldPath(error.instancePath);
    const description = (error.parentSchema as { description?: string } | undefined)?.description;
    switch (error.keyword) {
      case 'additionalProperties': {
        const field = (error.params as { additionalProperty: string }).additionalProperty;
        const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const near = closest(field, known);
        problems.add(`${path ? `${path}.` : ''}${field}: unknown field${near ? ` (did you mean ${near}?)` : known.length ? ` (known: ${known.join(', ')})` : ''}`);
        break;
      }
      case 'required':
        problems.add(`${path ? `${path}.` : ''}${(error.params as { missingProperty: string }).missingProperty}: missing: give ${describe(error, (error.params as { missingProperty: string }).missingProperty)}`);
        break;
      case 'type':
        problems.add(`${path}: must be ${article((error.params as { type: string | string[] }).type)}${description ? `: ${description}` : ''}`);
        break;
      case 'enum':
        problems.add(`${path}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((value) => JSON.stringify(value)).join(', ')}`);
        break;
      case 'pattern':
        problems.add(`${path}: ${JSON.stringify(error.data)} does not fit: ${description ?? 'see profiles/README.md'}`);
        break;
      default:
        problems.add(`${path || 'profile'}: ${error.message ?? 'is not valid'}${description ? ` (${description})` : ''}`);
    }
  }
  return [...problems];
}

/** `/load/rate` → `load.rate`; `/thresholds/1` → `thresholds[1]`. */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function describe(error: ErrorObject, field: string): string {
  const property = ((error.parentSchema as { properties?: Record<string, { description?: string }> } | undefined)?.properties ?? {})[field];
  return property?.description ?? field;
}

function article(type: string | string[]): string {
  const names = ([] as string[]).concat(type).map((name) => ({ integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'null' })[name] ?? name);
  return names.join(' or ');
}

/** The known field nearest to a typo (edit distance ≤ 2), if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
