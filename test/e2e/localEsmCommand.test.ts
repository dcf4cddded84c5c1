/**
 * `lambench local` and event source mappings, as a user runs it: --json lists the mappings (the
 * sample's and those declared in --config's "eventSourceMappings") and their queues; the human
 * output shows them; a declaration the Lambda API would refuse stops it with exit 2, every problem
 * on one line, each named by its place in the file.
 */
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CREDENTIALS, runLambench, startLocalProcess } from '../support/helpers.js';

describe('lambench local with event source mappings', { timeout: 60_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-local-esm-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('--json lists the sample mapping and the declared ones, Enabled, with their queues; the API lists the same', async () => {
    const config = join(dir, 'mappings.json');
    await writeFile(
      config,
      JSON.stringify({
        eventSourceMappings: [
          { EventSourceArn: 'my-orders', FunctionName: 'orders', BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] },
          { EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:my-squares', FunctionName: 'square', Enabled: false },
        ],
      }),
    );
    const local = startLocalProcess(['--json', '--quiet', '--config', config]);
    try {
      const info = JSON.parse(await local.firstLine);
      for (const name of ['lambench-orders', 'lambench-orders-dlq', 'lambench-orders-out', 'my-orders', 'my-squares']) assert.ok(info.queues[name], `queue ${name}`);
      const mappings = info.eventSourceMappings as { UUID: string; EventSourceArn: string; FunctionArn: string; BatchSize: number; State: string; ScalingConfig?: object }[];
      assert.deepEqual(
        mappings.map(({ EventSourceArn, FunctionArn, BatchSize, State }) => [EventSourceArn.split(':').pop(), FunctionArn.split(':').pop(), BatchSize, State]),
        [
          ['lambench-orders', 'orders', 10, 'Enabled'],
          ['my-orders', 'orders', 5, 'Enabled'],
          ['my-squares', 'square', 10, 'Disabled'],
        ],
      );
      assert.deepEqual(mappings[0]!.ScalingConfig, { MaximumConcurrency: 5 });
      const lambda = new LambdaClient({ region: 'us-east-1', endpoint: info.lambda, credentials: CREDENTIALS, maxAttempts: 1 });
      try {
        const listed = await lambda.send(new ListEventSourceMappingsCommand({}));
        assert.deepEqual(listed.EventSourceMappings?.map((mapping) => mapping.UUID), mappings.map((mapping) => mapping.UUID));
      } finally {
        lambda.destroy();
      }
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0, local.output().stderr);
  });

  it('the human output has a line per mapping', async () => {
    const local = startLocalProcess(['--quiet']);
    try {
      await local.firstLine;
      for (let round = 0; round < 100 && !local.output().stdout.includes('Ctrl-C'); round += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.match(
        local.output().stdout,
        /\n {2}event source mappings .*\n {4}lambench-orders → orders · batch 10 · window 0s · ReportBatchItemFailures · max concurrency 5 · Enabled [0-9a-f-]{36}\n/,
      );
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0);
  });

  it('declarations the API would refuse: exit 2, one line naming each, nothing started', async () => {
    const config = join(dir, 'bad-mappings.json');
    await writeFile(
      config,
      JSON.stringify({
        eventSourceMappings: [{ EventSourceArn: 'q-one', FunctionName: 'nosuch' }, { EventSourceArn: 'q-two', FunctionName: 'orders', BatchSize: 50 }, 'not a mapping'],
      }),
    );
    const { code, stdout, stderr } = await runLambench(['local', '--config', config]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
    assert.equal(
      stderr.trimEnd(),
      `lambench: --config ${config}: ` +
        'eventSourceMappings[0] (q-one → nosuch): InvalidParameterValueException: Function does not exist; ' +
        'eventSourceMappings[1] (q-two → orders): InvalidParameterValueException: Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10; ' +
        'eventSourceMappings[2]: must be an object like {"EventSourceArn": "my-queue", "FunctionName": "orders"}',
    );
  });
});
