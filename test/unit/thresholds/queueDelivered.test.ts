/**
 * `delivered` on a queue phase (poll-based invocation): processed / sent, judged only when delivery
 * is verified, and asked for with the queue's own inputs when it is not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Problems } from '../../../src/config/problems.js';
import { flagNames } from '../../../src/config/runInput.js';
import { checkThresholds, evaluateThresholds, parseThreshold, type PhaseFigures } from '../../../src/thresholds/thresholds.js';

describe('delivered on a queue phase', () => {
  const queuePhase = (delivery?: { sent: number; processed: number }): PhaseFigures => ({
    name: 'queue',
    requests: 60,
    dropped: 0,
    outcomes: { ok: 60 },
    throughputPerSecond: 20,
    latencyUs: null,
    queue: delivery ? { delivery } : {},
  });

  it('is processed / sent, judged against the rule', () => {
    const results = evaluateThresholds([parseThreshold('delivered>=85%'), parseThreshold('queue:delivered>=95%')], [queuePhase({ sent: 60, processed: 54 })]);
    assert.deepEqual(
      results.map(({ threshold, phase, actual, passed }) => ({ threshold, phase, actual, passed })),
      [
        { threshold: 'delivered>=85%', phase: 'queue', actual: 0.9, passed: true },
        { threshold: 'queue:delivered>=95%', phase: 'queue', actual: 0.9, passed: false },
      ],
    );
  });

  it('with nothing sent there is no figure: a rule for the phase fails as no data', () => {
    const [result] = evaluateThresholds([parseThreshold('queue:delivered>=90%')], [queuePhase({ sent: 0, processed: 0 })]);
    assert.deepEqual([result?.actual, result?.passed], [null, false]);
  });

  it('is accepted for the queue phase when delivery is verified, and needs it said with the queue\'s own inputs otherwise', () => {
    const verified = new Problems(flagNames);
    assert.equal(checkThresholds(['queue:delivered>=90%', 'delivered>=90%'], ['queue'], true, verified).length, 2);
    assert.deepEqual(verified.rendered(), []);
    const unverified = new Problems(flagNames);
    checkThresholds(['delivered>=90%'], ['queue'], false, unverified);
    assert.deepEqual(unverified.rendered(), ["--threshold 'delivered>=90%' needs --verify-delivery (with --output-queue / --dlq): delivery is only known when it is verified"]);
  });
});
