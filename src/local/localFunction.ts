/** A local function as the registry loads it and the runtime runs it (types, and the account they live in: both import them). */

/** The account of every ARN the local stack makes (fauxqs's too). */
export const ACCOUNT_ID = '000000000000';

export interface FunctionConfig {
  memorySize: number;
  timeoutSeconds: number;
  /** Absent: the function uses the account's unreserved concurrency. 0: async events are dropped (ZeroReservedConcurrency). */
  reservedConcurrency?: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /**
   * Queue names or destination ARNs (sqs, sns, events, lambda; s3 on failure only); null turns a
   * destination off. With the two above, the unqualified function's (and, at start, each version's
   * and alias's) event invoke config: the API's Put/Update/Delete change that, not these.
   */
  onSuccess: string | null;
  onFailure: string | null;
  /** A queue name or an SQS or SNS ARN (DeadLetterConfig.TargetArn); null: none. */
  deadLetterQueue: string | null;
  /** Architectures[0] in GetFunctionConfiguration. */
  architecture: 'x86_64' | 'arm64';
  /** LoggingConfig in GetFunctionConfiguration. */
  logFormat: 'Text' | 'JSON';
  logGroup: string;
  /** LoggingConfig.SystemLogLevel (JSON format only; absent: INFO). At WARN the platform's START, runtimeDone and REPORT lines (INFO) are not written, as on AWS. */
  systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  /** Published versions besides $LATEST, and aliases pointing at them. */
  versions: string[];
  aliases: Record<string, string>;
}

export interface LocalFunction {
  name: string;
  /** Unqualified ARN. */
  arn: string;
  fileUrl: string;
  /** As loaded at start: every version's, and $LATEST's until UpdateFunctionConfiguration changes it. */
  config: FunctionConfig;
  /** What UpdateFunctionConfiguration changed on $LATEST (functionUpdates.ts); a published version keeps what it had. */
  latest?: LatestChanges;
}

export interface LatestChanges {
  memorySize?: number;
  timeoutSeconds?: number;
  description?: string;
  /** Environment.Variables: replaces the previous set, as the API does. */
  variables?: Record<string, string>;
  lastUpdateStatus: 'InProgress' | 'Successful';
  revisionId: string;
  /** As the API writes it, e.g. 2026-12-02T13:05:00.000+0000. */
  lastModified: string;
}

/** The settings an invocation of `version` runs with: $LATEST's as updated, a version's as published. */
export function versionConfig(fn: LocalFunction, version: string): { memorySize: number; timeoutSeconds: number; description: string; variables: Record<string, string> } {
  const changes = version === '$LATEST' ? fn.latest : undefined;
  return {
    memorySize: changes?.memorySize ?? fn.config.memorySize,
    timeoutSeconds: changes?.timeoutSeconds ?? fn.config.timeoutSeconds,
    description: changes?.description ?? '',
    variables: changes?.variables ?? {},
  };
}
