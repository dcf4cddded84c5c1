/**
 * A CloudWatch Logs endpoint that answers every request with one error, as the JSON protocol
 * carries it: AccessDeniedException (an identity without logs:FilterLogEvents) or
 * ResourceNotFoundException (no such log group). The one stand-in for the logs: the local stack
 * has no IAM, and always logs where the function's LoggingConfig says.
 */
import { createServer } from 'node:http';
import { closeServer, listen } from './helpers.js';

export type LogsRefusal = 'AccessDeniedException' | 'ResourceNotFoundException';

const MESSAGES: Record<LogsRefusal, string> = {
  AccessDeniedException: 'User is not authorized to perform: logs:FilterLogEvents',
  ResourceNotFoundException: 'The specified log group does not exist.',
};

export async function startRefusingLogs(initial: LogsRefusal): Promise<{ url: string; answer(refusal: LogsRefusal): void; requests(): number; stop(): Promise<void> }> {
  let refusal = initial;
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    req.resume();
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': refusal });
    res.end(JSON.stringify({ __type: refusal, message: MESSAGES[refusal] }));
  });
  const url = await listen(server, '');
  return { url, answer: (next) => (refusal = next), requests: () => count, stop: () => closeServer(server) };
}
