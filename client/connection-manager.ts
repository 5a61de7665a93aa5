import { Backoff } from './backoff';
import { ChatClientError } from './errors';
import { NetworkStatus } from './network-status';
import type { ResolvedOptions } from './options';
import type { TimerHandle } from './timers';
import { errorEventMessage, handshakeStatus, type WebSocketLike } from './transport';

/** Handshake statuses that another attempt will not change: the client stops reconnecting. */
export const FINAL_HANDSHAKE_STATUSES: ReadonlySet<number> = new Set([401, 403, 404]);

/** The keep-alive frame's action, answered by API Gateway's MOCK route: never numbered. */
const PING_ACTION = 'ping';

/** The subprotocol the server speaks; offered on every handshake. */
export const SUBPROTOCOL = 'apigw-chat';

/** Prefix of the subprotocol that carries the token (`token.<jwt>`), never echoed by the server. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

/** Close code the client uses when it gives up on a socket (keep-alive or connect timeout). */
export const CLOSE_ABANDONED = 4000;

/** A frame sent to the server: an event, or an answer to a server ack; `data: undefined` is left out by JSON. */
export type OutgoingFrame =
  | { readonly action: string; readonly data?: unknown; readonly ack?: number; readonly n?: number }
  | { readonly ack: string; readonly data?: unknown; readonly args?: readonly unknown[] };

/** How a WebSocket ended: its close code and reason, and the error to report if it never served. */
export interface ConnectionClose {
  readonly code: number;
  readonly reason: string;
  /** `CONNECT_ERROR` with the handshake's `status` when known (never once the socket opened). */
  readonly error: ChatClientError;
}

/** What the connection reports to the socket it serves. */
export interface ConnectionHost {
  /** The WebSocket opened: the socket sets itself up, then calls `established()`. */
  opened(): void;
  /** A JSON object frame arrived on the current WebSocket. */
  frame(frame: Record<string, unknown>): void;
  /** The current WebSocket closed or was abandoned; a reconnection follows unless the host stops it. */
  closed(close: ConnectionClose): void;
  /** No WebSocket could be created (the class rejected the URL): nothing is retried. */
  failed(error: ChatClientError): void;
  /** Reconnection attempt `attempt` starts (the `reconnect_attempt` event). */
  attempt(attempt: number): void;
  /** `maxAttempts` attempts failed: the connection stays closed (the `reconnect_failed` event). */
  exhausted(attempts: number): void;
}

type State = 'idle' | 'connecting' | 'open' | 'waiting';

type TimerName = 'reconnectTimer' | 'connectTimer' | 'keepAliveTimer' | 'pongTimer';

const TIMER_NAMES: readonly TimerName[] = [
  'reconnectTimer',
  'connectTimer',
  'keepAliveTimer',
  'pongTimer',
];

/**
 * One WebSocket connection to an apigw-chat endpoint at a time, like socket.io-client's
 * `Manager`: it opens the WebSocket (handshake URL with `auth` and `ns`), gives up on a
 * handshake that hangs, reconnects with backoff after a drop, and keeps the socket alive with
 * `ping` below API Gateway's idle timeout, replacing it when no frame follows. What the frames
 * mean is the `ChatSocket`'s business.
 *
 * @example
 * const connection = new ConnectionManager(url, resolveOptions({}), host);
 * connection.open(); // host.opened() follows, then host.frame(...) for every frame
 */
export class ConnectionManager {
  private readonly backoff: Backoff;
  private state: State = 'idle';
  private ws: WebSocketLike | undefined;
  /** Event frames sent on the current WebSocket: the next one is numbered one more. */
  private sentOnSocket = 0;
  /** Reconnection attempts since the last established connection. */
  private attempts = 0;
  /** Bumped by `open()` from idle, `close()` and every close, so code after a host call sees whether the host took over. */
  private generationCount = 0;
  private lastErrorMessage: string | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;
  private keepAliveTimer: TimerHandle | undefined;
  private pongTimer: TimerHandle | undefined;
  private readonly network: NetworkStatus;

