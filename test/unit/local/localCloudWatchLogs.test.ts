/**
 * The local stack's CloudWatch Logs through real clients over real sockets: every invocation's
 * START / output / END / REPORT lines found by request ID with @aws-sdk/client-cloudwatch-logs in
 * both log formats, one log stream per execution environment (the streams the handlers were told),
 * every line a platform line src/aws/lambdaLog.ts reads with the right figures, FilterLogEvents
 * pages followed to the end (each event exactly once, empty pages included), GetLogEvents tokens,
 * the ingestion delay, and the AWS CLI's `aws logs filter-log-events`. A JSON-format function at
 * SystemLogLevel WARN writes no platform line, as on Lambda.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parsePlatformLine } from '../../../src/aws/lambdaLog.js';
import { CREDENTIALS, decode, lambdaClient, startTestStack, useTestStack } from '../../support/helpers.js';
import type { LocalStack } from '../../../src/local/index.js';

const run = promisify(execFile);
const awsCliInstalled = await run('aws', ['--version']).then(() => true, () => false);
const LOG_FUNCTIONS = fileURLToPath(new URL('../../fixtures/logFunctions/', import.meta.url));
const JSON_GROUP = '/custom/env-echo-json';
const CONCURRENT = 4;

const logsClient = (stack: LocalStack) => new CloudWatchLogsClient({ region: stack.region, endpoint: stack.logsUrl, credentials: CREDENTIALS, maxAttempts: 1 });

/** Every event FilterLogEvents answers, following nextToken (at most 2,000 pages); and how many pages were empty with a token. */
async function filterAll(logs: CloudWatchLogsClient, input: FilterLogEventsCommandInput): Promise<{ events: FilteredLogEvent[]; pages: number; emptyPagesWithToken: number }> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  let emptyPagesWithToken = 0;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ ...input, ...(nextToken && { nextToken }) }));
    pages += 1;
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    if ((page.events ?? []).length === 0 && nextToken) emptyPagesWithToken += 1;
  } while (nextToken && pages < 2000);
  assert.equal(nextToken, undefined, 'pagination ended within 2,000 pages');
  return { events, pages, emptyPagesWithToken };
}

/** N calls at once, each waiting `ms` in the handler: what each handler said and its request ID. */
async function invokeConcurrently(t: { lambda: import('@aws-sdk/client-lambda').LambdaClient }, name: string, count: number, ms: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const answer = await t.lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ ms }) }));
      return { requestId: answer.$metadata.requestId!, said: decode(answer.Payload) as { logStreamName: string; logGroupName: string } };
    }),
  );
}

