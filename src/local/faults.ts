/**
 * Fault switches for the local stack: one line per fault, so a flag, a config file and a test all
 * say it the same way.
 *
 *   SCOPE:KIND [VALUE] [p=P] [FROM..TO]
 *
 *   SCOPE  lambda | api | sqs | logs (CloudWatch Logs), and for lambda and api optionally :FUNCTION (lambda:square)
 *   KIND   latency D | latency D1..D2 (uniform)   every front: the answer comes that much later
 *          error                                 lambda only: the function fails (Unhandled, InjectedFault),
 *                                                wherever it was invoked from (Invoke API, api front, async)
 *          throttle                              429 with a Reason (lambda, api); SQS's RequestThrottled (sqs);
 *                                                400 ThrottlingException "Rate exceeded" (logs)
 *          status 5xx                            that status from the front itself (lambda, api)
 *          reset                                 the connection is reset, no answer (lambda, api)
 *          hang                                  the request is held open and never answered (every front)
 *          refuse                                sqs only: the connection is closed before any answer
 *          deny OPERATION                        lambda and logs: AccessDeniedException (403 from Lambda, 400
 *                                                from CloudWatch Logs) for that API operation (e.g. deny
 *                                                GetFunctionEventInvokeConfig, logs:deny FilterLogEvents; the IAM
 *                                                action lambda:GetFunctionEventInvokeConfig is read the same),
 *                                                as an identity without that permission gets
 *   p=P    each request draws the fault with probability P (0 < P ≤ 1, or a percentage); default 1
 *   FROM..TO  only from FROM to TO after the stack started (3s..5s; TO may be left out: 3s..);
 *             durations in ms, s, m or h
 *
 * p and a window may be combined: both must hold. Parsing throws FaultSpecError with one line that
 * names the bad part and the fix.
 */

import { DENIABLE } from './faultOperations.js';

export type FaultFront = 'lambda' | 'api' | 'sqs' | 'logs';
export type FaultKind = 'latency' | 'error' | 'throttle' | 'status' | 'reset' | 'hang' | 'refuse' | 'deny';

export interface Fault {
  /** The fault written out in the grammar, normalised (what the stack lists). */
  spec: string;
  front: FaultFront;
  /** Only requests for this function (lambda and api fronts); absent: every function. */
  functionName?: string;
  kind: FaultKind;
  /** latency: drawn uniformly from min to max (equal for a fixed latency). */
  latencyMs?: { min: number; max: number };
  /** status: the HTTP status the front answers with. */
  status?: number;
  /** deny: the API operation refused (e.g. GetFunctionEventInvokeConfig, FilterLogEvents). */
  operation?: string;
  /** Chance per request, 1 when not given. */
  probability: number;
  /** Milliseconds since the stack started; `toMs` absent: until the stack stops. */
  window?: { fromMs: number; toMs?: number };
}

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/** Which kinds each front knows. */
export const FAULT_KINDS: Readonly<Record<FaultFront, readonly FaultKind[]>> = {
  lambda: ['latency', 'error', 'throttle', 'status', 'reset', 'hang', 'deny'],
  api: ['latency', 'throttle', 'status', 'reset', 'hang'],
  sqs: ['latency', 'throttle', 'refuse', 'hang'],
  logs: ['latency', 'throttle', 'hang', 'deny'],
};

