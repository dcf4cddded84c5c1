/**
 * One HTTP/1.1 keep-alive connection for one load-test lane: a request at a time, written in one
 * piece, its response read by a small parser made for what a load test gets back (a status line,
 * headers, a body framed by Content-Length, chunked encoding or the connection's end).
 *
 * Why not undici here, as everywhere else: measured on the local stub (50 lanes, one core, CPU per
 * call, alternating runs), an undici `Client` per lane cost 19.5 µs a call, this connection 14.5,
 * autocannon (raw sockets, pre-built requests, http-parser-js) 17.5. undici's request object,
 * header validation, llhttp callbacks and header object cost the difference; with them the client,
 * not the target, capped a load test (`npm run bench:http`). One-off calls (`invoke`) and anything
 * without a lane keep undici. The parser is held to the cases in `test/http1Connection.test.ts`:
 * every split of a response over TCP reads, chunked bodies with extensions and trailers, 1xx
 * answers, bodiless statuses and HEAD, Connection: close, a server closing an idle connection,
 * resets, malformed answers and TLS.
 *
 * It speaks the handler API of undici's dispatchers (onRequestStart … onResponseEnd), so the
 * code that sends a call (exchange.ts) drives either without knowing which. Over 300 lines on
 * purpose: the connection and its response parser are one state machine over one socket. A chunk handed to
 * `onResponseData` is valid only during that call (a handler copies what it keeps): plain-TCP
 * connections read into one buffer that all of this thread's lanes share (`onread`), instead of
 * a new Buffer per read. Measured with 8 lanes draining 50 MB error bodies for 2 s: peak RSS 85 →
 * 48 MB on Node 20 and 186 → 54 MB on Node 24, whose collector lets read buffers pile up.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Dispatcher } from 'undici';

export interface Http1Request {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

type Controller = Dispatcher.DispatchController;

/** Larger response heads are refused: nothing a Lambda or a gateway sends comes near it. */
const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
const BARE_LF_END = Buffer.from('\n\n', 'latin1');
const CONTENT_LENGTH = /^\d{1,15}$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_HEADER_VALUE = /[\r\n\0]/;
/**
 * Where plain-TCP lanes read: one buffer for every lane of this thread, safe because each read is
 * parsed (and what is kept copied) before the next read is made. TLS sockets cannot read this way.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** The bytes of a call refused before it was written. */
const NOTHING = Buffer.alloc(0);
/** As undici's defaults: a connection (TCP and TLS) must be up within 10 s, and an answer may go quiet for at most 300 s (Connections sets the quiet limit per target: deadline.ts). */
export const DEFAULT_TIMEOUTS = { connectMs: 10_000, idleMs: 300_000 };
/** A server's `Keep-Alive: timeout=N` is trusted to N − 1 s, so a lane never writes into a closing connection. */
const KEEP_ALIVE_MARGIN_MS = 1000;

export class Http1ProtocolError extends Error {
  override name = 'Http1ProtocolError';
  readonly code = 'HPE_INVALID_RESPONSE';
}

/** What to do with the body: none, a known length, chunks, or everything until the server closes. */
type BodyMode = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailers'; remaining: number } | { kind: 'close' };

/** The call in progress and where its answer stands. */
class CallInProgress implements Controller {
  aborted = false;
  paused = false;
  reason: Error | null = null;
  /** Reading the head (status line and headers) or the body. */
  stage: 'head' | 'body' = 'head';
  body: BodyMode = { kind: 'none' };
  keepAlive = true;
  /** Written to the socket (after onRequestStart, once connected). */
  started = false;

  constructor(
    readonly handler: Dispatcher.DispatchHandler,
    readonly method: string,
    private readonly connection: Http1Connection,
    /** The whole request, head and body. */
    readonly bytes: Buffer,
  ) {}

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.connection.fail(this, reason);
  }

  // A load test never applies back-pressure to one small answer: both are no-ops.
  pause(): void {}
  resume(): void {}
}

export class Http1Connection {
  private socket: Socket | undefined;
  private connected = false;
  private current: CallInProgress | undefined;
  /** Bytes read but not yet parsed (a head split over reads, a chunk-size line…). */
  private pending: Buffer | undefined;
  private readonly secure: boolean;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  /** When the server's keep-alive hint runs out (performance.now() time), if it gave one. */
  private keepAliveUntil: number | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  /** The last request head written, reused while the same headers object, method and path come back. */
  private lastHead: { headers: Record<string, string>; method: string; path: string; bodyLength: number; bytes: Buffer } | undefined;