describe('local CloudWatch Logs', () => {
  const t = useTestStack({ functionsDir: LOG_FUNCTIONS, functionConfig: { envEchoJson: { logFormat: 'JSON', logGroup: JSON_GROUP } } });
  let logs: CloudWatchLogsClient;
  before(() => {
    logs = logsClient(t.stack);
  });
  after(() => logs.destroy());

  for (const [name, format, group] of [['envEcho', 'Text', '/aws/lambda/envEcho'], ['envEchoJson', 'JSON', JSON_GROUP]] as const) {
    it(`finds every invocation's START, output, END and REPORT by request ID (${format}), in the stream of the environment that ran it`, async () => {
      // Prepare: concurrent calls, each in its own new environment, then one warm call on one of them.
      const cold = await invokeConcurrently(t, name, CONCURRENT, 150);
      const warm = await invokeConcurrently(t, name, 1, 0);
      const calls = [...cold, ...warm];
      // Act
      const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
      // Assess: the streams are exactly those the handlers were told (context.logStreamName), one per environment.
      const told = new Set(calls.map((call) => call.said.logStreamName));
      assert.deepEqual(new Set(streams.map((stream) => stream.logStreamName)), told);
      assert.ok(told.size >= 1 && told.size <= CONCURRENT, `${told.size} environments for ${CONCURRENT} concurrent calls`);
      for (const stream of told) assert.match(stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
      assert.ok(calls.every((call) => call.said.logGroupName === group));
      const coldStreams = new Set<string>();
      for (const call of calls) {
        const pattern = format === 'Text' ? `"${call.requestId}"` : `{ $.record.requestId = "${call.requestId}" || $.requestId = "${call.requestId}" }`;
        const { events } = await filterAll(logs, { logGroupIdentifier: group, filterPattern: pattern });
        assert.equal(events.length, 4, `START, output, END, REPORT of ${call.requestId}: ${events.map((event) => event.message).join(' | ')}`);
        assert.ok(events.every((event) => event.logStreamName === call.said.logStreamName));
        const [start, output, end, report] = events.map((event) => event.message!);
        assert.deepEqual(parsePlatformLine(start!), { kind: 'start', requestId: call.requestId, version: '$LATEST' });
        assert.equal(parsePlatformLine(output!), undefined);
        if (format === 'Text') assert.match(output!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${call.requestId}\\tINFO\\tmode is unset$`));
        else assert.deepEqual(Object.entries(JSON.parse(output!)).slice(1), [['level', 'INFO'], ['requestId', call.requestId], ['message', 'mode is unset']]);
        assert.deepEqual(parsePlatformLine(end!), { kind: 'end', requestId: call.requestId });
        const parsed = parsePlatformLine(report!);
        assert.ok(parsed?.kind === 'report');
        const figures = parsed.figures;
        assert.equal(figures.memorySizeMb, 128);
        assert.ok(figures.maxMemoryUsedMb >= 1 && figures.maxMemoryUsedMb <= 128);
        // Billed: INIT + duration rounded up to the ms; the printed figures are rounded to 0.01 ms, hence the ±1.
        const exact = figures.durationMs + (figures.initDurationMs ?? 0);
        assert.ok(Number.isInteger(figures.billedDurationMs) && Math.abs(figures.billedDurationMs - Math.max(1, Math.ceil(exact))) <= 1, `billed ${figures.billedDurationMs} for ${exact}`);
        if (format === 'JSON') assert.equal(figures.status, 'success');
        // A cold start is the first REPORT of its stream, and only that one has an Init Duration.
        if (figures.initDurationMs !== undefined) {
          assert.ok(!coldStreams.has(call.said.logStreamName), 'one Init Duration per environment');
          coldStreams.add(call.said.logStreamName);
        }
      }
      assert.deepEqual(coldStreams, told);
      assert.ok(calls.length - told.size >= 1, 'the last call found a warm environment (and its REPORT has no Init Duration)');
    });
  }

  it('pages with a small limit give every event exactly once, in timestamp order, with empty pages at stream boundaries', async () => {
    // Prepare: the truth, stream by stream, read with GetLogEvents.
    const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/envEcho', orderBy: 'LastEventTime', descending: true }))).logStreams ?? [];
    assert.ok(streams.length >= 1);
    const lastTimes = streams.map((stream) => stream.lastEventTimestamp!);
    assert.deepEqual(lastTimes, [...lastTimes].sort((a, b) => b - a));
    let total = 0;
    for (const stream of streams) {
      const read = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/envEcho', logStreamName: stream.logStreamName, startFromHead: true, limit: 2 }));
      let count = read.events?.length ?? 0;
      let token = read.nextForwardToken;
      for (let round = 0; round < 100; round += 1) {
        const next = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/envEcho', logStreamName: stream.logStreamName, nextToken: token, limit: 2 }));
        count += next.events?.length ?? 0;
        if (next.nextForwardToken === token) break;
        token = next.nextForwardToken;
      }
      total += count;
    }
    // Act
    const paged = await filterAll(logs, { logGroupName: '/aws/lambda/envEcho', limit: 3 });
    // Assess
    const ids = paged.events.map((event) => event.eventId);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    assert.equal(ids.length, total);
    const times = paged.events.map((event) => event.timestamp!);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.ok(paged.pages >= Math.ceil(total / 3));
    if (streams.length > 1) assert.ok(paged.emptyPagesWithToken >= 1, 'an empty page with a nextToken at a stream boundary');
  });

  it('reads the groups and refuses what it cannot answer, as CloudWatch Logs does', async () => {
    const groups = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/envE' }))).logGroups ?? [];
    assert.deepEqual(groups.map((group) => [group.logGroupName, group.logGroupArn]), [['/aws/lambda/envEcho', 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/envEcho']]);
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/nosuch' })), { name: 'ResourceNotFoundException' });
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/envEcho', filterPattern: '[ip, user]' })), (error: Error) => error.name === 'InvalidParameterException' && /space-delimited/.test(error.message));
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/envEcho', filterPattern: '{ $.level EXISTS }' })), { name: 'InvalidParameterException' });
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/envEcho', logStreamNames: ['a'], logStreamNamePrefix: 'a' })), { name: 'InvalidParameterException' });
    // ?a ?b: either term; "a" "b": both.
    const either = await filterAll(logs, { logGroupName: '/aws/lambda/envEcho', filterPattern: '?START ?END' });
    const both = await filterAll(logs, { logGroupName: '/aws/lambda/envEcho', filterPattern: '"REPORT" "Init Duration"' });
    const reports = await filterAll(logs, { logGroupName: '/aws/lambda/envEcho', filterPattern: '"REPORT"' });
    assert.equal(either.events.length, 2 * reports.events.length);
    assert.equal(both.events.length, (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/envEcho' }))).logStreams?.length);
    const jsonReports = await filterAll(logs, { logGroupName: JSON_GROUP, filterPattern: '{ $.type = "platform.report" && $.record.metrics.memorySizeMB >= 128 }' });
    assert.equal(jsonReports.events.length, (await filterAll(logs, { logGroupName: JSON_GROUP, filterPattern: '{ $.type = "platform.start" }' })).events.length);
  });

  it('answers the AWS CLI: aws logs filter-log-events follows the pages to every REPORT', { skip: !awsCliInstalled && 'the AWS CLI (aws) is not installed here' }, async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const { stdout } = await run('aws', ['logs', 'filter-log-events', '--log-group-name', '/aws/lambda/envEcho', '--filter-pattern', '"REPORT"', '--endpoint-url', t.stack.logsUrl, '--output', 'json'], { env, timeout: 30_000 });
    const cli = JSON.parse(stdout) as { events: FilteredLogEvent[] };
    const sdk = await filterAll(logs, { logGroupName: '/aws/lambda/envEcho', filterPattern: '"REPORT"' });
    assert.deepEqual(cli.events.map((event) => event.eventId), sdk.events.map((event) => event.eventId));
    assert.ok(cli.events.length >= CONCURRENT + 1 && cli.events.every((event) => parsePlatformLine(event.message!)?.kind === 'report'));
  });
});

describe('local CloudWatch Logs with an ingestion delay', () => {
  const DELAY_MS = 2000;
  let stack: LocalStack;
  let logs: CloudWatchLogsClient;
  before(async () => {
    stack = await startTestStack({ logsDelayMs: DELAY_MS });
    logs = logsClient(stack);
  });
  after(async () => {
    logs.destroy();
    await stack.stop();
  });

  it('hides fresh events until their time plus the delay, then shows them', async () => {
    // Prepare
    const { LambdaClient } = await import('@aws-sdk/client-lambda');
    const lambda = new LambdaClient({ region: stack.region, endpoint: stack.lambdaUrl, credentials: CREDENTIALS, maxAttempts: 1 });
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'square', Payload: JSON.stringify({ number: 3 }) }));
    lambda.destroy();
    const requestId = answer.$metadata.requestId!;
    // Act: read at once, then until the events show (at most 15 s).
    const early = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/square', filterPattern: `"${requestId}"` }));
    const readAt = Date.now();
    let seen: FilteredLogEvent[] = [];
    const deadline = Date.now() + 15_000;
    for (let round = 0; round < 300 && Date.now() < deadline && seen.length < 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = (await filterAll(logs, { logGroupName: '/aws/lambda/square', filterPattern: `"${requestId}"` })).events;
    }
    // Assess
    assert.equal(seen.length, 3, 'START, END and REPORT once ingested');
    for (const event of seen) assert.ok(event.ingestionTime! >= event.timestamp! + DELAY_MS);
    // Whatever the machine's speed: a read made before the first event's ingestion time saw nothing.
    if (readAt < Math.min(...seen.map((event) => event.ingestionTime!))) assert.deepEqual(early.events ?? [], []);
  });
});

describe('local CloudWatch Logs: a JSON-format function at SystemLogLevel WARN', () => {
  it('logs its own output only: no platform.start, runtimeDone or report (they are INFO), in the group and in the tail; its configuration says WARN', async () => {
    const stack = await startTestStack({ functionsDir: LOG_FUNCTIONS, functionConfig: { envEchoJson: { logFormat: 'JSON', logGroup: JSON_GROUP, systemLogLevel: 'WARN' } } });
    const lambda = lambdaClient(stack);
    const logs = logsClient(stack);
    try {
      const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'envEchoJson' }));
      assert.deepEqual(configuration.LoggingConfig, { LogFormat: 'JSON', LogGroup: JSON_GROUP, ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
      const answer = await lambda.send(new InvokeCommand({ FunctionName: 'envEchoJson', Payload: JSON.stringify({ ms: 0 }), LogType: 'Tail' }));
      const requestId = answer.$metadata.requestId!;
      const tail = Buffer.from(answer.LogResult!, 'base64').toString('utf8').trim().split('\n');
      assert.deepEqual(tail.map((line) => (JSON.parse(line) as { message?: string }).message), ['mode is unset']);
      const { events } = await filterAll(logs, { logGroupName: JSON_GROUP });
      assert.deepEqual(events.map((event) => JSON.parse(event.message!) as Record<string, unknown>).map(({ requestId: id, message }) => [id, message]), [[requestId, 'mode is unset']]);
      // The same function at the default level writes all four (the premise of the above).
      const text = (await lambda.send(new InvokeCommand({ FunctionName: 'envEcho', Payload: JSON.stringify({ ms: 0 }), LogType: 'Tail' }))).LogResult!;
      assert.equal(Buffer.from(text, 'base64').toString('utf8').trim().split('\n').length, 4);
    } finally {
      logs.destroy();
      lambda.destroy();
      await stack.stop();
    }
  });

  it('refuses SystemLogLevel with the Text format, as Lambda does', async () => {
    await assert.rejects(startTestStack({ functionsDir: LOG_FUNCTIONS, functionConfig: { envEcho: { systemLogLevel: 'WARN' } } }), (error: Error) => {
      assert.match(error.message, /envEcho\.systemLogLevel applies to the JSON log format only: set envEcho\.logFormat=JSON too/);
      return true;
    });
    await assert.rejects(startTestStack({ functionsDir: LOG_FUNCTIONS, functionConfig: { envEchoJson: { logFormat: 'JSON', systemLogLevel: 'ERROR' as never } } }), /envEchoJson\.systemLogLevel "ERROR" must be DEBUG, INFO or WARN/);
  });
});
