/**
 * The Lambda control plane's REST JSON, shared by the stack's APIs that speak it (event source
 * mappings, event invoke configs, function configuration): a request's JSON body read within a
 * limit and refused as Lambda refuses it, and an answer written with its request ID.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import { readBody } from './http.js';

/** What a control-plane request body may weigh. */
export const REST_BODY_LIMIT_BYTES = 64 * 1024;

/** How a service names a body it refuses: Lambda's by default; the JSON-protocol services say their own. */
export interface BodyErrors {
  tooLarge: string;
  malformed: string;
}

const LAMBDA_BODY_ERRORS: BodyErrors = { tooLarge: 'RequestTooLargeException', malformed: 'InvalidRequestContentException' };

/** The request's JSON body ({} when empty): too large → 413, not JSON → 400, in the service's words. */
export async function readJsonBody(req: IncomingMessage, limitBytes = REST_BODY_LIMIT_BYTES, errors: BodyErrors = LAMBDA_BODY_ERRORS): Promise<unknown> {
  const { data, tooLarge } = await readBody(req, limitBytes);
  if (tooLarge) throw new AwsServiceError(413, errors.tooLarge, `Request must be smaller than ${limitBytes} bytes`);
  const text = data.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) ?? {};
  } catch (error) {
    throw new AwsServiceError(400, errors.malformed, `Could not parse request body into json: ${(error as Error).message}`);
  }
}

/** A JSON answer with its request ID (REST JSON's content type unless told; an error names its type in x-amzn-errortype too). */
export function sendJson(res: ServerResponse, status: number, document: unknown, requestId: string, contentType = 'application/json', errorType?: string): void {
  const body = JSON.stringify(document);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId, ...(errorType && { 'x-amzn-errortype': errorType }) });
  res.end(body);
}
