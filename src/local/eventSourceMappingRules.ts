/**
 * The checks CreateEventSourceMapping and UpdateEventSourceMapping make before anything is stored,
 * for SQS sources, each answered as Lambda answers it: a member of the wrong JSON type is an
 * InvalidRequestContentException; values outside the model's ranges are one ValidationException
 * listing every such value ("2 validation errors detected: …"); parameters that SQS mappings do not
 * take and SQS's own batch rules are InvalidParameterValueExceptions, one at a time. Messages quoted
 * from the service are marked (AWS); the others say what is wrong in the same style.
 */
import { AwsServiceError } from './awsErrors.js';

/** The members of a Create or Update request this stack acts on. */
export interface MappingRequest {
  FunctionName?: string;
  EventSourceArn?: string;
  Enabled?: boolean;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  FunctionResponseTypes?: string[];
  /** `{}` removes MaximumConcurrency (on update). */
  ScalingConfig?: { MaximumConcurrency?: number };
}

/** What an SQS mapping's batching and scaling come to, defaults applied. */
export interface MappingSettings {
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  reportBatchItemFailures: boolean;
  /** Absent: Lambda's own scaling (5 concurrent batches, growing with the backlog, up to 1,000). */
  maximumConcurrency?: number;
}

export const DEFAULT_SETTINGS: MappingSettings = { batchSize: 10, maximumBatchingWindowInSeconds: 0, reportBatchItemFailures: false };

/** Parameters of other event sources (streams, Kafka, MQ, DocumentDB): refused for an SQS queue, as Lambda does. */
const NOT_FOR_SQS = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'DestinationConfig',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'SelfManagedEventSource',
  'AmazonManagedKafkaEventSourceConfig',
  'SelfManagedKafkaEventSourceConfig',
  'DocumentDBEventSourceConfig',
];
/** Real SQS mapping parameters this stack does not emulate: refused rather than stored and ignored. */
const NOT_EMULATED = ['FilterCriteria', 'ProvisionedPollerConfig', 'KMSKeyArn', 'MetricsConfig', 'LoggingConfig'];

