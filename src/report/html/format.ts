/**
 * Formatting: numbers, durations and timestamps the way the terminal table prints them.
 */
import { loadLabel } from '../reportDocument.js';
import type { LoadShape } from '../../config/load.js';

export function describeLoad(load: LoadShape | undefined): string {
  return load ? loadLabel(load, true) : '—';
}

export function formatAxisMs(ms: number): string {
  if (ms >= 1) return formatNumber(ms, ms >= 10 || Number.isInteger(ms) ? 0 : 1);
  return String(Number(ms.toPrecision(2)));
}

export function formatNumber(value: number | undefined, digits: number): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatCount(value: number | undefined): string {
  return formatNumber(value, 0);
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const percent = fraction * 100;
  return `${percent.toFixed(percent === 0 || percent === 100 ? 0 : percent < 10 ? 2 : 1)}%`;
}

export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${formatNumber(ms / 1000, ms % 1000 === 0 ? 0 : 1)} s` : `${formatCount(ms)} ms`;
}

export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
