/**
 * One exit-3 rule: a phase none of whose calls got an answer from the target (refused 403/404,
 * network errors before any answer, timeouts with nothing back). A target that answers with bytes
 * that are not HTTP did answer (exit 0: bench measures failures); one that answers nothing in time
 * did not (exit 3, as when nothing listens).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { judge, unanswered } from '../../src/run/verdict.js';
import { ExitCode, LambenchError } from '../../src/errors.js';
import type { PhaseReport, ReportDocument } from '../../src/report/reportDocument.js';
import { runLambench } from '../support/helpers.js';

function phase(outcomes: Partial<PhaseReport['outcomes']>, status: Record<string, number>, errors: PhaseReport['errors'] = []): PhaseReport {
  const all = { ok: 0, functionError: 0, throttled: 0, httpError: 0, networkError: 0, timeout: 0, dropped: 0, ...outcomes };
  const requests = Object.entries(all).filter(([name]) => name !== 'dropped').reduce((sum, [, count]) => sum + count, 0);
  return { name: 'sync', invocationType: 'RequestResponse', load: { kind: 'closed', concurrency: 1 }, loadNote: '', requests, dropped: 0, sentLate: 0, durationMs: 1000, throughputPerSecond: 1, status, outcomes: all, latencyUs: null, serviceTimeUs: null, histograms: { latency: '', serviceTime: '' }, perSecond: [], errors };
}

const reportOf = (phases: PhaseReport[]): ReportDocument => ({ schemaVersion: 1, tool: { name: 'lambench', version: 'test' }, startedAt: new Date(0).toISOString(), target: 'x', phases, thresholds: [], interrupted: false });

async function exitOf(report: ReportDocument): Promise<{ code: number; message: string }> {
  try {
    await judge(report);
    return { code: ExitCode.ok, message: '' };
  } catch (error) {
    assert.ok(error instanceof LambenchError);
    return { code: error.exitCode, message: error.message };
  }
}

describe('the exit-3 rule', () => {
  it('no answer at all: refusals, network errors, timeouts and their mixes exit 3, each said in its words', async () => {
    const cases: [PhaseReport, RegExp][] = [
      [phase({ httpError: 3 }, { 404: 3 }, [{ outcome: 'httpError', type: 'HTTP 404', count: 3, example: 'no such route' }]), /^every call of the sync phase was refused \(404: HTTP 404: no such route\)/],
      [phase({ networkError: 2 }, {}, [{ outcome: 'networkError', type: 'ECONNREFUSED', count: 2, example: 'connect ECONNREFUSED' }]), /^no call of the sync phase reached the target \(ECONNREFUSED: connect ECONNREFUSED\)/],
      [phase({ timeout: 4 }, {}, [{ outcome: 'timeout', type: 'CutAtPhaseEnd', count: 4, example: "no answer within 3 s of the phase's end" }]), /^no call of the sync phase was answered in time \(CutAtPhaseEnd: no answer within 3 s of the phase's end\): check that the target is up and answering/],
      [phase({ timeout: 1, networkError: 1, httpError: 1 }, { 403: 1 }), /^no call of the sync phase got an answer from the target \(httpError 1, networkError 1, timeout 1, HTTP 403 ×1\)/],
    ];
    for (const [silent, message] of cases) {
      assert.equal(unanswered(silent), true);
      const verdict = await exitOf(reportOf([phase({ ok: 5 }, { 200: 5 }), silent]));
      assert.equal(verdict.code, ExitCode.unavailable);
      assert.match(verdict.message, message);
    }
  });

  it('any answer is an answer: a 500, a 429, a gateway 504, bytes that are not HTTP, one 200 among timeouts', async () => {
    for (const answered of [
      phase({ httpError: 3 }, { 500: 3 }),
      phase({ throttled: 3 }, { 429: 3 }),
      phase({ timeout: 3 }, { 504: 3 }),
      phase({ networkError: 3 }, {}, [{ outcome: 'networkError', type: 'HPE_INVALID_RESPONSE', count: 3, example: 'not an HTTP/1.x status line' }]),
      phase({ ok: 1, timeout: 9 }, { 200: 1 }),
      phase({ httpError: 2, ok: 1 }, { 404: 2, 200: 1 }),
    ]) {
      assert.equal(unanswered(answered), false, JSON.stringify(answered.outcomes));
      assert.equal((await exitOf(reportOf([answered]))).code, ExitCode.ok);
    }
  });
});

describe('the exit-3 rule, as a user meets it', () => {
  let garbage: Server;
  let mute: Server;
  let garbageUrl = '';
  let muteUrl = '';
  before(async () => {
    garbage = createServer((socket) => socket.on('data', () => socket.end('garbage, not HTTP\r\n\r\n')));
    mute = createServer((socket) => socket.resume());
    for (const server of [garbage, mute]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/`;
    muteUrl = `http://127.0.0.1:${(mute.address() as AddressInfo).port}/`;
  });
  after(async () => {
    for (const server of [garbage, mute]) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a target answering garbage was reached: the run exits 0 and its failures are in the report', async () => {
    const result = await runLambench(['bench', garbageUrl, '-c', '2', '-n', '4', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).phases[0].outcomes.networkError, 4);
  });

  it('a target that never answers within --timeout was not: the run exits 3 and says so', async () => {
    const result = await runLambench(['bench', muteUrl, '-c', '2', '-n', '4', '--timeout', '300ms', '--json']);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(JSON.parse(result.stdout).phases[0].outcomes.timeout, 4);
    assert.match(result.stderr, /lambench: no call of the sync phase was answered in time \(.*\): check that the target is up and answering, or give it longer \(--timeout\)\n$/);
  });
});
