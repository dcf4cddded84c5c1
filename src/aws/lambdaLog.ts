/**
 * Lambda's platform log lines: START, END and REPORT, in both of Lambda's log formats.
 *
 * Text: `START RequestId: <id> Version: <v>`, `END RequestId: <id>`, and `REPORT RequestId: <id>`
 * followed by `Key: value unit` pairs, tab-separated in Lambda's own lines but read here by their
 * keys whatever the spacing (log shippers and consoles turn tabs into spaces):
 * `Duration: 1.23 ms Billed Duration: 2 ms Memory Size: 128 MB Max Memory Used: 40 MB
 * Init Duration: 120.50 ms` (Init only on a cold start, Restore on SnapStart; `Status: timeout`
 * on some runtimes).
 *
 * JSON (LoggingConfig.LogFormat JSON): `{"time","type":"platform.start"|"platform.runtimeDone"|
 * "platform.report","record":{"requestId","metrics":{durationMs,billedDurationMs,memorySizeMB,
 * maxMemoryUsedMB,initDurationMs?,restoreDurationMs?},"status":"success|failure|error|timeout"}}`.
 */
export interface ReportFigures {
  requestId?: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  restoreDurationMs?: number;
  billedRestoreDurationMs?: number;
  /** The JSON format's `status` (success, failure, error, timeout); the text format's `Status:` when present. */
  status?: string;
}

/**
 * One platform line: which one, for which request, and a REPORT's figures. `error`: in the text
 * format, a failed attempt's own line: the Node.js runtime's `<time>\t<id>\tERROR\tInvoke Error …`
 * or the platform's `<time> <id> Task timed out after … seconds` (`timeout`: written before its
 * REPORT by current runtimes, after it by older ones). The JSON format says it in the REPORT's status instead.
 */
export type PlatformLine = { kind: 'start' | 'end' | 'error'; requestId: string; version?: string; timeout?: boolean } | { kind: 'report'; requestId: string; figures: ReportFigures };

const ERROR_LINE = /^\S+\s+([0-9A-Za-z-]{8,})\s+(ERROR\s+Invoke Error|Task timed out after)/;

const FIELDS: [string, keyof ReportFigures][] = [
  // Longest names first: "Billed Duration" must not be read as "Duration".
  ['Billed Restore Duration', 'billedRestoreDurationMs'],
  ['Restore Duration', 'restoreDurationMs'],
  ['Billed Duration', 'billedDurationMs'],
  ['Init Duration', 'initDurationMs'],
  ['Max Memory Used', 'maxMemoryUsedMb'],
  ['Memory Size', 'memorySizeMb'],
  ['Duration', 'durationMs'],
];
const FIGURE = new RegExp(`(?:^|\\s)(${FIELDS.map(([name]) => name).join('|')}):\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(?:ms|MB)`, 'g');
const REQUIRED: (keyof ReportFigures)[] = ['durationMs', 'billedDurationMs', 'memorySizeMb', 'maxMemoryUsedMb'];

/** The figures of the last REPORT line in a log (a Tail log, several lines), or undefined when it has none (or a cut one). */
export function parseReportLine(log: string): ReportFigures | undefined {
  const lines = log.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = parsePlatformLine(lines[index]!);
    if (line?.kind === 'report') return line.figures;
    if (lines[index]!.trimStart().startsWith('REPORT RequestId:')) return undefined;
  }
  return undefined;
}

/** One log event's message as a platform line, in either format; undefined for anything else (the function's own output). */
export function parsePlatformLine(message: string): PlatformLine | undefined {
  const text = message.trim();
  if (text.startsWith('{')) return parseJsonLine(text);
  const requestId = /^(START|END|REPORT) RequestId:\s*([0-9A-Za-z-]+)/.exec(text);
  if (!requestId) {
    const [, failed, how] = ERROR_LINE.exec(text) ?? [];
    if (!failed || failed === 'undefined') return undefined;
    return { kind: 'error', requestId: failed, ...(how!.startsWith('Task') && { timeout: true }) };
  }
  const [, kind, id] = requestId as unknown as [string, 'START' | 'END' | 'REPORT', string];
  if (kind === 'START') {
    const version = /Version:\s*(\S+)/.exec(text)?.[1];
    return { kind: 'start', requestId: id, ...(version && { version }) };
  }
  if (kind === 'END') return { kind: 'end', requestId: id };
  const figures: Partial<Record<keyof ReportFigures, number | string>> = { requestId: id };
  const byName = new Map(FIELDS);
  for (const [, name, value] of text.matchAll(FIGURE)) figures[byName.get(name!)!] = Number.parseFloat(value!);
  const status = /(?:^|\s)Status:\s*([a-z]+)/i.exec(text)?.[1];
  if (status) figures.status = status.toLowerCase();
  if (REQUIRED.some((key) => typeof figures[key] !== 'number')) return undefined;
  return { kind: 'report', requestId: id, figures: figures as unknown as ReportFigures };
}

function parseJsonLine(text: string): PlatformLine | undefined {
  let event: { type?: unknown; record?: Record<string, unknown> };
  try {
    event = JSON.parse(text) as typeof event;
  } catch {
    return undefined;
  }
  const record = event?.record;
  if (record === null || typeof record !== 'object' || typeof record.requestId !== 'string') return undefined;
  const requestId = record.requestId;
  if (event.type === 'platform.start') return { kind: 'start', requestId, ...(typeof record.version === 'string' && { version: record.version }) };
  if (event.type === 'platform.runtimeDone') return { kind: 'end', requestId };
  if (event.type !== 'platform.report') return undefined;
  const metrics = (record.metrics ?? {}) as Record<string, unknown>;
  const number = (name: string) => (typeof metrics[name] === 'number' && Number.isFinite(metrics[name]) ? (metrics[name] as number) : undefined);
  const [durationMs, billedDurationMs, memorySizeMb, maxMemoryUsedMb] = ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB'].map(number);
  if (durationMs === undefined || billedDurationMs === undefined || memorySizeMb === undefined || maxMemoryUsedMb === undefined) return undefined;
  const figures: ReportFigures = { requestId, durationMs, billedDurationMs, memorySizeMb, maxMemoryUsedMb };
  const init = number('initDurationMs');
  if (init !== undefined) figures.initDurationMs = init;
  const restore = number('restoreDurationMs');
  if (restore !== undefined) figures.restoreDurationMs = restore;
  const billedRestore = number('billedRestoreDurationMs');
  if (billedRestore !== undefined) figures.billedRestoreDurationMs = billedRestore;
  if (typeof record.status === 'string') figures.status = record.status;
  return { kind: 'report', requestId, figures };
}
