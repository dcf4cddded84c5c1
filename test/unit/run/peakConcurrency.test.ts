/** Peak concurrency from REPORT lines (each ends at its time, began its duration earlier): overlaps counted, touching ends not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peakConcurrency } from '../../../src/run/phaseLogs.js';

describe('peakConcurrency', () => {
  it('counts what overlaps, not what only touches', () => {
    assert.equal(peakConcurrency([]), 0);
    assert.equal(peakConcurrency([{ timestamp: 100, durationMs: 100 }]), 1);
    // [0,100], [50,150], [60,70]: three at 60–70.
    assert.equal(peakConcurrency([{ timestamp: 100, durationMs: 100 }, { timestamp: 150, durationMs: 100 }, { timestamp: 70, durationMs: 10 }]), 3);
    // [0,100] then [100,200]: one after the other.
    assert.equal(peakConcurrency([{ timestamp: 100, durationMs: 100 }, { timestamp: 200, durationMs: 100 }]), 1);
  });
});
