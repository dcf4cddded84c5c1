/**
 * The connections an HTTP-based target sends on. Calls with no lane (one-off calls) share an
 * undici Agent's pool; a load test's calls carry a lane number and go on that lane's own
 * connection, the way autocannon and wrk give every virtual user a socket. A lane's calls never
 * overlap (a closed-loop worker is a lane; the open loop lends each call in flight a free lane), so
 * its connection is never contended and no pool bookkeeping sits in the hot path.
 *
 * A lane's connection is lambench's own lean HTTP/1.1 connection (http1Connection.ts, where the
 * measurements are); `LAMBENCH_LANE_CLIENT=undici` puts an undici `Client` there instead, should a
 * server ever answer in a way only undici reads.
 */
import { Agent, Client } from 'undici';
import { HTTP_SILENCE_LIMIT_MS } from './deadline.js';
import { DEFAULT_TIMEOUTS, Http1Connection, type Http1Request } from './http1Connection.js';
import type { Dispatcher } from 'undici';

const KEEP_ALIVE_MS = 30_000;

/** What the exchange needs of a connection: undici's dispatchers and Http1Connection both have it. */
export interface Dispatch {
  dispatch(request: Http1Request & { origin?: string }, handler: Dispatcher.DispatchHandler): boolean;
}

export class Connections {
  private readonly pool: Agent;
  private readonly lanes = new Map<string, Dispatch[]>();
  private readonly closers: (() => Promise<void> | void)[] = [];
  private readonly tlsSessions = new Map<string, { last?: Buffer }>();
  private readonly lean = process.env.LAMBENCH_LANE_CLIENT !== 'undici';
  /** Connections opened so far (reconnects included): their set-up time is in the latency of the calls that waited for them. */
  opened = 0;
  private readonly onConnect = () => {
    this.opened += 1;
  };

  /**
   * `pooled`: how many connections the shared pool may open per origin; `silenceMs`: how long a
   * connection with a call on it may stay silent before the call ends (undici's headers and body
   * timeouts, the lane connection's idle limit).
   */
  constructor(pooled: number, private readonly silenceMs = HTTP_SILENCE_LIMIT_MS) {
    this.pool = new Agent({ connections: pooled, keepAliveTimeout: KEEP_ALIVE_MS, pipelining: 1, headersTimeout: silenceMs, bodyTimeout: silenceMs });
    this.pool.on('connect', this.onConnect);
    this.closers.push(() => this.pool.close());
  }

  /** Where a call to `origin` goes: its lane's own connection, or the shared pool. */
  for(origin: string, lane: number | undefined): Dispatch {
    if (lane === undefined) return this.pool;
    let lanes = this.lanes.get(origin);
    if (!lanes) {
      lanes = [];
      this.lanes.set(origin, lanes);
    }
    return (lanes[lane] ??= this.open(origin));
  }

  private open(origin: string): Dispatch {
    if (this.lean) {
      let sessions = this.tlsSessions.get(origin);
      if (!sessions) this.tlsSessions.set(origin, (sessions = {}));
      const connection = new Http1Connection(origin, this.onConnect, sessions, { ...DEFAULT_TIMEOUTS, idleMs: this.silenceMs });
      this.closers.push(() => connection.close());
      return connection;
    }
    const client = new Client(origin, { keepAliveTimeout: KEEP_ALIVE_MS, pipelining: 1, headersTimeout: this.silenceMs, bodyTimeout: this.silenceMs });
    client.on('connect', this.onConnect);
    this.closers.push(() => client.close());
    return client;
  }

  async close(): Promise<void> {
    this.lanes.clear();
    await Promise.all(this.closers.splice(0).map((close) => close()));
  }
}
