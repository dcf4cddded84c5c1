/**
 * Observes an EventBridge bus a function sends its outcomes to, without changing what reaches it:
 * a temporary rule on the bus matching Lambda's invocation-result events (`detail-type` "Lambda
 * Function Invocation Result - Success" / "- Failure"; `source` `lambda` in captured events,
 * `aws.lambda` in current docs: both), targeting a temporary queue that allows that rule only. The
 * record is the event's `detail`. Removed in reverse: targets, queue, rule.
 */
import { RESULT_DETAIL_TYPES, RESULT_SOURCES } from './tapRecords.js';
import { DeleteRuleCommand, DescribeEventBusCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { TargetUnavailableError, messageOf } from '../errors.js';
import { nameInArn, parseArn } from '../aws/arn.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { allowOnly, createTapQueue, type TapQueue } from './tapQueue.js';
import type { TempResources } from './tempResources.js';

const TARGET_ID = 'lambench-tap';

export async function openEventBridgeTap(events: EventBridgeClient, sqs: SQSClient, resources: TempResources, busArn: string, name: string): Promise<TapQueue> {
  const bus = nameInArn(busArn);
  const region = parseArn(busArn)?.region;
  const where = `--event-bus-name ${bus}${region ? ` --region ${region}` : ''}`;
  try {
    await events.send(new DescribeEventBusCommand({ Name: bus }));
  } catch (error) {
    const code = awsErrorName(error);
    if (code === 'ResourceNotFoundException') throw new TargetUnavailableError(`the EventBridge bus ${busArn} does not exist: check the function's destination, the region and the EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE)`, { cause: error });
    if (isAccessDenied(error)) throw new TargetUnavailableError(`not allowed to read the EventBridge bus ${busArn} (events:DescribeEventBus denied): grant it (and events:PutRule, PutTargets, RemoveTargets, DeleteRule), or pass --no-discover with --destination-queue/--dlq`, { cause: error });
    throw new TargetUnavailableError(`cannot reach EventBridge for ${busArn} (${code || messageOf(error)}): check the EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE) and credentials`, { cause: error });
  }
  const pattern = { source: RESULT_SOURCES, 'detail-type': RESULT_DETAIL_TYPES };
  // Registered before it is made, as the target below is: a PutRule whose answer was lost may have made it; one never made is nothing to remove.
  resources.add(`rule ${name} on ${bus}`, `aws events delete-rule --name ${name} ${where}`, async () => {
    try {
      await events.send(new DeleteRuleCommand({ Name: name, EventBusName: bus }));
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    }
  });
  const { RuleArn } = await events.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern), State: 'ENABLED', Description: 'lambench: a temporary tap on Lambda invocation results, removed at the end of its run' }));
  if (!RuleArn) throw new Error(`PutRule ${name} returned no RuleArn`);
  const queue = await createTapQueue(sqs, resources, name);
  await allowOnly(sqs, queue, 'events.amazonaws.com', RuleArn);
  // Registered before it is made: a PutTargets that fails after EventBridge made the target (a timeout) must not leave it, and the rule with it.
  resources.add(`target of rule ${name}`, `aws events remove-targets --rule ${name} --ids ${TARGET_ID} ${where}`, async () => {
    try {
      const { FailedEntryCount, FailedEntries } = await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids: [TARGET_ID] }));
      // A target left on the rule keeps the rule from being deleted: said as this removal's failure.
      if (FailedEntryCount) throw new Error(`RemoveTargets: ${FailedEntries?.[0]?.ErrorCode}: ${FailedEntries?.[0]?.ErrorMessage}`);
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    }
  });
  const { FailedEntryCount, FailedEntries } = await events.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: [{ Id: TARGET_ID, Arn: queue.arn }] }));
  if (FailedEntryCount) throw new TargetUnavailableError(`EventBridge refused the rule's target (${FailedEntries?.[0]?.ErrorCode}: ${FailedEntries?.[0]?.ErrorMessage})`);
  return queue;
}
