/**
 * CloudWatch Logs filter patterns, the part of the syntax the local stack serves: read once per
 * request into a predicate over one event's message. Anything outside it is refused with AWS's
 * InvalidParameterException naming what is not supported, never matched loosely.
 *
 * - empty: every event;
 * - terms (case-sensitive substrings, ANDed): `REPORT`, `"Init Duration"`, `"REPORT" "c0ffee-…"`,
 *   a request ID unquoted; `-term` excludes; `?a ?b` matches either (OR terms, all with `?`);
 * - JSON: `{ $.type = "platform.report" }`, `{ $.record.requestId = "…" || $.level = "ERROR" }`,
 *   selectors `$.a.b` and `$.a[0]`, `=` / `!=` on strings (`*` a wildcard) or numbers, `<`, `>`,
 *   `<=`, `>=` on numbers, `&&`, `||` and parentheses. Only events whose message is a JSON object match.
 */
import { AwsServiceError } from './awsErrors.js';

export type Matcher = (message: string) => boolean;

const SUPPORTED = 'this local stack reads: terms ("REPORT", ?a ?b, -x) and JSON comparisons ({ $.field = "value" } with && and ||)';
const BARE_TERM = /^[A-Za-z0-9_.:/-]+$/;

function invalid(pattern: string, why: string): AwsServiceError {
  return new AwsServiceError(400, 'InvalidParameterException', `Invalid filter pattern '${pattern}': ${why} (${SUPPORTED})`);
}

export function compileFilterPattern(given: string | undefined): Matcher {
  const pattern = (given ?? '').trim();
  if (pattern === '') return () => true;
  if (pattern.startsWith('{')) return compileJson(pattern);
  if (pattern.startsWith('[')) throw invalid(pattern, 'space-delimited patterns ([a, b, …]) are not supported');
  if (pattern.startsWith('%')) throw invalid(pattern, 'regular expressions (%…%) are not supported');
  return compileTerms(pattern);
}

function compileTerms(pattern: string): Matcher {
  const terms: { text: string; mode: 'and' | 'or' | 'not' }[] = [];
  const token = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = token.exec(pattern)) !== null) {
    end = token.lastIndex;
    const [, prefix, quoted, bare] = match;
    if (bare !== undefined && !BARE_TERM.test(bare)) throw invalid(pattern, `the term ${bare} has characters other than letters, digits and _ . : / -, so it must be in double quotes`);
    const text = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!;
    terms.push({ text, mode: prefix === '?' ? 'or' : prefix === '-' ? 'not' : 'and' });
  }
  if (pattern.slice(end).trim() !== '') throw invalid(pattern, 'a quote is not closed');
  const ors = terms.filter((term) => term.mode === 'or').map((term) => term.text);
  if (ors.length > 0 && ors.length !== terms.length) throw invalid(pattern, '?term (OR) cannot be mixed with other terms');
  if (ors.length > 0) return (message) => ors.some((text) => message.includes(text));
  const required = terms.filter((term) => term.mode === 'and').map((term) => term.text);
  const excluded = terms.filter((term) => term.mode === 'not').map((term) => term.text);
  return (message) => required.every((text) => message.includes(text)) && !excluded.some((text) => message.includes(text));
}

type Expression = (document: unknown) => boolean;
type Token = { kind: 'op' | 'paren' | 'logic' | 'selector' | 'string' | 'number' | 'word'; text: string };

const JSON_TOKEN = /\s*(?:(\|\||&&)|([()])|(!=|<=|>=|=|<|>)|(\$(?:\.[A-Za-z0-9_@-]+|\[\d+\])*)|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?(?![A-Za-z_*]))|([A-Za-z0-9_.*:/-]+))/y;

function compileJson(pattern: string): Matcher {
  if (!pattern.endsWith('}')) throw invalid(pattern, 'a JSON pattern must end with }');
  const body = pattern.slice(1, -1);
  const tokens: Token[] = [];
  JSON_TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  let end = 0;
  while (end < body.length && (match = JSON_TOKEN.exec(body)) !== null) {
    end = JSON_TOKEN.lastIndex;
    const [, logic, paren, op, selector, string, number, word] = match;
    if (logic) tokens.push({ kind: 'logic', text: logic });
    else if (paren) tokens.push({ kind: 'paren', text: paren });
    else if (op) tokens.push({ kind: 'op', text: op });
    else if (selector) tokens.push({ kind: 'selector', text: selector });
    else if (string !== undefined) tokens.push({ kind: 'string', text: string.replace(/\\(.)/g, '$1') });
    else if (number) tokens.push({ kind: 'number', text: number });
    else tokens.push({ kind: 'word', text: word! });
  }
  if (body.slice(end).trim() !== '') throw invalid(pattern, `cannot read '${body.slice(end).trim()}'`);
  let index = 0;
  const peek = () => tokens[index];
  const next = () => tokens[index++];
  const parseOr = (): Expression => {
    const parts = [parseAnd()];
    while (peek()?.text === '||') {
      next();
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (document) => parts.some((part) => part(document));
  };
  const parseAnd = (): Expression => {
    const parts = [parsePrimary()];
    while (peek()?.text === '&&') {
      next();
      parts.push(parsePrimary());
    }
    return parts.length === 1 ? parts[0]! : (document) => parts.every((part) => part(document));
  };
  const parsePrimary = (): Expression => {
    const token = next();
    if (token?.text === '(') {
      const inner = parseOr();
      if (next()?.text !== ')') throw invalid(pattern, 'a parenthesis is not closed');
      return inner;
    }
    if (token?.kind !== 'selector') throw invalid(pattern, `expected a selector such as $.type${token ? `, not '${token.text}'` : ''}`);
    const op = next();
    if (op?.kind !== 'op') throw invalid(pattern, `${token.text} must be followed by =, !=, <, >, <= or >= (IS, EXISTS and the like are not supported)`);
    const value = next();
    if (!value || !['string', 'number', 'word'].includes(value.kind)) throw invalid(pattern, `${token.text} ${op.text} needs a value`);
    return comparison(pattern, selectorPath(token.text), op.text, value);
  };
  const expression = parseOr();
  if (index < tokens.length) throw invalid(pattern, `unexpected '${tokens[index]!.text}'`);
  return (message) => {
    const text = message.trim();
    if (!text.startsWith('{')) return false;
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return false;
    }
    return expression(document);
  };
}

function selectorPath(selector: string): (string | number)[] {
  return [...selector.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map(([, key, position]) => (key !== undefined ? key : Number(position)));
}

function comparison(pattern: string, path: (string | number)[], op: string, value: Token): Expression {
  const read = (document: unknown): unknown => path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document);
  if (value.kind === 'number') {
    const expected = Number(value.text);
    const test: Record<string, (actual: number) => boolean> = {
      '=': (actual) => actual === expected,
      '!=': (actual) => actual !== expected,
      '<': (actual) => actual < expected,
      '>': (actual) => actual > expected,
      '<=': (actual) => actual <= expected,
      '>=': (actual) => actual >= expected,
    };
    return (document) => {
      const actual = read(document);
      return typeof actual === 'number' && test[op]!(actual);
    };
  }
  if (op !== '=' && op !== '!=') throw invalid(pattern, `${op} compares numbers only, not '${value.text}'`);
  const glob = new RegExp(`^${value.text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (document) => {
    const actual = read(document);
    if (actual === undefined || actual === null || typeof actual === 'object') return false;
    return glob.test(String(actual)) === (op === '=');
  };
}
