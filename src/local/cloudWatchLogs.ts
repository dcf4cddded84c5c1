/**
 * The local stack's CloudWatch Logs: the log events the runtime writes, per log group (the
 * function's LoggingConfig.LogGroup, /aws/lambda/<name> by default) and per log stream (one per
 * execution environment), and the reads lambench and the AWS tools make of them (served by
 * cloudWatchLogsApi.ts).
 *
 * As CloudWatch Logs does: an event is invisible to every read until its ingestion time (its
 * timestamp plus the configured delay, never before it was written); FilterLogEvents answers in
 * timestamp order, at most 10,000 events or 1 MB a page, and ends a page where the next event is
 * the first of another log stream, then answers one empty page with a nextToken (as the service may),
 * so a client that stops at the first empty page loses events. Memory is bounded: each group keeps
 * its last `maxEventsPerGroup` events (50,000 unless set); older ones are dropped, as if expired.
 */
import { ACCOUNT_ID } from './localFunction.js';
import { AwsServiceError } from './awsErrors.js';
import type { LogEvent } from './logLines.js';

export const DEFAULT_MAX_EVENTS_PER_GROUP = 50_000;
/** FilterLogEvents and GetLogEvents: at most this many events a page, and at most 1 MB (messages + 26 bytes each). */
export const MAX_PAGE_EVENTS = 10_000;
const MAX_PAGE_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;

export interface StoredEvent {
  timestamp: number;
  ingestionTime: number;
  message: string;
  /** Order of writing, across the whole store: ties in timestamp keep it. */
  seq: number;
  logStreamName: string;
}

interface Stream {
  name: string;
  creationTime: number;
  events: StoredEvent[];
}

interface Group {
  name: string;
  creationTime: number;
  streams: Map<string, Stream>;
  count: number;
}

export interface CloudWatchLogsOptions {
  /** How long after its timestamp an event becomes readable (0: at once). */
  delayMs?: number;
  maxEventsPerGroup?: number;
  /** The clock (tests may move it). */
  now?: () => number;
}

export interface FilterInput {
  streamNames?: string[];
  streamPrefix?: string;
  startTime?: number;
  endTime?: number;
  matches: (message: string) => boolean;
  limit: number;
  nextToken?: string;
}

export class CloudWatchLogs {
  private readonly groups = new Map<string, Group>();
  private seq = 0;
  readonly delayMs: number;
  private readonly maxEvents: number;
  private readonly now: () => number;

  constructor(readonly region: string, options: CloudWatchLogsOptions = {}) {
    this.delayMs = options.delayMs ?? 0;
    this.maxEvents = options.maxEventsPerGroup ?? DEFAULT_MAX_EVENTS_PER_GROUP;
    this.now = options.now ?? Date.now;
  }

