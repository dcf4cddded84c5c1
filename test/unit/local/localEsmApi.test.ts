/**
 * The Lambda API's event source mapping operations on the local stack, through @aws-sdk/client-lambda
 * over real sockets: Create, Get, List (filters, MaxItems, Marker pages), Update, Delete, the states
 * they pass through, and AWS's refusals (error type, HTTP status, message) for bad requests.
 */
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createQueue, sendBodies, startEsmStack, waitFor, waitForState, type EsmHarness } from '../../support/esm.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:batchProbe';

describe('event source mapping API (SDK)', { timeout: 120_000 }, () => {
  let h: EsmHarness;
  let queue: { url: string; arn: string };
  before(async () => {
    h = await startEsmStack();
    queue = await createQueue(h.sqs, 'esm-api', { VisibilityTimeout: '30' });
  });
  after(() => h?.stop());

  async function refusal(input: object, command: 'create' | 'update' = 'create', uuid = ''): Promise<{ name: string; status: number | undefined; message: string }> {
    const send =
      command === 'create'
        ? h.lambda.send(new CreateEventSourceMappingCommand(input as CreateEventSourceMappingCommandInput))
        : h.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...input }));
    const error = (await send.then(
      () => assert.fail(`accepted: ${JSON.stringify(input)}`),
      (failure: unknown) => failure,
    )) as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }

  it('creates (202, Creating), then the mapping is Enabled; Get shows every member an SQS mapping has', async () => {
    const created = await h.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn }));
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.match(created.UUID!, UUID);
    assert.equal(created.State, 'Creating');
    assert.equal(created.StateTransitionReason, 'USER_INITIATED');
    assert.ok(created.LastModified instanceof Date && Math.abs(created.LastModified.getTime() - Date.now()) < 60_000, 'LastModified in epoch seconds, read as a date');
    await waitForState(h.lambda, created.UUID!, 'Enabled');
    const got = await h.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID! }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    const { $metadata, LastModified, ...members } = got;
    assert.deepEqual(members, {
      UUID: created.UUID,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      EventSourceArn: queue.arn,
      FunctionArn: FUNCTION_ARN,
      State: 'Enabled',
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: [],
      EventSourceMappingArn: `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`,
    });
    assert.ok(LastModified! >= created.LastModified!);
    await h.lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID! }));
    await waitFor('the mapping to be gone', async () => (await refusalOfGet(created.UUID!)) === 'ResourceNotFoundException');
  });

  async function refusalOfGet(uuid: string): Promise<string | undefined> {
    return h.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })).then(
      () => undefined,
      (error: Error) => error.name,
    );
  }

  it('lists by EventSourceArn and FunctionName, at most MaxItems a page, following NextMarker to the end', async () => {
    const queues = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => createQueue(h.sqs, `esm-list-${name}`)));
    const uuids: string[] = [];
    for (const { arn } of queues) uuids.push((await h.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: arn, Enabled: false }))).UUID!);
    const aliased = await h.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe:live', EventSourceArn: queues[0]!.arn, Enabled: false }));
    assert.equal(aliased.FunctionArn, `${FUNCTION_ARN}:live`, 'a qualified function name maps that alias');

    const first = await h.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'batchProbe', MaxItems: 2 }));
    assert.deepEqual(first.EventSourceMappings?.map((mapping) => mapping.UUID), uuids.slice(0, 2));
    assert.ok(first.NextMarker);
    const pages: EventSourceMappingConfiguration[][] = [];
    for await (const page of paginateListEventSourceMappings({ client: h.lambda, pageSize: 2 }, { FunctionName: FUNCTION_ARN })) pages.push(page.EventSourceMappings ?? []);
    assert.deepEqual(pages.map((page) => page.length), [2, 2, 1]);
    assert.deepEqual(pages.flat().map((mapping) => mapping.UUID), uuids, 'every mapping of the unqualified function, once, in creation order');

    const byQueue = await h.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queues[0]!.arn }));
    assert.deepEqual(byQueue.EventSourceMappings?.map((mapping) => mapping.UUID), [uuids[0], aliased.UUID]);
    assert.equal(byQueue.NextMarker, undefined);
    const both = await h.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queues[0]!.arn, FunctionName: 'batchProbe:live' }));
    assert.deepEqual(both.EventSourceMappings?.map((mapping) => mapping.UUID), [aliased.UUID]);
    const none = await h.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'nosuch' }));
    assert.deepEqual(none.EventSourceMappings, []);
    const all = await h.lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 1000 }));
    assert.ok((all.EventSourceMappings?.length ?? 0) <= 100, 'never more than 100 a page');

    for (const uuid of [...uuids, aliased.UUID!]) await h.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  });

  it('updates: Updating then Enabled; Enabled false: Disabling then Disabled; no update or delete while it is passing between states', async () => {
    const { UUID: uuid } = await h.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'batchProbe', EventSourceArn: queue.arn, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 2 } }),
    );
    await waitForState(h.lambda, uuid!, 'Enabled');
    const updated = await h.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 50, MaximumBatchingWindowInSeconds: 2, ScalingConfig: {} }));
    assert.equal(updated.$metadata.httpStatusCode, 202);
    assert.equal(updated.State, 'Updating');
    assert.equal(updated.BatchSize, 50);
    assert.equal(updated.MaximumBatchingWindowInSeconds, 2);
    assert.equal(updated.ScalingConfig, undefined, 'ScalingConfig {} removed MaximumConcurrency');
    assert.deepEqual(updated.FunctionResponseTypes, ['ReportBatchItemFailures'], 'what the update leaves out stays');
    await waitForState(h.lambda, uuid!, 'Enabled');

    // A batch that takes a while keeps the mapping Disabling until it is done: time to be refused.
    await sendBodies(h.sqs, queue.url, [{ sleepMs: 1500 }]);
    await waitFor('the slow batch to be invoked', () => h.log.invoked(uuid).length > 0);
    const disabling = await h.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    assert.equal(disabling.State, 'Disabling');
    const inUse = await refusal({ BatchSize: 5 }, 'update', uuid);
    assert.equal(inUse.name, 'ResourceInUseException');
    assert.equal(inUse.status, 400);
    const deleteInUse = await h.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid })).then(
      () => 'accepted',
      (error: Error) => error.name,
    );
    assert.equal(deleteInUse, 'ResourceInUseException');
    await waitForState(h.lambda, uuid!, 'Disabled');
    assert.equal(h.log.settled(uuid).length, 1, 'the batch in flight was finished before Disabled');

    const enabling = await h.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    assert.equal(enabling.State, 'Enabling');
    await waitForState(h.lambda, uuid!, 'Enabled');
    const deleting = await h.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(deleting.$metadata.httpStatusCode, 202);
    assert.equal(deleting.State, 'Deleting');
    await waitFor('the mapping to be gone', async () => (await refusalOfGet(uuid!)) === 'ResourceNotFoundException');
  });

  it('refuses bad requests as Lambda does: type, status and message', async () => {
    const fifo = await createQueue(h.sqs, 'esm-api-refusals.fifo');
    const base = { FunctionName: 'batchProbe', EventSourceArn: queue.arn };
    const invalid = (message: string) => ({ name: 'InvalidParameterValueException', status: 400, message });
    assert.deepEqual(await refusal({ ...base, BatchSize: 11 }), invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'));
    assert.deepEqual(await refusal({ ...base, EventSourceArn: fifo.arn, BatchSize: 11, MaximumBatchingWindowInSeconds: 1 }), invalid('Batch size must be less than or equal to 10 for FIFO queues'));
    assert.deepEqual(await refusal({ ...base, EventSourceArn: fifo.arn, MaximumBatchingWindowInSeconds: 1 }), invalid('Batching window is not supported for FIFO queues'));
    assert.deepEqual(await refusal({ ...base, FunctionName: 'nosuch' }), invalid('Function does not exist'));
    assert.deepEqual(
      await refusal({ ...base, EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' }),
      invalid('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.'),
    );
    assert.deepEqual(await refusal({ ...base, StartingPosition: 'LATEST' }), invalid('Unsupported StartingPosition parameter for given event source mapping type.'));
    assert.match((await refusal({ ...base, EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' })).message, /maps SQS queues .* only/);
    const ranges = await refusal({ ...base, BatchSize: 0, ScalingConfig: { MaximumConcurrency: 1001 } });
    assert.equal(ranges.name, 'ValidationException');
    assert.equal(ranges.status, 400);
    assert.match(ranges.message, /^2 validation errors detected: Value '0' at 'batchSize' .*; Value '1001' at 'scalingConfig\.maximumConcurrency' failed to satisfy constraint: Member must have value less than or equal to 1000$/);

    const { UUID: uuid } = await h.lambda.send(new CreateEventSourceMappingCommand({ ...base, Enabled: false }));
    assert.deepEqual(await refusal(base), {
      name: 'ResourceConflictException',
      status: 409,
      message: `An event source mapping with SQS arn (" ${queue.arn} ") and function (" batchProbe ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    });
    await waitForState(h.lambda, uuid!, 'Disabled');
    assert.deepEqual(await refusal({ BatchSize: 500 }, 'update', uuid), invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'));
    const missing = await refusal({ BatchSize: 5 }, 'update', '00000000-0000-0000-0000-000000000000');
    assert.deepEqual(missing, { name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' });
    const badPage = await h.lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 0 })).then(
      () => undefined,
      (error: Error & { $metadata: { httpStatusCode?: number } }) => [error.name, error.$metadata.httpStatusCode],
    );
    assert.deepEqual(badPage, ['ValidationException', 400]);
    await h.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  });
});
