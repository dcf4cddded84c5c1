/**
 * The event source mapping operations of the Lambda API, REST JSON as the SDK and the AWS CLI send
 * them: `POST /2015-03-31/event-source-mappings/` (Create, 202), `GET …/event-source-mappings/`
 * (List: EventSourceArn, FunctionName, Marker, MaxItems), `GET …/{UUID}` (Get, 200), `PUT …/{UUID}`
 * (Update, 202), `DELETE …/{UUID}` (Delete, 202). The SDK leaves the trailing slash off, the CLI
 * keeps it: both are served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import type { EventSourceMappings } from './eventSourceMappings.js';
import { readJsonBody, sendJson } from './restJson.js';

const MAPPINGS_PATH = /^\/2015-03-31\/event-source-mappings(?:\/([^/]*))?\/?$/;
/** A request body is a few hundred bytes; this is far more than any valid one. */
const BODY_LIMIT_BYTES = 256 * 1024;

export const isEventSourceMappingPath = (pathname: string) => MAPPINGS_PATH.test(pathname);

export async function handleEventSourceMappingRequest(mappings: EventSourceMappings, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
  const uuid = decodeURIComponent(MAPPINGS_PATH.exec(url.pathname)?.[1] ?? '');
  const method = req.method ?? 'GET';
  if (uuid === '' && method === 'POST') return sendJson(res, 202, await mappings.create(await readJsonBody(req, BODY_LIMIT_BYTES)), requestId);
  if (uuid === '' && method === 'GET') {
    req.resume();
    const query = url.searchParams;
    const maxItems = query.get('MaxItems');
    if (maxItems !== null && !/^\d+$/.test(maxItems)) throw new AwsServiceError(400, 'InvalidRequestContentException', `MaxItems '${maxItems}' is not an integer`);
    if (maxItems !== null && (Number(maxItems) < 1 || Number(maxItems) > 10_000)) {
      const constraint = Number(maxItems) > 10_000 ? 'less than or equal to 10000' : 'greater than or equal to 1';
      throw new AwsServiceError(400, 'ValidationException', `1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value ${constraint}`);
    }
    return sendJson(
      res,
      200,
      mappings.list({
        ...(query.get('EventSourceArn') !== null && { eventSourceArn: query.get('EventSourceArn')! }),
        ...(query.get('FunctionName') !== null && { functionName: query.get('FunctionName')! }),
        ...(query.get('Marker') !== null && { marker: query.get('Marker')! }),
        ...(maxItems !== null && { maxItems: Number(maxItems) }),
      }),
      requestId,
    );
  }
  if (uuid !== '' && method === 'GET') {
    req.resume();
    return sendJson(res, 200, mappings.get(uuid), requestId);
  }
  if (uuid !== '' && method === 'PUT') return sendJson(res, 202, await mappings.update(uuid, await readJsonBody(req, BODY_LIMIT_BYTES)), requestId);
  if (uuid !== '' && method === 'DELETE') {
    req.resume();
    return sendJson(res, 202, mappings.delete(uuid), requestId);
  }
  req.resume();
  throw new AwsServiceError(404, 'UnknownOperationException', `Unknown operation ${method} ${url.pathname}`);
}
