/**
 * Lambda's platform lines in both log formats: text with Lambda's tabs or any spacing a shipper
 * leaves, and JSON (`platform.start`, `platform.runtimeDone`, `platform.report`); the function's own
 * output is never mistaken for them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlatformLine } from '../../../src/aws/lambdaLog.js';

describe('parsePlatformLine', () => {
  const figures = { requestId: 'r-1', durationMs: 102.25, billedDurationMs: 323, memorySizeMb: 512, maxMemoryUsedMb: 81, initDurationMs: 220.07 };

  it('reads a text REPORT with tabs, with spaces, with a trailing newline; START with its version; END', () => {
    const tabs = 'REPORT RequestId: r-1\tDuration: 102.25 ms\tBilled Duration: 323 ms\tMemory Size: 512 MB\tMax Memory Used: 81 MB\tInit Duration: 220.07 ms\t\n';
    const spaces = 'REPORT RequestId: r-1  Duration: 102.25 ms  Billed Duration: 323 ms Memory Size: 512 MB   Max Memory Used: 81 MB Init Duration:220.07 ms';
    for (const line of [tabs, spaces]) assert.deepEqual(parsePlatformLine(line), { kind: 'report', requestId: 'r-1', figures });
    assert.deepEqual(parsePlatformLine('START RequestId: r-1 Version: $LATEST'), { kind: 'start', requestId: 'r-1', version: '$LATEST' });
    assert.deepEqual(parsePlatformLine('END RequestId: r-1\n'), { kind: 'end', requestId: 'r-1' });
    assert.equal((parsePlatformLine('REPORT RequestId: r-2\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout') as { figures: { status?: string } }).figures.status, 'timeout');
  });

  it('reads the JSON format: platform.start, platform.runtimeDone and platform.report with its status', () => {
    const report = JSON.stringify({ time: '2026-12-02T10:00:00.000Z', type: 'platform.report', record: { requestId: 'r-1', metrics: { durationMs: 102.25, billedDurationMs: 323, memorySizeMB: 512, maxMemoryUsedMB: 81, initDurationMs: 220.07 }, status: 'failure' } });
    assert.deepEqual(parsePlatformLine(report), { kind: 'report', requestId: 'r-1', figures: { ...figures, status: 'failure' } });
    assert.deepEqual(parsePlatformLine(JSON.stringify({ type: 'platform.start', record: { requestId: 'r-1', version: '$LATEST' } })), { kind: 'start', requestId: 'r-1', version: '$LATEST' });
    assert.deepEqual(parsePlatformLine(JSON.stringify({ type: 'platform.runtimeDone', record: { requestId: 'r-1', status: 'success' } })), { kind: 'end', requestId: 'r-1' });
  });

  it('reads a text-format failed attempt: the Node.js runtime\'s Invoke Error line, the platform\'s timeout line', () => {
    const id = '0f7c3a52-1d2e-4b7a-9c3d-5e6f7a8b9c0d';
    assert.deepEqual(parsePlatformLine(`2026-12-02T10:00:00.000Z\t${id}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom"}`), { kind: 'error', requestId: id });
    assert.deepEqual(parsePlatformLine(`2026-12-02T10:00:03.001Z ${id} Task timed out after 3.00 seconds`), { kind: 'error', requestId: id, timeout: true });
    // A crash outside any invocation carries no request ID: nobody's attempt.
    assert.equal(parsePlatformLine('2026-12-02T10:00:00.000Z\tundefined\tERROR\tInvoke Error \t{}'), undefined);
    assert.equal(parsePlatformLine(`2026-12-02T10:00:00.000Z\t${id}\tERROR\tsomething else went wrong`), undefined);
  });

  it('ignores the function own lines, cut REPORTs and JSON that is not a platform event', () => {
    for (const line of [
      '2026-12-02T10:00:00.000Z\tr-1\tINFO\tREPORT RequestId: r-1 Duration: 1 ms',
      'REPORT RequestId: r-1\tDuration: 1 ms\tBilled Dur',
      JSON.stringify({ level: 'INFO', requestId: 'r-1', message: 'hello' }),
      JSON.stringify({ type: 'platform.report', record: { requestId: 'r-1', metrics: { durationMs: 1 } } }),
      '{not json',
    ]) {
      assert.equal(parsePlatformLine(line), undefined, line);
    }
  });
});
