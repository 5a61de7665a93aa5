import { AckRegistry, PendingAck, toServerError } from './ack-registry';
import { type ConnectionClose, type ConnectionHost, ConnectionManager } from './connection-manager';
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
import { RecentIds } from './recent-ids';
import { RoomRecovery } from './room-recovery';
import { isSeq } from './seq';

/** Ack failures after which a remembered room is kept for the next reconnection. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['TIMEOUT', 'DISCONNECTED', 'INTERNAL']);

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
 * A client of one apigw-chat namespace that survives drops, like socket.io-client's `Socket`:
 * emits, acks, events and rooms. Its `ConnectionManager` opens the WebSocket, reconnects with
 * backoff and keeps it alive; on every (re)connection the socket learns its id, re-joins its
 * rooms and sends what was emitted meanwhile. Events of durable rooms are delivered in seq
 * order, once, and what was missed (a gap, or a reconnection) is fetched from the room's
 * history (see `recovery`). Create it with `connect(url, options)`.
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
  private readonly connection: ConnectionManager;
  private readonly emitter = new Emitter();
  /** Ids of messages stored in several durable rooms, delivered once (see `EventMeta.id`). */
  private readonly seenIds = new RecentIds(1_000);
  private readonly anyListeners: ((event: string, data: unknown, meta: EventMeta) => void)[] = [];
  private readonly acks = new AckRegistry();
  private readonly buffer: EmitBuffer;
  private readonly joined = new Set<string>();
  /** Ordering and recovery of durable rooms; undefined when `recovery.enabled` is false. */
  private readonly recovery: RoomRecovery | undefined;
  /** Every connection id this socket had: history messages from them are its own. */
  private readonly ownIds = new Set<string>();
  /** True from the end of the set-up (`connect`) until the connection closes. */
  private isConnected = false;
  private socketId: string | undefined;
  private closedByUser = false;

  constructor(
    readonly url: string,
    options: ConnectOptions = {},
  ) {
    this.options = resolveOptions(options);
    this.connection = new ConnectionManager(url, this.options, this.connectionHost());
    this.buffer = new EmitBuffer(this.options.bufferSize);
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
    return this.isConnected;
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
    if (this.connection.idle) this.closedByUser = false;
    this.connection.connect();
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
    this.closedByUser = true;
    const wasConnected = this.isConnected;
    this.connection.close();
    this.reset();
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
    if (this.isConnected) this.sendEmit({ action: event, data });
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

  /**
   * Hears every server event (not the lifecycle ones), before its own listeners, as
   * socket.io-client's `onAny`: `(event, data, meta)`.
   *
   * @example
   * socket.onAny((event, data) => console.log(event, data));
   */
  onAny(listener: (event: string, data: unknown, meta: EventMeta) => void): this {
    this.anyListeners.push(listener);
    return this;
  }

  /** Removes an `onAny` listener, or all of them without one. */
  offAny(listener?: (event: string, data: unknown, meta: EventMeta) => void): this {
    const kept = listener ? this.anyListeners.filter((each) => each !== listener) : [];
    this.anyListeners.splice(0, this.anyListeners.length, ...kept);
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
    if (this.isConnected) this.sendEmit({ action, data, ack });
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
      this.connection.send({ action: entry.action, data: entry.data, ack: id });
    } else {
      this.connection.send({ action: entry.action, data: entry.data });
    }
  }

  /** An ack request on the socket being set up, ahead of the buffer. */
  private request(action: string, data: unknown): Promise<unknown> {
    const ack = new PendingAck(action, this.options.ackTimeout, this.options.timers);
    this.sendEmit({ action, data, ack });
    return ack.promise;
  }

  /** How the connection reaches this socket. */
  private connectionHost(): ConnectionHost {
    return {
      opened: () => void this.setUp(this.connection.generation),
      frame: (frame) => this.handleFrame(frame),
      closed: (close) => this.handleClose(close),
      failed: (error) => this.emitter.emit('connect_error', error),
      attempt: (attempt) => this.emitter.emit('reconnect_attempt', attempt),
      exhausted: (attempts) => this.emitter.emit('reconnect_failed', attempts),
    };
  }

  /** Learns the id and re-joins the rooms (in parallel), then sends the buffer and reports `connect`. */
  private async setUp(session: number): Promise<void> {
    const whoami = this.request('whoami', undefined);
    const rejoins = [...this.joined].map((room) => {
      const since = this.recovery?.joining(room);
      return this.request('join', joinData(room, since)).then(
        (reply) => {
          if (this.isCurrent(session)) this.recovery?.joined(room, reply, since);
        },
        (error: ChatClientError) => this.handleRejoinFailure(session, room, error),
      );
    });
    const [identity] = await Promise.allSettled([whoami, ...rejoins]);
    if (!this.isCurrent(session)) return;
    if (identity?.status === 'fulfilled') {
      const id = (identity.value as { id?: unknown } | null)?.id;
      this.socketId = typeof id === 'string' ? id : undefined;
      if (this.socketId !== undefined) this.ownIds.add(this.socketId);
    } else if ((identity?.reason as ChatClientError | undefined)?.code === 'NOT_FOUND') {
      // "Unknown connection: reconnect": the server lost this connection's record.
      this.connection.abandon('unknown to the server');
      return;
    }
    for (const entry of this.buffer.drain()) this.sendEmit(entry);
    this.isConnected = true;
    const attempts = this.connection.established();
    this.emitter.emit('connect');
    if (attempts > 0 && this.isCurrent(session)) this.emitter.emit('reconnect', attempts);
  }

  /** Whether the WebSocket the socket set up in `session` is still the connection's. */
  private isCurrent(session: number): boolean {
    return session === this.connection.generation;
  }

  private handleRejoinFailure(session: number, room: string, error: ChatClientError): void {
    if (!this.isCurrent(session)) return;
    if (TRANSIENT_CODES.has(error.code)) {
      this.recovery?.joinFailed(room);
    } else {
      this.joined.delete(room);
      this.recovery?.forget(room);
    }
    this.emitter.emit('rejoin_error', room, error);
  }

  private handleFrame(frame: Record<string, unknown>): void {
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
    if (!ordered) this.deliver(event, frame.data, this.withAnswer(frame.ack, meta));
  }

  /**
   * The metadata, made callable as the answer to the server's ack id when the frame carries
   * one: calling it sends `{"ack": id, "data"}` (one value) or `{"ack": id, "args"}`, once.
   */
  private withAnswer(ack: unknown, meta: EventMeta): EventMeta {
    if (typeof ack !== 'string') return meta;
    let answered = false;
    const answer = (...values: unknown[]) => {
      if (answered) return;
      answered = true;
      this.connection.send(values.length === 1 ? { ack, data: values[0] } : { ack, args: values });
    };
    return Object.assign(answer, meta);
  }

  /** Calls the listeners of a server event (lifecycle names other than `error` are ignored). */
  private deliver(event: string, data: unknown, meta: EventMeta): void {
    if (event === 'error') this.emitter.emit('error', toServerError(data), meta);
    else if (meta.id !== undefined && !this.seenIds.firstTime(meta.id)) return;
    else if (!LIFECYCLE_EVENTS.has(event)) {
      for (const listener of [...this.anyListeners]) listener(event, data, meta);
      this.emitter.emit(event, data, meta);
    }
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
    if (!this.connection.open) {
      return Promise.reject(new ChatClientError('DISCONNECTED', 'Not connected'));
    }
    return this.request('history', { room, since });
  }

  /** The connection's WebSocket went away: `disconnect` if the socket was connected, else `connect_error`. */
  private handleClose({ code, reason, error }: ConnectionClose): void {
    const wasConnected = this.isConnected;
    this.reset();
    if (wasConnected) this.emitter.emit('disconnect', { code, reason });
    else this.emitter.emit('connect_error', error);
  }

  /** Forgets the session of the WebSocket that went away: id cleared, pending acks rejected. */
  private reset(): void {
    this.isConnected = false;
    this.socketId = undefined;
    this.recovery?.suspend();
    this.acks.rejectAll(
      new ChatClientError('DISCONNECTED', 'The socket closed before the ack arrived'),
    );
  }
}

/** The data of a `join`: with `since` when the room's cursor is known. */
function joinData(room: string, since: number | undefined): { room: string; since?: number } {
  return since === undefined ? { room } : { room, since };
}