  constructor(
    readonly url: string,
    private readonly options: ResolvedOptions,
    private readonly host: ConnectionHost,
  ) {
    new URL(url); // throws now on a malformed URL rather than at every attempt
    this.backoff = new Backoff(options.reconnection, options.random);
    this.network = new NetworkStatus(options.network, {
      offline: () => this.abandon('network connection lost'),
      // Only a wait for the next attempt is cut short: an idle client stays idle.
      online: () => {
        if (this.state === 'waiting') this.connect();
      },
    });
  }

  /** Changes whenever the current WebSocket goes away: a session stays valid while it is equal. */
  get generation(): number {
    return this.generationCount;
  }

  /** True while no WebSocket is open, connecting or awaited. */
  get idle(): boolean {
    return this.state === 'idle';
  }

  /** True while a WebSocket is open (being set up or connected). */
  get open(): boolean {
    return this.state === 'open';
  }

  /** Starts connecting from idle, or tries at once while waiting for a reconnection; otherwise a no-op. */
  connect(): void {
    if (this.state === 'waiting') {
      this.clearTimer('reconnectTimer');
      this.startAttempt();
    } else if (this.state === 'idle') {
      this.generationCount++;
      this.attempts = 0;
      this.network.watch();
      this.openSocket();
    }
  }

  /** Closes for good (code 1000): no reconnection, the host is not told. */
  close(): void {
    this.generationCount++;
    this.network.unwatch();
    const ws = this.ws;
    this.reset();
    if (ws) {
      detach(ws);
      try {
        ws.close(1000, 'client close');
      } catch {
        // already closing
      }
    }
  }

  /**
   * Sends a frame. With `ordered`, event frames are numbered (`n`: 1, 2, 3… on each
   * WebSocket) so the server handles them in the order they were sent; `ping` (answered by
   * API Gateway itself) and answers to server acks never are.
   */
  send(frame: OutgoingFrame): void {
    const numbered =
      this.options.ordered && 'action' in frame && frame.action !== PING_ACTION
        ? { ...frame, n: ++this.sentOnSocket }
        : frame;
    this.ws?.send(JSON.stringify(numbered));
    this.armKeepAlive();
  }

  /**
   * The host's set-up succeeded: the reconnection attempts start over. Returns the attempts
   * it took (0 for a first connection).
   */
  established(): number {
    const attempts = this.attempts;
    this.attempts = 0;
    return attempts;
  }

  /** Gives up on the current WebSocket (e.g. the server lost its record) and reconnects. */
  abandon(reason: string): void {
    if (this.ws) this.abandonSocket(this.ws, reason);
  }

  private startAttempt(): void {
    this.attempts++;
    const generation = this.generationCount;
    this.host.attempt(this.attempts);
    if (generation === this.generationCount && this.state === 'waiting') this.openSocket();
  }

  private openSocket(): void {
    this.lastErrorMessage = undefined;
    this.sentOnSocket = 0;
    let ws: WebSocketLike;
    try {
      const { url, protocols } = this.handshake();
      ws = new this.options.WebSocket(url, protocols);
    } catch (error) {
      // A URL or option the WebSocket class rejects: another attempt would fail the same way.
      this.state = 'idle';
      this.network.unwatch();
      const message = error instanceof Error ? error.message : String(error);
      this.host.failed(new ChatClientError('CONNECT_ERROR', message));
      return;
    }
    this.ws = ws;
    this.state = 'connecting';
    ws.onopen = () => this.handleOpen(ws);
    ws.onmessage = (event) => this.handleMessage(ws, event.data);
    ws.onerror = (event) => {
      if (ws === this.ws) this.lastErrorMessage = errorEventMessage(event);
    };
    ws.onclose = (event) => this.handleClose(ws, event.code, event.reason);
    if (this.options.connectTimeoutMs > 0) {
      this.connectTimer = this.options.timers.setTimeout(
        () => this.abandonSocket(ws, 'connect timeout'),
        this.options.connectTimeoutMs,
      );
    }
  }

