/**
 * A second Ctrl-C cuts the calls in flight at once, yet what was measured is still written: the
 * raw lines, the partial report on stdout, `--out` and `--html`; exit 130. Run as a user would: a
 * child process (`bench`, and `run` on a profile) sent SIGINT twice, against a target that answers 30 calls and then never again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listenForInterrupts } from '../../src/cli/interrupts.js';
import { lambenchEnv, REPO_ROOT } from '../support/helpers.js';

const ANSWERED = 30;

/** Spawns `lambench`, sends SIGINT once `ready()` holds, and a second SIGINT once the first was taken in. */
function runInterruptedTwice(args: string[], ready: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = lambenchEnv();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'lambench.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let sent = 0;
    // Polled, bounded by the kill timer: the first SIGINT once the calls are stuck, the second a
    // moment later (two signals at once could merge into one).
    const watch = setInterval(() => {
      if (sent === 0 && ready()) {
        child.kill('SIGINT');
        sent = 1;
        setTimeout(() => {
          child.kill('SIGINT');
          sent = 2;
        }, 300);
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      clearInterval(watch);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a second Ctrl-C', () => {
  let url = '';
  let count = 0;
  const held: ServerResponse<IncomingMessage>[] = [];
  const server = createServer((req, res) => {
    const n = count++;
    req.resume();
    if (n < ANSWERED) setTimeout(() => res.end('{}'), 2);
    else held.push(res);
  });
  let dir = '';
  let profile = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    dir = await mkdtemp(join(tmpdir(), 'lambench-second-interrupt-'));
    profile = join(dir, 'profile.json');
    await writeFile(profile, JSON.stringify({ target: url, load: { concurrency: 2, duration: '60s' } }));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  for (const [name, command, inFlight] of [
    ['bench -c 3', (): string[] => ['bench', url, '-c', '3', '-d', '60s'], 3],
    ['bench -c 4 --workers 2', (): string[] => ['bench', url, '-c', '4', '-w', '2', '-d', '60s'], 4],
    ['run (a profile) -c 2', (): string[] => ['run', profile], 2],
  ] as const) {
    it(`${name}: cuts the calls in flight, still writes --raw, --out, --html and the table, and exits 130`, async () => {
      count = 0;
      const files = { out: join(dir, `${inFlight}.json`), html: join(dir, `${inFlight}.html`), raw: join(dir, `${inFlight}.ndjson`) };
      const result = await runInterruptedTwice([...command(), '--out', files.out, '--html', files.html, '--raw', files.raw], () => count >= ANSWERED + inFlight);
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /lambench: second interrupt: cutting the calls in flight now; the partial report is still written/);
      assert.match(result.stderr, /lambench: interrupted: the report covers what was measured before Ctrl-C\n$/);
      assert.match(result.stdout, /^lambench bench http:\/\/127\.0\.0\.1:\d+\/ {2}\(interrupted: partial figures\)\n/);
      const report = JSON.parse(await readFile(files.out, 'utf8'));
      assert.equal(report.interrupted, true);
      const phase = report.phases[0];
      assert.equal(phase.requests, ANSWERED + inFlight, 'every call the server saw is counted');
      assert.equal(phase.outcomes.ok, ANSWERED);
      assert.equal(phase.outcomes.timeout, inFlight, 'the calls in flight were cut');
      assert.deepEqual(phase.errors.map((kind: { type: string; count: number; example: string }) => [kind.type, kind.count, kind.example]), [['Interrupted', inFlight, 'cut by a second Ctrl-C']]);
      const raw = (await readFile(files.raw, 'utf8')).trim().split('\n');
      assert.equal(raw.length, phase.requests, 'raw lines = calls');
      await access(files.html);
    });
  }
});

describe('interrupts, counted', () => {
  it('the first stops, the second cuts, the third exits 130 at once; disposing gives the signals back', () => {
    const said: string[] = [];
    const exits: number[] = [];
    const before = process.listenerCount('SIGINT');
    const interrupts = listenForInterrupts((message) => said.push(message), (code) => exits.push(code));
    try {
      process.emit('SIGINT');
      assert.deepEqual([interrupts.stop.aborted, interrupts.cut.aborted, said.length], [true, false, 0]);
      process.emit('SIGTERM');
      assert.deepEqual([interrupts.cut.aborted, exits], [true, []]);
      process.emit('SIGINT');
      assert.deepEqual(exits, [130]);
      assert.deepEqual(said, [
        'second interrupt: cutting the calls in flight now; the partial report is still written (a third exits at once, without it)',
        'third interrupt: exiting now, without the report',
      ]);
    } finally {
      interrupts.dispose();
    }
    assert.equal(process.listenerCount('SIGINT'), before);
  });
});
