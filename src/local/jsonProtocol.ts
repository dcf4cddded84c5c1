/**
 * A server for an AWS service spoken over the JSON protocol, as the SDK v3 and the AWS CLI send it:
 * `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and an `application/x-amz-json-1.1` body;
 * answers in the same content type, errors as `{"__type", "message"}` with the exception's name in
 * `x-amzn-ErrorType` too. The local EventBridge and CloudWatch Logs are both served by it; a service
 * with fault switches sees each request first (`intercept`).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import { header } from './http.js';
import { readJsonBody, sendJson } from './restJson.js';

export type JsonInput = Record<string, unknown>;

export interface JsonProtocolService {
  /** The X-Amz-Target prefix, e.g. `AWSEvents` or `Logs_20140328`. */
  targetPrefix: string;
  /** How messages name the service, e.g. `EventBridge`. */
  name: string;
  operations: Record<string, (input: JsonInput) => unknown>;
  bodyLimitBytes: number;
  /** The exception a too-large body is answered with. */
  tooLargeError: string;
  /** The exception an unexpected failure is answered with (500). */
  internalError: string;
  onWarning?: (message: string) => void;
  /**
   * Each request's operation and input before it is served: throws an AwsServiceError to refuse it,
   * or resolves to true when it broke the exchange off (a hang), which must then go unanswered.
   */
  intercept?: (operation: string, input: JsonInput, req: IncomingMessage) => Promise<boolean>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

export function createJsonProtocolServer(service: JsonProtocolService): Server {
  return createServer((req, res) => {
    const requestId = randomUUID();
    (async () => {
      const target = header(req, 'x-amz-target') ?? '';
      const prefix = `${service.targetPrefix}.`;
      const name = target.startsWith(prefix) ? target.slice(prefix.length) : '';
      const operation = Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
      if (req.method !== 'POST' || !operation) {
        req.resume();
        throw new AwsServiceError(400, 'UnknownOperationException', `Unknown operation ${target || `${req.method} ${req.url}`}: this local ${service.name} serves ${Object.keys(service.operations).join(', ')}`);
      }
      const input = (await readJsonBody(req, service.bodyLimitBytes, { tooLarge: service.tooLargeError, malformed: 'SerializationException' })) as JsonInput;
      if (await service.intercept?.(name, input, req)) return;
      sendJson(res, 200, await operation(input), requestId, JSON_CONTENT_TYPE);
    })().catch((error: unknown) => {
      const failure = error instanceof AwsServiceError ? error : new AwsServiceError(500, service.internalError, (error as Error).message);
      if (failure.statusCode >= 500) service.onWarning?.(`${service.name}: ${failure.message}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, failure.statusCode, { __type: failure.errorType, message: failure.message }, requestId, JSON_CONTENT_TYPE, failure.errorType);
    });
  });
}