  constructor(
    origin: string,
    /** Called for each connection opened. */
    private readonly onConnect: () => void,
    /** TLS sessions shared by the lanes of one origin, so reconnects resume instead of a full handshake. */
    private readonly tlsSessions: { last?: Buffer } = {},
    private readonly timeouts = DEFAULT_TIMEOUTS,
  ) {
    const url = new URL(origin);
    this.secure = url.protocol === 'https:';
    this.host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.port = url.port ? Number(url.port) : this.secure ? 443 : 80;
    this.hostHeader = url.host;
  }

  dispatch(request: Http1Request, handler: Dispatcher.DispatchHandler): boolean {
    const waiting = this.current;
    if (waiting && !waiting.started) {
      // Its call was given up (interrupt, --timeout) while the connection was still being made: the
      // lane has moved on, so this call takes its place on the same connection attempt.
      this.current = undefined;
      waiting.handler.onResponseError?.(waiting, new Error('given up before it was written'));
    } else if (waiting) {
      // A lane never overlaps itself; if it ever did, failing the call says so instead of corrupting both.
      handler.onResponseError?.(new CallInProgress(handler, request.method, this, NOTHING), new Error('a lane sent a second call while its first was in flight'));
      return false;
    }
    // Idle past the server's keep-alive: it may be closing the connection as this call is written.
    if (this.socket && this.connected && this.keepAliveUntil !== undefined && performance.now() > this.keepAliveUntil) this.reset();
    let bytes: Buffer;
    try {
      bytes = this.serialize(request);
    } catch (error) {
      handler.onResponseError?.(new CallInProgress(handler, request.method, this, NOTHING), error as Error);
      return false;
    }
    const call = new CallInProgress(handler, request.method, this, bytes);
    this.current = call;
    // As undici does, the call starts (onRequestStart) when it is written: once the connection is up.
    if (this.socket && this.connected) this.start(call);
    else if (!this.socket) this.open();
    return true;
  }

  private start(call: CallInProgress): void {
    call.started = true;
    call.handler.onRequestStart?.(call, {});
    if (!call.aborted) this.socket!.write(call.bytes);
  }

  close(): void {
    const call = this.current;
    this.current = undefined;
    this.reset();
    call?.handler.onResponseError?.(call, Object.assign(new Error('the connection was closed with the call in flight'), { code: 'UND_ERR_DESTROYED' }));
  }

  /** Ends the current call with an error and drops the connection (its state is unknown). */
  fail(call: CallInProgress, error: Error): void {
    if (this.current !== call) return;
    this.current = undefined;
    this.reset();
    call.handler.onResponseError?.(call, error);
  }

  /** Drops the connection: the next call opens a new one. */
  private reset(): void {
    this.detach()?.destroy();
  }

  /** Forgets the socket and everything known about it; returns it. */
  private detach(): Socket | undefined {
    const socket = this.socket;
    this.socket = undefined;
    this.connected = false;
    this.pending = undefined;
    this.keepAliveUntil = undefined;
    clearTimeout(this.connectTimer);
    return socket;
  }

