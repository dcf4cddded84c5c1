/**
 * Payload templates: a JSON payload with placeholders filled in for each call.
 *
 *   {{uuid}}            a random UUID
 *   {{seq}}             the call's number in its phase: 0, 1, 2… (unique across --workers threads
 *                       and --shard runs; warm-up calls count down from -1)
 *   {{randomInt A B}}   a whole number from A to B, both included
 *   {{file PATH}}       the contents of a JSON file (read once, relative to the profile's folder)
 *
 * The text is split once into literal parts and generators; a call joins them. The template is
 * checked by rendering it once: the result must be JSON.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, messageOf } from '../../errors.js';

export interface PayloadTemplate {
  /** The text with its placeholders, as written. */
  readonly text: string;
  /** True when the text has no per-call placeholder: every call sends the same bytes. */
  readonly isStatic: boolean;
  render(seq: number): string;
}

type Part = string | ((seq: number) => string);

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** `baseDir` anchors `{{file …}}` paths. Throws a UsageError naming the placeholder that is wrong. */
export function compileTemplate(text: string, baseDir: string): PayloadTemplate {
  const withoutPlaceholders = text.replace(PLACEHOLDER, '');
  const stray = withoutPlaceholders.indexOf('{{');
  if (stray >= 0) throw new UsageError(`the payload template has '{{' without a matching '}}' near '${withoutPlaceholders.slice(stray, stray + 24)}'`);
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, match.index));
    parts.push(compilePlaceholder(match[1]!.trim(), match[0], baseDir));
    last = match.index + match[0].length;
  }
  const rest = text.slice(last);
  parts.push(rest);
  // Constant runs are joined once, so a call only concatenates what changes.
  const merged: Part[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (typeof part === 'string' && typeof previous === 'string') merged[merged.length - 1] = previous + part;
    else if (part !== '') merged.push(part);
  }
  const isStatic = merged.every((part) => typeof part === 'string');
  const constant = isStatic ? (merged as string[]).join('') : undefined;
  const template: PayloadTemplate = {
    text,
    isStatic,
    render: constant !== undefined ? () => constant : (seq) => merged.map((part) => (typeof part === 'string' ? part : part(seq))).join(''),
  };
  const sample = template.render(0);
  if (sample.trim() !== '') {
    try {
      JSON.parse(sample);
    } catch (error) {
      throw new UsageError(`the payload template does not give JSON once filled in (${messageOf(error)}): put string placeholders inside quotes, e.g. {"id": "{{uuid}}", "n": {{randomInt 1 100}}}`);
    }
  }
  return template;
}

function compilePlaceholder(inner: string, written: string, baseDir: string): Part {
  const [name, ...args] = inner.split(/\s+/);
  switch (name) {
    case 'uuid':
      expectArgs(written, args, 0, '{{uuid}}');
      return () => randomUUID();
    case 'seq':
      expectArgs(written, args, 0, '{{seq}}');
      return (seq) => String(seq);
    case 'randomInt': {
      expectArgs(written, args, 2, '{{randomInt 1 100}}');
      const [low, high] = args.map(Number) as [number, number];
      if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low > high) {
        throw new UsageError(`${written}: randomInt takes two whole numbers, the lower first, e.g. {{randomInt 1 100}}`);
      }
      return () => String(randomInt(low, high + 1));
    }
    case 'file': {
      if (args.length === 0) throw new UsageError(`${written}: name the file, e.g. {{file ./event.json}}`);
      const path = resolve(baseDir, args.join(' '));
      let content: string;
      try {
        content = readFileSync(path, 'utf8').trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(`${written}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? messageOf(error))})`);
      }
      try {
        JSON.parse(content);
      } catch (error) {
        throw new UsageError(`${written}: ${path} is not JSON (${messageOf(error)})`);
      }
      return content;
    }
    default:
      throw new UsageError(`${written} is not a placeholder lambench knows: use {{uuid}}, {{seq}}, {{randomInt A B}} or {{file PATH}}`);
  }
}

function expectArgs(written: string, args: string[], count: number, example: string): void {
  if (args.length !== count) throw new UsageError(`${written}: write it as ${example}`);
}
