/**
 * Writes values into the text of a JSON object without re-serialising the rest: the user's bytes
 * go out as given (big integers, `1.0`, `1e2`, duplicate keys elsewhere, bytes that are not UTF-8
 * inside strings), and only the member at each path is replaced or added. Parsing and
 * re-serialising turned `12345678901234567890` into `12345678901234567000` (issue 11).
 *
 * The text must already have passed JSON.parse; this only finds where things are. JSON's structural
 * characters are ASCII and UTF-8 never uses ASCII bytes inside a multi-byte character, so the scan
 * runs over the bytes themselves.
 */
import { UsageError } from '../../errors.js';

export interface JsonWrite {
  /** The path's keys, e.g. ['meta', 'clientRequestId']. */
  keys: string[];
  /** The value, as JSON text. */
  value: string;
  /** The path as the user wrote it, for messages. */
  path: string;
}

export interface WrittenJson {
  bytes: Buffer;
  /** Where each write's value starts in `bytes`, in the order of the writes. */
  offsets: number[];
}

interface Member {
  key: string;
  valueStart: number;
  valueEnd: number;
}

interface Edit {
  start: number;
  end: number;
  text: string;
  /** Writes whose value is in `text`, with the value's character offset in it. */
  values: { write: number; at: number }[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** `bytes` holds one JSON object (already checked by JSON.parse); `writes` never overlap (checked by the caller). */
export function writeIntoJson(bytes: Buffer, writes: JsonWrite[]): WrittenJson {
  const start = skipSpace(bytes, 0);
  const edits: Edit[] = [];
  writeInto(bytes, start, writes.map((write, index) => ({ write, index, depth: 0 })), edits);
  edits.sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  const offsets: number[] = new Array<number>(writes.length).fill(-1);
  let last = 0;
  let length = 0;
  for (const edit of edits) {
    parts.push(bytes.subarray(last, edit.start));
    length += edit.start - last;
    for (const { write, at } of edit.values) offsets[write] = length + Buffer.byteLength(edit.text.slice(0, at));
    const text = Buffer.from(edit.text, 'utf8');
    parts.push(text);
    length += text.length;
    last = edit.end;
  }
  parts.push(bytes.subarray(last));
  return { bytes: Buffer.concat(parts), offsets };
}

type Pending = { write: JsonWrite; index: number; depth: number };

function writeInto(bytes: Buffer, objectStart: number, pending: Pending[], edits: Edit[]): void {
  const { members, close } = readObject(bytes, objectStart);
  const insertions: Pending[][] = [];
  for (const key of new Set(pending.map((entry) => entry.write.keys[entry.depth]!))) {
    const group = pending.filter((entry) => entry.write.keys[entry.depth] === key);
    const found = members.filter((member) => member.key === key);
    const path = group[0]!.write.path;
    if (found.length > 1) {
      throw new UsageError(`the payload has the key '${key}' ${found.length} times where ${path} goes: lambench cannot tell which to write into; remove the duplicate`);
    }
    const member = found[0];
    if (member === undefined) {
      insertions.push(group);
      continue;
    }
    const leaf = group.find((entry) => entry.depth === entry.write.keys.length - 1);
    if (leaf) {
      edits.push({ start: member.valueStart, end: member.valueEnd, text: leaf.write.value, values: [{ write: leaf.index, at: 0 }] });
    } else if (bytes[member.valueStart] !== OPEN_OBJECT) {
      throw new UsageError(`cannot write ${path} into the payload: '${key}' is not an object there`);
    } else {
      writeInto(bytes, member.valueStart, group.map((entry) => ({ ...entry, depth: entry.depth + 1 })), edits);
    }
  }
  if (insertions.length === 0) return;
  const edit: Edit = { start: close, end: close, text: members.length > 0 ? ',' : '', values: [] };
  insertions.forEach((group, index) => {
    if (index > 0) edit.text += ',';
    appendMembers(edit, group);
  });
  edits.push(edit);
}

/** New members for writes whose key is not in the object: `"k":value`, nested objects for deeper paths. */
function appendMembers(edit: Edit, group: Pending[]): void {
  const key = group[0]!.write.keys[group[0]!.depth]!;
  edit.text += `${JSON.stringify(key)}:`;
  const leaf = group.find((entry) => entry.depth === entry.write.keys.length - 1);
  if (leaf) {
    edit.values.push({ write: leaf.index, at: edit.text.length });
    edit.text += leaf.write.value;
    return;
  }
  const deeper = group.map((entry) => ({ ...entry, depth: entry.depth + 1 }));
  edit.text += '{';
  let first = true;
  for (const next of new Set(deeper.map((entry) => entry.write.keys[entry.depth]!))) {
    if (!first) edit.text += ',';
    first = false;
    appendMembers(edit, deeper.filter((entry) => entry.write.keys[entry.depth] === next));
  }
  edit.text += '}';
}

/** The members of the object at `start` (its `{`), and where its `}` is. */
function readObject(bytes: Buffer, start: number): { members: Member[]; close: number } {
  const members: Member[] = [];
  let at = skipSpace(bytes, start + 1);
  if (bytes[at] === CLOSE_OBJECT) return { members, close: at };
  for (let guard = 0; guard <= bytes.length; guard += 1) {
    const keyEnd = skipString(bytes, at);
    const key = JSON.parse(bytes.toString('utf8', at, keyEnd)) as string;
    at = skipSpace(bytes, keyEnd);
    if (bytes[at] !== COLON) throw new Error('malformed JSON object (a key without a colon)');
    const valueStart = skipSpace(bytes, at + 1);
    const valueEnd = skipValue(bytes, valueStart);
    members.push({ key, valueStart, valueEnd });
    at = skipSpace(bytes, valueEnd);
    if (bytes[at] === CLOSE_OBJECT) return { members, close: at };
    if (bytes[at] !== COMMA) throw new Error('malformed JSON object (members not separated by commas)');
    at = skipSpace(bytes, at + 1);
  }
  throw new Error('malformed JSON object (no end)');
}

function skipSpace(bytes: Buffer, at: number): number {
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) break;
    at += 1;
  }
  return at;
}

/** `at` is on a `"`: returns the index after the closing one. */
function skipString(bytes: Buffer, at: number): number {
  for (let index = at + 1; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte === BACKSLASH) index += 1;
    else if (byte === QUOTE) return index + 1;
  }
  throw new Error('malformed JSON (an unterminated string)');
}

/** Returns the index after the value starting at `at`. */
function skipValue(bytes: Buffer, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return skipString(bytes, at);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    // A number, true, false or null: up to the next delimiter.
    let index = at;
    while (index < bytes.length) {
      const byte = bytes[index]!;
      if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) break;
      index += 1;
    }
    return index;
  }
  let depth = 0;
  for (let index = at; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte === QUOTE) index = skipString(bytes, index) - 1;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth += 1;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  throw new Error('malformed JSON (an unclosed object or array)');
}
