/**
 * The Lambda API's event invoke config operations, REST JSON as the SDK and the AWS CLI send them:
 * `GET|PUT|POST|DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config?Qualifier=`
 * (Get, Put, Update, Delete) and `GET …/event-invoke-config/list` (List: Marker, MaxItems), over
 * the one state the async invoker reads (eventInvokeConfigs.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, notFound } from './awsErrors.js';
import type { EventInvokeConfigs } from './eventInvokeConfigs.js';
import { resolveInvocationTarget, type LocalFunction } from './functionRegistry.js';
import { readJsonBody, sendJson } from './restJson.js';

const CONFIG_PATH = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config(\/list)?\/?$/;

export const isEventInvokeConfigPath = (pathname: string) => CONFIG_PATH.test(pathname);

/** The API operation a request is, for faults that name one (deny=lambda:GetFunctionEventInvokeConfig). */
export function eventInvokeConfigOperation(method: string | undefined, pathname: string): string {
  if (CONFIG_PATH.exec(pathname)?.[2]) return 'ListFunctionEventInvokeConfigs';
  return { GET: 'GetFunctionEventInvokeConfig', PUT: 'PutFunctionEventInvokeConfig', POST: 'UpdateFunctionEventInvokeConfig', DELETE: 'DeleteFunctionEventInvokeConfig' }[method ?? ''] ?? 'UnknownOperation';
}

export async function handleEventInvokeConfigRequest(
  configs: EventInvokeConfigs,
  functions: Map<string, LocalFunction>,
  region: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): Promise<void> {
  const [, name = '', list] = CONFIG_PATH.exec(url.pathname)!;
  const method = req.method ?? 'GET';
  const body = method === 'PUT' || method === 'POST' ? await readJsonBody(req) : (req.resume(), undefined);
  const target = resolveInvocationTarget(functions, region, decodeURIComponent(name), url.searchParams.get('Qualifier') ?? undefined);
  if ('notFound' in target) throw notFound(target.notFound);
  if ('conflict' in target) throw new AwsServiceError(400, 'InvalidParameterValueException', target.conflict);
  const qualifier = target.invokedArn.split(':')[7] ?? '$LATEST';
  if (list) {
    if (method !== 'GET') throw unknown(method, url);
    const all = configs.list(target.fn);
    const start = Number(url.searchParams.get('Marker') ?? 0) || 0;
    const size = Number(url.searchParams.get('MaxItems') ?? 50) || 50;
    const next = start + size < all.length ? String(start + size) : undefined;
    return sendJson(res, 200, { FunctionEventInvokeConfigs: all.slice(start, start + size), ...(next && { NextMarker: next }) }, requestId);
  }
  if (method === 'GET') return sendJson(res, 200, configs.get(target.fn, qualifier), requestId);
  if (method === 'PUT') return sendJson(res, 200, configs.put(target.fn, qualifier, body), requestId);
  if (method === 'POST') return sendJson(res, 200, configs.update(target.fn, qualifier, body), requestId);
  if (method === 'DELETE') {
    configs.delete(target.fn, qualifier);
    res.writeHead(204, { 'x-amzn-requestid': requestId });
    res.end();
    return;
  }
  throw unknown(method, url);
}

const unknown = (method: string, url: URL) => new AwsServiceError(404, 'UnknownOperationException', `Unknown operation ${method} ${url.pathname}`);
