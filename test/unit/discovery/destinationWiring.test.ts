/**
 * What is said before sending about where each async outcome will be observed, and which outcomes
 * cannot be (pending events are then unverified, not missing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWiring, kindOf, type DestinationWiring } from '../../../src/discovery/destinationWiring.js';
import { blindSpots } from '../../../src/run/asyncEvidence.js';

const wiring = (destinations: DestinationWiring['destinations'], invokeConfig: DestinationWiring['invokeConfig'] = 'read'): DestinationWiring => ({ functionName: 'f', maximumRetryAttempts: 1, maximumEventAgeSeconds: 600, invokeConfig, destinations, unknown: [] });

describe('destination wiring', () => {
  it("a destination's kind is its ARN's service", () => {
    assert.deepEqual(
      ['arn:aws:sqs:us-east-1:1:q', 'arn:aws:sns:us-east-1:1:t', 'arn:aws:events:us-east-1:1:event-bus/default', 'arn:aws:s3:::b', 'arn:aws:lambda:us-east-1:1:function:g', 'arn:aws:kinesis:us-east-1:1:stream/s', 'nonsense'].map(kindOf),
      ['sqs', 'sns', 'events', 's3', 'lambda', 'other', 'other'],
    );
  });

  it('says per outcome where and how it is observed, with the run\'s tap names', () => {
    const lines = describeWiring(
      wiring([
        { role: 'success', arn: 'arn:aws:sns:us-east-1:1:t', kind: 'sns', from: 'discovered' },
        { role: 'failure', arn: 'arn:aws:s3:::b', kind: 's3', from: 'discovered' },
      ]),
      (purpose) => `lambench-RUN-${purpose}`,
    );
    assert.deepEqual(lines, [
      'async outcomes of f: 1 retries, events up to 600 s old',
      '  success: sns arn:aws:sns:us-east-1:1:t: through lambench-RUN-success-sns, a temporary queue subscribed to the topic for the run',
      "  failure: s3 arn:aws:s3:::b: objects listed under aws/lambda/async/f/ from the run's start and read (nothing deleted)",
      '  DLQ: no DLQ',
    ]);
    assert.match(describeWiring(wiring([], 'defaults'), String)[0]!, /AWS defaults \(2 retries, 6 h, no destinations\)/);
  });

  it('outcomes that go where nothing can be read are blind spots: a function destination, no on-success destination, neither on-failure nor DLQ', () => {
    assert.deepEqual(blindSpots(wiring([{ role: 'success', arn: 'arn:aws:sqs:us-east-1:1:q', kind: 'sqs', from: 'discovered' }, { role: 'dlq', arn: 'arn:aws:sqs:us-east-1:1:d', kind: 'sqs', from: 'discovered' }])), []);
    assert.deepEqual(blindSpots(wiring([{ role: 'success', arn: 'arn:aws:lambda:us-east-1:1:function:g', kind: 'lambda', from: 'discovered' }, { role: 'failure', arn: 'arn:aws:sqs:us-east-1:1:q', kind: 'sqs', from: 'discovered' }])), [
      'on-success arn:aws:lambda:us-east-1:1:function:g cannot be observed from outside (the function\'s logs can: drop --no-logs)',
    ]);
    assert.deepEqual(blindSpots(wiring([{ role: 'dlq', arn: 'arn:aws:sqs:us-east-1:1:d', kind: 'sqs', from: 'discovered' }])), ['no on-success destination: a succeeded event leaves no record to read']);
    assert.deepEqual(blindSpots(wiring([{ role: 'success', arn: 'arn:aws:sqs:us-east-1:1:q', kind: 'sqs', from: 'discovered' }])), ['no on-failure destination and no DLQ: a failed event leaves no record to read']);
  });
});
