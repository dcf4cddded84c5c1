/**
 * `lambench cleanup`: what interrupted runs left behind (queues named `lambench-<run id>-…`, SNS
 * subscriptions to them, EventBridge rules so named on the default bus and any `--event-bus`),
 * listed; removed only with `--delete`. Nothing not matching the name pattern is touched.
 */
import { TargetUnavailableError } from '../../errors.js';
import { durationFlag, notePrinter } from '../callArgs.js';

export interface CleanupArgs {
  delete?: boolean;
  olderThan?: string;
  eventBus?: string[];
  json?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export async function cleanupCommand(args: CleanupArgs): Promise<void> {
  const olderThanMs = durationFlag(args.olderThan, '--older-than');
  const note = notePrinter();
  const aws = { region: args.region, profile: args.profile, endpointUrl: args.endpointUrl };
  const [{ createSqsClient }, { createEventBridgeClient, createSnsClient }, { describeLeftover, findLeftovers, removeLeftovers }] = await Promise.all([
    import('../../aws/sqsClient.js'),
    import('../../aws/serviceClients.js'),
    import('../../delivery/leftovers.js'),
  ]);
  const clients = { sqs: await createSqsClient(aws, [], note), sns: await createSnsClient(aws, note), events: await createEventBridgeClient(aws, note) };
  try {
    const buses = [...new Set(['default', ...(args.eventBus ?? []).map(String)])];
    const { found, notListed } = await findLeftovers(clients, buses, olderThanMs);
    const failures = args.delete && found.length > 0 ? await removeLeftovers(clients, found) : [];
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ deleted: Boolean(args.delete), found, notRemoved: failures, notListed })}\n`);
    } else {
      const verb = args.delete ? 'removing' : 'would remove';
      for (const leftover of found) process.stdout.write(`${verb} ${describeLeftover(leftover)}\n`);
      const removed = found.length - failures.length;
      if (found.length === 0) process.stdout.write(`nothing left behind by lambench runs${olderThanMs !== undefined ? ` older than ${args.olderThan}` : ''}\n`);
      else if (!args.delete) process.stdout.write(`${found.length} left behind; nothing removed (a dry run): run lambench cleanup --delete to remove them\n`);
      else process.stdout.write(`${removed} of ${found.length} removed\n`);
    }
    for (const line of [...notListed, ...failures]) process.stderr.write(`lambench: ${line}\n`);
    if (notListed.length > 0 || failures.length > 0) {
      throw new TargetUnavailableError(`${failures.length > 0 ? `${failures.length} not removed` : ''}${failures.length > 0 && notListed.length > 0 ? '; ' : ''}${notListed.length > 0 ? `${notListed.length} service${notListed.length > 1 ? 's' : ''} not listed` : ''}: check the endpoints (AWS_ENDPOINT_URL_SQS, _SNS, _EVENTBRIDGE) and permissions (sqs:ListQueues, sqs:DeleteQueue, sns:ListSubscriptions, sns:Unsubscribe, events:ListRules, events:ListTargetsByRule, events:RemoveTargets, events:DeleteRule)`);
    }
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