const MEMBER_TYPES: Record<keyof MappingRequest, (value: unknown) => boolean> = {
  FunctionName: (value) => typeof value === 'string',
  EventSourceArn: (value) => typeof value === 'string',
  Enabled: (value) => typeof value === 'boolean',
  BatchSize: Number.isInteger,
  MaximumBatchingWindowInSeconds: Number.isInteger,
  FunctionResponseTypes: (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
  ScalingConfig: (value) => isObject(value) && (value.MaximumConcurrency === undefined || value.MaximumConcurrency === null || Number.isInteger(value.MaximumConcurrency)),
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const invalid = (message: string) => new AwsServiceError(400, 'InvalidParameterValueException', message);

/**
 * Reads a Create (`operation: 'create'`) or Update request body: the members above, type-checked and
 * range-checked; every other member is refused when it would change what the mapping does.
 */
export function readMappingRequest(body: unknown, operation: 'create' | 'update'): MappingRequest | AwsServiceError {
  if (!isObject(body)) {
    return new AwsServiceError(400, 'InvalidRequestContentException', 'Could not parse request body into json: expected a JSON object');
  }
  const given = body;
  for (const [member, ok] of Object.entries(MEMBER_TYPES)) {
    const value = given[member];
    if (value !== undefined && value !== null && !ok(value)) {
      return new AwsServiceError(400, 'InvalidRequestContentException', `Could not parse request body into json: unexpected value for ${member}: ${JSON.stringify(value)}`);
    }
  }
  const request = Object.fromEntries(Object.keys(MEMBER_TYPES).filter((member) => given[member] !== undefined && given[member] !== null).map((member) => [member, given[member]])) as MappingRequest;
  // UpdateEventSourceMapping has no EventSourceArn: a mapping's queue never changes.
  if (operation === 'update') delete request.EventSourceArn;
  // ScalingConfig {} or {"MaximumConcurrency": null} removes the setting.
  if (request.ScalingConfig !== undefined) {
    const maximumConcurrency = request.ScalingConfig.MaximumConcurrency;
    request.ScalingConfig = typeof maximumConcurrency === 'number' ? { MaximumConcurrency: maximumConcurrency } : {};
  }

  const violations = constraintViolations(request, operation);
  if (violations.length > 0) {
    return new AwsServiceError(400, 'ValidationException', `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
  }
  for (const member of NOT_FOR_SQS) {
    // (AWS) "Unsupported DestinationConfig parameter for given event source mapping type."
    if (given[member] !== undefined && given[member] !== null) return invalid(`Unsupported ${member} parameter for given event source mapping type.`);
  }
  for (const member of NOT_EMULATED) {
    if (given[member] !== undefined && given[member] !== null) return invalid(`${member} is not emulated by the lambench local stack: leave it out`);
  }
  if (operation === 'create' && request.EventSourceArn === undefined) return invalid('Unrecognized event source.'); // (AWS)
  return request;
}

/** The model's own constraints, in AWS's words: each value out of range, all of them. */
function constraintViolations(request: MappingRequest, operation: 'create' | 'update'): string[] {
  const violations: string[] = [];
  const at = (value: unknown, member: string, constraint: string) =>
    violations.push(`Value ${value === null ? 'null' : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`);
  if (operation === 'create' && request.FunctionName === undefined) at(null, 'functionName', 'Member must not be null');
  if (request.FunctionName !== undefined) {
    if (request.FunctionName.length < 1 || request.FunctionName.length > 140) at(request.FunctionName, 'functionName', 'Member must have length less than or equal to 140');
    else if (!/^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/.test(request.FunctionName)) {
      at(request.FunctionName, 'functionName', 'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?');
    }
  }
  const { BatchSize, MaximumBatchingWindowInSeconds, FunctionResponseTypes, ScalingConfig } = request;
  if (BatchSize !== undefined && BatchSize < 1) at(BatchSize, 'batchSize', 'Member must have value greater than or equal to 1');
  if (BatchSize !== undefined && BatchSize > 10_000) at(BatchSize, 'batchSize', 'Member must have value less than or equal to 10000');
  if (MaximumBatchingWindowInSeconds !== undefined && MaximumBatchingWindowInSeconds < 0) {
    at(MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 'Member must have value greater than or equal to 0');
  }
  if (MaximumBatchingWindowInSeconds !== undefined && MaximumBatchingWindowInSeconds > 300) {
    at(MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 'Member must have value less than or equal to 300');
  }
  if (FunctionResponseTypes !== undefined && FunctionResponseTypes.some((type) => type !== 'ReportBatchItemFailures')) {
    at(FunctionResponseTypes, 'functionResponseTypes', 'Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]');
  }
  const maximumConcurrency = ScalingConfig?.MaximumConcurrency;
  if (maximumConcurrency !== undefined && maximumConcurrency < 2) at(maximumConcurrency, 'scalingConfig.maximumConcurrency', 'Member must have value greater than or equal to 2');
  if (maximumConcurrency !== undefined && maximumConcurrency > 1000) at(maximumConcurrency, 'scalingConfig.maximumConcurrency', 'Member must have value less than or equal to 1000');
  return violations;
}

/** A request's settings over the current ones (Update) or the defaults (Create). */
export function mergeSettings(current: MappingSettings, request: MappingRequest): MappingSettings {
  const settings: MappingSettings = {
    batchSize: request.BatchSize ?? current.batchSize,
    maximumBatchingWindowInSeconds: request.MaximumBatchingWindowInSeconds ?? current.maximumBatchingWindowInSeconds,
    reportBatchItemFailures: request.FunctionResponseTypes === undefined ? current.reportBatchItemFailures : request.FunctionResponseTypes.includes('ReportBatchItemFailures'),
  };
  const maximumConcurrency = request.ScalingConfig === undefined ? current.maximumConcurrency : request.ScalingConfig.MaximumConcurrency;
  if (maximumConcurrency !== undefined) settings.maximumConcurrency = maximumConcurrency;
  return settings;
}

/** SQS's batch rules on the settings as they would be, for a standard or a FIFO queue; undefined when they hold. */
export function batchRuleProblem(settings: MappingSettings, fifo: boolean): AwsServiceError | undefined {
  // The FIFO rules are the docs' ("For FIFO queues, the maximum is 10", "Batching window is not supported for FIFO queues").
  if (fifo && settings.batchSize > 10) return invalid('Batch size must be less than or equal to 10 for FIFO queues');
  if (fifo && settings.maximumBatchingWindowInSeconds > 0) return invalid('Batching window is not supported for FIFO queues');
  if (settings.batchSize > 10 && settings.maximumBatchingWindowInSeconds < 1) {
    return invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'); // (AWS)
  }
  return undefined;
}

/** `arn:aws:sqs:REGION:ACCOUNT:NAME` → its parts; undefined for any other ARN. */
export function parseQueueArn(arn: string): { region: string; account: string; name: string; fifo: boolean } | undefined {
  const match = /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,75}(\.fifo)?)$/.exec(arn);
  return match ? { region: match[1]!, account: match[2]!, name: match[3]!, fifo: match[4] !== undefined } : undefined;
}

export const unsupportedSource = (arn: string) =>
  invalid(`Unsupported event source '${arn}': the lambench local stack maps SQS queues (arn:aws:sqs:REGION:ACCOUNT:NAME) only`);

/** (AWS) The answer when the queue does not exist, or belongs to another region or account. */
export const noSuchQueue = () =>
  invalid('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.');
