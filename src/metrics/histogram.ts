/**
 * Latency histograms: HdrHistogram with explicit bounds, integer microseconds, 3 significant
 * digits; persisted as compressed base64 so that runs and shards merge losslessly.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** 1 µs to 1 hour. Longer values are clamped to the top (and so still counted). */
export const HISTOGRAM_BOUNDS_US = { lowest: 1, highest: 3_600_000_000 } as const;

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_BOUNDS_US.lowest,
    highestTrackableValue: HISTOGRAM_BOUNDS_US.highest,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records milliseconds as whole microseconds, within the bounds. */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(Math.min(HISTOGRAM_BOUNDS_US.highest, Math.max(HISTOGRAM_BOUNDS_US.lowest, us)));
}

/** Percentiles in microseconds, or undefined for an empty histogram. */
export function summarize(histogram: Histogram): LatencySummary | undefined {
  if (histogram.totalCount === 0) return undefined;
  // A percentile is the top of its bucket, which can lie above the largest value recorded.
  const max = histogram.maxValue;
  const at = (percentile: number) => Math.min(max, histogram.getValueAtPercentile(percentile));
  return {
    count: histogram.totalCount,
    min: histogram.minNonZeroValue,
    mean: Math.round(histogram.mean),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max,
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}