export const FAULT_EXAMPLES = "e.g. 'lambda:square:error p=0.2', 'api:latency 50ms..500ms', 'sqs:refuse 3s..5s', 'lambda:deny GetFunctionEventInvokeConfig'";

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One fault from its line; throws FaultSpecError naming the bad part. */
export function parseFault(text: string): Fault {
  const [scope = '', ...words] = text.trim().split(/\s+/);
  const bad = (part: string, fix: string) => new FaultSpecError(`fault '${text.trim()}': ${part} ${fix}`);
  const segments = scope.split(':');
  if (segments.length < 2 || segments.length > 3) {
    throw bad(`'${scope}'`, `must be SCOPE:KIND or SCOPE:FUNCTION:KIND with SCOPE lambda, api, sqs or logs (${FAULT_EXAMPLES})`);
  }
  const [frontText, ...rest] = segments as [string, ...string[]];
  if (!isFront(frontText)) throw bad(`scope '${frontText}'`, `must be lambda, api, sqs or logs (${FAULT_EXAMPLES})`);
  const front = frontText;
  const functionName = rest.length === 2 ? rest[0]! : undefined;
  const kindText = rest[rest.length - 1]!;
  if (functionName !== undefined) {
    if (front === 'sqs' || front === 'logs') throw bad(`'${front}:${functionName}'`, `takes no function name: write ${front}:KIND, e.g. ${front === 'sqs' ? 'sqs:refuse 3s..5s' : 'logs:throttle p=0.5'}`);
    if (!FUNCTION_NAME.test(functionName)) throw bad(`function '${functionName}'`, 'is not a function name (1-64 letters, digits, - and _)');
  }
  const kinds = FAULT_KINDS[front];
  if (!(kinds as readonly string[]).includes(kindText)) {
    const hint = kindText === 'error' && front === 'api' ? ' (a function error is the function\'s: write lambda:FUNCTION:error, which the api front answers with 502)' : '';
    throw bad(`kind '${kindText}'`, `is not one of ${front}'s: ${kinds.join(', ')}${hint}`);
  }
  const kind = kindText as FaultKind;
  const fault: Fault = { spec: '', front, kind, probability: 1, ...(functionName !== undefined && { functionName }) };

  let index = 0;
  if (kind === 'latency') {
    const value = words[index++];
    const range = value === undefined ? undefined : parseRange(value);
    if (!range || range.to === undefined || range.to < range.from) {
      throw bad(value === undefined ? 'latency' : `latency '${value}'`, 'needs how long: a duration (200ms) or a uniform range (50ms..500ms), low to high');
    }
    fault.latencyMs = { min: range.from, max: range.to };
  } else if (kind === 'status') {
    const value = words[index++];
    const status = Number(value);
    if (value === undefined || !/^\d{3}$/.test(value) || status < 500 || status > 599) {
      throw bad(value === undefined ? 'status' : `status '${value}'`, 'needs a 5xx status code, e.g. status 503');
    }
    fault.status = status;
  } else if (kind === 'deny') {
    const value = words[index++];
    const { operations, api, example } = DENIABLE[front]!;
    const operation = value?.replace(new RegExp(`^${front}:`), '');
    if (operation === undefined || !operations.includes(operation)) {
      throw bad(value === undefined ? 'deny' : `deny '${value}'`, `needs the ${api} API operation to refuse, one of ${operations.join(', ')} (e.g. ${example})`);
    }
    fault.operation = operation;
  }
  for (const word of words.slice(index)) {
    if (word.startsWith('p=')) {
      const probability = parseProbability(word.slice(2));
      if (probability === undefined) throw bad(`'${word}'`, 'must be a probability above 0 and at most 1 (p=0.2) or a percentage (p=20%)');
      fault.probability = probability;
      continue;
    }
    const range = word.includes('..') ? parseRange(word) : undefined;
    if (range && (range.to === undefined || range.to > range.from) && !fault.window) {
      fault.window = { fromMs: range.from, ...(range.to !== undefined && { toMs: range.to }) };
      continue;
    }
    throw bad(
      `'${word}'`,
      word.includes('..') ? 'is not a window from an earlier to a later time (3s..5s, or 3s.. for "from 3 s on"), or a second one' : 'is neither p=P nor a window FROM..TO (e.g. p=0.1 or 3s..5s)',
    );
  }
  fault.spec = describeFault(fault);
  return fault;
}

/** Every line parsed; all problems, one per entry, instead of the first only. */
export function parseFaults(lines: readonly string[]): { faults: Fault[]; problems: string[] } {
  const faults: Fault[] = [];
  const problems: string[] = [];
  for (const line of lines) {
    try {
      faults.push(parseFault(line));
    } catch (error) {
      if (!(error instanceof FaultSpecError)) throw error;
      problems.push(error.message);
    }
  }
  return { faults, problems };
}

/** The fault in the grammar, normalised: what `lambench local` lists and `--fault` accepts back. */
export function describeFault(fault: Fault): string {
  const scope = [fault.front, ...(fault.functionName !== undefined ? [fault.functionName] : []), fault.kind].join(':');
  const parts = [scope];
  if (fault.latencyMs) parts.push(fault.latencyMs.min === fault.latencyMs.max ? ms(fault.latencyMs.min) : `${ms(fault.latencyMs.min)}..${ms(fault.latencyMs.max)}`);
  if (fault.status !== undefined) parts.push(String(fault.status));
  if (fault.operation !== undefined) parts.push(fault.operation);
  if (fault.probability !== 1) parts.push(`p=${fault.probability}`);
  if (fault.window) parts.push(`${ms(fault.window.fromMs)}..${fault.window.toMs === undefined ? '' : ms(fault.window.toMs)}`);
  return parts.join(' ');
}

