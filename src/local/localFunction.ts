/** A local function as the registry loads it and the runtime runs it (types only: both import them). */

export interface FunctionConfig {
  memorySize: number;
  timeoutSeconds: number;
  /** Absent: the function uses the account's unreserved concurrency. 0: async events are dropped (ZeroReservedConcurrency). */
  reservedConcurrency?: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** Queue names; null turns a destination off. */
  onSuccess: string | null;
  onFailure: string | null;
  deadLetterQueue: string | null;
  /** Published versions besides $LATEST, and aliases pointing at them. */
  versions: string[];
  aliases: Record<string, string>;
}

export interface LocalFunction {
  name: string;
  /** Unqualified ARN. */
  arn: string;
  fileUrl: string;
  config: FunctionConfig;
}
