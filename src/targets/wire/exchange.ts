/**
 * One HTTP request and its response, through the handler API of undici's dispatchers (which
 * lambench's own lane connection, http1Connection.ts, speaks too) rather than undici's
 * `request()`: no body stream per call, and only the bodies a caller asks for are buffered. Both
 * HTTP-based targets send through here. Measured on the local stub (50 connections, client CPU
 * per call, one process each): `request()` + `body.dump()` cost about 1.4× what `dispatch()` with
 * a handler costs.
 *
 * Per call there is one handler object (a class: its methods are shared, not closures made per
 * call) and one promise. Abort signals: the run's one signal is listened to once; the calls in
 * flight hang on an intrusive list (a Set of controllers cost 10 µs of CPU per call here, mostly
 * in the garbage collector, against about 25 µs for the whole call). A short timeout is one timer
 * per call, not `AbortSignal.any` (which, on Node 20, kept every call's signal alive as long as the
 * run's); a deadline of SWEPT_DEADLINE_MS or more (the default 16 minutes, deadline.ts) costs a
 * call on a run's list no timer at all: the list is swept for late calls every SWEEP_EVERY_MS.
 *
 * Over 300 lines on purpose: this is the load test's hot path for both HTTP transports (one
 * handler, the in-flight list, deadlines, kept bodies), kept in one file so its per-call costs
 * can be read, and measured, together.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { networkFailure } from './callFailure.js';
import type { Dispatch } from './connections.js';
import type { InvokeRequest, Outcome } from '../types.js';
import { epochAt } from '../../time.js';

/**
 * One call, as handed to the connection itself (its origin, path, method, headers and body: set
 * only when there is one) plus what the exchange needs around it. Dispatchers read only their fields.
 */
export interface ExchangeRequest {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** The run's signal: aborts the call when it fires. */
  signal?: AbortSignal;
  /** Whole-call limit in milliseconds: one timer, cleared when the call ends. */
  timeoutMs?: number;
  /**
   * How many bytes of this response's body to keep (decided on its status and headers): 0 keeps
   * none. The rest is read and dropped, so a huge answer costs the client no more than this.
   */
  keepBody: (statusCode: number, headers: IncomingHttpHeaders) => number;
}

/**
 * Bytes kept of a body a caller shows whole (`invoke` prints the payload): well above the largest
 * answer Lambda (6 MB) or API Gateway (10 MB) gives, so only a foreign server's flood is cut.
 */
export const SHOWN_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
/**
 * Bytes kept of an error body in a load test, which keeps 300 characters of it as an example:
 * enough for any error document's message, little enough that eight 50 MB error pages in flight
 * cost nothing (issue 11: they took the client to 791 MB when kept whole).
 */
export const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

/** An answer as it came back: its status, headers and what was kept of its body. */
export interface HttpAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  /** True when the body was longer than what was kept of it (`body` is its first bytes). */
  bodyCut?: boolean;
}

/**
 * Reads an answer into the call's outcome, which arrives filled with the timing, the status and
 * class 'ok' (always the same shape, built by the exchange); returns it, changed or replaced.
 */
export type ReadAnswer = (response: HttpAnswer, outcome: Outcome) => Outcome;

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

/** The calls in flight under one signal, as a doubly linked list through their handlers. */
interface InFlight {
  head: CallHandler | undefined;
  /** Ends the listed calls past their deadline; runs while the list has calls. */
  sweeper: NodeJS.Timeout | undefined;
}

/** Deadlines this long or longer are checked by sweeping the run's list, not by a timer per call. */
export const SWEPT_DEADLINE_MS = 5_000;
/** How often the list is swept: a swept deadline ends its call at most this late (5% of the shortest). */
const SWEEP_EVERY_MS = 250;

function startSweeper(list: InFlight): NodeJS.Timeout {
  const sweeper = setInterval(() => {
    if (!list.head) {
      clearInterval(sweeper);
      list.sweeper = undefined;
      return;
    }
    const now = performance.now();
    // Ending a call takes it off the list at once: read its successor first.
    for (let call: CallHandler | undefined = list.head; call; ) {
      const next: CallHandler | undefined = call.next;
      if (call.deadlineAt <= now) call.expire();
      call = next;
    }
  }, SWEEP_EVERY_MS);
  // A sweep never keeps the process alive: the calls it watches do, through their sockets.
  sweeper.unref();
  return sweeper;
}

const inFlight = new WeakMap<AbortSignal, InFlight>();

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}

function callsUnder(signal: AbortSignal): InFlight {
  let calls = inFlight.get(signal);
  if (!calls) {
    const list: InFlight = { head: undefined, sweeper: undefined };
    calls = list;
    inFlight.set(signal, list);
    signal.addEventListener('abort', () => {
      const reason = abortReason(signal);
      // Stopping a call takes it off the list at once: read its successor first.
      for (let call = list.head; call; ) {
        const next = call.next;
        call.stop(reason);
        call = next;
      }
    }, { once: true });
  }
  return calls;
}

