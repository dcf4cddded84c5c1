/**
 * `--raw`: each call's line is exactly what JSON.stringify would write for it (written out by hand
 * for speed, so a test holds it to that), lines are batched but none is lost, and a disk that
 * falls behind is said once.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RawFile } from '../../../src/metrics/rawFile.js';
import { rawLine, Recorder } from '../../../src/metrics/recorder.js';
import type { Outcome } from '../../../src/targets/types.js';

const OUTCOMES: Outcome[] = [
  { class: 'ok', statusCode: 200, sentAt: 1_796_000_000_000, serviceTimeMs: 12.3456789, endedAt: 1_796_000_000_012.3457, attempts: 1, requestId: 'b0f1c2d3-0000-4000-8000-000000000001' },
  { class: 'ok', statusCode: 202, sentAt: 1, serviceTimeMs: 0, endedAt: 1, attempts: 1, clientRequestId: 'c-1' },
  { class: 'functionError', statusCode: 200, sentAt: 2, serviceTimeMs: 1e-7, endedAt: 2, attempts: 1, requestId: 'r', errorType: 'Error "quoted" \\ back\nslash' },
  { class: 'networkError', sentAt: 3, serviceTimeMs: 30_000.0005, endedAt: 30_003.0005, attempts: 1, errorType: 'ECONNRESET', clientRequestId: 'ünï\u2028cøde' },
  { class: 'timeout', statusCode: undefined, sentAt: 4, serviceTimeMs: 5, endedAt: 9, attempts: 1 },
];

describe('raw lines', () => {
  it('equal JSON.stringify of the same fields, with and without labels', () => {
    for (const labels of [{}, { phase: 'async', invocationType: 'Event', asyncVia: 'header "x"' }] as Record<string, string>[]) {
      const recorder = new Recorder((lines) => written.push(lines), labels);
      const written: string[] = [];
      for (const [index, outcome] of OUTCOMES.entries()) {
        const intendedLatency = outcome.serviceTimeMs + index * 0.5;
        const expected = JSON.stringify({
          ...labels,
          outcome: outcome.class,
          statusCode: outcome.statusCode,
          sentAt: outcome.sentAt,
          latencyMs: Math.round(intendedLatency * 1000) / 1000,
          serviceTimeMs: Math.round(outcome.serviceTimeMs * 1000) / 1000,
          requestId: outcome.requestId,
          clientRequestId: outcome.clientRequestId,
          errorType: outcome.errorType,
        });
        const prefix = labels.phase ? `${JSON.stringify(labels).slice(0, -1)},` : '{';
        assert.equal(rawLine(prefix, outcome, intendedLatency), `${expected}\n`);
        assert.deepEqual(JSON.parse(rawLine(prefix, outcome, intendedLatency)), JSON.parse(expected));
      }
      recorder.record(OUTCOMES[0]!);
      recorder.recordDropped(1000);
      assert.equal(written.length, 2);
      assert.deepEqual(JSON.parse(written[1]!), { ...labels, outcome: 'dropped', sentAt: Math.round(performance.timeOrigin + 1000) });
    }
  });
});

describe('the raw file', () => {
  it('keeps every line through batching, and says once when the disk is behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lambench-raw-'));
    try {
      const path = join(dir, 'raw.ndjson');
      const notes: string[] = [];
      // A backlog of one byte counts as "behind": the note must come, once.
      const file = await RawFile.open(path, (message) => notes.push(message), 1);
      const LINES = 20_000;
      for (let index = 0; index < LINES; index += 1) file.write(`{"n":${index}}\n`);
      await file.close();
      const lines = (await readFile(path, 'utf8')).split('\n');
      assert.equal(lines.pop(), '', 'the file ends with a newline');
      assert.equal(lines.length, LINES);
      assert.ok(lines.every((line, index) => line === `{"n":${index}}`), 'every line, in order');
      assert.equal(notes.length, 1, notes.join('\n'));
      assert.match(notes[0]!, /raw\.ndjson is \d+ MB behind the calls: .*none is dropped/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a disk that refuses the writes (a full one) is said once; the run goes on', async (t) => {
    if (!existsSync('/dev/full')) {
      t.skip('no /dev/full here: a full disk cannot be imitated');
      return;
    }
    const notes: string[] = [];
    const file = await RawFile.open('/dev/full', (message) => notes.push(message));
    for (let index = 0; index < 20_000; index += 1) file.write(`{"n":${index}}\n`);
    await file.close();
    assert.equal(notes.length, 1, notes.join('\n'));
    assert.match(notes[0]!, /^the raw file \/dev\/full could not be written \(ENOSPC\): the lines from here on are not in it; the report still counts every call$/);
  });

  it('an unwritable path is a usage error naming the flag', async () => {
    await assert.rejects(RawFile.open('/nonexistent-dir/raw.ndjson', () => {}), { name: 'UsageError', message: /^--raw '\/nonexistent-dir\/raw\.ndjson' cannot be written: ENOENT/ });
  });
});
