/**
 * `lambench poll` when its output goes away or it is told to stop early: a closed stdout stops
 * reading and deleting at once, quietly, having deleted at most one record more than the reader
 * read (a record is deleted once the line after it was written); --max and
 * --delete counts say what really happened; malformed messages are counted, not silently skipped;
 * a record's text cannot steer the terminal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runLambench, useTestStack } from '../support/helpers.js';
import { destinationRecord, messagesIn, queueWith } from '../support/queues.js';

const record = (requestId: string, extra: Record<string, unknown> = {}) => destinationRecord(requestId, { requestPayload: {}, responsePayload: { ok: true }, ...extra });

describe('poll: closed output, --max, --delete, malformed and hostile records', () => {
  const local = useTestStack();
  let dir: string;
  let env: Record<string, string>;
  let queueCount = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambench-poll-'));
    env = { AWS_ENDPOINT_URL_SQS: local.stack.sqsUrl, AWS_REGION: local.stack.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const newQueueWith = (bodies: string[]) => queueWith(local.sqs, `poll-test-${++queueCount}`, bodies);

  /**
   * `lambench poll … | head -<lines>`: the reader takes `lines` lines, then closes stdout (0: at
   * once). `read` is what it took: exactly `lines`, whatever else came in the same chunk.
   */
  function pollIntoClosingPipe(args: string[], lines: number): Promise<{ code: number | null; stderr: string; read: number }> {
    const childEnv: Record<string, string> = { NO_COLOR: '1', PATH: process.env.PATH ?? '', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', ...env };
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'lambench.js'), 'poll', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let text = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (lines === 0) child.stdout.destroy();
    else
      child.stdout.on('data', (chunk) => {
        text += chunk;
        if (text.split('\n').length - 1 >= lines) child.stdout.destroy();
      });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, read: Math.min(lines, text.split('\n').length - 1) });
      }),
    );
  }

  it('poll --delete into a pipe closed at once: exits quietly, deletes nothing (nothing was printed)', async () => {
    const queueUrl = await newQueueWith(Array.from({ length: 30 }, (_, i) => record(`closed-${i}`)));
    const result = await pollIntoClosingPipe([queueUrl, '--delete', '--json'], 0);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE|\n\s+at /, 'no stack trace');
    assert.match(result.stderr, /^lambench: note: 0 records written to stdout, 0 deleted \(each once the line after it was written, or at the end\), the rest left in the queue; stopped: stdout was closed\n$/m);
    assert.equal(await messagesIn(local.sqs, queueUrl), 30, 'every record is still in the queue');
  });

  it('poll --delete | head -2: stops at once, deletes at most one record more than the reader read, no stack trace', async () => {
    const queueUrl = await newQueueWith(Array.from({ length: 40 }, (_, i) => record(`head-${i}`)));
    const result = await pollIntoClosingPipe([queueUrl, '--delete', '--json'], 2);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE|\n\s+at /);
    assert.equal(result.read, 2);
    const said = /(\d+) records (?:written to stdout|printed), (\d+) deleted/.exec(result.stderr);
    assert.ok(said, result.stderr);
    const [written, deleted] = [Number(said[1]), Number(said[2])];
    // The pipe takes more lines than the reader reads: what counts is what the reader took.
    assert.ok(deleted <= result.read + 1, `${deleted} deleted, the reader read ${result.read} (at most one written but unread may be deleted)`);
    assert.ok(deleted >= result.read - 1, `${deleted} deleted: each line read but the last is followed by another written`);
    assert.ok(written >= result.read && written < 40, `written ${written}, read ${result.read}`);
    assert.match(result.stderr, /^lambench: note: \d+ records written to stdout, \d+ deleted \(each once the line after it was written, or at the end\), the rest left in the queue; stopped: stdout was closed\n$/m);
    assert.equal(await messagesIn(local.sqs, queueUrl), 40 - deleted, 'what was not deleted is still in the queue');
  });

  it('poll --delete with a reader that reads everything: every record written is deleted (the last one at the end)', async () => {
    const queueUrl = await newQueueWith(Array.from({ length: 25 }, (_, i) => record(`all-${i}`)));
    const result = await runLambench(['poll', queueUrl, '--delete', '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim().split('\n').length, 25);
    assert.equal(await messagesIn(local.sqs, queueUrl), 0);
  });

  it('poll --correlate --max N: events not reached are "not read", not missing; --delete counts the foreign records it deleted', async () => {
    const ours = Array.from({ length: 6 }, (_, i) => `ours-${i}`);
    // Others' records first: --max 2 stops the poll before ours are reached.
    const queueUrl = await newQueueWith([...Array.from({ length: 40 }, (_, i) => record(`foreign-${i}`)), ...ours.map((id) => record(id))]);
    const run = join(dir, 'run.ndjson');
    await writeFile(run, ours.map((requestId) => JSON.stringify({ invocationType: 'Event', outcome: 'ok', requestId, sentAt: Date.now() })).join('\n') + '\n');

    const stopped = await runLambench(['poll', queueUrl, '--correlate', run, '--max', '2', '--json'], { env });
    assert.equal(stopped.code, 0, stopped.stderr);
    const summary = JSON.parse(stopped.stdout.trim().split('\n').at(-1)!);
    assert.equal(summary.records, 2);
    const delivery = summary.delivery;
    assert.equal(delivery.missing, 0, 'not read is not missing');
    assert.ok(delivery.unverified > 0, JSON.stringify(delivery));
    assert.equal(delivery.succeeded + delivery.unverified, 6);
    assert.deepEqual(delivery.unverifiedReasons, ['not read: stopped at --max 2']);
    assert.equal(await messagesIn(local.sqs, queueUrl), 46);

    const deleted = await runLambench(['poll', queueUrl, '--correlate', run, '--delete'], { env });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /accepted 6 = succeeded 6 \+ failed 0 \+ missing 0\n/);
    assert.match(deleted.stderr, /\n {2}40 messages not from this run: 40 written and deleted \(--delete\), 0 left in the queue\n/);
    assert.equal(await messagesIn(local.sqs, queueUrl), 0);
  });

  it('poll says how many malformed messages it skipped (left in the queue), and strips escape sequences from records', async () => {
    const hostile = record('\u001b]0;owned\u0007evil-id', { responsePayload: { text: '\u001b[2J\u001b[31mcleared' } });
    const queueUrl = await newQueueWith(['not json', '{"no":"record"}', hostile]);
    const result = await runLambench(['poll', queueUrl], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /[\u001b\u0007]/, 'nothing from the record reaches the terminal as a control sequence');
    assert.match(result.stdout, /evil-id/);
    assert.match(result.stderr, /1 record written to stdout, all left in the queue; 2 messages not a completion record, skipped \(left in the queue\)\n/);
    assert.equal(await messagesIn(local.sqs, queueUrl), 3);
    const json = await runLambench(['poll', queueUrl, '--json'], { env });
    assert.equal(JSON.parse(json.stdout.trim()).requestId, '\u001b]0;owned\u0007evil-id', 'JSON output stays exact');
  });
});
