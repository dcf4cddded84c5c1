/**
 * The SQS endpoint clients see: a small HTTP proxy in front of fauxqs, so SQS faults (refused
 * connections, calls that hang, throttling, latency) can be switched on without touching the
 * emulator. Requests pass through unchanged, Host header included: fauxqs builds queue URLs from
 * it, so every URL it hands out (CreateQueue, GetQueueUrl, ListQueues) carries the proxy's port and
 * a client that follows a queue URL stays on the proxy.
 *
 * The stack's own async invoker writes destination records to fauxqs directly (the faults are on
 * the client side of SQS: they test lambench, not the local Lambda's delivery).
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FaultPlan } from './faults.js';
import type { LocalAnswer } from './deadLetterSources.js';
import { parseJsonOr, readBody } from './http.js';
import { breakExchange, drawFrontFault, faultMessage } from './frontFaults.js';

export interface SqsProxy {
  server: Server;
  stop(): Promise<void>;
}

/** SQS actions the proxy answers itself (fauxqs lacks them), by their JSON-protocol target name. */
export type LocalActions = Record<string, (input: Record<string, unknown>) => Promise<LocalAnswer>>;

export function createSqsProxy(upstream: { host: string; port: number }, faults: FaultPlan | undefined, local: LocalActions = {}): SqsProxy {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    forward(req, res).catch(() => res.destroy());
  });
  // As the other fronts: longer than an SDK keeps an idle connection, so the proxy never closes one the client is about to reuse.
  server.keepAliveTimeout = 65_000;

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = await drawFrontFault(faults, 'sqs', undefined);
    if (fault && breakExchange(fault, req)) return;
    if (fault?.kind === 'throttle') {
      req.resume();
      sendThrottled(req, res, faultMessage(fault));
      return;
    }
    const action = local[String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '')];
    if (action) return answerLocally(req, res, action);
    const outgoing = request({ host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    outgoing.on('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain' }).end('lambench local: the SQS emulator could not be reached');
    });
    // The client going away mid-call ends the upstream call too (a long poll would otherwise run
    // on); a finished call leaves the upstream connection to the agent, for the next one.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  }

  return {
    server,
    async stop() {
      agent.destroy();
    },
  };
}

async function answerLocally(req: IncomingMessage, res: ServerResponse, action: LocalActions[string]): Promise<void> {
  // The actions answered here take a queue URL and a page token: 64 KB is far more than any needs.
  const { data } = await readBody(req, 64 * 1024);
  // Not JSON reads as an empty input: the action names what is missing.
  const input = parseJsonOr(data.toString('utf8') || '{}', {}) as Record<string, unknown>;
  const answer = await action(input).catch((error: Error) => ({ status: 500, body: { __type: 'com.amazonaws.sqs#InternalError', message: error.message }, queryError: 'InternalError;Receiver' }) as LocalAnswer);
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body), ...(answer.queryError && { 'x-amzn-query-error': answer.queryError }) });
  res.end(body);
}

/**
 * SQS's throttling answer, which the AWS SDK classes as a throttle (its name is in the SDK's list
 * of throttling codes): `RequestThrottled`, HTTP 403 as the service model has it, in the JSON
 * protocol's shape (`__type`, and the query-compatible code in x-amzn-query-error) or, for a
 * query-protocol client, the XML ErrorResponse.
 */
function sendThrottled(req: IncomingMessage, res: ServerResponse, message: string): void {
  const json = req.headers['x-amz-target'] !== undefined;
  const body = json
    ? JSON.stringify({ __type: 'com.amazonaws.sqs#RequestThrottled', message })
    : `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>RequestThrottled</Code><Message>${message.replace(/[<>&'"]/g, '')}</Message><Detail/></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
  res.writeHead(403, {
    'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml',
    'content-length': Buffer.byteLength(body),
    ...(json && { 'x-amzn-query-error': 'RequestThrottled;Sender' }),
  });
  res.end(body);
}
