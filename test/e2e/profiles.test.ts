/**
 * Profiles: every shipped one validates; every broken one is refused with the field path and the
 * fix, exit 2, and nothing sent (a counting server is the target); flags win over fields; a
 * profile runs end to end on the local stack it starts itself.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { flagNames, overlay } from '../../src/config/runInput.js';
import { checkProfile, loadProfile, payloadText } from '../../src/profiles/profile.js';
import { profileInput } from '../../src/profiles/profileInput.js';
import { closeServer, delayServer, listen, REPO_ROOT, runLambench } from '../support/helpers.js';

const PROFILES = join(REPO_ROOT, 'profiles');

async function shippedProfiles(): Promise<string[]> {
  const top = (await readdir(PROFILES)).filter((name) => /\.(ya?ml|json)$/.test(name)).map((name) => join(PROFILES, name));
  const templates = (await readdir(join(PROFILES, 'templates'))).map((name) => join(PROFILES, 'templates', name));
  return [...top, ...templates];
}

describe('shipped profiles', () => {
  it('each one validates (schema and meaning), and there are the seed scenarios and both templates', async () => {
    const files = await shippedProfiles();
    const names = files.map((file) => file.slice(PROFILES.length + 1)).sort();
    for (const expected of ['square-sync-vs-async.yaml', 'square-http-invocation-type.yaml', 'run-meta-async.yaml', 'flaky-dlq.yaml', 'templates/aws.yaml', 'templates/localstack.yaml']) {
      assert.ok(names.includes(expected), `profiles/${expected} is shipped`);
    }
    for (const file of files) {
      const loaded = await loadProfile(file);
      assert.equal(loaded.profile.target.length > 0, true, file);
    }
  });

  it('lambench run --check says each is valid and what it would run, sending nothing', async () => {
    for (const file of await shippedProfiles()) {
      const result = await runLambench(['run', file, '--check']);
      assert.equal(result.code, 0, `${file}: ${result.stderr}`);
      assert.match(result.stdout, /: valid/);
      assert.match(result.stdout, /target\s+\S+/);
    }
  });
});

describe('invalid profiles', () => {
  let dir: string;
  const counting = delayServer();
  let url = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-profiles-'));
    url = await listen(counting.server, '/run');
  });
  after(async () => {
    await closeServer(counting.server);
    await rm(dir, { recursive: true, force: true });
  });

  /** [case, profile text (TARGET is the counting server), the field path and words the error must name] */
  const cases: [string, string, RegExp][] = [
    ['missing target', 'modes: [sync]\nload: {rate: 5, requests: 2}\n', /target: missing: give a function name/],
    ['unknown top-level field', 'target: TARGET\nlaod: {rate: 5}\n', /laod: unknown field \(did you mean load\?\)/],
    ['unknown nested field', 'target: TARGET\nload: {rat: 5, requests: 2}\n', /load\.rat: unknown field \(did you mean rate\?\)/],
    ['wrong type: rate as text', 'target: TARGET\nload: {rate: fast, requests: 2}\n', /load\.rate: must be a number/],
    ['wrong type: concurrency not whole', 'target: TARGET\nload: {concurrency: 2.5, requests: 2}\n', /load\.concurrency: must be a whole number/],
    ['wrong type: thresholds not a list', "target: TARGET\nload: {rate: 5, requests: 2}\nthresholds: 'p99<1s'\n", /thresholds: must be a list/],
    ['bad duration', 'target: TARGET\nload: {rate: 5, duration: soon}\n', /load\.duration: "soon" does not fit: how long each phase runs, e\.g\. '30s'/],
    ['bad threshold', "target: TARGET\nload: {rate: 5, requests: 2}\nthresholds: ['p99<1s', 'p99 under 300ms']\n", /thresholds\[1\]: .*does not parse/],
    ['threshold that cannot apply', "target: TARGET\nload: {rate: 5, requests: 2}\nthresholds: ['delivered>=100%']\n", /thresholds\[0\]: .*needs delivery\.verify/],
    ['bad template helper', "target: TARGET\nload: {rate: 5, requests: 2}\npayload: {n: '{{random 1 9}}'}\n", /payload: \{\{random 1 9\}\} is not a placeholder lambench knows/],
    ['bad template range', "target: TARGET\nload: {rate: 5, requests: 2}\npayload: {n: '{{randomInt 9 1}}'}\n", /payload: \{\{randomInt 9 1\}\}: randomInt takes two whole numbers, the lower first/],
    ['template file missing', "target: TARGET\nload: {rate: 5, requests: 2}\npayload: '{{file ./nope.json}}'\n", /payload: \{\{file \.\/nope\.json\}\}: cannot read .*no such file/],
    ['unknown queue', 'target: TARGET\nmodes: [async]\nload: {rate: 5, requests: 2}\nqueues: {success: q-success}\ndelivery: {destination: sucess}\n', /delivery\.destination: 'sucess' is not a queue under queues \(success\)/],
    ['unknown mode', 'target: TARGET\nmodes: [sync, asink]\nload: {rate: 5, requests: 2}\n', /modes\[1\]: .*asink/],
    ['both rate and concurrency', 'target: TARGET\nload: {rate: 5, concurrency: 2, requests: 2}\n', /load: give rate \(open loop\) or concurrency/],
    ['unset variable', 'target: ${LAMBENCH_TEST_UNSET_VARIABLE}/run\nload: {rate: 5, requests: 2}\n', /target: \$\{LAMBENCH_TEST_UNSET_VARIABLE\} is not set/],
    ['enum', 'target: TARGET\nload: {rate: 5, requests: 2}\nhttp: {asyncVia: smoke}\n', /http\.asyncVia: must be one of "header", "body", "url"/],
    ['not YAML', 'target: TARGET\nload: {rate: 5\n', /not valid YAML or JSON at line \d+/],
    ['a Markdown file, not a profile', '# Notes\n\n```sh\nnpm test\n```\n\n| a | b |\n|---|---|\n| x: 1 | y |\n', /^[^;]*not valid YAML or JSON at line \d+, column \d+: [^;]*; a profile is a YAML or JSON mapping like those in profiles\/ \(nothing was sent\)\n$/],
    ['JSON with a wrong type', '{"target": "TARGET", "load": {"rate": 5, "requests": "two"}}', /load\.requests: must be a whole number/],
  ];

  it(`refuses each of ${cases.length} broken profiles with its field path, exit 2, nothing sent`, async () => {
    assert.ok(cases.length >= 10);
    for (const [name, text, expected] of cases) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.${text.startsWith('{') ? 'json' : 'yaml'}`);
      await writeFile(file, text.replace('TARGET', url));
      const result = await runLambench(['run', file]);
      assert.equal(result.code, 2, `${name}: exit ${result.code}, ${result.stderr}`);
      assert.match(result.stderr, expected, name);
      assert.match(result.stderr, /nothing was sent/, name);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${name}: one line: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, `${name}: no stack trace`);
    }
    assert.equal(counting.count(), 0, 'no request reached the target');
  });

  it('lists every problem of one profile at once', () => {
    const problems = checkProfile(parse('target: x\nload: {rate: fast, concurency: 3}\nthresholds: [1]\n'), dir);
    assert.ok(problems.some((problem) => problem.startsWith('load.rate:')), problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('load.concurency: unknown field (did you mean concurrency?)')), problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('thresholds[0]: must be text')), problems.join('\n'));
  });

  it('--check makes the checks a run makes on the merged options: a ramp as long as the phase is refused, and fine once --duration says longer', async () => {
    const file = join(dir, 'ramp.yaml');
    await writeFile(file, `target: ${url}\nload: {rate: 5, ramp: 20s}\n`);
    const before = counting.count();
    const refused = await runLambench(['run', file, '--check']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /ramp\.yaml: the ramp \(20s\) must be shorter than each phase's duration \(10s\).*\(nothing was sent\)\n$/);
    const accepted = await runLambench(['run', file, '--check', '--duration', '60s']);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stdout, /valid\n[\s\S]*open loop 5\/s, 60 s per phase, ramp 20 s/);
    assert.equal(counting.count(), before, 'nothing was sent');
  });

  it('a valid profile against the counting server runs, and flags win over its fields', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, `target: ${url}\nmodes: [sync]\npayload: {n: "{{seq}}"}\nload: {concurrency: 2, requests: 4}\nthresholds: ['errors<1%']\n`);
    const before = counting.count();
    const result = await runLambench(['run', file, '--requests', '6', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.phases[0].requests, 6, '--requests replaced load.requests');
    assert.equal(counting.count() - before, 6);
    assert.equal(report.config.profile, file);
    assert.deepEqual(report.thresholds.map((result: { threshold: string }) => result.threshold), ['errors<1%']);
  });
});

describe('profile fields to bench options', () => {
  it('a whole-string placeholder becomes a number; {{uuid}} and text around placeholders stay strings', () => {
    assert.equal(payloadText({ n: '{{randomInt 1 9}}', s: '{{seq}}', id: '{{uuid}}', note: 'call {{seq}}' }), '{"n":{{randomInt 1 9}},"s":{{seq}},"id":"{{uuid}}","note":"call {{seq}}"}');
    assert.equal(payloadText('{"raw": {{seq}}}'), '{"raw": {{seq}}}');
  });

  it('--rate replaces load.concurrency, --duration replaces load.requests, --threshold replaces the list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-profile-'));
    try {
      const file = join(dir, 'p.yaml');
      await writeFile(file, 'target: f\nload: {concurrency: 3, requests: 10}\nthresholds: [errors<1%]\nqueues: {s: https://sqs.eu-west-1.amazonaws.com/1/s}\nmodes: [async]\ndelivery: {destination: s}\n');
      const fromProfile = profileInput(await loadProfile(file), (queue) => queue);
      const options = fromProfile.input;
      assert.equal(options.destinationQueue, 'https://sqs.eu-west-1.amazonaws.com/1/s');
      const merged = overlay(fromProfile, { input: { rate: 20, durationMs: 5000, thresholds: ['p99<1s'] }, names: flagNames }).input;
      assert.equal(merged.concurrency, undefined);
      assert.equal(merged.rate, 20);
      assert.equal(merged.requests, undefined);
      assert.equal(merged.durationMs, 5000);
      assert.deepEqual(merged.thresholds, ['p99<1s']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('lambench run on the local stack it starts', () => {
  it('runs the shipped sync-vs-async profile end to end: both phases, every async event accounted for', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-run-'));
    try {
      const out = join(dir, 'report.json');
      const result = await runLambench(['run', join(PROFILES, 'square-sync-vs-async.yaml'), '--duration', '1s', '--out', out], { timeoutMs: 80_000 });
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(await readFile(out, 'utf8'));
      assert.deepEqual(report.phases.map((phase: { name: string }) => phase.name), ['sync', 'async']);
      const delivery = report.phases[1].delivery;
      assert.equal(delivery.accepted, report.phases[1].outcomes.ok);
      assert.equal(delivery.succeeded + delivery.failed + delivery.missing, delivery.accepted);
      assert.equal(delivery.succeeded, delivery.accepted);
      assert.equal(report.config.payload.template, true);
      assert.match(result.stdout, /delivered>=100%/);
      // Counts that reconcile: the profile's 50/s for --duration 1s is 50 calls a phase, each with one
      // outcome, each in the latency histograms and the per-second series; every async call accepted
      // is accounted for once (succeeded + failed + missing), each by one completion record.
      assert.deepEqual([report.config.load, report.config.durationMs], [{ kind: 'open', rate: 50, maxInFlight: 100 }, 1000]);
      for (const phase of report.phases) {
        const calls = `${phase.name}: ${JSON.stringify({ requests: phase.requests, dropped: phase.dropped, unsent: phase.unsent, outcomes: phase.outcomes, status: phase.status })}`;
        assert.equal(phase.requests + phase.dropped, 50, `${calls}: 50/s × 1 s`);
        assert.equal(phase.requests, 50, calls);
        assert.equal(phase.unsent, 0, calls);
        assert.equal(Object.values(phase.outcomes as Record<string, number>).reduce((total, count) => total + count, 0), 50, `${calls}: one outcome per call`);
        assert.equal(phase.outcomes.ok, 50, `${calls}: errors<1% of 50 calls is none`);
        assert.deepEqual(phase.status, phase.name === 'sync' ? { 200: 50 } : { 202: 50 }, calls);
        assert.equal(phase.latencyUs.count, 50, `${calls}: latency count + unsent = calls`);
        assert.equal(phase.serviceTimeUs.count, 50, calls);
        assert.equal(phase.perSecond.reduce((total: number, count: number) => total + count, 0), 50, `${calls}: the per-second series adds up`);
        assert.equal(phase.throughputPerSecond, 50, calls);
      }
      assert.equal(report.phases[0].delivery, undefined, 'the sync phase has no delivery to verify');
      const counts = { accepted: delivery.accepted, succeeded: delivery.succeeded, failed: delivery.failed, missing: delivery.missing, unverified: delivery.unverified, duplicates: delivery.duplicates };
      assert.deepEqual(counts, { accepted: 50, succeeded: 50, failed: 0, missing: 0, unverified: 0, duplicates: 0 });
      assert.deepEqual(delivery.failedVia, { onFailureDestination: 0, deadLetterQueue: 0 });
      assert.deepEqual(delivery.conditions, { Success: 50 }, 'one Success record per accepted call');
      assert.equal(Object.values(delivery.attempts as Record<string, number>).reduce((total, count) => total + count, 0), delivery.succeeded + delivery.failed, 'one attempts entry per completion');
      assert.equal(delivery.endToEnd.count, 50, 'an end-to-end time for each delivered call');
      assert.deepEqual(
        report.thresholds.map((result: { threshold: string; metric: string; phase: string; passed: boolean; actual: number }) => [result.threshold, result.phase, result.passed, result.metric === 'p99' ? 'latency' : result.actual]),
        [['errors<1%', 'sync', true, 0], ['errors<1%', 'async', true, 0], ['delivered>=100%', 'async', true, 1], ['sync:p99<1s', 'sync', true, 'latency']],
      );
      assert.equal(report.thresholds[3].actual, report.phases[0].latencyUs.p99);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