  /**
   * The handshake of an attempt (`auth` is asked for at every one): `auth.token` as the
   * subprotocol `token.<jwt>`, next to `apigw-chat`, so a token never lands in a URL (and in
   * access logs or history); the other `auth` entries and `ns` as query parameters.
   */
  private handshake(): { url: string; protocols: string[] } {
    const url = new URL(this.url);
    const protocols = [SUBPROTOCOL];
    for (const [key, value] of Object.entries(this.options.auth())) {
      if (key === 'token') protocols.push(`${TOKEN_SUBPROTOCOL_PREFIX}${value}`);
      else url.searchParams.set(key, value);
    }
    if (this.options.namespace !== '/') url.searchParams.set('ns', this.options.namespace);
    return { url: url.toString(), protocols };
  }

  private handleOpen(ws: WebSocketLike): void {
    if (ws !== this.ws) return;
    this.clearTimer('connectTimer');
    this.state = 'open';
    this.armKeepAlive();
    this.host.opened();
  }

  private handleMessage(ws: WebSocketLike, raw: unknown): void {
    if (ws !== this.ws || typeof raw !== 'string') return;
    this.clearTimer('pongTimer'); // any frame proves the socket alive
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof parsed === 'object' && parsed !== null) {
      this.host.frame(parsed as Record<string, unknown>);
    }
  }

  private handleClose(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.ws) return;
    detach(ws);
    const status = this.state === 'open' ? undefined : handshakeStatus(ws, this.lastErrorMessage);
    this.reset();
    const generation = ++this.generationCount;
    this.host.closed({ code, reason, error: this.connectError(code, reason, status) });
    if (generation !== this.generationCount) return; // the host called connect() or close()
    const final = status !== undefined && FINAL_HANDSHAKE_STATUSES.has(status);
    if (!final && this.options.reconnection.enabled) this.scheduleReconnect();
    else this.network.unwatch();
  }

  private connectError(code: number, reason: string, status: number | undefined): ChatClientError {
    const detail = `${code}${reason ? ` ${reason}` : ''}`;
    const message =
      status !== undefined
        ? `Handshake refused with HTTP ${status}`
        : `Connection failed (${detail})${this.lastErrorMessage ? `: ${this.lastErrorMessage}` : ''}`;
    return new ChatClientError('CONNECT_ERROR', message, { status });
  }

  /** Gives up on a socket that may never report its close (dead network), and moves on. */
  private abandonSocket(ws: WebSocketLike, reason: string): void {
    if (ws !== this.ws) return;
    detach(ws);
    try {
      ws.close(CLOSE_ABANDONED, reason);
    } catch {
      // already closing
    }
    this.handleClose(ws, CLOSE_ABANDONED, reason);
  }

  private scheduleReconnect(): void {
    const attempt = this.attempts + 1;
    if (attempt > this.options.reconnection.maxAttempts) {
      this.network.unwatch();
      this.host.exhausted(this.attempts);
      return;
    }
    this.state = 'waiting';
    this.reconnectTimer = this.options.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      this.startAttempt();
    }, this.backoff.delay(attempt));
  }

  private armKeepAlive(): void {
    this.clearTimer('keepAliveTimer');
    if (this.options.keepAliveMs <= 0 || !this.ws) return;
    this.keepAliveTimer = this.options.timers.setTimeout(
      () => this.ping(),
      this.options.keepAliveMs,
    );
  }

  private ping(): void {
    const ws = this.ws;
    this.keepAliveTimer = undefined;
    if (!ws) return;
    this.send({ action: PING_ACTION });
    if (this.options.pongTimeoutMs > 0 && this.pongTimer === undefined) {
      this.pongTimer = this.options.timers.setTimeout(
        () => this.abandonSocket(ws, 'keep-alive timeout'),
        this.options.pongTimeoutMs,
      );
    }
  }

  /** Forgets the current WebSocket: timers cleared, state idle. */
  private reset(): void {
    for (const timer of TIMER_NAMES) this.clearTimer(timer);
    this.ws = undefined;
    this.state = 'idle';
  }

  private clearTimer(name: TimerName): void {
    const timer = this[name];
    if (timer !== undefined) this.options.timers.clearTimeout(timer);
    this[name] = undefined;
  }
}

/** Stops listening to a socket; a no-op error handler stays, as `ws` throws on unhandled errors. */
function detach(ws: WebSocketLike): void {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
  ws.onerror = () => {};
}
