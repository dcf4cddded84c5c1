/**
 * What the user named as the target: a Lambda function (name, `name:qualifier`, partial or full
 * ARN) for the Invoke API, an SQS queue (its ARN or URL) that an event source mapping polls, or an
 * http(s) URL for an HTTP endpoint.
 *
 * A queue is told from an HTTP endpoint without guessing: an `arn:…:sqs:` ARN; a URL on SQS's own
 * hosts (`sqs.<region>.amazonaws.com`, `<region>.queue.amazonaws.com`) or an emulator's
 * (`sqs.<region>.localhost…`, as the local stack, fauxqs and LocalStack hand out, or a loopback host,
 * as LocalStack's path-style URLs have) whose path is `/<12-digit account>/<queue name>`; or anything written with an `sqs:` prefix
 * (`sqs:http://127.0.0.1:4566/000000000000/orders`), the explicit way for any other endpoint.
 */
import { UsageError } from '../errors.js';

export type TargetSpec =
  | { kind: 'lambda'; functionName: string; qualifier?: string }
  | { kind: 'http'; url: URL }
  /** `queue`: a URL or an ARN, as given (without the `sqs:` prefix). */
  | { kind: 'queue'; queue: string; fifo: boolean };

const QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const QUEUE_PATH = /^\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?\/?$/;
const QUEUE_HOSTS = [
  /^sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/,
  /^([a-z0-9-]+\.)?queue\.amazonaws\.com$/,
  /^sqs\.[a-z0-9-]+\.localhost(\.localstack\.cloud)?$/,
  // An emulator on this machine (LocalStack's path-style URLs: http://localhost:4566/000000000000/orders).
  /^(localhost|127\.0\.0\.1|\[::1\]|localhost\.localstack\.cloud)$/,
];

/**
 * Whether the user named a queue: a queue's URL or ARN, or anything written `sqs:…` (a malformed
 * one too: a queue was asked for, and the call's own check says what is wrong with it).
 */
export function isQueueTarget(text: string): boolean {
  try {
    return queueTarget(text.trim()) !== undefined;
  } catch {
    return true;
  }
}

/** An SQS queue's URL or ARN (see above); `sqs:` forces it. */
export function queueTarget(text: string): { queue: string; fifo: boolean } | undefined {
  const explicit = /^sqs:/i.test(text) && !/^sqs:\/\//i.test(text);
  const queue = explicit ? text.slice(4) : text;
  if (QUEUE_ARN.test(queue)) return { queue, fifo: queue.endsWith('.fifo') };
  let url: URL;
  try {
    url = new URL(queue);
  } catch {
    if (explicit) throw new UsageError(`'${text}': after sqs: comes a queue URL (http(s)://host/<account>/<name>) or ARN (arn:aws:sqs:<region>:<account>:<name>)`);
    return undefined;
  }
  const isQueue = explicit || (QUEUE_PATH.test(url.pathname) && QUEUE_HOSTS.some((host) => host.test(url.hostname)));
  if (!isQueue) return undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`'${text}' uses ${url.protocol.slice(0, -1)}: a queue URL is http:// or https://`);
  refuseUserInfo(url, 'the queue URL');
  return { queue: url.href, fifo: url.pathname.replace(/\/$/, '').endsWith('.fifo') };
}

// The Invoke API's own FunctionName pattern: optional ARN prefix, region, account, `function:`,
// the name, and an optional `:qualifier` ($LATEST, a version or an alias).
const FUNCTION_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export function parseTargetSpec(text: string, qualifierFlag?: string): TargetSpec {
  const target = text.trim();
  if (target === '') {
    throw new UsageError('no target: name a function (my-fn, my-fn:alias, an ARN), a queue (its URL or ARN) or an http(s) URL');
  }
  const queue = queueTarget(target);
  if (queue) {
    if (qualifierFlag !== undefined) throw new UsageError(`--qualifier applies to functions, not to a queue: the event source mapping names the function`);
    return { kind: 'queue', ...queue };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    return { kind: 'http', url: parseUrl(target) };
  }
  const match = FUNCTION_PATTERN.exec(target);
  if (!match || target.length > 170) {
    throw new UsageError(
      `'${target}' is neither a function name, a name:qualifier, a Lambda ARN, a queue URL or ARN, nor an http(s) URL`,
    );
  }
  const nameQualifier = match[12];
  if (qualifierFlag !== undefined && nameQualifier !== undefined && qualifierFlag !== nameQualifier) {
    throw new UsageError(
      `--qualifier '${qualifierFlag}' contradicts the qualifier '${nameQualifier}' in '${target}': give only one`,
    );
  }
  const qualifier = qualifierFlag ?? undefined;
  return { kind: 'lambda', functionName: target, ...(qualifier !== undefined && { qualifier }) };
}

/** A function as parseTargetSpec took it, split into the function (name or ARN) and the qualifier written after it, if any. */
export function splitQualifier(functionName: string): { name: string; qualifier?: string } {
  const qualifier = FUNCTION_PATTERN.exec(functionName)?.[12];
  return qualifier === undefined ? { name: functionName } : { name: functionName.slice(0, -(qualifier.length + 1)), qualifier };
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a valid URL: check for typos, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod/run`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`'${text}' uses ${url.protocol.slice(0, -1)}: only http:// and https:// URLs can be invoked`);
  }
  refuseUserInfo(url, 'the target URL');
  return url;
}

/**
 * `https://user:password@host/…`: not sent (neither undici nor a gateway takes it from the URL) and
 * the URL is printed and saved in reports, password and all. Refused, naming the URL without it.
 */
export function refuseUserInfo(url: URL, what: string): void {
  if (url.username === '' && url.password === '') return;
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  throw new UsageError(
    `${what} ${shown.href} has a user name or password in it, which lambench would neither send nor keep secret: ` +
      `remove it and pass --header 'authorization: Basic <base64 of user:password>'`,
  );
}
