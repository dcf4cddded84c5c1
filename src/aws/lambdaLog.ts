/**
 * Lambda's log tail: the REPORT line's figures. The line is tab-separated `Key: value unit` pairs:
 * `REPORT RequestId: … Duration: 1.23 ms Billed Duration: 2 ms Memory Size: 128 MB
 * Max Memory Used: 40 MB Init Duration: 120.50 ms` (Init only on a cold start, Restore on SnapStart).
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
}

const FIELDS: Record<string, keyof ReportFigures> = {
  Duration: 'durationMs',
  'Billed Duration': 'billedDurationMs',
  'Memory Size': 'memorySizeMb',
  'Max Memory Used': 'maxMemoryUsedMb',
  'Init Duration': 'initDurationMs',
  'Restore Duration': 'restoreDurationMs',
  'Billed Restore Duration': 'billedRestoreDurationMs',
};

/** The figures of the last REPORT line in a log, or undefined when it has none (or a partial one). */
export function parseReportLine(log: string): ReportFigures | undefined {
  const line = log
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('REPORT RequestId:'));
  if (line === undefined) return undefined;
  const figures: Partial<Record<keyof ReportFigures, number | string>> = {};
  for (const part of line.slice('REPORT '.length).split('\t')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const key = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (key === 'RequestId') {
      figures.requestId = value;
      continue;
    }
    const field = FIELDS[key];
    const number = Number.parseFloat(value);
    if (field !== undefined && Number.isFinite(number)) figures[field] = number;
  }
  const required: (keyof ReportFigures)[] = ['durationMs', 'billedDurationMs', 'memorySizeMb', 'maxMemoryUsedMb'];
  if (required.some((key) => typeof figures[key] !== 'number')) return undefined;
  return figures as unknown as ReportFigures;
}