class CallHandler implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  /** The request went out: the transport started it (undici: once connected, as it writes it). */
  private started = false;
  /** Stopped (interrupt, timeout) before the transport started it: aborted as soon as it does. */
  private stopped: Error | undefined;
  next: CallHandler | undefined;
  private previous: CallHandler | undefined;
  private list: InFlight | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When a swept deadline runs out (performance.now() time); never, without one. */
  deadlineAt = Number.POSITIVE_INFINITY;
  private response: HttpAnswer | undefined;
  private chunks: Buffer[] | undefined;
  /** Bytes of the body still to keep; what comes after is read and dropped. */
  private room = 0;
  private done = false;
  readonly sentAt = Date.now();
  private readonly start = performance.now();

  constructor(
    private readonly request: ExchangeRequest,
    private readonly clientRequestId: string | undefined,
    private readonly read: ReadAnswer,
    private readonly resolve: (outcome: Outcome) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    // On the run's list and timed from the dispatch, not from when the transport starts the call:
    // a call still waiting for its connection can be interrupted and time out too.
    const { signal, timeoutMs } = request;
    if (signal) {
      const list = callsUnder(signal);
      this.list = list;
      this.next = list.head;
      if (list.head) list.head.previous = this;
      list.head = this;
    }
    if (timeoutMs) {
      const list = this.list;
      if (list && timeoutMs >= SWEPT_DEADLINE_MS) {
        this.deadlineAt = this.start + timeoutMs;
        list.sweeper ??= startSweeper(list);
      } else {
        this.timer = setTimeout(() => this.expire(), timeoutMs);
      }
    }
  }

  /** The call's deadline ran out. */
  expire(): void {
    this.stop(new DOMException(`no complete answer within ${this.request.timeoutMs} ms`, 'TimeoutError'));
  }

  /** Interrupt or timeout: aborts the call through its transport, or ends it now if it has not started. */
  stop(reason: Error): void {
    if (this.controller) {
      this.controller.abort(reason);
      return;
    }
    this.stopped = reason;
    this.giveUp(reason, false);
  }

  onRequestStart(controller: Controller): void {
    if (this.stopped) {
      controller.abort(this.stopped);
      return;
    }
    this.controller = controller;
    this.started = true;
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return;
    this.response = { statusCode, headers };
    this.room = this.request.keepBody(statusCode, headers);
    this.chunks = this.room > 0 ? [] : undefined;
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    const chunks = this.chunks;
    if (chunks === undefined) return;
    const room = this.room;
    // Copies of what is kept: a lane connection's chunk is a view of its read buffer, valid only
    // during this call (http1Connection.ts), and a view of part of a chunk would pin all of it.
    if (chunk.length <= room) {
      chunks.push(Buffer.from(chunk));
      this.room = room - chunk.length;
      return;
    }
    if (room > 0) chunks.push(Buffer.from(chunk.subarray(0, room)));
    this.room = 0;
    this.response!.bodyCut = true;
  }

  onResponseEnd(): void {
    const end = this.settle();
    if (end === undefined) return;
    const response = this.response;
    if (!response) {
      this.fail(new Error('the response ended without a status'), end, true);
      return;
    }
    const chunks = this.chunks;
    if (chunks) response.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    // Reading the answer is outside the network error handling: a bug in it is not a network failure.
    let outcome: Outcome;
    try {
      outcome = this.read(response, this.outcome('ok', response.statusCode, end));
    } catch (error) {
      this.reject(error);
      return;
    }
    this.resolve(outcome);
  }

  onResponseError(_controller: Controller, error: Error): void {
    // Refused before it was written (no connection, an invalid request): it never went out.
    this.giveUp(error, this.started);
  }

  /** A call that got no whole answer (timeout, interrupt, network); `sent` false: it never went out. */
  giveUp(error: Error, sent = true): void {
    const end = this.settle();
    if (end !== undefined) this.fail(error, end, sent);
  }

  private fail(error: Error, end: number, sent: boolean): void {
    const failure = networkFailure(error, this.request.timeoutMs);
    const outcome = this.outcome(failure.class, undefined, end);
    if (!sent) outcome.attempts = 0;
    outcome.errorType = failure.errorType;
    outcome.errorMessage = failure.errorMessage;
    this.resolve(outcome);
  }

  /** `end`: when the call ended (performance.now() time). */
  private outcome(kind: Outcome['class'], statusCode: number | undefined, end: number): Outcome {
    const outcome: Outcome = { class: kind, statusCode, sentAt: this.sentAt, serviceTimeMs: end - this.start, endedAt: epochAt(end), attempts: 1 };
    if (this.clientRequestId) outcome.clientRequestId = this.clientRequestId;
    return outcome;
  }

  /** Ends the call's bookkeeping once; returns when it ended (performance.now() time), or undefined if it had already ended. */
  private settle(): number | undefined {
    if (this.done) return undefined;
    this.done = true;
    const end = performance.now();
    if (this.timer) clearTimeout(this.timer);
    const list = this.list;
    if (list) {
      if (this.previous) this.previous.next = this.next;
      else list.head = this.next;
      if (this.next) this.next.previous = this.previous;
      this.next = this.previous = this.list = undefined;
    }
    this.controller = undefined;
    return end;
  }
}

/**
 * Sends one call and times it, for every undici-based target: no answer at all is classified
 * here (timeout, interrupt, network); an answer is handed to `read` with the timing, outside
 * the error handling, so a bug in reading it is not mistaken for a network failure (the promise
 * rejects with it instead).
 */
export function timedExchange(
  dispatcher: Dispatch,
  exchangeRequest: ExchangeRequest,
  call: Pick<InvokeRequest, 'clientRequestId'>,
  read: ReadAnswer,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const handler = new CallHandler(exchangeRequest, call.clientRequestId, read, resolve, reject);
    const { signal } = exchangeRequest;
    if (signal?.aborted) {
      handler.giveUp(abortReason(signal), false);
      return;
    }
    try {
      // The call itself is the dispatch options: no second object per call.
      dispatcher.dispatch(exchangeRequest, handler);
    } catch (error) {
      // undici refuses some requests before sending (an invalid header, a closed dispatcher).
      handler.giveUp(error as Error, false);
    }
  });
}

/** A header's first value (undici gives arrays for repeated headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
