/**
 * Profiles with a queue target (poll-based invocation) through `lambench run`: every bad value
 * refused by its profile field, exit 2, before anything is sent (a counting server stands as the
 * SQS endpoint); --check says what would run in a queue's terms; and the shipped orders-queue
 * profile run end to end on the local stack, its messages reconciled exactly.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeServer, delayServer, listen, REPO_ROOT, runLambench } from '../support/helpers.js';

const ORDERS_PROFILE = join(REPO_ROOT, 'profiles', 'orders-queue.yaml');

describe('queue profiles refused by their fields', () => {
  let dir: string;
  // Stands as SQS: any request reaching it would be a message sent (or a queue read) before the checks were done.
  const counting = delayServer();
  let origin = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-queue-profile-'));
    origin = new URL(await listen(counting.server)).origin;
  });
  after(async () => {
    await closeServer(counting.server);
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * [case, profile text, what stderr must say]. On the counting server: QUEUE, a standard queue as a
   * target (sqs:URL); FIFO, a FIFO queue as a target; URL and FIFO_URL, the same as queues: values.
   */
  const cases: [string, string, RegExp][] = [
    ['FIFO without a message group', 'target: FIFO\nload: {rate: 5, requests: 2}\n', /queue\.messageGroupId: is needed: the queue is FIFO \(its name ends in \.fifo\), and every message needs a group \(queue\.messageGroupId: GROUP\)/],
    ['FIFO named through queues, without a group', 'target: orders\nqueues: {orders: FIFO_URL}\nload: {rate: 5, requests: 2}\n', /queue\.messageGroupId: is needed: the queue is FIFO/],
    ['http settings on a queue', 'target: QUEUE\nload: {rate: 5, requests: 2}\nhttp: {method: PUT, headers: {x-a: b}}\n', /http\.method: does not apply to a queue: .*; http\.headers: does not apply to a queue/],
    ['http.correlationPath on a queue', 'target: QUEUE\nload: {rate: 5, requests: 2}\nhttp: {correlationPath: null}\n', /http\.correlationPath: is for URL targets: for a queue target, write queue\.correlationPath/],
    ['invoke settings on a queue', 'target: QUEUE\nload: {rate: 5, requests: 2}\ninvoke: {qualifier: live, logType: Tail}\n', /invoke\.qualifier: does not apply to a queue.*invoke\.logType: does not apply to a queue/],
    ['a sync mode on a queue', 'target: QUEUE\nmodes: [sync]\nload: {rate: 5, requests: 2}\n', /modes: does not apply to a queue: its one phase is the messages sent/],
    ['a group on a standard queue', 'target: QUEUE\nload: {rate: 5, requests: 2}\nqueue: {messageGroupId: g, contentDedup: true}\n', /queue\.messageGroupId: applies to FIFO queues only.*queue\.contentDedup: applies to FIFO queues only/],
    ['a delay in part-seconds', 'target: QUEUE\nload: {rate: 5, requests: 2}\nqueue: {delay: 1500ms}\n', /queue\.delay: 1\.5 s must be whole seconds from 0 to 900/],
    ['a delay on a FIFO queue', 'target: FIFO\nload: {rate: 5, requests: 2}\nqueue: {messageGroupId: g, delay: 2s}\n', /queue\.delay: cannot be set per message on a FIFO queue/],
    ['an attribute name SQS refuses', 'target: QUEUE\nload: {rate: 5, requests: 2}\nqueue: {attributes: {aws.trace: x}}\n', /queue\.attributes: 'aws\.trace' is not an attribute name SQS takes/],
    ['an attribute that is not text', 'target: QUEUE\nload: {rate: 5, requests: 2}\nqueue: {attributes: {n: 3}}\n', /queue\.attributes\.n: must be text/],
    ['an unknown queue setting', 'target: QUEUE\nload: {rate: 5, requests: 2}\nqueue: {groupId: g}\n', /queue\.groupId: unknown field \(known: messageGroupId, contentDedup, delay, attributes, discover, correlationPath\)/],
    ['a destination for a queue', 'target: QUEUE\nload: {rate: 5, requests: 2}\nqueues: {d: URL}\ndelivery: {destination: d}\n', /delivery\.destination: applies to async function calls: a queue's evidence is its DLQ \(delivery\.dlq, found from its redrive policy by default\) and delivery\.outputQueue/],
    ['an output queue not under queues', 'target: QUEUE\nload: {rate: 5, requests: 2}\ndelivery: {outputQueue: out}\n', /delivery\.outputQueue: 'out' is not a queue under queues \(none defined\): define it there, or give a queue URL/],
    ['delivered without delivery', "target: QUEUE\nload: {rate: 5, requests: 2}\nthresholds: ['delivered>=90%']\n", /thresholds\[0\]: 'delivered>=90%' needs delivery\.verify \(with delivery\.outputQueue \/ delivery\.dlq\)/],
    ['delivered for the async phase of a queue', "target: QUEUE\nload: {rate: 5, requests: 2}\ndelivery: {}\nthresholds: ['async:delivered>=90%']\n", /thresholds\[0\]: 'async:delivered>=90%' names phase 'async', which this run does not have \(it runs queue\)/],
    ['queue settings on a function', 'target: lambench-orders\nload: {rate: 5, requests: 2}\nqueue: {discover: false}\n', /queue: applies to a queue target, and target 'lambench-orders' is not one: give the queue's URL or ARN, or a key of queues \(none defined\)/],
    ['an output queue for a function', 'target: square\nmodes: [async]\nload: {rate: 5, requests: 2}\nqueues: {out: URL}\ndelivery: {outputQueue: out, dlq: out}\n', /delivery\.outputQueue: applies to queue targets only/],
  ];

  it(`refuses each of ${cases.length} broken queue profiles naming the field, exit 2, nothing sent`, async () => {
    for (const [name, text, expected] of cases) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      const filled = text
        .replace(/FIFO_URL/g, `${origin}/123456789012/orders.fifo`)
        .replace(/\bURL\b/g, `${origin}/123456789012/orders`)
        .replace(/QUEUE/g, `sqs:${origin}/123456789012/orders`)
        .replace(/FIFO/g, `sqs:${origin}/123456789012/orders.fifo`);
      await writeFile(file, filled);
      const result = await runLambench(['run', file]);
      assert.equal(result.code, 2, `${name}: exit ${result.code}, ${result.stderr}`);
      assert.match(result.stderr, expected, name);
      assert.match(result.stderr, /\(nothing was sent\)\n$/, name);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${name}: one line: ${result.stderr}`);
    }
    assert.equal(counting.count(), 0, 'nothing reached SQS');
  });

  it('--check of the shipped orders profile says what would run: the queue by its key, one queue phase, the output queue and the redrive policy\'s DLQ', async () => {
    const result = await runLambench(['run', ORDERS_PROFILE, '--check']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ {2}target {6}queue lambench-orders \(queues\.orders, its URL looked up when the run starts\)$/m);
    assert.match(result.stdout, /^ {2}modes {7}queue \(the messages sent; the event source mapping invokes the function\)$/m);
    assert.match(result.stdout, /^ {2}delivery {4}output queue lambench-orders-out, DLQ from the queue's redrive policy$/m);
  });
});

describe('lambench run profiles/orders-queue.yaml on the local stack it starts', () => {
  it('sends to lambench-orders and reconciles every message: processed + dead-lettered = sent, one in ten dead-lettered (failEvery 10)', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-orders-run-'));
    try {
      // Prepare
      const out = join(dir, 'report.json');
      // Act: 20/s for 1 s is 20 messages, orders 0 to 19; 0 and 10 fail every receive.
      const result = await runLambench(['run', ORDERS_PROFILE, '--duration', '1s', '--out', out], { timeoutMs: 80_000 });
      // Assess
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(await readFile(out, 'utf8'));
      assert.deepEqual(report.phases.map((phase: { name: string }) => phase.name), ['queue']);
      const [phase] = report.phases;
      assert.equal(phase.requests, 20, '20/s × 1 s');
      assert.equal(phase.outcomes.ok, 20, `every message sent: ${JSON.stringify(phase.outcomes)}`);
      // The key of queues, looked up on the stack; the endpoint, the stack's SQS (not its Lambda API).
      const port = /^http:\/\/sqs\.us-east-1\.localhost:(\d+)\/000000000000\/lambench-orders$/.exec(report.target)?.[1];
      assert.ok(port, report.target);
      assert.equal(report.config.endpointUrl, `http://127.0.0.1:${port}`);
      assert.deepEqual(phase.queue.wiring.mappings.map((mapping: { functionArn: string }) => mapping.functionArn.split(':').pop()), ['orders']);
      const delivery = phase.queue.delivery;
      const counts = { sent: delivery.sent, processed: delivery.processed, processedDerived: delivery.processedDerived, deadLettered: delivery.deadLettered, remaining: delivery.remaining, unaccounted: delivery.unaccounted, duplicates: delivery.duplicates };
      assert.deepEqual(counts, { sent: 20, processed: 18, processedDerived: false, deadLettered: 2, remaining: 0, unaccounted: 0, duplicates: 0 });
      assert.equal(delivery.processed + delivery.deadLettered + delivery.remaining, delivery.sent, 'sent = processed + dead-lettered + still in the queue');
      assert.equal(Object.values(delivery.receiveCounts as Record<string, number>).reduce((sum, count) => sum + count, 0), 2, 'a receive count for each dead-lettered message');
      assert.equal(delivery.endToEnd.count, 18, 'an end-to-end time for each processed message');
      assert.match(delivery.outputQueueUrl, /\/lambench-orders-out$/);
      assert.match(delivery.dlqUrl, /\/lambench-orders-dlq$/, "the redrive policy's DLQ");
      assert.deepEqual(
        report.thresholds.map((result: { threshold: string; phase: string; passed: boolean; actual: number }) => [result.threshold, result.phase, result.passed, result.threshold.startsWith('p99') ? 'latency' : result.actual]),
        [['errors<1%', 'queue', true, 0], ['delivered>=85%', 'queue', true, 0.9], ['p99<1s', 'queue', true, 'latency']],
      );
      assert.match(result.stdout, /sent 20 = processed 18 \+ dead-lettered 2 \+ in the queue 0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