  private serialize(request: Http1Request): Buffer {
    const bodyLength = request.body?.length ?? 0;
    const last = this.lastHead;
    let head: Buffer;
    if (last && last.headers === request.headers && last.method === request.method && last.path === request.path && last.bodyLength === bodyLength) {
      head = last.bytes;
    } else {
      let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
      let hasHost = false;
      let hasLength = false;
      for (const name in request.headers) {
        const value = request.headers[name]!;
        if (INVALID_HEADER_VALUE.test(value) || INVALID_HEADER_VALUE.test(name)) throw new Error(`invalid character in header ${JSON.stringify(name)}`);
        const lower = name.toLowerCase();
        if (lower === 'host') hasHost = true;
        else if (lower === 'content-length') hasLength = true;
        text += `${name}: ${value}\r\n`;
      }
      if (!hasHost) text += `host: ${this.hostHeader}\r\n`;
      if (!hasLength && (bodyLength > 0 || request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')) text += `content-length: ${bodyLength}\r\n`;
      head = Buffer.from(`${text}\r\n`, 'latin1');
      this.lastHead = { headers: request.headers, method: request.method, path: request.path, bodyLength, bytes: head };
    }
    return bodyLength > 0 ? Buffer.concat([head, request.body!]) : head;
  }

  private open(): Socket {
    const socket = this.secure
      ? tlsConnect({ host: this.host, port: this.port, ALPNProtocols: ['http/1.1'], ...(isIP(this.host) === 0 && { servername: this.host }), ...(this.tlsSessions.last && { session: this.tlsSessions.last }) })
      : netConnect({
          host: this.host,
          port: this.port,
          onread: {
            buffer: READ_BUFFER,
            callback: (bytes: number, buffer: Uint8Array) => {
              if (this.socket === socket) this.onData(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
              return true; // keep reading (false would pause the socket)
            },
          },
        });
    this.socket = socket;
    socket.setNoDelay(true);
    const { connectMs, idleMs } = this.timeouts;
    this.connectTimer = setTimeout(() => {
      if (this.socket === socket) socket.destroy(Object.assign(new Error(`no connection within ${connectMs / 1000} s`), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
    }, connectMs);
    // Quiet for this long: with a call waiting, its answer stopped coming; idle, the connection is let go.
    socket.setTimeout(idleMs, () => {
      if (this.socket === socket) socket.destroy(Object.assign(new Error(`no answer for ${idleMs / 1000} s`), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
    });
    socket.once(this.secure ? 'secureConnect' : 'connect', () => {
      if (this.socket !== socket) return;
      clearTimeout(this.connectTimer);
      this.connected = true;
      this.onConnect();
      const waiting = this.current;
      if (waiting && !waiting.started) this.start(waiting);
    });
    if (this.secure) socket.on('session', (session: Buffer) => (this.tlsSessions.last = session));
    if (this.secure) {
      socket.on('data', (chunk: Buffer) => {
        if (this.socket === socket) this.onData(chunk);
      });
    }
    socket.on('error', (error) => {
      if (this.socket === socket) this.onClosed(error);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.onClosed(undefined);
    });
    return socket;
  }

  /** The server closed (or the socket failed): the end of a read-until-close body, or a failed call. */
  private onClosed(error: Error | undefined): void {
    const call = this.current;
    const wasConnected = this.connected;
    this.detach();
    if (!call) return;
    this.current = undefined;
    if (!error && call.stage === 'body' && call.body.kind === 'close') {
      call.handler.onResponseEnd?.(call, {});
      return;
    }
    const reason =
      error ??
      Object.assign(new Error(wasConnected ? 'the server closed the connection before the answer was complete' : 'the connection closed before it was established'), { code: 'UND_ERR_SOCKET' });
    call.handler.onResponseError?.(call, reason);
  }

  private onData(chunk: Buffer): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    while (data.length > 0) {
      const call = this.current;
      if (!call) {
        // Bytes with no call waiting for them: the connection can no longer be trusted.
        this.reset();
        return;
      }
      const used = call.stage === 'head' ? this.readHead(call, data) : this.readBody(call, data);
      if (used < 0) return; // the call failed; the connection is gone
      if (used === 0) {
        // Kept past this read: a copy, since the read buffer is shared.
        this.pending = Buffer.from(data);
        return;
      }
      data = data.subarray(used);
    }
  }

  /** Parses a whole head if there is one; returns the bytes used (0: wait for more; -1: failed). */
  private readHead(call: CallInProgress, data: Buffer): number {
    // Empty lines before a status line (some servers end a body with an extra CRLF) are skipped.
    let start = 0;
    while (start + 1 < data.length && data[start] === 0x0d && data[start + 1] === 0x0a) start += 2;
    if (start > 0) return start;
    const end = data.indexOf(HEAD_END);
    if (end < 0) {
      if (data.length > MAX_HEAD_BYTES) return this.protocolError(call, `a response head longer than ${MAX_HEAD_BYTES} bytes`);
      if (data.includes(BARE_LF_END)) return this.protocolError(call, 'lines ended by LF alone, not CRLF');
      return 0;
    }
    const lines = data.toString('latin1', 0, end).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
    if (!statusLine) return this.protocolError(call, `not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 60))}`);
    const statusCode = Number(statusLine[2]);
    const headers: IncomingHttpHeaders = {};
    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index]!;
      const colon = line.indexOf(':');
      if (colon <= 0 || !HEADER_NAME.test(line.slice(0, colon))) return this.protocolError(call, `a malformed header line: ${JSON.stringify(line.slice(0, 60))}`);
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers[name];
      if (seen === undefined) headers[name] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else headers[name] = [seen, value];
    }
    const used = end + HEAD_END.length;
    // 1xx answers (100 Continue, 103 Early Hints) come before the real one; 101 is not asked for.
    if (statusCode < 200) {
      if (statusCode === 101) return this.protocolError(call, 'an unasked-for protocol switch (101)');
      return used;
    }
    const connection = String(headers.connection ?? '').toLowerCase();
    call.keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    const hint = /timeout=(\d+)/i.exec(String(headers['keep-alive'] ?? ''));
    this.keepAliveUntil = hint ? performance.now() + Number(hint[1]) * 1000 - KEEP_ALIVE_MARGIN_MS : undefined;
    const encoding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (call.method === 'HEAD' || statusCode === 204 || statusCode === 304) call.body = { kind: 'none' };
    else if (encoding !== undefined && String(encoding).toLowerCase().includes('chunked')) {
      call.body = { kind: 'chunked', state: 'size', remaining: 0 };
      // Both framings at once (RFC 9112 §6.3): read as chunked, then the connection is not trusted again.
      if (length !== undefined) call.keepAlive = false;
    } else if (length !== undefined) {
      const values = Array.isArray(length) ? length : [length];
      if (!values.every((value) => CONTENT_LENGTH.test(value) && value === values[0])) return this.protocolError(call, `a bad Content-Length: ${JSON.stringify(length)}`);
      call.body = { kind: 'length', remaining: Number(values[0]) };
    } else {
      call.body = { kind: 'close' };
      call.keepAlive = false;
    }
    call.stage = 'body';
    call.handler.onResponseStart?.(call, statusCode, headers, statusLine[3] ?? '');
    if (call.aborted) return -1;
    if (call.body.kind === 'none' || (call.body.kind === 'length' && call.body.remaining === 0)) this.complete(call);
    return used;
  }

  /** Hands body bytes to the handler; returns the bytes used (0: wait for more; -1: failed). */
  private readBody(call: CallInProgress, data: Buffer): number {
    const body = call.body;
    switch (body.kind) {
      case 'none':
        return this.protocolError(call, 'bytes after a complete response');
      case 'close':
        call.handler.onResponseData?.(call, data);
        return call.aborted ? -1 : data.length;
      case 'length': {
        const take = Math.min(body.remaining, data.length);
        body.remaining -= take;
        call.handler.onResponseData?.(call, take === data.length ? data : data.subarray(0, take));
        if (call.aborted) return -1;
        if (body.remaining === 0) this.complete(call);
        return take;
      }
      case 'chunked':
        return this.readChunked(call, body, data);
    }
  }

  private readChunked(call: CallInProgress, body: Extract<BodyMode, { kind: 'chunked' }>, data: Buffer): number {
    switch (body.state) {
      case 'size': {
        const end = data.indexOf(CRLF);
        if (end < 0) return data.length > 1024 ? this.protocolError(call, 'a chunk-size line longer than 1 KB') : 0;
        const text = data.toString('latin1', 0, end).split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(text)) return this.protocolError(call, `a bad chunk size: ${JSON.stringify(text.slice(0, 20))}`);
        body.remaining = Number.parseInt(text, 16);
        body.state = body.remaining === 0 ? 'trailers' : 'data';
        return end + CRLF.length;
      }
      case 'data': {
        const take = Math.min(body.remaining, data.length);
        body.remaining -= take;
        call.handler.onResponseData?.(call, take === data.length ? data : data.subarray(0, take));
        if (call.aborted) return -1;
        if (body.remaining === 0) body.state = 'data-end';
        return take;
      }
      case 'data-end': {
        if (data.length < CRLF.length) return 0;
        if (data[0] !== 0x0d || data[1] !== 0x0a) return this.protocolError(call, 'a chunk not followed by CRLF');
        body.state = 'size';
        return CRLF.length;
      }
      case 'trailers': {
        // Trailer lines until an empty one; their content is not needed.
        const end = data.indexOf(CRLF);
        if (end < 0) return data.length > MAX_HEAD_BYTES ? this.protocolError(call, 'trailers too long') : 0;
        if (end === 0) this.complete(call);
        return end + CRLF.length;
      }
    }
  }

  private complete(call: CallInProgress): void {
    this.current = undefined;
    // An answer that came before the request was all written (an early 413): the rest of the body
    // would go out ahead of the next request, so the connection is not reused (undici does the same).
    if (!call.keepAlive || (this.socket?.writableLength ?? 0) > 0) this.reset();
    call.handler.onResponseEnd?.(call, {});
  }

  private protocolError(call: CallInProgress, what: string): -1 {
    this.fail(call, new Http1ProtocolError(`the response could not be read: ${what}`));
    return -1;
  }
}
