/**
 * `lambench report new.json --compare old.json`: each phase of the new run against the same phase
 * of the old one, figure by figure, with the change and whether it is better or worse. Latencies
 * and failures are better lower; throughput, ok calls and delivery are better higher. Changes under
 * 1% are called the same: run-to-run noise is larger than that.
 */
import type { LatencySummary } from '../metrics/histogram.js';
import type { PhaseReport, ReportDocument } from './reportDocument.js';
import { formatLatencyUs } from '../latencyText.js';

export type Verdict = 'better' | 'worse' | 'same' | 'n/a';

export interface ComparedFigure {
  phase: string;
  figure: string;
  unit: 'us' | 'perSecond' | 'count' | 'fraction';
  /** The report being looked at. */
  value: number | null;
  /** The report it is compared with (--compare). */
  baseline: number | null;
  /** value − baseline; the relative change is delta / baseline. */
  delta: number | null;
  verdict: Verdict;
}

/** Under this relative change, a figure is the same. */
export const SAME_WITHIN = 0.01;

type Direction = 'lower' | 'higher';
interface FigureSpec {
  figure: string;
  unit: ComparedFigure['unit'];
  better: Direction;
  read: (phase: PhaseReport) => number | null;
}

const LATENCY_KEYS: (keyof LatencySummary)[] = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'];

const FIGURES: FigureSpec[] = [
  ...LATENCY_KEYS.map((key): FigureSpec => ({ figure: `latency ${key}`, unit: 'us', better: 'lower', read: (phase) => phase.latencyUs?.[key] ?? null })),
  { figure: 'service p99', unit: 'us', better: 'lower', read: (phase) => phase.serviceTimeUs?.p99 ?? null },
  { figure: 'throughput', unit: 'perSecond', better: 'higher', read: (phase) => phase.throughputPerSecond },
  { figure: 'errors', unit: 'fraction', better: 'lower', read: errorFraction },
  { figure: 'ok', unit: 'count', better: 'higher', read: (phase) => phase.outcomes.ok },
  ...(['functionError', 'throttled', 'httpError', 'networkError', 'timeout', 'dropped'] as const).map(
    (name): FigureSpec => ({ figure: name, unit: 'count', better: 'lower', read: (phase) => phase.outcomes[name] ?? 0 }),
  ),
  { figure: 'delivered', unit: 'fraction', better: 'higher', read: (phase) => (phase.delivery && phase.delivery.accepted > 0 ? phase.delivery.succeeded / phase.delivery.accepted : null) },
  { figure: 'missing', unit: 'count', better: 'lower', read: (phase) => phase.delivery?.missing ?? null },
  { figure: 'end-to-end p50', unit: 'us', better: 'lower', read: (phase) => phase.delivery?.endToEnd?.p50 ?? null },
  { figure: 'end-to-end p99', unit: 'us', better: 'lower', read: (phase) => phase.delivery?.endToEnd?.p99 ?? null },
  { figure: 'cold starts', unit: 'count', better: 'lower', read: (phase) => phase.lambda?.coldStarts ?? null },
];

/** Phases are matched by name; a phase only one side has is listed with the other side empty. */
export function compareReports(report: ReportDocument, baseline: ReportDocument): ComparedFigure[] {
  const names = [...new Set([...report.phases.map((phase) => phase.name), ...baseline.phases.map((phase) => phase.name)])];
  const rows: ComparedFigure[] = [];
  for (const name of names) {
    const mine = report.phases.find((phase) => phase.name === name);
    const theirs = baseline.phases.find((phase) => phase.name === name);
    for (const spec of FIGURES) {
      const value = mine ? spec.read(mine) : null;
      const base = theirs ? spec.read(theirs) : null;
      if (value === null && base === null) continue;
      const delta = value !== null && base !== null ? value - base : null;
      rows.push({ phase: name, figure: spec.figure, unit: spec.unit, value, baseline: base, delta, verdict: verdictOf(spec.better, value, base) });
    }
  }
  return rows;
}

function verdictOf(better: Direction, value: number | null, base: number | null): Verdict {
  if (value === null || base === null) return 'n/a';
  if (value === base) return 'same';
  const relative = base === 0 ? Infinity : Math.abs(value - base) / Math.abs(base);
  if (relative < SAME_WITHIN) return 'same';
  return (value < base) === (better === 'lower') ? 'better' : 'worse';
}

function errorFraction(phase: PhaseReport): number | null {
  const calls = phase.requests + phase.dropped;
  return calls > 0 ? (calls - phase.outcomes.ok) / calls : null;
}

export interface CompareStyle {
  better: (text: string) => string;
  worse: (text: string) => string;
  dim: (text: string) => string;
}

const PLAIN: CompareStyle = { better: (text) => text, worse: (text) => text, dim: (text) => text };

/** The comparison as a table, one block per phase: new, old, change, verdict. */
export function renderComparison(rows: ComparedFigure[], names: { report: string; baseline: string }, style: CompareStyle = PLAIN): string {
  const lines: { cells: string[]; verdict?: Verdict }[] = [{ cells: ['', names.report, names.baseline, 'change', ''] }];
  let phase: string | undefined;
  for (const row of rows) {
    if (row.phase !== phase) {
      phase = row.phase;
      lines.push({ cells: [`[${phase}]`, '', '', '', ''] });
    }
    const mark = { better: '✔ better', worse: '✖ worse', same: '= same', 'n/a': '' }[row.verdict];
    lines.push({ cells: [`  ${row.figure}`, format(row.value, row.unit), format(row.baseline, row.unit), change(row), mark], verdict: row.verdict });
  }
  const widths = lines[0]!.cells.map((_, column) => Math.max(...lines.map((line) => line.cells[column]!.length)));
  const paint = { better: style.better, worse: style.worse, 'n/a': style.dim, same: (text: string) => text };
  const text = lines.map(({ cells, verdict }) => {
    const joined = cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : column === 4 ? cell : cell.padStart(widths[column]!))).join('   ').trimEnd();
    return verdict ? paint[verdict](joined) : joined;
  });
  const better = rows.filter((row) => row.verdict === 'better').length;
  const worse = rows.filter((row) => row.verdict === 'worse').length;
  return `lambench report: ${names.report} against ${names.baseline}\n${text.join('\n')}\n${better} better, ${worse} worse (changes under ${SAME_WITHIN * 100}% count as the same)\n`;
}

function change(row: ComparedFigure): string {
  if (row.delta === null || row.baseline === null) return '—';
  const sign = row.delta > 0 ? '+' : row.delta < 0 ? '−' : '±';
  const absolute = format(Math.abs(row.delta), row.unit);
  if (row.unit === 'fraction') return `${sign}${(Math.abs(row.delta) * 100).toFixed(2)} pt`;
  const relative = row.baseline === 0 ? '' : ` (${sign}${((Math.abs(row.delta) / Math.abs(row.baseline)) * 100).toFixed(1)}%)`;
  return `${sign}${absolute}${relative}`;
}

export function format(value: number | null, unit: ComparedFigure['unit']): string {
  if (value === null) return '—';
  switch (unit) {
    case 'us':
      return formatLatencyUs(value);
    case 'perSecond':
      return `${value.toFixed(1)}/s`;
    case 'fraction':
      return `${(value * 100).toFixed(2)}%`;
    default:
      return String(value);
  }
}
