/**
 * A loaded profile as a run's input, and the names its fields go by: `load.rate`, `modes[1]`,
 * `thresholds[0]`. The run's checks are made on that input (run/runConfig.ts), as they are on
 * flags', so a problem in the file is named as its field.
 */
import { resolve } from 'node:path';
import { parseDuration } from '../duration.js';
import { flagNames, type Field, type FieldNames, type RunInput } from '../config/runInput.js';
import { queueTarget } from '../targets/targetSpec.js';
import { deliveryVerified, expandVariables, isUrl, modesOf, payloadText, targetQueueKey, type LoadedProfile, type Profile } from './profile.js';

/** Each input's field in a profile, in the order the format lists them; inputs a profile cannot give keep their flag. */
const FIELDS: Partial<Record<Field, string>> = {
  target: 'target',
  types: 'modes',
  payload: 'payload',
  payloadFile: 'payloadFile',
  timeoutMs: 'timeout',
  load: 'load',
  rate: 'load.rate',
  concurrency: 'load.concurrency',
  maxInFlight: 'load.maxInFlight',
  durationMs: 'load.duration',
  requests: 'load.requests',
  warmupMs: 'load.warmup',
  rampMs: 'load.ramp',
  workers: 'load.workers',
  verifyDelivery: 'delivery.verify',
  destinationQueue: 'delivery.destination',
  dlq: 'delivery.dlq',
  outputQueue: 'delivery.outputQueue',
  settleMs: 'delivery.settle',
  thresholds: 'thresholds',
  logs: 'logs',
  region: 'aws.region',
  profile: 'aws.profile',
  endpointUrl: 'aws.endpointUrl',
  qualifier: 'invoke.qualifier',
  logType: 'invoke.logType',
  clientContext: 'invoke.clientContext',
  retries: 'invoke.retries',
  sdk: 'invoke.sdk',
  method: 'http.method',
  headers: 'http.headers',
  asyncVia: 'http.asyncVia',
  asyncHeader: 'http.asyncHeader',
  asyncBodyPath: 'http.asyncBodyPath',
  asyncUrl: 'http.asyncUrl',
  correlationPath: 'http.correlationPath',
  correlationHeader: 'http.correlationHeader',
  sigv4: 'http.sigv4',
  messageGroupId: 'queue.messageGroupId',
  contentDedup: 'queue.contentDedup',
  delayMs: 'queue.delay',
  messageAttributes: 'queue.attributes',
  discover: 'queue.discover',
  out: 'output.out',
  html: 'output.html',
  rawPath: 'output.raw',
  hgrm: 'output.hgrm',
};
const ORDER = Object.keys(FIELDS);

/** The names of one profile's fields: a list is indexed where the file wrote a list (`modes: [sync, asink]` → `modes[1]`). */
export function profileNames(profile: Profile): FieldNames {
  const lists = new Set<Field>(['thresholds', ...(Array.isArray(profile.modes) ? (['types'] as const) : [])]);
  // A queue target's correlation path is written under queue (http.correlationPath is refused for it: profile.ts).
  const path = (field: Field) => (field === 'correlationPath' && profile.queue?.correlationPath !== undefined ? 'queue.correlationPath' : FIELDS[field]);
  return {
    of: (field, index) => {
      const name = path(field);
      if (name === undefined) return flagNames.of(field, index);
      return index !== undefined && lists.has(field) ? `${name}[${index}]` : name;
    },
    isFlag: (field) => path(field) === undefined,
    usage: (field) => path(field)?.split('.').pop() ?? flagNames.usage(field),
    rank: (field) => (path(field) === undefined ? ORDER.length + flagNames.rank(field) : ORDER.indexOf(field)),
  };
}

/**
 * The profile's fields as a run's input, `${VAR}`s filled in from `env`; `queueUrl` turns a queue as
 * written (a URL, or a name to look up) into its URL. A profile's payload is always a template,
 * read from the profile's folder.
 */
