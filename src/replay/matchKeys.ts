/**
 * The IDs a dead-lettered or recorded message can be asked for by (`--match`): its message ID,
 * lambench's correlation ID (the message attribute, or the body's meta.clientRequestId, also
 * inside a destination record's requestPayload), and Lambda's request ID (an async DLQ's
 * `RequestID` attribute, a destination record's requestContext.requestId).
 */
import type { Message } from '@aws-sdk/client-sqs';
import { readFile } from 'node:fs/promises';
import { QUEUE_CORRELATION_ATTRIBUTE } from '../correlation.js';
import { UsageError } from '../errors.js';

export interface MessageKeys {
  all: string[];
  correlationId?: string;
}

export function correlationKeysOf(message: Message): MessageKeys {
  const all: string[] = [];
  if (message.MessageId) all.push(message.MessageId);
  const attribute = message.MessageAttributes?.[QUEUE_CORRELATION_ATTRIBUTE]?.StringValue;
  const requestId = message.MessageAttributes?.RequestID?.StringValue;
  const body = parseObject(message.Body);
  const fromBody = stringAt(body, ['meta', 'clientRequestId']) ?? stringAt(body, ['requestPayload', 'meta', 'clientRequestId']);
  const correlationId = attribute ?? fromBody;
  for (const key of [attribute, fromBody, requestId, stringAt(body, ['requestContext', 'requestId'])]) if (key) all.push(key);
  return { all, ...(correlationId && { correlationId }) };
}

/**
 * `--match`: IDs separated by commas, or the path of a file of JSON lines (a run's raw results,
 * `invoke --json` lines, `poll --json` records), from which every requestId, clientRequestId,
 * messageId and correlationId is taken.
 */
export async function readMatchKeys(values: string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const value of values) {
    const text = await readFile(value, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENAMETOOLONG' ? undefined : Promise.reject(error)));
    if (text === undefined) {
      for (const id of value.split(',')) if (id.trim()) keys.add(id.trim());
      continue;
    }
    let lines = 0;
    for (const line of text.split('\n')) {
      const record = parseObject(line);
      if (!record) continue;
      lines++;
      for (const name of ['requestId', 'clientRequestId', 'messageId', 'correlationId']) {
        if (typeof record[name] === 'string') keys.add(record[name]);
      }
    }
    if (lines === 0) throw new UsageError(`--match ${value}: the file holds no JSON lines (give IDs separated by commas, or a run's raw file)`);
  }
  if (keys.size === 0) throw new UsageError('--match names no ID: give correlation, request or message IDs, or a run\'s raw file');
  return keys;
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text || !text.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringAt(value: unknown, path: string[]): string | undefined {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : undefined;
}
