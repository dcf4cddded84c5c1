/**
 * The fault switches' grammar (every bad part named, one line each) and the plan that draws them:
 * windows and probabilities on a fake clock and a fake random source, so nothing here is timing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultPlan, parseFault, parseFaults, FaultSpecError } from '../../../src/local/faults.js';

describe('fault grammar', () => {
  it('reads every kind, scope, value, probability and window, and writes it back normalised', () => {
    const cases: [string, string][] = [
      ['lambda:square:error p=0.2', 'lambda:square:error p=0.2'],
      ['  api:latency   50ms..500ms  ', 'api:latency 50ms..500ms'],
      ['api:latency 0.2s', 'api:latency 200ms'],
      ['sqs:refuse 3s..5s', 'sqs:refuse 3s..5s'],
      ['sqs:hang 3000ms..', 'sqs:hang 3s..'],
      ['lambda:throttle p=10%', 'lambda:throttle p=0.1'],
      ['api:my-fn_2:status 503 p=0.5 1s..2s', 'api:my-fn_2:status 503 p=0.5 1s..2s'],
      ['lambda:reset', 'lambda:reset'],
      ['sqs:throttle 60s..', 'sqs:throttle 1m..'],
      ['lambda:error 0ms..3600s', 'lambda:error 0s..1h'],
      ['lambda:deny lambda:GetFunctionEventInvokeConfig', 'lambda:deny GetFunctionEventInvokeConfig'],
      ['lambda:flaky:deny ListEventSourceMappings p=0.5 1s..', 'lambda:flaky:deny ListEventSourceMappings p=0.5 1s..'],
      ['logs:throttle p=50%', 'logs:throttle p=0.5'],
      ['logs:throttle 2s..4s', 'logs:throttle 2s..4s'],
      ['logs:latency 100ms..1s p=0.2', 'logs:latency 100ms..1s p=0.2'],
      ['logs:hang 10s..', 'logs:hang 10s..'],
      ['logs:deny logs:FilterLogEvents', 'logs:deny FilterLogEvents'],
      ['logs:deny DescribeLogGroups p=0.1 1s..2s', 'logs:deny DescribeLogGroups p=0.1 1s..2s'],
    ];
    for (const [line, spec] of cases) assert.equal(parseFault(line).spec, spec, line);
    assert.deepEqual(parseFault('api:square:latency 50ms..500ms p=0.5 2s..4s'), {
      spec: 'api:square:latency 50ms..500ms p=0.5 2s..4s',
      front: 'api',
      functionName: 'square',
      kind: 'latency',
      latencyMs: { min: 50, max: 500 },
      probability: 0.5,
      window: { fromMs: 2000, toMs: 4000 },
    });
  });

  it('names the bad part and the fix, one line each, every problem at once', () => {
    const cases: [string, RegExp][] = [
      ['square:error', /^fault 'square:error': scope 'square' must be lambda, api, sqs or logs/],
      ['lambda', /^fault 'lambda': 'lambda' must be SCOPE:KIND or SCOPE:FUNCTION:KIND/],
      ['lambda:square:eror', /kind 'eror' is not one of lambda's: latency, error, throttle, status, reset, hang, deny$/],
      ['api:error', /kind 'error' is not one of api's: .*write lambda:FUNCTION:error/],
      ['sqs:reset', /kind 'reset' is not one of sqs's: latency, throttle, refuse, hang$/],
      ['sqs:queue:refuse', /'sqs:queue' takes no function name/],
      ['lambda:my.fn:error', /function 'my\.fn' is not a function name/],
      ['lambda:latency', /latency needs how long: a duration \(200ms\) or a uniform range/],
      ['lambda:latency 500ms..50ms', /latency '500ms\.\.50ms' needs how long/],
      ['lambda:latency fast', /latency 'fast' needs how long/],
      ['api:status', /status needs a 5xx status code, e\.g\. status 503/],
      ['api:status 429', /status '429' needs a 5xx status code/],
      ['lambda:error p=0', /'p=0' must be a probability above 0 and at most 1/],
      ['lambda:error p=1.5', /'p=1\.5' must be a probability/],
      ['lambda:error p=', /'p=' must be a probability/],
      ['lambda:error 5s..3s', /'5s\.\.3s' is not a window from an earlier to a later time/],
      ['lambda:error 1s..2s 3s..4s', /'3s\.\.4s' is not a window .*or a second one/],
      ['lambda:error 3', /'3' is neither p=P nor a window FROM\.\.TO/],
      ['lambda:error 3..5', /'3\.\.5' is not a window/],
      ['lambda:deny', /deny needs the Lambda API operation to refuse, one of Invoke, /],
      ['lambda:deny GetFunction', /deny 'GetFunction' needs the Lambda API operation to refuse/],
      ['api:deny Invoke', /kind 'deny' is not one of api's/],
      ['logs:error', /kind 'error' is not one of logs's: latency, throttle, hang, deny$/],
      ['logs:status 503', /kind 'status' is not one of logs's/],
      ['logs:square:throttle', /'logs:square' takes no function name: write logs:KIND, e\.g\. logs:throttle p=0\.5$/],
      ['logs:deny', /deny needs the CloudWatch Logs API operation to refuse, one of FilterLogEvents, GetLogEvents, DescribeLogGroups, DescribeLogStreams \(e\.g\. logs:deny FilterLogEvents\)$/],
      ['logs:deny PutLogEvents', /deny 'PutLogEvents' needs the CloudWatch Logs API operation to refuse/],
      ['logs:deny lambda:FilterLogEvents', /deny 'lambda:FilterLogEvents' needs the CloudWatch Logs API operation/],
      ['lambda:deny logs:Invoke', /deny 'logs:Invoke' needs the Lambda API operation/],
      ['logs:throttle p=2', /'p=2' must be a probability/],
    ];
    for (const [line, pattern] of cases) {
      assert.throws(() => parseFault(line), (error: Error) => error instanceof FaultSpecError && pattern.test(error.message) && !error.message.includes('\n'), line);
    }
    const { faults, problems } = parseFaults(['lambda:error', 'x:y', 'sqs:hang', 'api:nope']);
    assert.deepEqual(faults.map((fault) => fault.spec), ['lambda:error', 'sqs:hang']);
    assert.equal(problems.length, 2);
  });

  it('a window is active only inside it, counted from start(); p draws per request; latencies add; the first other fault wins', () => {
    let now = 1000;
    const draws = [0.05, 0.5, 0.95];
    let drawIndex = 0;
    const plan = new FaultPlan(
      ['lambda:square:error 3s..5s', 'sqs:refuse 2s..', 'api:latency 100ms..300ms', 'api:latency 50ms', 'api:status 503 p=0.1', 'api:throttle'].map(parseFault),
      () => now,
      () => draws[drawIndex++ % draws.length]!,
    );
    assert.equal(plan.draw('sqs', undefined, ['refuse']).fault, undefined, 'nothing fires before the stack has started');
    plan.start();
    const errorAt = (ms: number) => {
      now = 1000 + ms;
      return plan.draw('lambda', 'square', ['error']).fault?.spec;
    };
    assert.deepEqual([errorAt(0), errorAt(2999), errorAt(3000), errorAt(4999), errorAt(5000), errorAt(60_000)], [undefined, undefined, 'lambda:square:error 3s..5s', 'lambda:square:error 3s..5s', undefined, undefined]);
    assert.equal(plan.draw('lambda', 'sleep', ['error']).fault, undefined, 'scoped to square');
    now = 1000 + 2000;
    assert.equal(plan.draw('sqs', undefined, ['refuse']).fault?.spec, 'sqs:refuse 2s..', 'an open window runs on');
    now = 1000 + 3_600_000;
    assert.equal(plan.draw('sqs', undefined, ['refuse']).fault?.spec, 'sqs:refuse 2s..');

    // api: the uniform latency draws 0.05 → 110 ms, the fixed one adds 50; p=0.1 draws 0.5 (no), the throttle always fires.
    drawIndex = 0;
    const first = plan.draw('api', 'square', ['latency', 'status', 'throttle']);
    assert.equal(first.latencyMs, 110 + 50);
    assert.equal(first.fault?.spec, 'api:throttle');
    // Next: latency draws 0.95 → 290 ms; p=0.1 draws 0.05 (yes): the status, given first, wins over the throttle.
    const second = plan.draw('api', 'square', ['latency', 'status', 'throttle']);
    assert.equal(second.latencyMs, 290 + 50);
    assert.equal(second.fault?.spec, 'api:status 503 p=0.1');
    assert.deepEqual(plan.fired, [2, 2, 2, 2, 1, 1]);
  });

  it('a logs deny fires only for its operation; a logs throttle for every operation, in its window', () => {
    let now = 0;
    const plan = new FaultPlan(['logs:deny FilterLogEvents', 'logs:throttle 1s..2s', 'lambda:throttle'].map(parseFault), () => now);
    plan.start();
    const kinds = ['latency', 'throttle', 'hang', 'deny'] as const;
    assert.equal(plan.draw('logs', undefined, kinds, 'FilterLogEvents').fault?.spec, 'logs:deny FilterLogEvents');
    assert.equal(plan.draw('logs', undefined, kinds, 'GetLogEvents').fault, undefined, 'outside the throttle window, nothing for another operation');
    now = 1500;
    assert.equal(plan.draw('logs', undefined, kinds, 'DescribeLogGroups').fault?.spec, 'logs:throttle 1s..2s');
    assert.equal(plan.draw('logs', undefined, kinds, 'FilterLogEvents').fault?.spec, 'logs:deny FilterLogEvents', 'the first given wins');
    assert.equal(plan.draw('lambda', 'square', ['throttle']).fault?.spec, 'lambda:throttle', 'each front its own');
    assert.deepEqual(plan.fired, [2, 1, 1]);
  });
});
