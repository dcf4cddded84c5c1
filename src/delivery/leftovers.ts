/**
 * What interrupted runs left in an account, found by name alone: queues named
 * `lambench-<run id>-…`, SNS subscriptions whose endpoint is such a queue, and EventBridge rules so
 * named on the buses asked about. Nothing else is ever listed or removed. Removal goes in the order
 * that leaves nothing dangling: subscriptions, rules (their targets first), then queues.
 */
import { DeleteRuleCommand, ListRulesCommand, ListTargetsByRuleCommand, RemoveTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListSubscriptionsCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { messageOf } from '../errors.js';
import { nameInArn } from '../aws/arn.js';
import { awsErrorName } from '../aws/lambdaControl.js';
import { queueNameOf } from '../aws/queueRef.js';
import { withSqsDeadline } from '../aws/sqsClient.js';
import { runIdOf, runStartedAt } from './runId.js';

export interface Leftover {
  kind: 'subscription' | 'rule' | 'queue';
  /** The queue's or rule's name; for a subscription, its queue's. */
  name: string;
  /** Queue URL, subscription ARN, or rule name. */
  id: string;
  runId: string;
  /** The rule's bus. */
  bus?: string;
}

export interface LeftoverClients {
  sqs: SQSClient;
  sns: SNSClient;
  events: EventBridgeClient;
}

/** A bound on pages, past any real account's count of lambench's leftovers. */
const MAX_PAGES = 100;

/** Every leftover of a run older than `olderThanMs` (all, without it); `notListed`: one line per service that could not be listed. */
export async function findLeftovers(clients: LeftoverClients, buses: string[], olderThanMs?: number, now = Date.now()): Promise<{ found: Leftover[]; notListed: string[] }> {
  const found: Leftover[] = [];
  const notListed: string[] = [];
  const old = (runId: string) => olderThanMs === undefined || (runStartedAt(runId)?.getTime() ?? now) <= now - olderThanMs;
  const add = (leftover: Omit<Leftover, 'runId'>) => {
    const runId = runIdOf(leftover.name);
    if (runId && old(runId)) found.push({ ...leftover, runId });
  };
  const attempt = async (what: string, list: () => Promise<void>) => {
    try {
      await list();
    } catch (error) {
      notListed.push(`${what} not listed (${awsErrorName(error) || messageOf(error)})`);
    }
  };
  await attempt('SNS subscriptions', async () => {
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await clients.sns.send(new ListSubscriptionsCommand({ ...(NextToken && { NextToken }) }));
      for (const one of answer.Subscriptions ?? []) {
        if (one.Protocol === 'sqs' && one.Endpoint && one.SubscriptionArn) add({ kind: 'subscription', name: nameInArn(one.Endpoint), id: one.SubscriptionArn });
      }
      NextToken = answer.NextToken;
      if (!NextToken) break;
    }
  });
  for (const bus of buses) {
    await attempt(`EventBridge rules on ${bus}`, async () => {
      let NextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const answer = await clients.events.send(new ListRulesCommand({ NamePrefix: 'lambench-', EventBusName: bus, ...(NextToken && { NextToken }) }));
        for (const rule of answer.Rules ?? []) if (rule.Name) add({ kind: 'rule', name: rule.Name, id: rule.Name, bus });
        NextToken = answer.NextToken;
        if (!NextToken) break;
      }
    });
  }
  await attempt('SQS queues', async () => {
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await withSqsDeadline((call) => clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lambench-', MaxResults: 1000, ...(NextToken && { NextToken }) }), call));
      for (const url of answer.QueueUrls ?? []) add({ kind: 'queue', name: queueNameOf(url), id: url });
      NextToken = answer.NextToken;
      if (!NextToken) break;
    }
  });
  return { found, notListed };
}

/** Removes each leftover (found in removal order); resolves to one line per one not removed. */
export async function removeLeftovers(clients: LeftoverClients, leftovers: Leftover[]): Promise<string[]> {
  const failures: string[] = [];
  for (const leftover of leftovers) {
    try {
      if (leftover.kind === 'subscription') await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: leftover.id }));
      else if (leftover.kind === 'rule') await removeRule(clients.events, leftover.id, leftover.bus!);
      else await withSqsDeadline((call) => clients.sqs.send(new DeleteQueueCommand({ QueueUrl: leftover.id }), call));
    } catch (error) {
      failures.push(`${describeLeftover(leftover)}: not removed (${awsErrorName(error) || messageOf(error)})`);
    }
  }
  return failures;
}

async function removeRule(events: EventBridgeClient, name: string, bus: string): Promise<void> {
  const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus }));
  const Ids = Targets.map((target) => target.Id).filter((id): id is string => Boolean(id));
  if (Ids.length > 0) await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids }));
  await events.send(new DeleteRuleCommand({ Name: name, EventBusName: bus }));
}

export function describeLeftover(leftover: Leftover): string {
  const started = runStartedAt(leftover.runId)?.toISOString().slice(0, 16).replace('T', ' ');
  const what = leftover.kind === 'subscription' ? `subscription ${leftover.id} (to ${leftover.name})` : leftover.kind === 'rule' ? `rule ${leftover.name} on ${leftover.bus}` : `queue ${leftover.id}`;
  return `${what}, run ${leftover.runId}${started ? ` (started ${started} UTC)` : ''}`;
}
