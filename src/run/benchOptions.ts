/**
 * A checked profile as the options of one bench run, with the command line's flags on top: a flag
 * always wins over the field it stands for (`--rate` over load.rate and load.concurrency,
 * `--duration` over load.duration and load.requests, `--threshold` over the list).
 */
import { resolve } from 'node:path';
import { parseDuration } from '../duration.js';
import type { BenchRunOptions } from './runBench.js';
import { deliveryVerified, expandVariables, isUrl, modesOf, payloadText, type LoadedProfile } from '../profiles/profile.js';

/** What the profile sets: a bench run's options. */
export type ProfileOptions = BenchRunOptions;

/** The files a run writes, from `output:` (relative to the working directory). */
export interface ProfileOutputs {
  out?: string;
  html?: string;
  hgrm?: string;
}

/** `queueUrl` turns a queue as written (a URL, or a name to look up) into its URL. */
export function benchOptionsFrom(loaded: LoadedProfile, queueUrl: (reference: string) => string, env: NodeJS.ProcessEnv = process.env): ProfileOptions & { outputs: ProfileOutputs } {
  const { profile } = loaded;
  const expand = (text: string) => expandVariables(text, env);
  const load = profile.load ?? {};
  const verify = deliveryVerified(profile);
  const http = profile.http ?? {};
  const invoke = profile.invoke ?? {};
  // delivery names a key of queues, or a queue URL itself.
  const queue = (reference: string | undefined) => (reference === undefined ? undefined : queueUrl(expand(isUrl(reference) ? reference : (profile.queues?.[reference] ?? reference))));
  const destinationQueue = verify ? queue(profile.delivery?.destination) : undefined;
  const dlq = verify ? queue(profile.delivery?.dlq) : undefined;
  const options: ProfileOptions = {
    target: expand(profile.target),
    types: modesOf(profile).join(','),
    template: true,
    templateDir: loaded.dir,
    profilePath: loaded.path,
    ...(profile.payload !== undefined && { payload: payloadText(profile.payload) }),
    ...(profile.payloadFile !== undefined && { payloadFile: resolve(loaded.dir, profile.payloadFile) }),
    ...(profile.timeout !== undefined && { timeoutMs: parseDuration(profile.timeout, 'timeout') }),
    ...(load.rate !== undefined && { rate: load.rate }),
    ...(load.concurrency !== undefined && { concurrency: load.concurrency }),
    ...(load.maxInFlight !== undefined && { maxInFlight: load.maxInFlight }),
    ...(load.duration !== undefined && { durationMs: parseDuration(load.duration, 'load.duration') }),
    ...(load.requests !== undefined && { requests: load.requests }),
    ...(load.warmup !== undefined && { warmupMs: parseDuration(load.warmup, 'load.warmup') }),
    ...(load.ramp !== undefined && { rampMs: parseDuration(load.ramp, 'load.ramp') }),
    ...(load.workers !== undefined && { workers: load.workers }),
    ...(verify && { verifyDelivery: true }),
    ...(destinationQueue !== undefined && { destinationQueue }),
    ...(dlq !== undefined && { dlq }),
    ...(profile.delivery?.settle !== undefined && { settleMs: parseDuration(profile.delivery.settle, 'delivery.settle') }),
    ...(profile.thresholds !== undefined && { thresholds: profile.thresholds }),
    ...(profile.aws?.region !== undefined && { region: expand(profile.aws.region) }),
    ...(profile.aws?.profile !== undefined && { profile: expand(profile.aws.profile) }),
    ...(profile.aws?.endpointUrl !== undefined && { endpointUrl: expand(profile.aws.endpointUrl) }),
    ...(invoke.qualifier !== undefined && { qualifier: invoke.qualifier }),
    ...(invoke.logType !== undefined && { logType: invoke.logType }),
    ...(invoke.clientContext !== undefined && { clientContext: JSON.stringify(invoke.clientContext) }),
    ...(invoke.retries !== undefined && { retries: invoke.retries }),
    ...(invoke.sdk && { sdk: true }),
    ...(http.method !== undefined && { method: http.method }),
    ...(http.headers !== undefined && { headers: Object.entries(http.headers).map(([name, value]) => `${name}: ${expand(value)}`) }),
    ...(http.asyncVia !== undefined && { asyncVia: http.asyncVia }),
    ...(http.asyncHeader !== undefined && { asyncHeader: http.asyncHeader }),
    ...(http.asyncBodyPath !== undefined && { asyncBodyPath: http.asyncBodyPath }),
    ...(http.asyncUrl !== undefined && { asyncUrl: expand(http.asyncUrl) }),
    ...(http.correlationPath !== undefined && { correlationPath: http.correlationPath }),
    ...(http.correlationHeader !== undefined && { correlationHeader: http.correlationHeader }),
    ...(http.sigv4 && { sigv4: true }),
  };
  return { ...options, outputs: { ...profile.output } };
}

/** Flags over profile fields. Load shape and run length are replaced as a whole: a flag's rate drops the profile's concurrency. */
export function withFlags(options: ProfileOptions, flags: Partial<ProfileOptions>): ProfileOptions {
  const merged: ProfileOptions = { ...options };
  if (flags.rate !== undefined || flags.concurrency !== undefined) {
    delete merged.rate;
    delete merged.concurrency;
    if (flags.concurrency !== undefined) delete merged.maxInFlight;
  }
  if (flags.durationMs !== undefined || flags.requests !== undefined) {
    delete merged.durationMs;
    delete merged.requests;
  }
  if (flags.payload !== undefined || flags.payloadFile !== undefined) {
    delete merged.payload;
    delete merged.payloadFile;
  }
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  return merged;
}
