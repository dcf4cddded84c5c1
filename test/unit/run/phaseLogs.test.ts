/**
 * `--logs` per phase (run/phaseLogs.ts) against the local stack's Lambda and CloudWatch Logs.
 * An async phase's failing events are read until their attempts are over by the function's own
 * MaximumRetryAttempts (1 here: 2 attempts), with retries 3 s apart (timeScale), so the first read
 * sees only the first attempts; the read then ends at once, not at the 10-minute settle. A retry
 * setting that cannot be read is said once, AWS's default assumed. A queue phase's groups are read
 * side by side: both are read before either is read twice, and the one with nothing in it (a
 * function not invoked) is taken as 0 rather than holding the read for the settle.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PhaseConfig, PhaseResult } from '../../../src/load/phaseRunner.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { LogsEvidence } from '../../../src/run/phaseLogs.js';
import { startTestStack, useTestStack } from '../../support/helpers.js';

/** What the phase ran, as `finish` reads it: its type, when it began, and a recorder without REPORT figures (so the logs' are recorded). */
function phase(invocationType: 'Event' | 'RequestResponse', startedAt: number): PhaseResult {
  return { config: { invocationType } as PhaseConfig, recorder: new Recorder(), startedAt, elapsedMs: 0, started: 0, sentLate: 0 };
}

/** The stack's endpoints and test credentials, as lambench reads them: from the environment (this file runs in a process of its own). */
function useStackEnvironment(stack: () => { lambdaUrl: string; logsUrl: string }): void {
  before(() => {
    Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: stack().lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: stack().logsUrl, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });
}

describe('LogsEvidence against the local stack', { timeout: 120_000 }, () => {
  const local = useTestStack({ logsDelayMs: 300, timeScale: 0.05, functionConfig: { flaky: { maximumRetryAttempts: 1 } } });
  useStackEnvironment(() => local.stack);
  const aws = () => ({ region: local.stack.region });

  it('an async phase: each failing event read until its 1 + MaximumRetryAttempts attempts are in (the retry lands after the first read), then no longer', async () => {
    const notes: string[] = [];
    const evidence = await LogsEvidence.open({ functionName: 'flaky', aws: aws() }, (line) => notes.push(line), undefined, true);
    try {
      const startedAt = Date.now();
      for (let event = 0; event < 3; event += 1) {
        const answer = await local.lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"fail":true}') }));
        evidence.answered(answer.$metadata.requestId!);
      }
      const result = phase('Event', startedAt);
      // A 10-minute settle: only the attempts being over ends the read within the test's 2 minutes.
      const logs = await evidence.finish(result, 600_000);
      assert.deepEqual([logs.found, logs.notFound, logs.attempts], [3, 0, { 2: 3 }]);
      assert.equal(result.recorder.lambda.reports, 6, 'each attempt recorded');
      assert.deepEqual(notes.filter((line) => /retries/.test(line)), []);
    } finally {
      evidence.close();
    }
  });

  it('a queue phase: the groups read side by side under one settle; a group with nothing in the window is 0 once its count held', async () => {
    const evidence = await LogsEvidence.openMapped(['sleep', 'square'], aws(), () => {});
    const asked: string[] = [];
    // Which group each FilterLogEvents call read, in the order they were made.
    (evidence as unknown as { logs: { logs: CloudWatchLogsClient } }).logs.logs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'FilterLogEventsCommand') asked.push((args.input as { logGroupName: string }).logGroupName);
        return next(args);
      },
      { step: 'initialize', name: 'recordGroups' },
    );
    try {
      const startedAt = Date.now();
      for (let call = 0; call < 4; call += 1) await local.lambda.send(new InvokeCommand({ FunctionName: 'sleep', Payload: Buffer.from('{"ms":1}') }));
      const logs = await evidence.finish(phase('Event', startedAt), 600_000);
      assert.deepEqual(
        logs.byFunction!.map((entry) => [entry.logGroup, entry.found, entry.groupMissing]),
        [
          ['/aws/lambda/sleep', 4, undefined],
          ['/aws/lambda/square', 0, true],
        ],
      );
      assert.deepEqual(asked.slice(0, 2).sort(), ['/aws/lambda/sleep', '/aws/lambda/square'], `both groups read before either is read again: ${asked.join(', ')}`);
    } finally {
      evidence.close();
    }
  });
});

describe('LogsEvidence when the retries cannot be read', { timeout: 60_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack({ faults: ['lambda:flaky:deny GetFunctionEventInvokeConfig'] });
  });
  after(() => stack.stop());
  useStackEnvironment(() => stack);

  it("GetFunctionEventInvokeConfig denied: AWS's default (2) assumed, said once; not read at all without an async phase", async () => {
    for (const events of [true, false]) {
      const notes: string[] = [];
      const evidence = await LogsEvidence.open({ functionName: 'flaky', aws: { region: stack.region } }, (line) => notes.push(line), undefined, events);
      evidence.close();
      assert.deepEqual(
        notes.filter((line) => /retries/.test(line)),
        events ? ["--logs: the function's retries could not be read (not allowed (lambda:GetFunctionEventInvokeConfig)): AWS's default (2) is assumed, so an async event is looked for until 3 of its attempts failed"] : [],
      );
    }
    assert.deepEqual(stack.faultsFired(), [1]);
  });
});