/** What a request drew: the latency to add first, then the fault that decides its answer (if any). */
export interface FaultDraw {
  latencyMs: number;
  fault?: Fault;
}

/**
 * The faults of one stack, drawn per request. Windows count from `start()` (when the stack is
 * listening): nothing fires before it, so the stack's own setup (creating queues) is never faulted.
 */
export class FaultPlan {
  private startedAt: number | undefined;
  /** How often each fault fired, by its position in `faults`. */
  readonly fired: number[];

  constructor(
    readonly faults: readonly Fault[],
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {
    this.fired = faults.map(() => 0);
  }

  start(): void {
    this.startedAt = this.now();
  }

  /**
   * Draws the faults of `kinds` for one request to `front` (for `functionName`, if it names one;
   * a deny fault only for its `operation`).
   * Latencies that fire add up; of the other faults, the first that fires (in the order given) wins.
   */
  draw(front: FaultFront, functionName: string | undefined, kinds: readonly FaultKind[], operation?: string): FaultDraw {
    const result: FaultDraw = { latencyMs: 0 };
    if (this.startedAt === undefined || this.faults.length === 0) return result;
    const elapsed = this.now() - this.startedAt;
    this.faults.forEach((fault, index) => {
      if (fault.front !== front || !kinds.includes(fault.kind)) return;
      if (fault.functionName !== undefined && fault.functionName !== functionName) return;
      if (fault.operation !== undefined && fault.operation !== operation) return;
      if (fault.window && (elapsed < fault.window.fromMs || (fault.window.toMs !== undefined && elapsed >= fault.window.toMs))) return;
      if (fault.kind !== 'latency' && result.fault) return;
      if (fault.probability < 1 && this.random() >= fault.probability) return;
      this.fired[index]! += 1;
      if (fault.kind === 'latency') {
        const { min, max } = fault.latencyMs!;
        result.latencyMs += min === max ? min : min + (max - min) * this.random();
      } else result.fault = fault;
    });
    return result;
  }
}

/** Parses the faults given as text and checks that the functions they name exist; every problem in one FaultSpecError. */
export function checkFaults(given: (string | Fault)[], functionNames: string[]): Fault[] {
  const all: Fault[] = [];
  const problems: string[] = [];
  // In the order given: of the faults that fire together, the first decides the answer.
  for (const item of given) {
    if (typeof item !== 'string') all.push(item);
    else {
      const parsed = parseFaults([item]);
      all.push(...parsed.faults);
      problems.push(...parsed.problems);
    }
  }
  for (const fault of all) {
    if (fault.functionName !== undefined && !functionNames.includes(fault.functionName)) {
      problems.push(`fault '${fault.spec}': no function named '${fault.functionName}' (the functions are ${functionNames.join(', ')})`);
    }
  }
  if (problems.length > 0) throw new FaultSpecError(problems.join('; '));
  return all;
}

function isFront(text: string): text is FaultFront {
  return Object.hasOwn(FAULT_KINDS, text);
}

/** `200ms` → {from: 200, to: 200}; `50ms..500ms` → {from: 50, to: 500}; `3s..` → {from: 3000}. */
function parseRange(text: string): { from: number; to?: number } | undefined {
  const [fromText, toText, ...extra] = text.split('..');
  if (extra.length > 0 || fromText === undefined) return undefined;
  const from = parseMs(fromText);
  if (from === undefined) return undefined;
  if (toText === undefined) return { from, to: from };
  if (toText === '') return { from };
  const to = parseMs(toText);
  return to === undefined ? undefined : { from, to };
}

function parseMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

function parseProbability(text: string): number | undefined {
  const percent = text.endsWith('%');
  const value = Number(percent ? text.slice(0, -1) : text);
  if (text === '' || text === '%' || !Number.isFinite(value)) return undefined;
  const probability = percent ? value / 100 : value;
  return probability > 0 && probability <= 1 ? probability : undefined;
}

/** 200 → 200ms, 3000 → 3s, 1500 → 1.5s, 120000 → 2m, 3600000 → 1h. */
function ms(value: number): string {
  if (value === 0) return '0s';
  if (value > 0 && value % 3_600_000 === 0) return `${value / 3_600_000}h`;
  if (value > 0 && value % 60_000 === 0) return `${value / 60_000}m`;
  return value >= 1000 && value % 100 === 0 ? `${value / 1000}s` : `${value}ms`;
}
