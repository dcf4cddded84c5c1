/** The HTTP-only inputs of `invoke` (and later `bench`), checked before anything is sent. */
import { UsageError } from '../errors.js';
import type { AsyncVia } from './httpTarget.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const ASYNC_VIA_CHOICES: AsyncVia[] = ['header', 'body', 'url'];

/** `--header 'x-api-key: abc'` (repeatable) → a header map; the last of a repeated name wins. */
export function parseHeaders(items: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon < 0) throw new UsageError(`--header '${item}' has no colon: write it as name:value, e.g. --header 'x-api-key: abc123'`);
    const name = item.slice(0, colon).trim();
    if (!TOKEN.test(name)) throw new UsageError(`--header '${item}': '${name}' is not a valid header name`);
    headers[name.toLowerCase()] = item.slice(colon + 1).trim();
  }
  return headers;
}

export function parseAsyncVia(text: string): AsyncVia {
  const via = text.toLowerCase() as AsyncVia;
  if (!ASYNC_VIA_CHOICES.includes(via)) throw new UsageError(`--async-via '${text}' is not one of ${ASYNC_VIA_CHOICES.join(', ')}`);
  return via;
}

export function parseMethod(text: string): string {
  const method = text.toUpperCase();
  if (!TOKEN.test(method)) throw new UsageError(`--method '${text}' is not an HTTP method: use GET, POST, PUT…`);
  return method;
}

export function parseHttpUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} '${text}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} '${text}' must be an http:// or https:// URL`);
  return url;
}
