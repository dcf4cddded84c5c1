/**
 * Colours: one per phase kind (sync, async, queue), the same in every plot and table; the swatches
 * and phase labels drawn with them, and the colours of outcomes and status codes.
 */
import type { PhaseReport } from '../reportDocument.js';
import { phaseKind } from '../queueText.js';
import { el, type Html } from './markup.js';

export const COLOURS = { sync: '#2563eb', async: '#ea580c', queue: '#0891b2', endToEnd: '#7c3aed', others: ['#0d9488', '#65a30d', '#db2777'] } as const;

const OUTCOME_COLOURS: Record<string, string> = {
  ok: '#16a34a',
  functionError: '#dc2626',
  throttled: '#f59e0b',
  httpError: '#e11d48',
  networkError: '#7c2d12',
  timeout: '#9333ea',
  dropped: '#94a3b8',
};

export function phaseColour(phase: PhaseReport, index: number): string {
  if (phase.queue) return COLOURS.queue;
  if (phase.invocationType === 'RequestResponse') return COLOURS.sync;
  if (phase.invocationType === 'Event') return COLOURS.async;
  return COLOURS.others[index % COLOURS.others.length]!;
}

export function outcomeColour(outcome: string): string {
  return Object.hasOwn(OUTCOME_COLOURS, outcome) ? OUTCOME_COLOURS[outcome]! : '#64748b';
}

export function statusColour(code: string): string {
  if (/^2\d\d$/.test(code)) return '#16a34a';
  if (code === '429') return '#f59e0b';
  if (/^4\d\d$/.test(code)) return '#e11d48';
  if (/^5\d\d$/.test(code)) return '#dc2626';
  return '#64748b';
}

export function swatch(colour: string, dashed = false): Html {
  return el(
    'svg',
    { class: 'swatch', viewBox: '0 0 24 10', width: 24, height: 10, 'aria-hidden': 'true' },
    el('line', { x1: 1, y1: 5, x2: 23, y2: 5, stroke: colour, 'stroke-width': 3, 'stroke-linecap': 'round', 'stroke-dasharray': dashed ? '5 4' : undefined }),
  );
}

export function phaseLabel(phase: PhaseReport, index: number): Html {
  return el('span', { class: 'phase-label' }, swatch(phaseColour(phase, index)), el('span', {}, phase.name), el('span', { class: 'muted' }, ` (${phaseKind(phase)})`));
}
