/**
 * The HTTP-only inputs of a call, checked before anything is sent. Each parse is given the name of
 * the input it reads (a flag, or a profile's field), and its messages name it so.
 */
import { UsageError } from '../../errors.js';
import type { AsyncVia } from './httpTarget.js';
import { refuseUserInfo } from '../targetSpec.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const ASYNC_VIA_CHOICES: AsyncVia[] = ['header', 'body', 'url'];

/** `--header 'x-api-key: abc'` (repeatable) → a header map; the last of a repeated name wins. */
export function parseHeaders(items: string[], name = '--header'): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon < 0) throw new UsageError(`${name} '${item}' has no colon: write it as name:value, e.g. --header 'x-api-key: abc123'`);
    const header = item.slice(0, colon).trim();
    if (!TOKEN.test(header)) throw new UsageError(`${name} '${item}': '${header}' is not a valid header name`);
    const value = item.slice(colon + 1).trim();
    // A line break would end the header and start another (header injection); no other control
    // character but tab is valid in a value either (undici would refuse it at send time: "could not reach").
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      throw new UsageError(`${name} '${header}': its value holds a line break or another control character, which a header cannot carry; give the value on one line`);
    }
    headers[header.toLowerCase()] = value;
  }
  return headers;
}

/** A header name given on its own (`--async-header`, `--correlation-header`). */
export function parseHeaderName(text: string, flag: string): string {
  if (!TOKEN.test(text)) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a valid header name: use letters, digits and -, e.g. X-Amz-Invocation-Type`);
  return text;
}

export function parseAsyncVia(text: string, name = '--async-via'): AsyncVia {
  const via = text.toLowerCase() as AsyncVia;
  if (!ASYNC_VIA_CHOICES.includes(via)) throw new UsageError(`${name} '${text}' is not one of ${ASYNC_VIA_CHOICES.join(', ')}`);
  return via;
}

export function parseMethod(text: string, name = '--method'): string {
  const method = text.toUpperCase();
  if (!TOKEN.test(method)) throw new UsageError(`${name} '${text}' is not an HTTP method: use GET, POST, PUT…`);
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
  refuseUserInfo(url, flag);
  return url;
}