  /** Writes one invocation's events to a stream, creating the group and the stream as Lambda does on first use. */
  put(groupName: string, streamName: string, events: LogEvent[]): void {
    const now = this.now();
    let group = this.groups.get(groupName);
    if (!group) {
      group = { name: groupName, creationTime: now, streams: new Map(), count: 0 };
      this.groups.set(groupName, group);
    }
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { name: streamName, creationTime: events[0]?.timestamp ?? now, events: [] };
      group.streams.set(streamName, stream);
    }
    for (const event of events) {
      this.seq += 1;
      stream.events.push({ ...event, ingestionTime: Math.max(now, event.timestamp + this.delayMs), seq: this.seq, logStreamName: streamName });
    }
    group.count += events.length;
    while (group.count > this.maxEvents) this.dropOldest(group);
  }

  groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${ACCOUNT_ID}:log-group:${name}`;
  }

  /** The group a request names (logGroupName, or logGroupIdentifier: a name or an ARN); ResourceNotFoundException when there is none. */
  group(nameOrArn: string): Group {
    const name = /^arn:aws[a-zA-Z-]*:logs:[^:]*:\d{12}:log-group:(.+?)(?::\*)?$/.exec(nameOrArn)?.[1] ?? nameOrArn;
    const group = this.groups.get(name);
    if (!group) throw new AwsServiceError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  groupNames(prefix = ''): Group[] {
    return [...this.groups.values()].filter((group) => group.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** A stream's events readable now. */
  visibleEvents(stream: Stream): StoredEvent[] {
    const now = this.now();
    return stream.events.filter((event) => event.ingestionTime <= now);
  }

  streams(group: Group): Stream[] {
    return [...group.streams.values()];
  }

  /** FilterLogEvents over one group: see the file's comment for how pages end. */
  filter(group: Group, input: FilterInput): { events: StoredEvent[]; nextToken?: string } {
    const cursor = input.nextToken === undefined ? undefined : readToken(input.nextToken);
    const names = input.streamNames && new Set(input.streamNames);
    const candidates: StoredEvent[] = [];
    for (const stream of group.streams.values()) {
      if (names ? !names.has(stream.name) : input.streamPrefix !== undefined && !stream.name.startsWith(input.streamPrefix)) continue;
      for (const event of this.visibleEvents(stream)) {
        if (input.startTime !== undefined && event.timestamp < input.startTime) continue;
        if (input.endTime !== undefined && event.timestamp > input.endTime) continue;
        if (input.matches(event.message)) candidates.push(event);
      }
    }
    candidates.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
    const firstOfStream = new Set<StoredEvent>();
    const seen = new Set<string>();
    for (const event of candidates) {
      if (!seen.has(event.logStreamName)) firstOfStream.add(event);
      seen.add(event.logStreamName);
    }
    const rest = cursor ? candidates.filter((event) => event.timestamp > cursor.t || (event.timestamp === cursor.t && event.seq > cursor.s)) : candidates;
    if (rest.length === 0) return { events: [] };
    // The page after one that ended at a stream boundary: empty, with a token to go on.
    if (cursor?.b) return { events: [], nextToken: writeToken({ t: cursor.t, s: cursor.s, b: false }) };
    const page: StoredEvent[] = [];
    let bytes = 0;
    for (const event of rest) {
      const size = Buffer.byteLength(event.message) + EVENT_OVERHEAD_BYTES;
      const full = page.length >= input.limit || (page.length > 0 && bytes + size > MAX_PAGE_BYTES);
      const boundary = page.length > 0 && firstOfStream.has(event);
      if (full || boundary) {
        const last = page[page.length - 1]!;
        return { events: page, nextToken: writeToken({ t: last.timestamp, s: last.seq, b: boundary }) };
      }
      page.push(event);
      bytes += size;
    }
    return { events: page };
  }

  /** GetLogEvents over one stream: `f/…` and `b/…` tokens are positions in its events; at the end the forward token comes back unchanged. */
  getLogEvents(
    group: Group,
    streamName: string,
    input: { startTime?: number; endTime?: number; startFromHead?: boolean; limit: number; nextToken?: string },
  ): { events: StoredEvent[]; nextForwardToken: string; nextBackwardToken: string } {
    const stream = group.streams.get(streamName);
    if (!stream) throw new AwsServiceError(400, 'ResourceNotFoundException', 'The specified log stream does not exist.');
    const events = this.visibleEvents(stream).filter(
      (event) => (input.startTime === undefined || event.timestamp >= input.startTime) && (input.endTime === undefined || event.timestamp < input.endTime),
    );
    const token = input.nextToken === undefined ? undefined : /^([fb])\/(\d{1,56})$/.exec(input.nextToken);
    if (input.nextToken !== undefined && !token) throw new AwsServiceError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
    const position = token ? Number(token[2]) : undefined;
    const forward = token ? token[1] === 'f' : input.startFromHead === true;
    let selected: StoredEvent[];
    let from: number;
    if (forward) {
      from = position ?? 0;
      selected = events.filter((event) => event.seq >= from).slice(0, input.limit);
    } else {
      from = position ?? this.seq + 1;
      selected = events.filter((event) => event.seq < from).slice(-input.limit);
    }
    const first = selected[0];
    const last = selected[selected.length - 1];
    return {
      events: selected,
      nextForwardToken: `f/${pad(last ? last.seq + 1 : from)}`,
      nextBackwardToken: `b/${pad(first ? first.seq : from)}`,
    };
  }

  private dropOldest(group: Group): void {
    let oldest: Stream | undefined;
    for (const stream of group.streams.values()) {
      if (stream.events.length > 0 && (!oldest || stream.events[0]!.seq < oldest.events[0]!.seq)) oldest = stream;
    }
    if (!oldest) return;
    oldest.events.shift();
    group.count -= 1;
    if (oldest.events.length === 0) group.streams.delete(oldest.name);
  }
}

const pad = (seq: number) => String(seq).padStart(56, '0');

interface Cursor {
  /** The last returned event's timestamp and seq. */
  t: number;
  s: number;
  /** The page ended at a stream boundary: the next one is empty. */
  b: boolean;
}

function writeToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function readToken(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (Number.isFinite(cursor.t) && Number.isInteger(cursor.s) && typeof cursor.b === 'boolean') return cursor;
  } catch {
    // Answered below.
  }
  throw new AwsServiceError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
}
