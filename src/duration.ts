import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `2m`, `1h`, or a plain number of seconds → milliseconds. */
export function parseDuration(text: string | number, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(text));
  if (!match) throw new UsageError(`${flag} '${text}' is not a duration: use e.g. 500ms, 30s, 2m`);
  return Number(match[1]) * UNITS[match[2] ?? 's']!;
}
