/**
 * The profile format as a JSON Schema: what `lambench run` accepts, field by field. Each field has a
 * description, which doubles as the fix in error messages. Unknown fields are errors (a typo must
 * not silently fall back to a default). The schema holds the shape (fields and their types); the
 * ranges of values (a rate above 0, 1 to 64 workers…) are the run's checks, the same for flags and
 * profiles (config/validate.ts), so they are not written here a second time.
 */

const duration = { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$', description: "a duration like '500ms', '30s' or '2m'" } as const;
const text = (description: string) => ({ type: 'string', minLength: 1, description }) as const;

export const PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    $schema: { type: 'string', description: 'the schema this file follows (ignored)' },
    name: text('a short name for the scenario'),
    description: { type: 'string', description: 'what the scenario shows' },
    target: text("a function name, name:qualifier, ARN, or http(s) URL; an SQS queue's URL or ARN, or a key of queues (a queue an event source mapping reads); ${VAR} reads the environment"),
    localStack: {
      description: 'true: run against the built-in local stack, started for this run (no AWS account needed)',
      anyOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            timeScale: { type: 'number', exclusiveMinimum: 0, description: 'multiplier for async retry delays (default 0.005)' },
            apiAsyncStatus: { enum: [200, 202], description: 'status the API front answers an accepted async event with' },
          },
        },
      ],
    },
    modes: {
      description: "the phases in order, e.g. [sync, async] (any spelling of --type: sync, async, event, RequestResponse, dry-run)",
      anyOf: [
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        { type: 'string', minLength: 1 },
      ],
    },
    payload: { description: 'the event: a JSON value, or JSON text; placeholders {{uuid}}, {{seq}}, {{randomInt A B}}, {{file PATH}} are filled in per call' },
    payloadFile: text('a JSON file holding the payload (a template too), relative to the profile'),
    timeout: { ...duration, description: "give up on a call after this long, e.g. '10s'" },
    load: {
      type: 'object',
      additionalProperties: false,
      description: 'the load shape: rate (open loop) or concurrency (closed loop), and duration or requests',
      properties: {
        rate: { type: 'number', description: 'open loop: calls per second at constant arrival' },
        concurrency: { type: 'integer', description: 'closed loop: calls in flight' },
        maxInFlight: { type: 'integer', description: 'open loop: cap on calls in flight (beyond it, sends are dropped and counted)' },
        duration: { ...duration, description: "how long each phase runs, e.g. '30s'" },
        requests: { type: 'integer', description: 'how many calls each phase makes (instead of duration)' },
        warmup: { ...duration, description: "unrecorded run before each phase, e.g. '2s'" },
        ramp: { ...duration, description: "reach the full load after this long, measured and within duration, e.g. '10s'" },
        workers: { type: 'integer', description: 'worker threads sending the load' },
      },
    },
    queues: {
      type: 'object',
      description: 'named queues: a queue URL, or the name of a queue to look up',
      additionalProperties: text('a queue URL or queue name'),
    },
    delivery: {
      type: 'object',
      additionalProperties: false,
      description: 'verify that every accepted async event completed, on the queues named here (a queue target: that every message sent was processed, dead-lettered or is still in the queue)',
      properties: {
        verify: { type: 'boolean', description: 'true (the default when delivery is given) to verify delivery' },
        destination: text('the on-success / on-failure destination: a key of queues, or a queue URL'),
        dlq: text("the dead-letter queue: a key of queues, or a queue URL (a queue target: default its redrive policy's)"),
        outputQueue: text('queue targets: the queue the function writes each processed message to (a key of queues, or a queue URL): processed is then seen per message, not derived'),
        settle: { ...duration, description: "how long to wait for completions after the async (or queue) phase, e.g. '30s'" },
      },
    },
    thresholds: { type: 'array', items: { type: 'string', minLength: 1 }, description: "pass/fail rules, e.g. ['p99<300ms', 'errors<1%', 'delivered>=100%']" },
    logs: {
      type: 'boolean',
      description: "true: each phase's invocations looked up in the function's CloudWatch Logs (durations, cold starts, attempts, cost) and read as delivery evidence; false: never, not even as evidence; absent: as evidence only where the destinations leave outcomes unread",
    },
    aws: {
      type: 'object',
      additionalProperties: false,
      description: 'AWS settings (default: the standard AWS environment and config files)',
      properties: {
        region: text('an AWS region, e.g. eu-west-1'),
        profile: text('a shared-config profile name'),
        endpointUrl: { type: 'string', pattern: '^(https?://|\\$\\{)', description: "the Lambda endpoint URL (a queue target: SQS's), e.g. http://localhost:4566 for LocalStack" },
      },
    },
    invoke: {
      type: 'object',
      additionalProperties: false,
      description: 'Lambda Invoke API settings (function targets)',
      properties: {
        qualifier: text('a version or alias'),
        logType: { enum: ['Tail', 'None', 'tail', 'none'], description: 'Tail: REPORT figures of sync calls (duration, cold starts)' },
        clientContext: { type: 'object', description: 'an object handed to the function as context.clientContext' },
        retries: { type: 'integer', description: "the SDK's retries after the first attempt" },
        sdk: { type: 'boolean', description: 'call through the AWS SDK client instead of the direct signed path' },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      description: 'URL target settings',
      properties: {
        method: text('an HTTP method'),
        headers: { type: 'object', additionalProperties: { type: 'string' }, description: "headers as name: value, e.g. {x-api-key: abc}" },
        asyncVia: { enum: ['header', 'body', 'url'], description: 'how async is asked for: header, body or url' },
        asyncHeader: text('the header carrying Event|RequestResponse'),
        asyncBodyPath: text('where true/false goes in the body, e.g. meta.async'),
        asyncUrl: { type: 'string', pattern: '^(https?://|\\$\\{)', description: 'the URL of the route that invokes asynchronously' },
        correlationPath: { type: ['string', 'null'], description: "where lambench writes its client request ID (null: don't)" },
        correlationHeader: text('the header that also carries the client request ID'),
        sigv4: { type: 'boolean', description: 'sign requests with SigV4 for execute-api' },
      },
    },
    queue: {
      type: 'object',
      additionalProperties: false,
      description: 'queue target settings: how each message is sent (SendMessage)',
      properties: {
        messageGroupId: text('FIFO queues: the message group of every message'),
        contentDedup: { type: 'boolean', description: 'FIFO queues: true when the queue deduplicates by content (lambench then sends no deduplication ID)' },
        delay: { ...duration, description: "standard queues: each message's delivery delay, whole seconds up to 15m, e.g. '5s'" },
        attributes: { type: 'object', additionalProperties: { type: 'string' }, description: 'string message attributes of every message as name: value, e.g. {tenant: acme}' },
        discover: { type: 'boolean', description: 'false: do not read what the queue is wired to (event source mappings, timeouts, redrive policy) before sending' },
        correlationPath: { type: ['string', 'null'], description: "where lambench writes its correlation ID in a JSON-object body (null: don't; it always travels as a message attribute)" },
      },
    },
    output: {
      type: 'object',
      additionalProperties: false,
      description: 'files to write (relative to the working directory)',
      properties: {
        out: text('the report JSON'),
        html: text('the HTML report'),
        raw: text('every call as NDJSON'),
        hgrm: text('a folder for .hgrm percentile distributions'),
      },
    },
  },
} as const;
