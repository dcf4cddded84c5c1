/**
 * Cost estimates against a hand computation: x86_64 and arm64 at us-east-1's prices, a cold start
 * whose INIT is billed, a retried async event billed for each of its three attempts, SQS sends,
 * and prices given on the command line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { billedMbMsOf, billedMsOf, estimateCost, gbSecondsFromMbMs } from '../../../src/metrics/cost.js';

const gbSecondsOf = (figures: Parameters<typeof billedMbMsOf>[0]) => gbSecondsFromMbMs(billedMbMsOf(figures));
import { Recorder } from '../../../src/metrics/recorder.js';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe('cost', () => {
  it('bills INIT as AWS has since August 2025: in Billed Duration already, or added when a line leaves it out', () => {
    assert.equal(billedMsOf({ durationMs: 102.25, billedDurationMs: 323, initDurationMs: 220.07 }), 323);
    assert.equal(billedMsOf({ durationMs: 102.25, billedDurationMs: 103, initDurationMs: 220.07 }), 323, 'ceil(102.25 + 220.07)');
    assert.equal(billedMsOf({ durationMs: 2.5, billedDurationMs: 3 }), 3);
    close(gbSecondsOf({ durationMs: 99.1, billedDurationMs: 100, memorySizeMb: 512 }), 0.05, '100 ms at 0.5 GB');
  });

  it('1,000 warm calls of 100 ms at 512 MB plus one cold start: x86_64 and arm64 by hand', () => {
    // By hand: 1,000 × 0.1 s × 0.5 GB = 50 GB-s; the cold one ceil(99 + 300) = 399 ms × 0.5 GB = 0.1995 GB-s; 1,001 requests.
    const gbSeconds = 1000 * gbSecondsOf({ durationMs: 99, billedDurationMs: 100, memorySizeMb: 512 }) + gbSecondsOf({ durationMs: 99, billedDurationMs: 100, initDurationMs: 300, memorySizeMb: 512 });
    close(gbSeconds, 50.1995, 'GB-s');
    const x86 = estimateCost({ invocations: 1001, gbSeconds, calls: 1001, architecture: 'x86_64' });
    close(x86.requestsUsd, (1001 / 1e6) * 0.2, 'requests');
    close(x86.durationUsd, 50.1995 * 0.0000166667, 'duration x86');
    close(x86.totalUsd, 0.0002002 + 0.00083666000665, 'total x86');
    close(x86.perMillionCallsUsd!, ((0.0002002 + 0.00083666000665) / 1001) * 1e6, 'per 1M calls');
    const arm = estimateCost({ invocations: 1001, gbSeconds, calls: 1001, architecture: 'arm64' });
    close(arm.durationUsd, 50.1995 * 0.0000133334, 'duration arm64');
    assert.ok(arm.totalUsd < x86.totalUsd);
    assert.ok(x86.notes.some((note) => /free tier/.test(note)));
  });

  it('a retried async event is billed for each of its three attempts; its cost per call is three calls\' worth', () => {
    const recorder = new Recorder();
    for (let attempt = 0; attempt < 3; attempt += 1) recorder.recordReportFigures({ requestId: 'r-1', durationMs: 40, billedDurationMs: 40, memorySizeMb: 128, maxMemoryUsedMb: 30 });
    assert.equal(recorder.lambda.reports, 3);
    close(gbSecondsFromMbMs(recorder.lambda.billedMbMs), 3 * 0.04 * 0.125, 'GB-s of three attempts');
    const cost = estimateCost({ invocations: recorder.lambda.reports, gbSeconds: gbSecondsFromMbMs(recorder.lambda.billedMbMs), calls: 1, architecture: 'x86_64' });
    close(cost.totalUsd, 3 * 0.2e-6 + 0.015 * 0.0000166667, 'three requests and 0.015 GB-s');
    close(cost.perMillionCallsUsd!, cost.totalUsd * 1e6, 'one call');
  });

  it('SQS sends for a queue phase; prices given on the command line; another region said to be priced as us-east-1', () => {
    const queue = estimateCost({ invocations: 100, gbSeconds: 1, calls: 1000, architecture: 'x86_64', sqsRequests: 100, region: 'eu-west-1', overrides: { gbSecondUsd: 0.00002 } });
    close(queue.sqsUsd!, 100 * 0.4e-6, 'SQS standard');
    close(queue.durationUsd, 0.00002, 'given GB-s price');
    close(queue.totalUsd, 100 * 0.2e-6 + 0.00002 + 100 * 0.4e-6, 'total');
    assert.ok(queue.notes.some((note) => /eu-west-1's may differ/.test(note)));
    const fifo = estimateCost({ invocations: 0, gbSeconds: 0, calls: 10, architecture: 'arm64', sqsRequests: 10, fifo: true });
    close(fifo.sqsUsd!, 10 * 0.5e-6, 'SQS FIFO');
  });
});
