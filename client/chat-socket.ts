import { AckRegistry, PendingAck, toServerError } from './ack-registry';
import { Backoff } from './backoff';
import { type BufferedEmit, EmitBuffer } from './emit-buffer';
import { Emitter } from './emitter';
import { ChatClientError } from './errors';
import { eventMeta } from './event-meta';
import {
  type AckOf,
  type AnyClientEvents,
  type AnyServerEvents,
  type ClientEventsMap,
  type DataOf,
  type EventMeta,
  LIFECYCLE_EVENTS,
  type LifecycleEvent,
  type Listener,
} from './events';
import type { HistoryOptions, HistoryPage, JoinHistory } from './history';
import { type ConnectOptions, type ResolvedOptions, resolveOptions } from './options';
import { RoomRecovery } from './room-recovery';
import { isSeq } from './seq';
import type { TimerHandle } from './timers';
import { errorEventMessage, handshakeStatus, type WebSocketLike } from './transport';

/** Handshake statuses that another attempt will not change: the client stops reconnecting. */
export const FINAL_HANDSHAKE_STATUSES: ReadonlySet<number> = new Set([401, 403, 404]);

/** Close code the client uses when it gives up on a socket (keep-alive or connect timeout). */
export const CLOSE_ABANDONED = 4000;

/** Ack failures after which a remembered room is kept for the next reconnection. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['TIMEOUT', 'DISCONNECTED', 'INTERNAL']);

type State = 'idle' | 'connecting' | 'setup' | 'connected' | 'waiting';

/** The reply to `join`. */
export interface JoinReply {
  readonly room: string;
  readonly members: number;
  /** The room's latest seq: set for durable rooms only. */
  readonly seq?: number;
  /** What was missed since the cursor (durable rooms, re-joins); listeners already got it. */
  readonly history?: JoinHistory;
}

/**
 * A client connection to an apigw-chat namespace that survives drops: it reconnects with
 * backoff, re-joins its rooms, sends what was emitted meanwhile and keeps the socket alive.
 * Events of durable rooms are delivered in seq order, once, and what was missed (a gap, or a
 * reconnection) is fetched from the room's history (see `recovery`). Create it with
 * `connect(url, options)`.
 *
 * @example
 * const socket = connect('wss://abc.execute-api.eu-west-1.amazonaws.com/prod', { auth: { token } });
 * socket.on('chat', (message, { room, from }) => console.log(room, from, message));
 * await socket.join('lobby');
 * await socket.emitWithAck('chat', { room: 'lobby', message: 'hello' });
 */
export class ChatSocket<
  S extends object = AnyServerEvents,
  C extends ClientEventsMap<C> = AnyClientEvents,
