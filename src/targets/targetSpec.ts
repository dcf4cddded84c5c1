/**
 * What the user named as the target: a Lambda function (name, `name:qualifier`, partial or full
 * ARN) for the Invoke API, or an http(s) URL for an HTTP endpoint.
 */
import { UsageError } from '../errors.js';

export type TargetSpec =
  | { kind: 'lambda'; functionName: string; qualifier?: string }
  | { kind: 'http'; url: URL };

// The Invoke API's own FunctionName pattern: optional ARN prefix, region, account, `function:`,
// the name, and an optional `:qualifier` ($LATEST, a version or an alias).
const FUNCTION_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export function parseTargetSpec(text: string, qualifierFlag?: string): TargetSpec {
  const target = text.trim();
  if (target === '') {
    throw new UsageError('no target: name a function (my-fn, my-fn:alias, an ARN) or an http(s) URL');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    return { kind: 'http', url: parseUrl(target) };
  }
  const match = FUNCTION_PATTERN.exec(target);
  if (!match || target.length > 170) {
    throw new UsageError(
      `'${target}' is neither a function name, a name:qualifier, a Lambda ARN, nor an http(s) URL`,
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
