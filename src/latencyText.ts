/**
 * How a latency reads, wherever lambench prints one: the report table, `report --compare`, the HTML
 * report, threshold verdicts, `invoke`, `poll` and the progress line. One function, so one figure
 * reads the same everywhere (a p99 of 12,345 µs is `12.3 ms` in the table and in its verdict).
 */

/** Integer microseconds (as the histograms hold them) as people read them: `850 µs`, `12.3 ms`, `1.25 s`; `—` for no figure. */
export function formatLatencyUs(us: number | null | undefined): string {
  if (us === undefined || us === null || !Number.isFinite(us)) return '—';
  // Rounded first, so 999.6 µs (a mean) reads 1.0 ms, not 1000 µs.
  const whole = Math.round(us);
  if (whole >= 1_000_000) return `${(whole / 1_000_000).toFixed(2)} s`;
  if (whole >= 1000) return `${(whole / 1000).toFixed(1)} ms`;
  return `${whole} µs`;
}

/** Milliseconds (one call's figures: `invoke`, `poll`) read the same way as the histograms' microseconds. */
export function formatLatencyMs(ms: number | null | undefined): string {
  return formatLatencyUs(ms === undefined || ms === null ? ms : ms * 1000);
}
