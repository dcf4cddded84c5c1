/**
 * The functions the local stack serves: the shipped samples plus every `*.js` / `*.mjs` / `*.cjs`
 * module in the user's folder (the file name is the function name). A module exports `handler`
 * and may export `config` (memorySize, timeout, reservedConcurrency, maximumRetryAttempts,
 * maximumEventAgeSeconds, destinations, deadLetterQueue).
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ACCOUNT_ID = '000000000000';
export const DEFAULT_QUEUES = { onSuccess: 'lambench-success', onFailure: 'lambench-failure', deadLetter: 'lambench-dlq' };

export interface FunctionConfig {
  memorySize: number;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** Queue names; null turns a destination off. */
  onSuccess: string | null;
  onFailure: string | null;
  deadLetterQueue: string | null;
  /** Published versions besides $LATEST, and aliases pointing at them. */
  versions: string[];
  aliases: Record<string, string>;
}

export interface LocalFunction {
  name: string;
  /** Unqualified ARN. */
  arn: string;
  fileUrl: string;
  config: FunctionConfig;
}

const SAMPLES_DIR = fileURLToPath(new URL('./functions/', import.meta.url));
const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

export async function loadFunctions(region: string, userDir?: string, overrides: Record<string, Partial<FunctionConfig>> = {}): Promise<Map<string, LocalFunction>> {
  const functions = new Map<string, LocalFunction>();
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
      if (!/^[a-zA-Z0-9-_]{1,64}$/.test(name)) continue;
      const fileUrl = pathToFileURL(join(dir, entry)).href;
      const module = (await import(fileUrl)) as { handler?: unknown; config?: Partial<FunctionConfig> & { timeout?: number } };
      if (typeof module.handler !== 'function') {
        throw new Error(`${join(dir, entry)} does not export a handler: add 'export const handler = async (event, context) => …'`);
      }
      const config = resolveConfig({ ...module.config, ...overrides[name] });
      functions.set(name, { name, arn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`, fileUrl, config });
    }
  }
  return functions;
}

function resolveConfig(given: Partial<FunctionConfig> & { timeout?: number }): FunctionConfig {
  const config: FunctionConfig = {
    memorySize: given.memorySize ?? 128,
    timeoutSeconds: given.timeoutSeconds ?? given.timeout ?? 3,
    maximumRetryAttempts: given.maximumRetryAttempts ?? 2,
    maximumEventAgeSeconds: given.maximumEventAgeSeconds ?? 21600,
    onSuccess: given.onSuccess === undefined ? DEFAULT_QUEUES.onSuccess : given.onSuccess,
    onFailure: given.onFailure === undefined ? DEFAULT_QUEUES.onFailure : given.onFailure,
    deadLetterQueue: given.deadLetterQueue === undefined ? DEFAULT_QUEUES.deadLetter : given.deadLetterQueue,
    versions: given.versions ?? ['1'],
    aliases: given.aliases ?? { live: '1' },
  };
  if (given.reservedConcurrency !== undefined) config.reservedConcurrency = given.reservedConcurrency;
  return config;
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
