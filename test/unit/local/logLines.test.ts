/**
 * The local stack's log lines and filter patterns, without a server: every platform line in both
 * formats reads back through src/aws/lambdaLog.ts with the figures it was made from, and the filter
 * pattern syntax matches what CloudWatch Logs would and refuses what this stack does not read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlatformLine } from '../../../src/aws/lambdaLog.js';
import { compileFilterPattern } from '../../../src/local/filterPattern.js';
import { endLine, logStreamName, outputLine, reportLine, startLine, type InvocationStatus } from '../../../src/local/logLines.js';

const ID = '8f5c3a2e-1b7d-4c9e-a0f1-2d3e4f5a6b7c';
const AT = Date.UTC(2026, 11, 2, 13, 5, 0, 123);

describe('log lines', () => {
  for (const format of ['Text', 'JSON'] as const) {
    for (const status of ['success', 'error', 'failure', 'timeout'] as InvocationStatus[]) {
      it(`a ${format} REPORT (${status}) reads back with its figures`, () => {
        const report = parsePlatformLine(reportLine(format, AT, { requestId: ID, durationMs: 12.5, initDurationMs: 100.25, memorySizeMb: 256, maxMemoryUsedMb: 41, status }));
        const expectedStatus = format === 'JSON' ? status : status === 'timeout' ? 'timeout' : status === 'failure' ? 'error' : undefined;
        assert.deepEqual(report, {
          kind: 'report',
          requestId: ID,
          figures: { requestId: ID, durationMs: 12.5, billedDurationMs: 113, memorySizeMb: 256, maxMemoryUsedMb: 41, initDurationMs: 100.25, ...(expectedStatus && { status: expectedStatus }) },
        });
      });
    }
    it(`${format} START and END read back; the function's output is not a platform line`, () => {
      assert.deepEqual(parsePlatformLine(startLine(format, AT, ID, '3')), { kind: 'start', requestId: ID, version: '3' });
      assert.deepEqual(parsePlatformLine(endLine(format, AT, ID, 'success', 2, 10)), { kind: 'end', requestId: ID });
      assert.equal(parsePlatformLine(outputLine(format, AT, ID, 'INFO', 'REPORT RequestId: x')), undefined);
    });
  }

  it('frames output as the Node.js runtime does, and names streams as Lambda does', () => {
    assert.equal(outputLine('Text', AT, ID, 'INFO', 'hello'), `2026-12-02T13:05:00.123Z\t${ID}\tINFO\thello`);
    assert.equal(outputLine('JSON', AT, ID, 'WARN', 'hello'), `{"timestamp":"2026-12-02T13:05:00.123Z","level":"WARN","requestId":"${ID}","message":"hello"}`);
    assert.equal(logStreamName(AT, '$LATEST', 'a'.repeat(32)), `2026/12/02/[$LATEST]${'a'.repeat(32)}`);
    // A warm REPORT has no Init Duration; the least billed is 1 ms.
    const warm = parsePlatformLine(reportLine('Text', AT, { requestId: ID, durationMs: 0.2, memorySizeMb: 128, maxMemoryUsedMb: 40, status: 'success' }));
    assert.ok(warm?.kind === 'report' && warm.figures.initDurationMs === undefined && warm.figures.billedDurationMs === 1);
  });
});

describe('filter patterns', () => {
  const text = `REPORT RequestId: ${ID}\tDuration: 1.00 ms\tInit Duration: 2.00 ms`;
  const json = JSON.stringify({ time: 't', type: 'platform.report', record: { requestId: ID, metrics: { memorySizeMB: 256 }, status: 'timeout' } });
  const cases: [string, string, boolean][] = [
    ['', text, true],
    ['"REPORT"', text, true],
    ['REPORT', json, false],
    ['"REPORT" "Init Duration"', text, true],
    ['"REPORT" "Restore Duration"', text, false],
    ['?START ?REPORT', text, true],
    ['?START ?END', text, false],
    ['"REPORT" -"Init Duration"', text, false],
    [ID, text, true],
    [`"${ID}"`, json, true],
    ['{ $.type = "platform.report" }', json, true],
    ['{ $.type = "platform.report" }', text, false],
    [`{ $.record.requestId = "${ID}" }`, json, true],
    ['{ $.record.requestId = "nope" || $.type = "platform.*" }', json, true],
    ['{ $.record.requestId = "nope" && $.type = "platform.report" }', json, false],
    ['{ ($.record.status = "timeout" || $.record.status = "error") && $.record.metrics.memorySizeMB >= 256 }', json, true],
    ['{ $.record.metrics.memorySizeMB < 256 }', json, false],
    ['{ $.record.status != "success" }', json, true],
  ];
  for (const [pattern, message, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${message.startsWith('{') ? 'the JSON line' : 'the text line'}`, () => {
      assert.equal(compileFilterPattern(pattern)(message), expected);
    });
  }
  for (const pattern of ['[ip, user]', '%REPORT%', '{ $.type EXISTS }', '{ $.type = "x" ', '"unclosed', 'a=b', '?a b', '{ $.x > "y" }']) {
    it(`refuses ${JSON.stringify(pattern)} with InvalidParameterException`, () => {
      assert.throws(() => compileFilterPattern(pattern), (error: Error & { errorType?: string }) => error.errorType === 'InvalidParameterException' && error.message.startsWith('Invalid filter pattern'));
    });
  }
});
