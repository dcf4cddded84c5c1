/**
 * One validation for flags and profiles (issue 12): the same checks run on a run's input whatever
 * it came from, and each problem names its input as the user gave it: the flag (`--rate`) for a
 * flag, the profile's field (`load.rate`, `modes[1]`, `thresholds[0]`) for a profile's, each by
 * its own origin when flags are laid over a profile. `--retries` is checked once. Nothing here
 * sends a call: every case fails before a target is built.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Problems, ProblemsError, renderProblem } from '../../src/config/problems.js';
import { flagNames, overlay, type RunInput } from '../../src/config/runInput.js';
import { LambenchError } from '../../src/errors.js';
import { loadProfile } from '../../src/profiles/profile.js';
import { profileInput } from '../../src/profiles/profileInput.js';
import { invokeOnce } from '../../src/run/invokeOnce.js';
import { buildRunConfig } from '../../src/run/runConfig.js';
import { runLambench } from '../support/helpers.js';

/** Nothing listens there: a run that got as far as sending would fail differently (exit 3). */
const URL_TARGET = 'http://127.0.0.1:1/run';

/** The problems a build refuses the input with, as said to the user. */
async function problemsOf(build: Promise<unknown>): Promise<string[]> {
  try {
    await build;
  } catch (error) {
    assert.ok(error instanceof ProblemsError, String(error));
    assert.equal(error.exitCode, 2);
    return error.problems;
  }
  assert.fail('the input was accepted');
}

describe('a problem names the flag or the profile field its value came from', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-runconfig-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A profile's input and names, as `lambench run` builds them. */
  async function fromProfile(text: string) {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    return profileInput(await loadProfile(file), (queue) => queue);
  }

  it('a bad rate: `--rate -1` names --rate; a profile\'s load.rate: -1 names load.rate', async () => {
    const flags = await problemsOf(buildRunConfig({ target: URL_TARGET, rate: -1, requests: 5 }));
    assert.deepEqual(flags, ['--rate -1 must be above 0 and at most 100000 calls per second']);

    const profile = await fromProfile(`target: ${URL_TARGET}\nload: {rate: -1, requests: 5}\n`);
    assert.deepEqual(await problemsOf(buildRunConfig(profile.input, profile.names)), ['load.rate: -1 must be above 0 and at most 100000 calls per second']);
  });

  it('the Problem itself holds the field and the message; the renderer names it by the source', () => {
    const problems = new Problems(flagNames);
    problems.add('rate', '-1 must be above 0 and at most 100000 calls per second');
    assert.deepEqual(problems.list, [{ field: 'rate', message: '-1 must be above 0 and at most 100000 calls per second' }]);
    assert.equal(renderProblem(problems.list[0]!, flagNames), '--rate -1 must be above 0 and at most 100000 calls per second');
  });

  it('every load check, flags and profile alike: duration, workers, the in-flight cap, the shape given twice or not at all', async () => {
    const flags = await problemsOf(buildRunConfig({ target: URL_TARGET, concurrency: 2, maxInFlight: 5, durationMs: 0, workers: 99 }));
    assert.deepEqual(flags, [
      '--duration 0s must be above 0 (leave it out for the default 10s)',
      '--workers 99 must be a whole number from 1 to 64',
      '--max-in-flight applies to the open loop (--rate) only: with --concurrency N, N calls are in flight',
    ]);
    const profile = await fromProfile(`target: ${URL_TARGET}\nload: {concurrency: 2, maxInFlight: 5, duration: 0s, workers: 99}\n`);
    assert.deepEqual(await problemsOf(buildRunConfig(profile.input, profile.names)), [
      'load.duration: 0s must be above 0 (leave it out for the default 10s)',
      'load.workers: 99 must be a whole number from 1 to 64',
      'load.maxInFlight: applies to the open loop (load.rate) only: with load.concurrency N, N calls are in flight',
    ]);

    assert.deepEqual(await problemsOf(buildRunConfig({ target: URL_TARGET, rate: 5, concurrency: 2, requests: 1 })), ['give --concurrency N (closed loop) or --rate R (open loop), not both']);
    const both = await fromProfile(`target: ${URL_TARGET}\nload: {rate: 5, concurrency: 2, requests: 1}\n`);
    assert.deepEqual(await problemsOf(buildRunConfig(both.input, both.names)), ['load: give rate (open loop) or concurrency (closed loop), not both']);
    const none = await fromProfile(`target: ${URL_TARGET}\nload: {requests: 1}\n`);
    assert.deepEqual(await problemsOf(buildRunConfig(none.input, none.names)), ['load: say how to load: rate (open loop: R calls per second) or concurrency (closed loop: N calls in flight)']);
  });

  it('an item of a list: the mode and the threshold at fault are indexed in a profile, named by their flag otherwise', async () => {
    const flags = await problemsOf(buildRunConfig({ target: URL_TARGET, types: 'sync,asink', rate: 5, requests: 1, thresholds: ['p99<1s', 'p99 under 3', 'delivered>=100%'] }));
    assert.deepEqual(flags, [
      "--type 'asink' is not an invocation type: use RequestResponse|Event|DryRun (or sync, async, event, dry-run)",
      "--threshold 'p99 under 3' does not parse: write e.g. 'p99<300ms', 'errors<1%', 'delivered>=100%', 'async:p50<2s'",
      "--threshold 'delivered>=100%' needs --verify-delivery (with --destination-queue / --dlq): delivery is only known when it is verified",
    ]);
    const profile = await fromProfile(`target: ${URL_TARGET}\nmodes: [sync, asink]\nload: {rate: 5, requests: 1}\nthresholds: ['p99<1s', 'p99 under 3', 'delivered>=100%']\n`);
    assert.deepEqual(await problemsOf(buildRunConfig(profile.input, profile.names)), [
      "modes[1]: 'asink' is not an invocation type: use RequestResponse|Event|DryRun (or sync, async, event, dry-run)",
      "thresholds[1]: 'p99 under 3' does not parse: write e.g. 'p99<300ms', 'errors<1%', 'delivered>=100%', 'async:p50<2s'",
      "thresholds[2]: 'delivered>=100%' needs delivery.verify (with delivery.destination / delivery.dlq): delivery is only known when it is verified",
    ]);
  });

  it('the call\'s inputs too: an Invoke API setting on a URL names --retries, or invoke.retries', async () => {
    assert.deepEqual(await problemsOf(buildRunConfig({ target: URL_TARGET, rate: 5, requests: 1, logType: 'Tail' })), ['--log-type applies to the Lambda Invoke API only, not to a URL']);
    const profile = await fromProfile(`target: ${URL_TARGET}\nload: {rate: 5, requests: 1}\ninvoke: {logType: Tail}\n`);
    assert.deepEqual(await problemsOf(buildRunConfig(profile.input, profile.names)), ['invoke.logType: applies to the Lambda Invoke API only, not to a URL']);
  });

  it("a profile's output files are the run's outputs, raw included (output.raw was read, then dropped)", async () => {
    const profile = await fromProfile(`target: ${URL_TARGET}\nload: {rate: 5, requests: 1}\noutput: {raw: ${join(dir, 'calls.ndjson')}, out: ${join(dir, 'run.json')}}\n`);
    const { outputs } = await buildRunConfig(profile.input, profile.names);
    assert.deepEqual([outputs.raw, outputs.out, outputs.html], [join(dir, 'calls.ndjson'), join(dir, 'run.json'), undefined]);
    const flags = overlay(profile, { input: { rawPath: join(dir, 'other.ndjson') }, names: flagNames });
    assert.equal((await buildRunConfig(flags.input, flags.names)).outputs.raw, join(dir, 'other.ndjson'), '--raw over output.raw');
  });

  it('flags over a profile: each problem names where its own value came from', async () => {
    const profile = await fromProfile(`target: ${URL_TARGET}\nload: {rate: -1, ramp: 20s}\n`);
    const flags: Partial<RunInput> = { durationMs: 0 };
    const merged = overlay(profile, { input: flags, names: flagNames });
    assert.deepEqual(await problemsOf(buildRunConfig(merged.input, merged.names)), [
      '--duration 0s must be above 0 (leave it out for the default 10s)',
      'load.rate: -1 must be above 0 and at most 100000 calls per second',
    ]);
    // A ramp from the profile against a duration from the flags: both named as given.
    const longer = overlay(await fromProfile(`target: ${URL_TARGET}\nload: {rate: 5, ramp: 20s}\n`), { input: { durationMs: 10_000 }, names: flagNames });
    assert.deepEqual(await problemsOf(buildRunConfig(longer.input, longer.names)), ["the ramp (20s) must be shorter than each phase's duration (10s): the ramp is part of it (load.ramp, --duration)"]);
  });
});

