/** Telling a queue from an HTTP endpoint and a function, without guessing (targetSpec.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { parseTargetSpec } from '../../../src/targets/targetSpec.js';

describe('a queue target is recognised by its ARN, SQS\'s hosts, an emulator\'s, or an sqs: prefix', () => {
  const kind = (text: string) => parseTargetSpec(text).kind;

  it('queues', () => {
    for (const text of [
      'arn:aws:sqs:eu-west-1:123456789012:orders',
      'arn:aws-cn:sqs:cn-north-1:123456789012:orders.fifo',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
      'https://eu-west-1.queue.amazonaws.com/123456789012/orders',
      'https://queue.amazonaws.com/123456789012/orders',
      'http://sqs.us-east-1.localhost:4566/000000000000/orders',
      'http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/orders',
      'http://localhost:4566/000000000000/orders',
      'http://127.0.0.1:9324/000000000000/orders.fifo',
      'sqs:https://queues.example.internal/123456789012/orders',
      'sqs:http://10.0.0.5:9324/queue/orders',
    ]) {
      assert.equal(kind(text), 'queue', text);
    }
    assert.deepEqual(parseTargetSpec('sqs:http://10.0.0.5:9324/queue/orders'), { kind: 'queue', queue: 'http://10.0.0.5:9324/queue/orders', fifo: false });
    assert.equal((parseTargetSpec('http://127.0.0.1:9324/000000000000/orders.fifo') as { fifo: boolean }).fifo, true);
  });

  it('not queues: API Gateway, function URLs, a local API, functions', () => {
    for (const text of ['https://abc123.execute-api.us-east-1.amazonaws.com/prod/run', 'https://xyz.lambda-url.eu-west-1.on.aws/', 'http://127.0.0.1:3000/run/123', 'http://localhost:8080/123456789012']) {
      assert.equal(kind(text), 'http', text);
    }
    for (const text of ['orders', 'orders:live', 'arn:aws:lambda:eu-west-1:123456789012:function:orders']) assert.equal(kind(text), 'lambda', text);
  });

  it('refuses a queue target with a qualifier, and an sqs: prefix without a queue after it', () => {
    assert.throws(() => parseTargetSpec('arn:aws:sqs:eu-west-1:123456789012:orders', 'live'), (error: Error) => error instanceof UsageError && /--qualifier applies to functions, not to a queue/.test(error.message));
    assert.throws(() => parseTargetSpec('sqs:orders'), /after sqs: comes a queue URL .* or ARN/);
    assert.throws(() => parseTargetSpec('sqs:ftp://host/1/q'), /a queue URL is http:\/\/ or https:\/\//);
  });
});
