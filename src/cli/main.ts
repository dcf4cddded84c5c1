/**
 * The entry point: parses the command line and lazy-loads the one command asked for. This is the
 * only place that turns an error into an exit code, and the only place that prints it: one line,
 * with the stack only under --debug. `process.exitCode` is set, never `process.exit()`, so piped
 * output is never cut short.
 *
 * Over 300 lines on purpose: it is the whole command-line grammar (every command's flags, their
 * help and checks) in one place, so `--help` and parsing cannot drift apart; the commands
 * themselves live in commands/ and are loaded only when asked for.
 */
import { ExitCode, LambenchError, UsageError } from '../errors.js';
import { INVOCATION_TYPE_CHOICES } from '../config/invocationType.js';
import { oneLine } from '../terminalText.js';

// The SDK warns on every run that its 2027 releases will need Node 22. lambench supports Node
// >= 20.19 on purpose; the warning is for the SDK's direct users, not for ours.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    await parse(argv);
  } catch (error) {
    process.exitCode = report(error, debug);
  }
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof LambenchError) {
    // One line, whatever a message quotes (a target's error text, a value typed with a line break in it).
    process.stderr.write(`lambench: ${oneLine(error.message)}\n`);
    if (debug) process.stderr.write(`${stackOf(error)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lambench: unexpected error: ${oneLine(message)}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  if (debug) process.stderr.write(`${stackOf(error)}\n`);
  return ExitCode.failed;
}

function stackOf(error: unknown): string {
  let text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined) {
    text += `\ncaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

const COMMANDS = ['invoke', 'bench', 'run', 'report', 'poll', 'redrive', 'replay', 'coldstart', 'cleanup', 'local', 'demo'];

/** yargs' messages in lambench's words: an unknown option or stray argument named as typed. */
function describeYargsProblem(message: string, argv: string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    return unknown[1]!
      .split(', ')
      .map((name) => {
        const typed = argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}`);
        return typed ? `unknown option ${typed.split('=')[0]}` : `unexpected argument '${name}'`;
      })
      .join(', ');
  }
  if (/^Not enough non-option arguments/.test(message)) return 'an argument is missing';
  const missing = /^Not enough arguments following: (.*)$/.exec(message);
  if (missing) return `${missing[1]!.length > 1 ? '--' : '-'}${missing[1]} needs a value`;
  return message.replace(/\n+/g, ' ');
}

/** Flags whose value is a count, a rate or a duration: a negative one is a mistake, not another flag. */
const POSITIVE_VALUE_FLAGS = new Set([
  '--duration', '-d', '--warmup', '--ramp', '--settle', '--timeout', '--wait-timeout', '--rate', '-r', '--concurrency', '-c',
  '--requests', '-n', '--max-in-flight', '--workers', '-w', '--retries', '--max', '--older-than',
]);

/**
 * `--duration -1s`: yargs reads `-1s` as short flags and complains of an "unexpected argument '1'".
 * Said as what it is, before yargs sees it. A plain negative number (`-r -3`) yargs takes as the
 * value, and the flag's own check names it.
 */
function refuseNegativeValues(argv: string[]): void {
  for (let index = 0; index + 1 < argv.length; index += 1) {
    const flag = argv[index]!;
    const value = argv[index + 1]!;
    if (flag === '--') return;
    if (POSITIVE_VALUE_FLAGS.has(flag) && /^-\d/.test(value) && !/^-\d+(\.\d+)?$/.test(value)) throw new UsageError(`${flag} ${value} must be positive`);
  }
}

/**
 * yargs turns a number flag's text that is not a number into NaN, and the message then says "NaN":
 * the text as typed is found again and named.
 */
function refuseNaN(args: Record<string, unknown>, argv: string[]): void {
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (token === '--') return;
    const match = /^--?([^=]+)(?:=(.*))?$/.exec(token);
    if (!match) continue;
    const key = match[1]!.replace(/-([a-z])/g, (_all, letter: string) => letter.toUpperCase());
    const value = args[key];
    if (typeof value === 'number' && Number.isNaN(value)) {
      const text = match[2] ?? argv[index + 1] ?? '';
      throw new UsageError(`${token.split('=')[0]} '${text}' is not a number`);
    }
  }
}

async function parse(argv: string[]): Promise<void> {
  refuseNegativeValues(argv);
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !COMMANDS.includes(first)) {
    throw new UsageError(`unknown command '${first}': use ${COMMANDS.join(', ')} (lambench --help lists them)`);
  }
  const { default: yargs } = await import('yargs');
  const awsOptions = {
    region: { type: 'string', describe: 'AWS region (default: AWS_REGION or the profile\'s)' },
    profile: { type: 'string', describe: 'shared-config profile (default: AWS_PROFILE)' },
    'endpoint-url': { type: 'string', describe: "Lambda endpoint, or SQS's for a queue target (default: AWS_ENDPOINT_URL_LAMBDA / _SQS, AWS_ENDPOINT_URL, or AWS)" },
  } as const;

  const callOptions = {
    payload: { alias: 'p', type: 'string', nargs: 1, describe: "JSON payload ('-' reads stdin)" },
    'payload-file': { type: 'string', nargs: 1, describe: "file holding the JSON payload ('-' = stdin)" },
    qualifier: { alias: 'q', type: 'string', describe: 'version or alias' },
    'log-type': { type: 'string', describe: 'Tail: return the last 4 KB of the log and its REPORT figures' },
    'client-context': { type: 'string', describe: 'JSON object handed to the function as context.clientContext' },
    retries: { type: 'string', describe: 'SDK retries after the first attempt (throttles included; default 0)' },
    timeout: { type: 'string', describe: 'give up on the call after this long (e.g. 10s, 500ms; default 16m: Lambda\'s 15-minute maximum and a minute)' },
    method: { type: 'string', describe: 'URL targets: HTTP method (default POST with a body, GET without)' },
    header: { alias: 'H', type: 'string', nargs: 1, describe: "URL targets: 'name: value' (repeatable), e.g. 'x-api-key: abc'" },
    'async-via': { type: 'string', describe: 'URL targets: how async is asked for: header (default), body or url' },
    'async-header': { type: 'string', describe: 'URL targets, --async-via header: the header carrying Event|RequestResponse (default InvocationType)' },
    'async-body-path': { type: 'string', describe: 'URL targets, --async-via body: where true/false goes (default meta.async)' },
    'async-url': { type: 'string', describe: 'URL targets: the route that invokes asynchronously (implies --async-via url)' },
    'correlation-path': { type: 'string', describe: 'URL targets: where lambench writes its client request ID (default meta.clientRequestId)' },
    'correlation-header': { type: 'string', describe: 'URL targets: the header that also carries the client request ID (default x-client-request-id)' },
    'correlation-id': { type: 'boolean', default: true, describe: 'URL targets: write the client request ID (--no-correlation-id: send the payload as is)' },
    sigv4: { type: 'boolean', describe: 'URL targets: sign with SigV4 for execute-api (IAM-protected APIs)' },
    'message-group-id': { type: 'string', describe: 'queue targets, FIFO: the message group of every message' },
    'content-dedup': { type: 'boolean', describe: 'queue targets, FIFO: send no deduplication ID (the queue deduplicates by content); default: each message its own' },
    delay: { type: 'string', describe: 'queue targets, standard: deliver each message this long after it is sent (0s–15m, whole seconds)' },
    'message-attribute': { type: 'string', nargs: 1, describe: "queue targets: a string attribute of every message, 'name=value' (repeatable)" },
    discover: {
      type: 'boolean',
      describe:
        "read the wiring before sending: a queue's event source mappings; a function's async destinations and DLQ for --verify-delivery / --wait without queue flags (--no-discover: skip it, for users without lambda:ListEventSourceMappings or lambda:GetFunctionEventInvokeConfig; then give the queues)",
    },
  } as const;

  /** The flags of a load run, shared by bench and run (no defaults here: under run, a flag not given leaves the profile's field). */
  const loadOptions = {
    type: { alias: 't', type: 'string', describe: 'phases, comma-separated: sync,async (each any spelling of --type; default sync)' },
    concurrency: { alias: 'c', type: 'number', describe: 'closed loop: N calls in flight, each worker sending when its last call returns' },
    rate: { alias: 'r', type: 'number', describe: 'open loop: R calls per second at constant arrival (latency from the intended send time)' },
    'max-in-flight': { type: 'number', describe: 'open loop: calls that may be out at once; beyond it sends are dropped and counted (default 2 × rate, at least 100)' },
    duration: { alias: 'd', type: 'string', describe: 'each phase runs this long (default 10s)' },
    requests: { alias: 'n', type: 'number', describe: 'each phase makes this many calls (instead of --duration)' },
    warmup: { type: 'string', describe: 'run this long before each phase, unrecorded (e.g. 2s)' },
    ramp: { type: 'string', describe: 'reach the full load after this long, measured and within --duration (open loop: the rate climbs from 0; closed loop: workers join one by one)' },
    'verify-delivery': { type: 'boolean', describe: "async phase: account for every accepted event on the queues below, or (none given, a function) wherever its destinations and DLQ are: SQS, SNS, EventBridge, S3" },
    'destination-queue': { type: 'string', describe: 'SQS URL of the on-success / on-failure destination (instead of discovering the function\'s)' },
    dlq: { type: 'string', describe: "SQS URL of the dead-letter queue (queue targets: default, the queue's redrive policy's)" },
    'output-queue': { type: 'string', describe: 'queue targets: a queue the function writes each processed message to (processed is then seen per message, not derived)' },
    settle: { type: 'string', describe: 'after the async phase, how long to wait for completions before counting the rest missing (default 30s)' },
    threshold: { type: 'string', nargs: 1, describe: "pass/fail rule (repeatable): 'p99<300ms', 'errors<1%', 'delivered>=100%', 'async:p50<1s'" },
    out: { alias: 'o', type: 'string', describe: 'write the report (JSON, with the HdrHistograms) to this file' },
    raw: { type: 'string', describe: 'write every call as an NDJSON line to this file, as it happens' },
    hgrm: { type: 'string', describe: 'write .hgrm percentile distributions (ms) of each phase into this folder' },
    json: { type: 'boolean', describe: 'print the report document on stdout, nothing else' },
    workers: { alias: 'w', type: 'number', describe: 'worker threads sending the load, for many cores (default 1); histograms merge exactly' },
    sdk: { type: 'boolean', describe: 'Invoke API and queues: send through the AWS SDK client instead of the direct signed path (slower: about 3,000 calls/s per core at most)' },
    template: { type: 'boolean', describe: 'fill the payload\'s placeholders for each call: {{uuid}}, {{seq}}, {{randomInt A B}}, {{file PATH}}' },
    shard: { type: 'string', describe: 'i/n: send only shard i of n of the load (1-based), for running one test on n machines; merge with report --merge' },
    html: { type: 'string', describe: 'write the report as a self-contained HTML page with plots' },
    logs: {
      type: 'boolean',
      describe:
        "look each phase's invocations up in the function's CloudWatch Logs after it (REPORT per attempt: durations, cold starts, attempts and cost for async phases too; waits up to --settle for late logs), and read them as delivery evidence; --no-logs: never (by default they are evidence only where the destinations leave outcomes unread)",
    },
    'price-gb-s': { type: 'number', describe: "cost estimate: USD per GB-second (default us-east-1's for the function's architecture)" },
    'price-request': { type: 'number', describe: "cost estimate: USD per 1M requests (default us-east-1's, 0.20)" },
  } as const;

  await yargs(argv)
    .scriptName('lambench')
    .usage('$0 <command> [options]\n\nInvoke and load-test AWS Lambda; prove that async work was delivered.')
    .option('debug', { type: 'boolean', global: true, describe: 'print stack traces with errors' })
    .middleware((args) => refuseNaN(args, argv), true)
    .command(
      'invoke [target]',
      'one invocation: status, request ID, latency, payload',
      (y) =>
        y
          .positional('target', { type: 'string', describe: 'function name, name:qualifier, ARN, SQS queue URL or ARN, or http(s) URL' })
          .options({
            type: { alias: 't', type: 'string', describe: `${INVOCATION_TYPE_CHOICES}; default RequestResponse (a queue: its message is sent, Event)` },
            wait: { type: 'boolean', describe: "Event only: wait for the completion record on the queues below, or (none given) wherever the function's destinations and DLQ are" },
            'destination-queue': { type: 'string', describe: 'SQS URL of the on-success / on-failure destination' },
            dlq: { type: 'string', describe: 'SQS URL of the dead-letter queue' },
            'wait-timeout': { type: 'string', default: '60s', describe: 'how long --wait waits' },
            logs: {
              type: 'boolean',
              describe:
                "function targets: after the call (and --wait), look this invocation up in the function's CloudWatch Logs by request ID and print each attempt's REPORT (duration, billed, memory, init → cold start); reads them even with --log-type Tail (the tail is one attempt's last 4 KB). --wait reads the logs as evidence where no destination tells; --no-logs: never",
            },
            settle: {
              type: 'string',
              describe:
                "--logs: how long to wait for the log lines (default 30s); an Event call is looked for until its attempts are known to be over (--wait's completion record counts them; the JSON log format says which succeeded), else for the whole --settle",
            },
            ...callOptions,
            json: { type: 'boolean', describe: 'print one JSON object on stdout, nothing else' },
            ...awsOptions,
          })
          .example('$0 invoke my-fn --payload \'{"n":2}\'', 'synchronous call')
          .example('$0 invoke https://abc.execute-api.us-east-1.amazonaws.com/prod/square/2 --type event', 'async through API Gateway (InvocationType: Event)')
          .example('$0 invoke my-fn --type event --wait --destination-queue $URL', 'async call, then its completion record')
          .example('$0 invoke my-fn --type event --logs', "async call, then each attempt's REPORT from CloudWatch Logs"),
      async (args) => (await import('./commands/invoke.js')).invokeCommand(args),
    )
    .command(
      'local',
      'start the built-in local stack (Lambda API, API Gateway-like front, SQS, SNS, S3, EventBridge, CloudWatch Logs) on 127.0.0.1',
      (y) =>
        y.options({
          port: { type: 'number', default: 0, describe: 'Invoke API port (0 = any free port)' },
          'api-port': { type: 'number', default: 0, describe: 'API Gateway-like HTTP front port (0 = any free port)' },
          'sqs-port': { type: 'number', default: 0, describe: 'SQS port, also SNS and S3 (0 = any free port)' },
          'events-port': { type: 'number', default: 0, describe: 'EventBridge port (0 = any free port)' },
          'logs-port': { type: 'number', default: 0, describe: 'CloudWatch Logs port (0 = any free port)' },
          'logs-delay': { type: 'string', default: '0s', describe: "CloudWatch Logs' ingestion delay: log events become readable this long after they were written, e.g. 2s" },
          'api-timeout': { type: 'string', default: '29s', describe: "the front's integration timeout (API Gateway's 29 s) → 504" },
          'api-async-status': { type: 'number', default: 200, describe: 'status the front answers an accepted async event with: 200 (API Gateway default) or 202' },
          functions: { type: 'string', describe: 'folder of your own handlers (*.js / *.mjs exporting handler)' },
          queue: { type: 'string', array: true, describe: 'extra SQS queue to create (repeatable)' },
          topic: { type: 'string', array: true, describe: 'SNS topic to create (repeatable); a destination ARN of the config creates its own' },
          bucket: { type: 'string', array: true, describe: 'S3 bucket to create (repeatable)' },
          'event-bus': { type: 'string', array: true, describe: 'EventBridge event bus to create besides default (repeatable)' },
          'reserved-concurrency': { type: 'string', array: true, describe: 'NAME=N: concurrency limit for a function (repeatable)' },
          config: { type: 'string', describe: 'JSON file of per-function settings {"NAME": {"maximumRetryAttempts": 0, "onFailure": "my-queue"}, …}, and "eventSourceMappings": [{"EventSourceArn": "my-queue", "FunctionName": "orders"}, …]' },
          set: { type: 'string', array: true, describe: 'NAME.key=value: one setting of one function (repeatable), e.g. flaky.maximumRetryAttempts=0, square.onSuccess=null, flaky.onFailure=arn:aws:sns:us-east-1:000000000000:my-topic' },
          fault: {
            type: 'string',
            array: true,
            describe: "a fault switch (repeatable): SCOPE[:FUNCTION]:KIND [VALUE] [p=P] [FROM..TO], e.g. 'lambda:square:error p=0.2', 'api:latency 50ms..500ms', 'sqs:refuse 3s..5s', 'logs:throttle p=0.5'",
          },
          'time-scale': { type: 'number', describe: 'multiplier for async retry delays and event age (default 0.005: 60 s → 300 ms)' },
          region: { type: 'string', default: 'us-east-1', describe: 'region in ARNs and queue URLs' },
          quiet: { type: 'boolean', describe: 'do not print function logs' },
          json: { type: 'boolean', describe: 'print one JSON line with the endpoints once listening' },
        }),
      async (args) => (await import('./commands/local.js')).localCommand(args),
    )
    .command(
      'bench [target]',
      'load test: sync vs async in one run, HdrHistogram latency, outcomes, delivery verified',
      (y) =>
        y
          .positional('target', { type: 'string', describe: 'function name, name:qualifier, ARN, SQS queue URL or ARN, or http(s) URL' })
          .options({
            ...loadOptions,
            ...callOptions,
            ...awsOptions,
          })
          .example('$0 bench square --type sync,async --rate 50 --duration 20s', 'sync vs async, open loop')
          .example('$0 bench my-fn -t async -c 20 -n 1000 --verify-delivery --destination-queue $Q --dlq $DLQ', 'prove delivery'),
      async (args) => (await import('./commands/bench.js')).benchCommand(args),
    )
    .command(
      'run [file]',
      'run a scenario file (YAML or JSON: target, payload template, modes, load, queues, thresholds); flags override its fields',
      (y) =>
        y
          .positional('file', { type: 'string', describe: 'the profile, e.g. profiles/square-sync-vs-async.yaml' })
          .options({
            check: { type: 'boolean', describe: 'validate the profile and show what would run; send nothing' },
            local: { type: 'boolean', describe: 'run on the built-in local stack, started for the run (default: the profile\'s localStack)' },
            target: { type: 'string', describe: "instead of the profile's target" },
            ...loadOptions,
            ...callOptions,
            ...awsOptions,
          })
          .example('$0 run profiles/square-sync-vs-async.yaml', 'sync vs async on the local stack, delivery verified')
          .example('$0 run my-api.yaml --rate 200 --duration 1m --html report.html', 'a profile, harder and longer'),
      async (args) => (await import('./commands/run.js')).runCommand(args),
    )
    .command(
      'report [files..]',
      'render a saved report again: table, --html page, --compare with another run, --merge shards',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'report.json written by bench --out (several with --merge)' })
          .options({
            merge: { type: 'boolean', describe: 'combine the reports of one run\'s shards (bench --shard i/n): counts add, histograms merge exactly' },
            compare: { type: 'string', describe: 'another report to compare with: the change in each percentile and outcome, better or worse' },
            threshold: { type: 'string', nargs: 1, describe: "judge the report by this rule (repeatable), as bench --threshold does" },
            out: { alias: 'o', type: 'string', describe: 'write the report (e.g. the merged one) to this file' },
            html: { type: 'string', describe: 'write a self-contained HTML page with plots' },
            hgrm: { type: 'string', describe: 'write .hgrm percentile distributions (ms) of each phase into this folder' },
            json: { type: 'boolean', describe: 'print the report document (with --compare: the comparison) on stdout, nothing else' },
          })
          .example('$0 report run.json --html run.html', 'an HTML page with the latency plot, outcomes, throughput and delivery')
          .example('$0 report today.json --compare yesterday.json', 'what changed, figure by figure')
          .example('$0 report --merge shard-*.json --out run.json', 'one run from its shards'),
      async (args) => (await import('./commands/report.js')).reportCommand(args),
    )
    .command(
      'poll <queue-url..>',
      'read destination / DLQ queues: print decoded completion records, optionally correlated with a run',
      (y) =>
        y
          .positional('queue-url', { type: 'string', array: true, describe: 'SQS queue URL(s): destination and/or DLQ' })
          .options({
            follow: { alias: 'f', type: 'boolean', describe: 'keep polling until Ctrl-C (default: stop once the queues are drained)' },
            max: { type: 'number', describe: 'stop after printing N records' },
            correlate: { type: 'string', describe: 'NDJSON of a run (invoke --json lines, or raw results): match records to its invocations' },
            delete: { type: 'boolean', describe: 'delete the records it printed (default: leave every message in the queue)' },
            json: { type: 'boolean', describe: 'NDJSON: one decoded record per line on stdout' },
            region: awsOptions.region,
            profile: awsOptions.profile,
            'endpoint-url': { type: 'string', describe: 'SQS endpoint (default: AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, or AWS)' },
          })
          .example('$0 poll $DLQ_URL --json', 'print what is in the DLQ, leave it there')
          .example('$0 poll $SUCCESS_URL $DLQ_URL --correlate run.ndjson', 'which of the run\'s events completed'),
      async (args) => (await import('./commands/poll.js')).pollCommand(args),
    )
    .command(
      'redrive <dlq>',
      'move dead-lettered messages back to their source queue: each sent first, deleted from the DLQ after',
      (y) =>
        y
          .positional('dlq', { type: 'string', describe: 'the dead-letter queue: URL or arn:aws:sqs:…' })
          .options({
            to: { type: 'string', describe: 'send every message here (URL or ARN) instead of its own source queue' },
            max: { type: 'number', describe: 'move at most N messages' },
            'dry-run': { type: 'boolean', describe: 'list what would move; send nothing, delete nothing' },
            match: { type: 'string', array: true, describe: "move only these: correlation, request or message IDs (comma-separated), or a run's raw file (repeatable)" },
            json: { type: 'boolean', describe: 'NDJSON: one line per message moved, then a summary' },
            region: awsOptions.region,
            profile: awsOptions.profile,
            'endpoint-url': { type: 'string', describe: 'SQS endpoint (default: AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, or AWS)' },
          })
          .example('$0 redrive $DLQ_URL --dry-run', 'what would move, and where')
          .example('$0 redrive $DLQ_URL --match run.raw.ndjson', "move back only this run's messages"),
      async (args) => (await import('./commands/redrive.js')).redriveCommand(args),
    )
    .command(
      'replay <source>',
      're-invoke the function with each failed event of an async DLQ or an on-failure destination (SQS queue, S3 prefix, SNS topic); nothing deleted unless --delete',
      (y) =>
        y
          .positional('source', { type: 'string', describe: 'where the failed events are: an SQS DLQ or on-failure destination queue (URL or arn:aws:sqs:…), an S3 on-failure destination (s3://BUCKET/PREFIX or arn:aws:s3:::BUCKET), or an SNS DLQ or destination topic (arn:aws:sns:…, listened to for --listen)' })
          .options({
            function: { type: 'string', describe: "the function to re-invoke (default: each destination record's functionArn; needed for DLQ messages, which do not name it)" },
            type: { type: 'string', describe: 'sync (default: see each result now) or event (Lambda queues it again, with its retries)' },
            max: { type: 'number', describe: 'replay at most N events' },
            'dry-run': { type: 'boolean', describe: 'list what would be replayed; invoke nothing, delete nothing' },
            match: { type: 'string', array: true, describe: "replay only these: correlation, request or message IDs (comma-separated), or a run's raw file (repeatable)" },
            delete: { type: 'boolean', describe: 'delete each message (or S3 object) once its re-invoke was answered (sync: succeeded; event: accepted)' },
            listen: { type: 'string', describe: 'an SNS source: listen this long for what is published (default 60s; a topic keeps nothing)' },
            json: { type: 'boolean', describe: 'NDJSON: one line per event, then a summary' },
            region: awsOptions.region,
            profile: awsOptions.profile,
            'endpoint-url': { type: 'string', describe: 'Lambda endpoint (default: AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, or AWS); SQS: AWS_ENDPOINT_URL_SQS' },
          })
          .example('$0 replay $DLQ_URL --function my-fn --dry-run', 'what would be re-invoked')
          .example('$0 replay $FAILURE_QUEUE_URL --type event --delete', 're-queue each failed event, delete the records Lambda accepted')
          .example('$0 replay s3://my-failures/aws/lambda/async/my-fn/ --dry-run', 'what the on-failure bucket holds for my-fn'),
      async (args) => (await import('./commands/replay.js')).replayCommand(args),
    )
    .command(
      'coldstart <function>',
      "force a cold start before each of N calls (a configuration change), report init and first-call percentiles beside warm calls, put the configuration back (also on Ctrl-C)",
      (y) =>
        y
          .positional('function', { type: 'string', describe: 'the function (name or ARN; $LATEST: a version cannot be changed)' })
          .options({
            count: { alias: 'n', type: 'number', describe: 'cold calls to make (default 5)' },
            warm: { type: 'number', describe: 'warm calls after each cold one, to compare (default 1)' },
            payload: { alias: 'p', type: 'string', describe: 'JSON event for every call (default {})' },
            'payload-file': { type: 'string', describe: 'read the event from a file (- for stdin)' },
            qualifier: { type: 'string', describe: 'only $LATEST can be changed: a version or alias is refused' },
            type: {
              alias: 't',
              type: 'string',
              describe:
                "sync (default: each call answered, its REPORT in the log tail) or event (each call an Event invocation: first-call latency is the 202's, its REPORT read from the function's CloudWatch Logs by request ID before the next call); any spelling of invoke's --type",
            },
            settle: { type: 'string', describe: "--type event: how long to wait for each call's REPORT to reach the logs (default 30s); one not found by then is counted and said" },
            json: { type: 'boolean', describe: 'NDJSON: one line per call, then a summary' },
            region: awsOptions.region,
            profile: awsOptions.profile,
            'endpoint-url': { type: 'string', describe: 'Lambda endpoint (default: AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, or AWS)' },
          })
          .example('$0 coldstart my-fn -n 10', 'ten cold starts, each followed by one warm call')
          .example('$0 coldstart my-fn -n 5 --type event', 'five cold Event invocations, init and durations read from CloudWatch Logs'),
      async (args) => (await import('./commands/coldstart.js')).coldStartCommand(args),
    )
    .command(
      'cleanup',
      'list what interrupted runs left behind (queues, SNS subscriptions, EventBridge rules named lambench-<run id>-…); --delete removes them',
      (y) =>
        y
          .options({
            delete: { type: 'boolean', describe: 'remove what is listed (default: a dry run, nothing removed)' },
            'older-than': { type: 'string', describe: 'only runs that started at least this long ago (e.g. 30m, 1h, 48h)' },
            'event-bus': { type: 'string', array: true, describe: 'also look for rules on this bus (repeatable; the default bus always)' },
            json: { type: 'boolean', describe: 'one JSON object on stdout: found, notRemoved, notListed' },
            region: awsOptions.region,
            profile: awsOptions.profile,
            'endpoint-url': { type: 'string', describe: 'SQS, SNS and EventBridge endpoint (default: AWS_ENDPOINT_URL_SQS / _SNS / _EVENTBRIDGE, AWS_ENDPOINT_URL, or AWS)' },
          })
          .example('$0 cleanup', 'what is left, removing nothing')
          .example('$0 cleanup --delete --older-than 1h', 'remove what runs older than an hour left'),
      async (args) => (await import('./commands/cleanup.js')).cleanupCommand(args),
    )
    .command(
      'demo',
      'on a fresh machine: start the local stack, show sync, async and dry-run calls end to end, benchmark sync vs async into report.json and report.html',
      (y) => y.options({ 'out-dir': { type: 'string', describe: 'folder for report.json and report.html (default: the working directory)' } }),
      async (args) => (await import('./commands/demo.js')).demoCommand(args),
    )
    .demandCommand(1, 'name a command: invoke, bench, run, report, poll, redrive, replay, coldstart, cleanup, local or demo (lambench --help lists them)')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs' own complaints (a flag without its value…) are usage errors; anything else is ours.
      if (error && error.name !== 'YError') throw error;
      const text = describeYargsProblem(message ?? error?.message ?? 'bad usage', argv);
      const command = COMMANDS.find((name) => argv.includes(name));
      throw new UsageError(`${text} (see lambench ${command ? `${command} ` : ''}--help)`);
    })
    .parseAsync();
}
