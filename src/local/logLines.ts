/**
 * One invocation's log lines as Lambda writes them, in the function's LoggingConfig.LogFormat.
 *
 * Text: the function's output as the Node.js runtime frames it (`<ISO time>\t<requestId>\tINFO\t<message>`),
 * and the platform's `START RequestId: … Version: …`, `END RequestId: …`, `REPORT RequestId: …\tDuration: … ms\t…`.
 * JSON: the output as `{"timestamp","level","requestId","message"}`, and the platform's
 * `{"time","type":"platform.start","record":{"requestId","version"}}`,
 * `{"time","type":"platform.runtimeDone","record":{"requestId","status","metrics":{"durationMs","producedBytes"}}}`,
 * `{"time","type":"platform.report","record":{"requestId","metrics":{"durationMs","billedDurationMs","memorySizeMB","maxMemoryUsedMB","initDurationMs"?},"status"}}`
 * (AWS's "JSON format for system logs" and the Telemetry API's record shapes).
 * src/aws/lambdaLog.ts parses every platform line made here.
 */
import type { FunctionConfig } from './localFunction.js';

export type LogFormat = FunctionConfig['logFormat'];
/** How an invocation ended, in the JSON format's words (Telemetry API `status`). */
export type InvocationStatus = 'success' | 'error' | 'failure' | 'timeout';

/** One log event: what CloudWatch Logs stores (the message has no trailing newline). */
export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface ReportInput {
  requestId: string;
  durationMs: number;
  initDurationMs?: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  status: InvocationStatus;
}

const iso = (time: number) => new Date(time).toISOString();
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Billed as Lambda bills on-demand functions: whole milliseconds, INIT included, at least 1 ms. */
export const billedDurationMs = (durationMs: number, initDurationMs = 0) => Math.max(1, Math.ceil(durationMs + initDurationMs));

/** The function's own output (console.log, console.error, …). */
export function outputLine(format: LogFormat, time: number, requestId: string, level: string, message: string): string {
  if (format === 'JSON') return JSON.stringify({ timestamp: iso(time), level, requestId, message });
  return `${iso(time)}\t${requestId}\t${level}\t${message}`;
}

export function startLine(format: LogFormat, time: number, requestId: string, version: string): string {
  if (format === 'JSON') return JSON.stringify({ time: iso(time), type: 'platform.start', record: { requestId, version } });
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(format: LogFormat, time: number, requestId: string, status: InvocationStatus, durationMs: number, producedBytes: number): string {
  if (format === 'JSON') {
    return JSON.stringify({ time: iso(time), type: 'platform.runtimeDone', record: { requestId, status, metrics: { durationMs: round2(durationMs), producedBytes } } });
  }
  return `END RequestId: ${requestId}`;
}

export function reportLine(format: LogFormat, time: number, report: ReportInput): string {
  const billed = billedDurationMs(report.durationMs, report.initDurationMs);
  if (format === 'JSON') {
    const metrics = {
      durationMs: round2(report.durationMs),
      billedDurationMs: billed,
      memorySizeMB: report.memorySizeMb,
      maxMemoryUsedMB: report.maxMemoryUsedMb,
      ...(report.initDurationMs !== undefined && { initDurationMs: round2(report.initDurationMs) }),
    };
    return JSON.stringify({ time: iso(time), type: 'platform.report', record: { requestId: report.requestId, metrics, status: report.status } });
  }
  const fields = [
    `REPORT RequestId: ${report.requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billed} ms`,
    `Memory Size: ${report.memorySizeMb} MB`,
    `Max Memory Used: ${report.maxMemoryUsedMb} MB`,
    ...(report.initDurationMs !== undefined ? [`Init Duration: ${report.initDurationMs.toFixed(2)} ms`] : []),
    // The text format names the status only when it is not a plain success or function error.
    ...(report.status === 'timeout' || report.status === 'failure' ? [`Status: ${report.status === 'failure' ? 'error' : report.status}`] : []),
  ];
  return `${fields.join('\t')}\t`;
}

/** The name Lambda gives an execution environment's log stream: `YYYY/MM/DD/[VERSION]<32 hex>`, dated when the environment started. */
export function logStreamName(createdAt: number, version: string, environmentId: string): string {
  return `${iso(createdAt).slice(0, 10).replace(/-/g, '/')}/[${version}]${environmentId}`;
}