> {
  private readonly options: ResolvedOptions;
  private readonly emitter = new Emitter();
  private readonly acks = new AckRegistry();
  private readonly buffer: EmitBuffer;
  private readonly backoff: Backoff;
  private readonly joined = new Set<string>();
  /** Ordering and recovery of durable rooms; undefined when `recovery.enabled` is false. */
  private readonly recovery: RoomRecovery | undefined;
  /** Every connection id this socket had: history messages from them are its own. */
  private readonly ownIds = new Set<string>();
  private state: State = 'idle';
  private ws: WebSocketLike | undefined;
  private socketId: string | undefined;
  /** Reconnection attempts since the last successful connection. */
  private attempts = 0;
  /** Bumped by `connect()`, `close()` and every close, so code after an emit sees whether a handler took over. */
  private generation = 0;
  private closedByUser = false;
  private lastErrorMessage: string | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;
  private keepAliveTimer: TimerHandle | undefined;
  private pongTimer: TimerHandle | undefined;

  constructor(
    readonly url: string,
    options: ConnectOptions = {},
  ) {
    new URL(url); // throws now on a malformed URL rather than at every attempt
    this.options = resolveOptions(options);
    this.buffer = new EmitBuffer(this.options.bufferSize);
    this.backoff = new Backoff(this.options.reconnection, this.options.random);
    this.recovery = this.options.recovery.enabled
      ? new RoomRecovery(
          {
            deliver: ({ event, data, meta }) => this.deliver(event, data, meta),
            lost: (gap) => this.emitter.emit('gap', gap),
            fetch: (room, since) => this.fetchHistory(room, since),
            isOwn: (from) => this.ownIds.has(from),
          },
          {
            namespace: this.options.namespace,
            gapWaitMs: this.options.recovery.gapWaitMs,
            timers: this.options.timers,
            initialSeqs: this.options.initialSeqs,
          },
        )
      : undefined;
  }

  /** The connection id (from `whoami`), known from `connect` until the socket drops. */
  get id(): string | undefined {
    return this.socketId;
  }

  /** True between `connect` and `disconnect`. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  get namespace(): string {
    return this.options.namespace;
  }

  /** Rooms joined with `join()` and not left: re-joined after every reconnection. */
  get rooms(): ReadonlySet<string> {
    return new Set(this.joined);
  }

  /**
   * Starts connecting (`connect(url)` already did). Call it again after `close()`, after a
   * refused handshake (401/403/404) or after `reconnect_failed`; while waiting for a
   * reconnection it tries at once. Otherwise a no-op.
   *
   * @example
   * socket.on('connect_error', (error) => { if (error.status === 401) refreshToken().then(() => socket.connect()); });
   */
  connect(): this {
    if (this.state === 'waiting') {
      this.clearTimer('reconnectTimer');
      this.startAttempt();
    } else if (this.state === 'idle') {
      this.generation++;
      this.closedByUser = false;
      this.attempts = 0;
      this.openSocket();
    }
    return this;
  }

  /**
   * Closes the socket for good: no reconnection, pending and buffered acks reject with
   * `DISCONNECTED`, and later emits are dropped (until `connect()`). Rooms and their cursors
   * are kept, so `connect()` re-joins them and recovers what was missed meanwhile.
   *
   * @example
   * window.addEventListener('pagehide', () => socket.close());
   */
  close(): this {
    this.generation++;
    this.closedByUser = true;
    const ws = this.ws;
    const wasConnected = this.state === 'connected';
    this.reset();
    if (ws) {
      detach(ws);
      try {
        ws.close(1000, 'client close');
      } catch {
        // already closing
      }
    }
    const error = new ChatClientError('DISCONNECTED', 'The socket was closed by the client');
    for (const entry of this.buffer.drain()) entry.ack?.reject(error);
    if (wasConnected) this.emitter.emit('disconnect', { code: 1000, reason: 'client close' });
    return this;
  }

  /**
   * Sends an event without asking for an ack. While disconnected it is buffered and sent
   * after the next connection (see `bufferSize`); after `close()` it is dropped.
   *
   * @example
   * socket.emit('broadcast', { text: 'hi all' });
   */
  emit<E extends keyof C & string>(event: E, data?: DataOf<C[E]>): void {
    if (this.state === 'connected') this.sendEmit({ action: event, data });
    else this.enqueue({ action: event, data });
  }

  /**
   * Sends an event with an ack id and resolves with the reply's `data`. Rejects with a
   * `ChatClientError` whose `code` is the server's (`FORBIDDEN`, `NOT_FOUND`, ...), `TIMEOUT`
   * (the timeout runs from this call, buffered or not), `DISCONNECTED` (the socket dropped
   * after sending: it is not re-sent, as the server may have acted on it) or `BUFFER_OVERFLOW`.
   *
   * @example
   * const { recipients } = await socket.emitWithAck('chat', { room: 'lobby', message: 'hi' }, { timeout: 5_000 });
   */
  emitWithAck<E extends keyof C & string>(
    event: E,
    data?: DataOf<C[E]>,
    options: { readonly timeout?: number } = {},
  ): Promise<AckOf<C[E]>> {
    return this.emitAck(event, data, options.timeout) as Promise<AckOf<C[E]>>;
  }

  /**
   * Joins a room (`join` with an ack) and remembers it, so it is re-joined after every
   * reconnection, before buffered emits are sent. A durable room's cursor starts at the ack's
   * `seq`; when the cursor is already known (a re-join, or `initialSeqs`) the join carries
   * `since` and the missed messages reach the listeners before this resolves (further pages
   * follow).
   *
   * @example
   * const { members } = await socket.join('lobby');
   */
  async join(room: string, options: { readonly timeout?: number } = {}): Promise<JoinReply> {
    const since = this.recovery?.joining(room);
    let reply: unknown;
    try {
      reply = await this.emitAck('join', joinData(room, since), options.timeout);
    } catch (error) {
      this.recovery?.joinFailed(room);
      throw error;
    }
    this.joined.add(room);
    this.recovery?.joined(room, reply, since);
    return reply as JoinReply;
  }

  /**
   * Leaves a room (`leave` with an ack); it is forgotten at once, with its cursor, so a
   * reconnection in between does not re-join it.
   *
   * @example
   * await socket.leave('lobby');
   */
  async leave(room: string, options: { readonly timeout?: number } = {}): Promise<void> {
    this.joined.delete(room);
    this.recovery?.forget(room);
    await this.emitAck('leave', { room }, options.timeout);
  }

  /**
   * Fetches one page of a durable room's history (members only): the messages with seq >
   * `since`, ascending. It is a plain request: listeners are not called and the cursor does
   * not move.
   *
   * @example
   * const { messages, next } = await socket.history('lobby', { since: 0, limit: 50 });
   */
  history(room: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const { since, limit, timeout } = options;
    const data = {
      room,
      ...(since !== undefined ? { since } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    return this.emitAck('history', data, timeout) as Promise<HistoryPage>;
  }

  /**
   * The room's cursor: every seq up to it was delivered (or seen, or given up). Undefined for
   * rooms that are not durable, not joined, before the join ack, or when recovery is disabled.
   * Save it to resume after a page reload (`initialSeqs`).
   *
   * @example
   * localStorage.setItem('lobby-seq', String(socket.lastSeq('lobby') ?? 0));
   */
  lastSeq(room: string): number | undefined {
    return this.recovery?.lastSeq(room);
  }

  /**
   * Adds a handler: a lifecycle event (`connect`, `disconnect`, `connect_error`,
   * `reconnect_attempt`, `reconnect`, `reconnect_failed`, `rejoin_error`, `error`, `pong`,
   * `gap`) or a server event, called with `(data, { ns, room, seq, from, user, recovered })`.
   *
   * @example
   * socket.on('chat', (message, { room, from }) => render(room, from, message));
   */
  on<E extends LifecycleEvent | (keyof S & string)>(event: E, handler: Listener<S, E>): this {
    this.emitter.on(event, handler as never);
    return this;
  }

  /** Like `on`, removed after the first call. */
  once<E extends LifecycleEvent | (keyof S & string)>(event: E, handler: Listener<S, E>): this {
    this.emitter.once(event, handler as never);
    return this;
  }

  /** Removes a handler, or every handler of `event`. */
  off<E extends LifecycleEvent | (keyof S & string)>(event: E, handler?: Listener<S, E>): this {
    this.emitter.off(event, handler as never);
    return this;
  }

  private emitAck(action: string, data: unknown, timeout: number | undefined): Promise<unknown> {
    const ack = new PendingAck(action, timeout ?? this.options.ackTimeout, this.options.timers);
    if (this.state === 'connected') this.sendEmit({ action, data, ack });
    else this.enqueue({ action, data, ack });
    return ack.promise;
  }

  private enqueue(entry: BufferedEmit): void {
    if (this.closedByUser || this.options.bufferSize <= 0) {
      entry.ack?.reject(
        new ChatClientError(
          'DISCONNECTED',
          this.closedByUser ? 'The socket was closed by the client' : 'Not connected',
        ),
      );
      return;
    }
    this.buffer
      .push(entry)
      ?.ack?.reject(
        new ChatClientError(
          'BUFFER_OVERFLOW',
          `Dropped from the full emit buffer (${this.options.bufferSize})`,
        ),
      );
  }

  private sendEmit(entry: BufferedEmit): void {
    if (entry.ack) {
      const id = this.acks.track(entry.ack);
      this.send({ action: entry.action, data: entry.data, ack: id });
    } else {
      this.send({ action: entry.action, data: entry.data });
    }
  }

  /** Sends a frame on the open socket; `data: undefined` is left out by JSON. */
  private send(frame: { action: string; data?: unknown; ack?: number }): void {
    this.ws?.send(JSON.stringify(frame));
    this.armKeepAlive();
  }

  /** An ack request on the socket being set up, ahead of the buffer. */
  private request(action: string, data: unknown): Promise<unknown> {
    const ack = new PendingAck(action, this.options.ackTimeout, this.options.timers);
    this.sendEmit({ action, data, ack });
    return ack.promise;
  }

  private startAttempt(): void {
    this.attempts++;
    const generation = this.generation;
    this.emitter.emit('reconnect_attempt', this.attempts);
    if (generation === this.generation && this.state === 'waiting') this.openSocket();
  }

  private openSocket(): void {
    this.lastErrorMessage = undefined;
    let ws: WebSocketLike;
    try {
      ws = new this.options.WebSocket(this.buildUrl());
    } catch (error) {
      // A URL or option the WebSocket class rejects: another attempt would fail the same way.
      this.state = 'idle';
      const message = error instanceof Error ? error.message : String(error);
      this.emitter.emit('connect_error', new ChatClientError('CONNECT_ERROR', message));
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
        () => this.abandon(ws, 'connect timeout'),
        this.options.connectTimeoutMs,
      );
    }
  }

  private buildUrl(): string {
    const url = new URL(this.url);
    for (const [key, value] of Object.entries(this.options.auth())) {
      url.searchParams.set(key, value);
    }
    if (this.options.namespace !== '/') url.searchParams.set('ns', this.options.namespace);
    return url.toString();
  }

  private handleOpen(ws: WebSocketLike): void {
    if (ws !== this.ws) return;
    this.clearTimer('connectTimer');
    this.state = 'setup';
    this.armKeepAlive();
    void this.setUp(ws);
  }

  /** Learns the id and re-joins the rooms (in parallel), then sends the buffer and reports `connect`. */
  private async setUp(ws: WebSocketLike): Promise<void> {
    const whoami = this.request('whoami', undefined);
    const rejoins = [...this.joined].map((room) => {
      const since = this.recovery?.joining(room);
      return this.request('join', joinData(room, since)).then(
        (reply) => {
          if (ws === this.ws) this.recovery?.joined(room, reply, since);
        },
        (error: ChatClientError) => this.handleRejoinFailure(ws, room, error),
      );
    });
    const [identity] = await Promise.allSettled([whoami, ...rejoins]);
    if (ws !== this.ws || this.state !== 'setup') return;
    if (identity?.status === 'fulfilled') {
      const id = (identity.value as { id?: unknown } | null)?.id;
      this.socketId = typeof id === 'string' ? id : undefined;
      if (this.socketId !== undefined) this.ownIds.add(this.socketId);
    } else if ((identity?.reason as ChatClientError | undefined)?.code === 'NOT_FOUND') {
      // "Unknown connection: reconnect": the server lost this connection's record.
      this.abandon(ws, 'unknown to the server');
      return;
    }
    for (const entry of this.buffer.drain()) this.sendEmit(entry);
    this.state = 'connected';
    const attempts = this.attempts;
    this.attempts = 0;
    const generation = this.generation;
    this.emitter.emit('connect');
    if (attempts > 0 && generation === this.generation) this.emitter.emit('reconnect', attempts);
  }

  private handleRejoinFailure(ws: WebSocketLike, room: string, error: ChatClientError): void {
    if (ws !== this.ws) return;
    if (TRANSIENT_CODES.has(error.code)) {
      this.recovery?.joinFailed(room);
    } else {
      this.joined.delete(room);
      this.recovery?.forget(room);
    }
    this.emitter.emit('rejoin_error', room, error);
  }

  private handleMessage(ws: WebSocketLike, raw: unknown): void {
    if (ws !== this.ws || typeof raw !== 'string') return;
    this.clearTimer('pongTimer'); // any frame proves the socket alive
    let frame: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null) return;
      frame = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof frame.ack === 'number') {
      this.noteOwnMessage(this.acks.eventOf(frame.ack), frame.data);
      this.acks.settle(frame.ack, frame);
    } else if (typeof frame.event === 'string') {
      this.dispatchEvent(frame.event, frame);
    } else if (typeof frame.message === 'string') {
      // API Gateway's own answer, e.g. {"message":"Internal server error","connectionId":…}
      this.emitter.emit(
        'error',
        { code: 'GATEWAY', message: frame.message },
        { ns: this.options.namespace },
      );
    }
  }

  private dispatchEvent(event: string, frame: Record<string, unknown>): void {
    if (event === 'pong') {
      this.emitter.emit('pong');
      return;
    }
    const meta = eventMeta(frame, this.options.namespace);
    const { room, seq } = meta;
    const ordered =
      room !== undefined &&
      seq !== undefined &&
      this.recovery?.receive({ event, data: frame.data, meta: { ...meta, room, seq } });
    if (!ordered) this.deliver(event, frame.data, meta);
  }

  /** Calls the listeners of a server event (lifecycle names other than `error` are ignored). */
  private deliver(event: string, data: unknown, meta: EventMeta): void {
    if (event === 'error') this.emitter.emit('error', toServerError(data), meta);
    else if (!LIFECYCLE_EVENTS.has(event)) this.emitter.emit(event, data, meta);
  }

  /**
   * An ack whose data has `room` and `seq` reports the seq of the client's own message (the
   * sender does not receive it): the room's cursor marks it seen. A join ack's `seq` is the
   * room's head instead.
   */
  private noteOwnMessage(action: string | undefined, data: unknown): void {
    if (!this.recovery || action === undefined || action === 'join') return;
    if (typeof data !== 'object' || data === null) return;
    const { room, seq } = data as Record<string, unknown>;
    if (typeof room === 'string' && isSeq(seq)) this.recovery.ownMessage(room, seq);
  }

  /** A `history` request for the recovery, on the socket being set up or connected. */
  private fetchHistory(room: string, since: number): Promise<unknown> {
    if (this.state !== 'setup' && this.state !== 'connected') {
      return Promise.reject(new ChatClientError('DISCONNECTED', 'Not connected'));
    }
    return this.request('history', { room, since });
  }

  private handleClose(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.ws) return;
    detach(ws);
    const wasConnected = this.state === 'connected';
    const wasOpen = wasConnected || this.state === 'setup';
    const status = wasOpen ? undefined : handshakeStatus(ws, this.lastErrorMessage);
    const detail = `${code}${reason ? ` ${reason}` : ''}`;
    this.reset();
    const generation = ++this.generation;
    if (wasConnected) {
      this.emitter.emit('disconnect', { code, reason });
    } else {
      const message =
        status !== undefined
          ? `Handshake refused with HTTP ${status}`
          : `Connection failed (${detail})${this.lastErrorMessage ? `: ${this.lastErrorMessage}` : ''}`;
      this.emitter.emit('connect_error', new ChatClientError('CONNECT_ERROR', message, { status }));
    }
    if (generation !== this.generation) return; // a handler called connect() or close()
    if (status !== undefined && FINAL_HANDSHAKE_STATUSES.has(status)) return;
    if (this.options.reconnection.enabled) this.scheduleReconnect();
  }

  /** Gives up on a socket that may never report its close (dead network), and moves on. */
  private abandon(ws: WebSocketLike, reason: string): void {
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
      this.emitter.emit('reconnect_failed', this.attempts);
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
    this.send({ action: 'ping' });
    if (this.options.pongTimeoutMs > 0 && this.pongTimer === undefined) {
      this.pongTimer = this.options.timers.setTimeout(
        () => this.abandon(ws, 'keep-alive timeout'),
        this.options.pongTimeoutMs,
      );
    }
  }

  /** Forgets the current socket: timers cleared, pending acks rejected, state idle. */
  private reset(): void {
    for (const timer of [
      'reconnectTimer',
      'connectTimer',
      'keepAliveTimer',
      'pongTimer',
    ] as const) {
      this.clearTimer(timer);
    }
    this.ws = undefined;
    this.socketId = undefined;
    this.state = 'idle';
    this.recovery?.suspend();
    this.acks.rejectAll(
      new ChatClientError('DISCONNECTED', 'The socket closed before the ack arrived'),
    );
  }

  private clearTimer(
    name: 'reconnectTimer' | 'connectTimer' | 'keepAliveTimer' | 'pongTimer',
  ): void {
    const timer = this[name];
    if (timer !== undefined) this.options.timers.clearTimeout(timer);
    this[name] = undefined;
  }
}

/** The data of a `join`: with `since` when the room's cursor is known. */
function joinData(room: string, since: number | undefined): { room: string; since?: number } {
  return since === undefined ? { room } : { room, since };
}

/** Stops listening to a socket; a no-op error handler stays, as `ws` throws on unhandled errors. */
function detach(ws: WebSocketLike): void {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
  ws.onerror = () => {};
}