describe('--retries is checked once', () => {
  it('one problem from a run\'s flags, one from a profile (its schema no longer has a range of its own), one from invoke', async () => {
    assert.deepEqual(await problemsOf(buildRunConfig({ target: 'my-fn', concurrency: 1, requests: 1, retries: 11 })), ['--retries 11 must be a whole number from 0 to 10']);

    const dir = await mkdtemp(join(tmpdir(), 'lambench-retries-'));
    try {
      const file = join(dir, 'p.yaml');
      await writeFile(file, 'target: my-fn\nload: {concurrency: 1, requests: 1}\ninvoke: {retries: 11}\n');
      const { input, names } = profileInput(await loadProfile(file), (queue) => queue);
      assert.deepEqual(await problemsOf(buildRunConfig(input, names)), ['invoke.retries: 11 must be a whole number from 0 to 10']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    await assert.rejects(invokeOnce({ target: 'my-fn', retries: 11, note: () => {} }), (error: unknown) => {
      assert.ok(error instanceof LambenchError);
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, '--retries 11 must be a whole number from 0 to 10');
      return true;
    });
  });

  it('on the command line: one line naming --retries as typed, exit 2', async () => {
    const out = await runLambench(['invoke', 'my-fn', '--retries', '11']);
    assert.equal(out.code, 2, out.stderr);
    assert.equal(out.stderr, 'lambench: --retries 11 must be a whole number from 0 to 10\n');
    const text = await runLambench(['bench', 'my-fn', '-c', '1', '-n', '1', '--retries', 'two']);
    assert.equal(text.code, 2, text.stderr);
    assert.equal(text.stderr, "lambench: --retries 'two' is not a number\n");
  });
});
