/**
 * The one place a RunConfig is built: from flags (`bench`), a profile (`run`), both (`run` with
 * flags over the profile's fields), or a test's RunInput. Everything that can be known before
 * anything is sent is checked here, once for every source: every problem is listed, each named by
 * where its value came from (`--rate`, `load.rate`), and they are thrown together (exit 2).
 */
import { phaseName } from '../config/invocationType.js';
import { Problems } from '../config/problems.js';
import type { PhaseLoad, RunConfig } from '../config/runConfig.js';
import { flagNames, type FieldNames, type RunInput } from '../config/runInput.js';
import { checkDelivery, checkLoad, checkTypes, DEFAULT_SETTLE_MS, MAX_WORKERS } from '../config/validate.js';
import { connectionsAllowed, descriptorProblem, descriptorRoom } from '../load/fileDescriptors.js';
import { splitForShard } from '../load/split.js';
import { checkCall } from '../targets/prepareCall.js';
import { isQueueTarget } from '../targets/targetSpec.js';
import { checkThresholds } from '../thresholds/thresholds.js';
import { checkOutputFiles } from './outputFiles.js';

/** Checks a run's inputs (named as `names` says: the flags unless told otherwise) and builds its configuration; throws a ProblemsError listing every problem. */
export async function buildRunConfig(input: RunInput, names: FieldNames = flagNames, stdin?: NodeJS.ReadableStream): Promise<RunConfig> {
  const problems = new Problems(names);
  // A queue target's one phase is its messages sent: Event, as far as the load is concerned (nothing waits for the function).
  const queue = isQueueTarget(input.target);
  const types = checkTypes(input.types, queue ? 'async' : 'sync', problems);
  const room = await descriptorRoom();
  // The default cap is a guess, not a need: it stays within the open files allowed (a cap given is checked against them).
  const defaultMaxInFlight = (rate: number) => Math.min(Math.max(100, Math.ceil(rate * 2)), room ? Math.max(1, connectionsAllowed(room)) : Number.POSITIVE_INFINITY);
  const shape = checkLoad(input, defaultMaxInFlight, problems);
  const whole: PhaseLoad | undefined = shape && { ...shape, warmupMs: input.warmupMs };
  const thresholds = checkThresholds(input.thresholds ?? [], types.map((type) => phaseName(type, queue ? 'queue' : undefined)), Boolean(input.verifyDelivery), problems);
  const delivery = checkDelivery(input, types, problems, queue);

  const workers = input.workers ?? 1;
  const { shard } = input;
  const own = whole && shard ? splitForShard(whole, shard, problems) : whole;
  if (own && whole) {
    // This process's connections: its shard's part, all threads together (they share the limit).
    const connections = own.load.kind === 'closed' ? own.load.concurrency : own.load.maxInFlight;
    const given = whole.load.kind === 'closed' ? whole.load.concurrency : whole.load.maxInFlight;
    const problem = descriptorProblem(connections, `${given}${shard ? ` (this shard's ${connections})` : ''}`, room);
    if (problem) problems.add(whole.load.kind === 'closed' ? 'concurrency' : 'maxInFlight', problem);
  }
  // One thread (the default) is short of calls only when a shard got none, which the shard's own
  // problem says: --workers is named only when it was asked for.
  if (own?.load.kind === 'closed' && Number.isInteger(workers) && workers > 1 && workers <= MAX_WORKERS && own.load.concurrency < workers) {
    const all = whole?.load.kind === 'closed' ? whole.load.concurrency : own.load.concurrency;
    const part = shard ? ` (${names.of('shard')} ${shard.index}/${shard.of} leaves this shard ${own.load.concurrency} of ${names.of('concurrency')} ${all})` : '';
    problems.add('workers', `${workers} needs at least one call in flight per thread${part}: ${names.of('concurrency')} ${workers * (shard?.of ?? 1)} or more`);
  }

  const needsCorrelation = input.verifyDelivery ? names.of('verifyDelivery') : undefined;
  const call = await checkCall(input, types, problems, { needsCorrelation, stdin });
  if (input.logs && call?.kind === 'http') problems.add('logs', 'applies to function and queue targets: behind a URL the answers carry no Lambda request ID to look up (name the function instead)');
  await checkOutputFiles(input, problems);
  for (const field of ['priceGbSecond', 'priceRequest'] as const) {
    const price = input[field];
    if (price !== undefined && !(Number.isFinite(price) && price >= 0)) problems.add(field, `${price} must be a price in USD, 0 or more (e.g. ${field === 'priceGbSecond' ? '0.0000166667 a GB-second' : '0.20 per 1M requests'})`);
  }
  problems.throwIfAny();
  return {
    call: call!,
    load: { types, whole: whole!, own: own!, workers, shard },
    delivery,
    ...(input.logs && { logs: { settleMs: input.settleMs ?? DEFAULT_SETTLE_MS } }),
    outputs: {
      thresholds,
      raw: input.rawPath,
      out: input.out,
      html: input.html,
      hgrm: input.hgrm,
      json: Boolean(input.json),
      profilePath: input.profilePath,
      ...((input.priceGbSecond !== undefined || input.priceRequest !== undefined) && {
        prices: { ...(input.priceGbSecond !== undefined && { gbSecondUsd: input.priceGbSecond }), ...(input.priceRequest !== undefined && { requestPerMillionUsd: input.priceRequest }) },
      }),
    },
  };
}

