/**
 * The local EventBridge through real clients over real sockets: @aws-sdk/client-eventbridge for
 * buses, rules, targets and PutEvents (a matching event lands on the target SQS queue as
 * EventBridge's event JSON; one that does not match never does), and the AWS CLI's `aws events
 * put-rule` / `list-rules` against the same endpoint.
 */
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CREDENTIALS, receiveMatching, useTestStack } from '../../support/helpers.js';

const run = promisify(execFile);
const awsCliInstalled = await run('aws', ['--version']).then(() => true, () => false);

describe('local EventBridge', () => {
  const t = useTestStack({ queues: ['bus-tap'], eventBuses: ['orders-bus'] });
  let events: EventBridgeClient;
  let tapArn: string;
  before(() => {
    events = new EventBridgeClient({ region: t.stack.region, endpoint: t.stack.eventsUrl, credentials: CREDENTIALS, maxAttempts: 1 });
    tapArn = `arn:aws:sqs:${t.stack.region}:000000000000:bus-tap`;
  });
  after(() => events.destroy());

  it('has the default bus and the --event-bus ones; creates and deletes others, and refuses to delete default', async () => {
    assert.deepEqual(Object.keys(t.stack.eventBuses), ['default', 'orders-bus']);
    const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: 'extra' }));
    assert.equal(EventBusArn, 'arn:aws:events:us-east-1:000000000000:event-bus/extra');
    await assert.rejects(events.send(new CreateEventBusCommand({ Name: 'extra' })), { name: 'ResourceAlreadyExistsException' });
    const listed = await events.send(new ListEventBusesCommand({}));
    assert.deepEqual(listed.EventBuses?.map((bus) => bus.Name), ['default', 'orders-bus', 'extra']);
    await events.send(new DeleteEventBusCommand({ Name: 'extra' }));
    await assert.rejects(events.send(new DeleteEventBusCommand({ Name: 'default' })), { name: 'ValidationException', message: 'Cannot delete event bus default.' });
  });

  it('delivers a matching event to the rule\'s SQS target as EventBridge event JSON, and not one the pattern rejects', async () => {
    // Prepare
    const pattern = { source: [{ prefix: 'lambda' }], 'detail-type': ['Lambda Function Invocation Result - Failure'] };
    const { RuleArn } = await events.send(new PutRuleCommand({ Name: 'failures', EventBusName: 'orders-bus', EventPattern: JSON.stringify(pattern), Description: 'tap' }));
    assert.equal(RuleArn, 'arn:aws:events:us-east-1:000000000000:rule/orders-bus/failures');
    const put = await events.send(new PutTargetsCommand({ Rule: 'failures', EventBusName: 'orders-bus', Targets: [{ Id: 'tap', Arn: tapArn }, { Id: 'bad', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:square' }] }));
    assert.equal(put.FailedEntryCount, 1);
    assert.equal(put.FailedEntries?.[0]?.TargetId, 'bad');
    // Act
    const sent = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'orders-bus', Source: 'lambda', DetailType: 'Lambda Function Invocation Result - Success', Detail: '{"n":1}' },
          { EventBusName: 'orders-bus', Source: 'lambda', DetailType: 'Lambda Function Invocation Result - Failure', Detail: '{"n":2}', Resources: ['arn:x'] },
          { EventBusName: 'orders-bus', Source: 'lambda', DetailType: 'x', Detail: 'not json' },
        ],
      }),
    );
    // Assess
    assert.equal(sent.FailedEntryCount, 1);
    assert.equal(sent.Entries?.[2]?.ErrorCode, 'MalformedDetail');
    const message = await receiveMatching(t.sqs, t.stack.queues['bus-tap']!, () => true);
    const event = JSON.parse(message.Body!);
    assert.deepEqual(Object.keys(event), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    assert.equal(event.id, sent.Entries?.[1]?.EventId);
    assert.deepEqual([event.version, event['detail-type'], event.source, event.account, event.region, event.resources, event.detail], ['0', 'Lambda Function Invocation Result - Failure', 'lambda', '000000000000', 'us-east-1', ['arn:x'], { n: 2 }]);
    assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The non-matching success event was never delivered.
    const rest = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: t.stack.queues['bus-tap']!, WaitTimeSeconds: 0, MaxNumberOfMessages: 10 }));
    assert.equal(rest.Messages?.length ?? 0, 0);
  });

  it('describes and lists rules, and refuses to delete one that still has targets', async () => {
    await events.send(new PutRuleCommand({ Name: 'held', EventPattern: '{"source":["a"]}' }));
    await events.send(new PutTargetsCommand({ Rule: 'held', Targets: [{ Id: 't', Arn: tapArn }] }));
    const described = await events.send(new DescribeRuleCommand({ Name: 'held' }));
    assert.deepEqual([described.Name, described.EventBusName, described.State, described.Arn], ['held', 'default', 'ENABLED', 'arn:aws:events:us-east-1:000000000000:rule/held']);
    await assert.rejects(events.send(new DeleteRuleCommand({ Name: 'held' })), { name: 'ValidationException', message: "Rule can't be deleted since it has targets." });
    assert.deepEqual((await events.send(new ListTargetsByRuleCommand({ Rule: 'held' }))).Targets, [{ Id: 't', Arn: tapArn }]);
    await events.send(new RemoveTargetsCommand({ Rule: 'held', Ids: ['t'] }));
    await events.send(new DeleteRuleCommand({ Name: 'held' }));
    assert.deepEqual((await events.send(new ListRulesCommand({ NamePrefix: 'he' }))).Rules, []);
    await assert.rejects(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source": "a"' })), { name: 'InvalidEventPatternException' });
    await assert.rejects(events.send(new DescribeRuleCommand({ Name: 'nope' })), { name: 'ResourceNotFoundException' });
  });

  it('answers the AWS CLI: aws events put-rule and list-rules', { skip: !awsCliInstalled && 'the AWS CLI (aws) is not installed here' }, async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const cli = async (...args: string[]) => JSON.parse((await run('aws', ['events', ...args, '--endpoint-url', t.stack.eventsUrl, '--output', 'json'], { env, timeout: 30_000 })).stdout);
    const put = await cli('put-rule', '--name', 'cli-rule', '--event-pattern', '{"source":["lambda"]}', '--event-bus-name', 'orders-bus');
    assert.equal(put.RuleArn, 'arn:aws:events:us-east-1:000000000000:rule/orders-bus/cli-rule');
    const listed = await cli('list-rules', '--event-bus-name', 'orders-bus', '--name-prefix', 'cli-');
    assert.deepEqual(listed.Rules.map((rule: { Name: string; EventPattern: string }) => [rule.Name, rule.EventPattern]), [['cli-rule', '{"source":["lambda"]}']]);
  });
});
