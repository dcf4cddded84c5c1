/**
 * A server for an AWS service spoken over the JSON protocol, as the SDK v3 and the AWS CLI send it:
 * `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and an `application/x-amz-json-1.1` body;
 * answers in the same content type, errors as `{"__type", "message"}` with the exception's name in
 * `x-amzn-ErrorType` too. The local EventBridge and CloudWatch Logs are both served by it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import { header, readBody } from './http.js';

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
}

export function createJsonProtocolServer(service: JsonProtocolService): Server {
  return createServer((req, res) => {
    const requestId = randomUUID();
    (async () => {
      const target = header(req, 'x-amz-target') ?? '';
      const prefix = `${service.targetPrefix}.`;
      const name = target.startsWith(prefix) ? target.slice(prefix.length) : '';
      const operation = Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
      const { data, tooLarge } = await readBody(req, service.bodyLimitBytes);
      if (req.method !== 'POST' || !operation) {
        throw new AwsServiceError(400, 'UnknownOperationException', `Unknown operation ${target || `${req.method} ${req.url}`}: this local ${service.name} serves ${Object.keys(service.operations).join(', ')}`);
      }
      if (tooLarge) throw new AwsServiceError(413, service.tooLargeError, `Request must be smaller than ${service.bodyLimitBytes} bytes`);
      let input: JsonInput = {};
      const text = data.toString('utf8');
      if (text.trim() !== '') {
        try {
          input = (JSON.parse(text) as JsonInput | null) ?? {};
        } catch (error) {
          throw new AwsServiceError(400, 'SerializationException', `Could not parse request body into json: ${(error as Error).message}`);
        }
      }
      send(res, 200, await operation(input), requestId);
    })().catch((error: unknown) => {
      const failure = error instanceof AwsServiceError ? error : new AwsServiceError(500, service.internalError, (error as Error).message);
      if (failure.statusCode >= 500) service.onWarning?.(`${service.name}: ${failure.message}`);
      if (res.headersSent) res.destroy();
      else send(res, failure.statusCode, { __type: failure.errorType, message: failure.message }, requestId, failure.errorType);
    });
  });
}

function send(res: ServerResponse, status: number, document: unknown, requestId: string, errorType?: string): void {
  const body = JSON.stringify(document);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  res.end(body);
}
