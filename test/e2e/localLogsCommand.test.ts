/**
 * `lambench local` and its CloudWatch Logs as a user starts them: `--json` names the endpoint
 * (`logs`), `--logs-delay` holds fresh events back, `--set NAME.logFormat=JSON` changes the lines,
 * and a bad delay is one line with exit 2.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlatformLine } from '../../src/aws/lambdaLog.js';
import { CREDENTIALS, runLambench, startLocalProcess } from '../support/helpers.js';

describe('lambench local: CloudWatch Logs', () => {
  it('--json names the logs endpoint; --logs-delay holds events back until then; --set square.logFormat=JSON', async () => {
    const local = startLocalProcess(['--json', '--quiet', '--logs-delay', '500ms', '--set', 'square.logFormat=JSON']);
    try {
      const info = JSON.parse(await local.firstLine) as { logs: string; lambda: string };
      assert.match(info.logs, /^http:\/\/127\.0\.0\.1:\d+$/);
      const lambda = new LambdaClient({ region: 'us-east-1', endpoint: info.lambda, credentials: CREDENTIALS, maxAttempts: 1 });
      const logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: info.logs, credentials: CREDENTIALS, maxAttempts: 1 });
      try {
        const answer = await lambda.send(new InvokeCommand({ FunctionName: 'square', Payload: Buffer.from('{"number":2}') }));
        const requestId = answer.$metadata.requestId!;
        const filter = { logGroupName: '/aws/lambda/square', filterPattern: `{ $.record.requestId = "${requestId}" }` };
        let messages: string[] = [];
        const deadline = Date.now() + 15_000;
        for (let round = 0; round < 300 && Date.now() < deadline && messages.length < 3; round += 1) {
          const page = await logs.send(new FilterLogEventsCommand(filter));
          messages = (page.events ?? []).map((event) => event.message!);
          for (const event of page.events ?? []) assert.ok(event.ingestionTime! >= event.timestamp! + 500, 'never read before its time plus the delay');
          if (messages.length < 3) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.deepEqual(messages.map((message) => [JSON.parse(message).type, parsePlatformLine(message)?.kind]), [['platform.start', 'start'], ['platform.runtimeDone', 'end'], ['platform.report', 'report']]);
      } finally {
        lambda.destroy();
        logs.destroy();
      }
    } finally {
      local.child.kill('SIGINT');
    }
    assert.equal(await local.exited, 0);
  });

  it('refuses a --logs-delay that is not a duration: one line, exit 2', async () => {
    const result = await runLambench(['local', '--logs-delay', 'soon']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--logs-delay 'soon' is not a duration: use e\.g\. 500ms, 30s, 2m/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});
