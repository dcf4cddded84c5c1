/**
 * What a function's configuration says that a run's figures depend on: its architecture (the
 * price of a GB-second), memory, timeout, and where and how it logs (LoggingConfig: the log group,
 * default `/aws/lambda/<name>`, and Text or JSON). One GetFunctionConfiguration for the qualifier
 * called; a configuration that cannot be read leaves the facts unknown, with why, never the run failed.
 */
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { messageOf } from '../errors.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import { functionNameOf } from '../aws/arn.js';
import type { Architecture } from '../metrics/cost.js';

export interface FunctionFacts {
  functionArn?: string;
  architecture?: Architecture;
  memorySizeMb?: number;
  timeoutSeconds?: number;
  logGroup: string;
  logFormat: 'Text' | 'JSON';
  /** `Runtime` (absent for a container image): whether a failed attempt logs an error line under its request ID (Node.js's `Invoke Error`). */
  runtime?: string;
  /** LoggingConfig.SystemLogLevel (JSON format only): at WARN or above Lambda writes no START or REPORT lines. */
  systemLogLevel?: string;
  /** Why the configuration could not be read (the rest are then defaults or unknown). */
  unknown?: string;
}

/** Why the function's logs hold no REPORT lines, when they hold none: a JSON-format system log level above INFO. */
export function reportsSilenced(facts: FunctionFacts): string | undefined {
  const level = facts.systemLogLevel?.toUpperCase();
  if (facts.logFormat !== 'JSON' || !level || level === 'INFO' || level === 'DEBUG') return undefined;
  return `its LoggingConfig.SystemLogLevel is ${level}: Lambda writes no START or REPORT lines (they are INFO); set it to INFO to read them`;
}

/** A text-format failed attempt is known by its error line only where the runtime writes one under the request ID (Node.js). */
export function logsErrorLines(facts: FunctionFacts): boolean {
  return facts.logFormat === 'JSON' || (facts.runtime?.startsWith('nodejs') ?? false);
}

export async function readFunctionFacts(lambda: LambdaClient, functionName: string, qualifier?: string, stop?: AbortSignal): Promise<FunctionFacts> {
  try {
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, ...(qualifier && { Qualifier: qualifier }) }), stop ? { abortSignal: stop } : {});
    return functionFactsFrom(configuration, functionName);
  } catch (error) {
    const why = isAccessDenied(error) ? 'not allowed (lambda:GetFunctionConfiguration)' : awsErrorName(error) || messageOf(error);
    return { logGroup: defaultLogGroup(functionName), logFormat: 'Text', unknown: `the function's configuration could not be read (${why})` };
  }
}

/** The facts of a configuration already read (coldstart reads it anyway, to put it back). */
export function functionFactsFrom(configuration: FunctionConfiguration, functionName: string): FunctionFacts {
  const architecture = configuration.Architectures?.[0];
  return {
    ...(configuration.FunctionArn && { functionArn: configuration.FunctionArn }),
    ...((architecture === 'x86_64' || architecture === 'arm64') && { architecture }),
    ...(configuration.MemorySize !== undefined && { memorySizeMb: configuration.MemorySize }),
    ...(configuration.Timeout !== undefined && { timeoutSeconds: configuration.Timeout }),
    logGroup: configuration.LoggingConfig?.LogGroup ?? defaultLogGroup(functionName),
    logFormat: configuration.LoggingConfig?.LogFormat === 'JSON' ? 'JSON' : 'Text',
    ...(configuration.Runtime && { runtime: configuration.Runtime }),
    ...(configuration.LoggingConfig?.SystemLogLevel && { systemLogLevel: configuration.LoggingConfig.SystemLogLevel }),
  };
}

function defaultLogGroup(functionName: string): string {
  return `/aws/lambda/${functionNameOf(functionName)}`;
}