export function profileInput(loaded: LoadedProfile, queueUrl: (reference: string) => string, env: NodeJS.ProcessEnv = process.env): { input: RunInput; names: FieldNames } {
  const { profile } = loaded;
  const expand = (text: string | undefined) => (text === undefined ? undefined : expandVariables(text, env));
  const duration = (text: string | undefined, field: string) => (text === undefined ? undefined : parseDuration(text, field));
  const { load = {}, http = {}, invoke = {}, aws = {}, output = {}, queue: send = {} } = profile;
  const verify = deliveryVerified(profile);
  // delivery names a key of queues, or a queue URL itself.
  const queue = (reference: string | undefined) => (reference === undefined || !verify ? undefined : queueUrl(expand(isUrl(reference) ? reference : (profile.queues?.[reference] ?? reference))!));
  const targetKey = targetQueueKey(profile);
  const input: RunInput = {
    target: targetKey === undefined ? expand(profile.target)! : asQueueTarget(queueUrl(expand(profile.queues![targetKey])!)),
    // No modes: the run's default (sync; a queue target's one phase, its messages sent).
    types: profile.modes === undefined ? undefined : Array.isArray(profile.modes) ? profile.modes : modesOf(profile).join(','),
    template: true,
    templateDir: loaded.dir,
    profilePath: loaded.path,
    payload: profile.payload === undefined ? undefined : payloadText(profile.payload),
    payloadFile: profile.payloadFile === undefined ? undefined : resolve(loaded.dir, profile.payloadFile),
    timeoutMs: duration(profile.timeout, 'timeout'),
    rate: load.rate,
    concurrency: load.concurrency,
    maxInFlight: load.maxInFlight,
    durationMs: duration(load.duration, 'load.duration'),
    requests: load.requests,
    warmupMs: duration(load.warmup, 'load.warmup'),
    rampMs: duration(load.ramp, 'load.ramp'),
    workers: load.workers,
    verifyDelivery: verify || undefined,
    destinationQueue: queue(profile.delivery?.destination),
    dlq: queue(profile.delivery?.dlq),
    outputQueue: queue(profile.delivery?.outputQueue),
    settleMs: duration(profile.delivery?.settle, 'delivery.settle'),
    thresholds: profile.thresholds,
    logs: profile.logs,
    region: expand(aws.region),
    profile: expand(aws.profile),
    endpointUrl: expand(aws.endpointUrl),
    qualifier: invoke.qualifier,
    logType: invoke.logType,
    clientContext: invoke.clientContext === undefined ? undefined : JSON.stringify(invoke.clientContext),
    retries: invoke.retries,
    sdk: invoke.sdk || undefined,
    method: http.method,
    headers: http.headers === undefined ? undefined : Object.entries(http.headers).map(([name, value]) => `${name}: ${expand(value)}`),
    asyncVia: http.asyncVia,
    asyncHeader: http.asyncHeader,
    asyncBodyPath: http.asyncBodyPath,
    asyncUrl: expand(http.asyncUrl),
    correlationPath: send.correlationPath !== undefined ? send.correlationPath : http.correlationPath,
    correlationHeader: http.correlationHeader,
    sigv4: http.sigv4 || undefined,
    messageGroupId: send.messageGroupId,
    contentDedup: send.contentDedup || undefined,
    delayMs: duration(send.delay, 'queue.delay'),
    messageAttributes: send.attributes === undefined ? undefined : Object.entries(send.attributes).map(([name, value]) => `${name}=${expand(value)}`),
    discover: send.discover,
    out: output.out,
    html: output.html,
    hgrm: output.hgrm,
    rawPath: output.raw,
  };
  return { input, names: profileNames(profile) };
}

/**
 * A queue the target names through `queues`, as its URL: a target by itself when it reads as a
 * queue's (SQS's hosts, an emulator's: targets/targetSpec.ts), else written `sqs:URL`, the explicit
 * form, since the profile said it is a queue (another endpoint's URL would read as an HTTP one).
 */
function asQueueTarget(url: string): string {
  try {
    if (queueTarget(url) !== undefined) return url;
  } catch {
    // said by the run's check of the target
  }
  return `sqs:${url}`;
}
