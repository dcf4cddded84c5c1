/**
 * Error responses shaped like the Lambda service's restJson1 errors: the `x-amzn-ErrorType` header
 * names the exception (the SDK picks its error class from it) and the body carries `Type` and
 * `message`, plus any extra members (e.g. `Reason` on a throttle).
 */
import type { ServerResponse } from 'node:http';

export class AwsServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorType: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = errorType;
  }
}

export function sendAwsError(res: ServerResponse, error: AwsServiceError, requestId: string): void {
  const body = JSON.stringify({ Type: 'User', message: error.message, ...error.extra });
  res.writeHead(error.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.errorType,
    ...error.headers,
  });
  res.end(body);
}

export const notFound = (arn: string) => new AwsServiceError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
