import type { Adapter, BroadcastReport } from './adapter';
import { type Audience, BroadcastOperator } from './broadcast-operator';
import { ChatError, ConnectionRefusedError } from './errors';
import { type HistoryOptions, type HistorySettings, historySettings } from './history-settings';
import { NamespaceDefinition } from './namespace-definition';
import type { MessageLog, PresenceStore } from './ports';
import type { RemoteSocket } from './remote-socket';
import { RESERVED_EVENTS } from './reserved-events';
import { type PresenceOptions, type RoomFilter, roomFilter } from './room-filter';
import type { Socket } from './socket';
import type { ConnectionRecord, HistoryPage, PresenceMember, Room } from './types';
import type { UserLimits } from './user-limits';

/** Largest history page, in bytes of messages: an ack must stay under API Gateway's 128 KB frame limit. */
export const HISTORY_PAGE_BYTES = 96_000;

/** What a namespace shares with the server's other namespaces. */
export interface NamespaceServices {
  readonly messageLog?: MessageLog | undefined;
  readonly presence?: PresenceStore | undefined;
  /** Counts `onceEvery` claims in the limit store, shared by every process. */
  readonly limits?: UserLimits | undefined;
  /**
   * Ends a Socket.IO client's namespace socket from the server (`41/ns,`), its connection and
   * other namespaces left open; see `Socket.disconnect`.
   */
  readonly disconnectSocketIo?: ((record: ConnectionRecord) => Promise<void>) | undefined;
}

type Rooms = Room | readonly Room[];

/**
 * Answers a client's acknowledgement request with any number of values; calls after the
 * first are ignored. Passed to a handler, last, only when the client asked for an answer.
 */
export type Ack = (...values: unknown[]) => void;

/**
 * Handles one client event: the socket, then every argument the client sent, then the `Ack`
 * when the client asked for an answer (as Socket.IO passes them). Throw a `ChatError` to
 * answer with a protocol error code.
 *
 * @example
 * nsp.on('move', (socket, x, y, ack) => { socket.broadcast.emit('moved', x, y); ack?.('ok'); });
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler declares the arguments its event carries, as in Socket.IO.
export type EventHandler = (socket: Socket, ...args: any[]) => unknown;

/**
 * Runs at `$connect` before the socket exists for others. Refuses it by throwing a
 * `ConnectionRefusedError` (its status) or, Socket.IO's way, by calling `next(err)`: the
 * handshake then fails with 403 (or `err.statusCode`), and `err.message` and `err.data` are
 * what a Socket.IO client's `connect_error` shows. A middleware that declares `next` must call it.
 *
 * @example
 * nsp.use((socket, next) => (socket.handshake.auth.token ? next() : next(Object.assign(new Error('not authorized'), { data: { content: 'Please retry later' } }))));
 */
export type Middleware = (socket: Socket, next: (error?: Error) => void) => unknown;

/** Hears every client event (`onAny`) or every emit to a socket (`onAnyOutgoing`), before it runs. */
export type AnyListener = (socket: Socket, event: string, ...args: unknown[]) => unknown;

export type ConnectionListener = (socket: Socket) => unknown;

/** Decides whether a socket may join a room; every policy of the namespace must agree. */
export type JoinPolicy = (socket: Socket, room: Room) => boolean | Promise<boolean>;

/** Why a socket went away: API Gateway's close code and reason. */
export interface DisconnectReason {
  readonly statusCode: number | undefined;
  readonly reason: string;
}

export type DisconnectListener = (socket: Socket, reason: DisconnectReason) => unknown;

/**
 * A namespace: its middleware, lifecycle hooks, event handlers and audience helpers.
 *
 * @example
 * const chat = server.of('/chat');
 * chat.on('connection', (socket) => socket.join('lobby'));
 * chat.on('say', async (socket, data, ack) => ack(await socket.to('lobby').emit('said', data)));
 */
export class Namespace {
  constructor(
    readonly name: string,
    private readonly adapter: Adapter,
    private readonly services: NamespaceServices,
    /** Its middleware, hooks and handlers: a dynamic namespace's children share their parent's. */
    private readonly definition: NamespaceDefinition = new NamespaceDefinition(),
  ) {}

  /**
   * Makes rooms durable: every emit to such a room (but `volatile` ones) gets the room's next
   * `seq`, travels with it, and is kept for `retentionSeconds` (the last `maxLength` of them
   * readable) before anyone receives it. Clients read it with `history` and recover what they
   * missed after a reconnection. Needs the server's `messageLog`.
   *
   * @example
   * server.of('/').keepHistory({ retentionSeconds: 86_400, maxLength: 1_000 });
   */
  keepHistory(options: HistoryOptions = {}): this {
    if (!this.services.messageLog)
      throw new Error(`keepHistory on ${this.name} needs the server's messageLog option`);
    this.definition.history = historySettings(options);
    return this;
  }

  /**
   * Tracks who is in rooms, by user: the first connection of a user entering a room
   * announces `presence` `{action: 'join', user}` to the room, its last one leaving (leave,
   * disconnect, found gone) `{action: 'leave', user, reason}`. Needs the server's `presence`.
   *
   * @example
   * server.of('/').trackPresence({ rooms: (room) => !room.startsWith('private:') });
   */
  trackPresence(options: PresenceOptions = {}): this {
    if (!this.services.presence)
      throw new Error(`trackPresence on ${this.name} needs the server's presence option`);
    this.definition.presence = roomFilter(options.rooms);
    return this;
  }

  /**
   * True for the first call with `key` in each window of `seconds` (aligned on the epoch) in
   * this namespace, in all processes together; false for the others. Coalesces what many
   * events would each do otherwise, such as greeting the whole namespace on every connection.
   * One conditional write per process and window. Without the server's limits: always true.
   *
   * @example
   * if (await nsp.onceEvery('greeting', 60)) await socket.broadcast.emit('hello', 'welcome');
   */
  onceEvery(key: string, seconds: number): Promise<boolean> {
    if (!(Number.isInteger(seconds) && seconds >= 1))
      throw new RangeError('seconds must be an integer of at least 1');
    return this.services.limits?.claimOnce(`${this.name}#${key}`, seconds) ?? Promise.resolve(true);
  }

  /** The settings of its durable rooms (`keepHistory`); undefined when it keeps none. */
  get historySettings(): HistorySettings | undefined {
    return this.definition.history;
  }

  /** Whether messages to `room` are numbered and kept. */
  keepsHistory(room: Room): boolean {
    return this.definition.history?.keeps(room) ?? false;
  }

  /** Whether `room`'s members are announced and listed by user. */
  tracksPresence(room: Room): boolean {
    return this.definition.presence?.(room) ?? false;
  }

  /**
   * A page of a durable room's history, ascending: the messages after `since` (default: the
   * latest `limit`), at most `limit` and about 96 KB of them. `NOT_FOUND` for other rooms.
   *
   * @example
   * const { messages, next } = await nsp.history('lobby', { since: 41, limit: 50 });
   */
  async history(
    room: Room,
    query: { readonly since?: number | undefined; readonly limit: number },
  ): Promise<HistoryPage> {
    const settings = this.definition.history;
    const log = this.services.messageLog;
    if (!settings || !log || !settings.keeps(room))
      throw new ChatError('NOT_FOUND', `Room "${room}" keeps no history`);
    return log.read(this.name, room, {
      since: query.since,
      limit: query.limit,
      maxLength: settings.maxLength,
      maxBytes: HISTORY_PAGE_BYTES,
    });
  }

  /** The latest seq of a durable room (0 before its first message); `undefined` for other rooms. */
  async headOf(room: Room): Promise<number | undefined> {
    const log = this.services.messageLog;
    return log && this.keepsHistory(room) ? log.head(this.name, room) : undefined;
  }

  /**
   * The users in a presence-tracked room, each once with its number of connections there;
   * `undefined` for rooms without presence.
   *
   * @example
   * const users = await nsp.presence('lobby'); // [{ user: { id: 'alice', name: 'Alice' }, connections: 2 }]
   */
  async presence(room: Room): Promise<PresenceMember[] | undefined> {
    const store = this.services.presence;
    return store && this.tracksPresence(room) ? store.list(this.name, room) : undefined;
  }

  /** Adds a middleware, run in order at `$connect`. */
  use(middleware: Middleware): this {
    this.definition.middlewares.push(middleware);
    return this;
  }

  /**
   * Adds a join policy: `socket.join` refuses, with `FORBIDDEN` and before any write, a room
   * that a policy answers false for. Applies to every join, the connection hook's included.
   *
   * @example
   * nsp.authorizeJoin((socket, room) => !room.startsWith('staff:') || socket.user?.id === 'alice');
   */
  authorizeJoin(policy: JoinPolicy): this {
    this.definition.joinPolicies.push(policy);
    return this;
  }

  /**
   * Registers a lifecycle hook or the handler of a client event. `connection` runs at
   * `$connect`; `disconnecting` at `$disconnect` while the socket is still in its rooms (its
   * `socket.rooms` and the rooms' members still include it); `disconnect` after its
   * memberships are deleted.
   *
   * @example
   * nsp.on('disconnecting', (socket) => { for (const room of socket.rooms) if (room !== socket.id) socket.to(room).emit('user has left', socket.id); });
   */
  on(event: 'connection', listener: ConnectionListener): this;
  on(event: 'disconnecting' | 'disconnect', listener: DisconnectListener): this;
  on(event: string, handler: EventHandler): this;
  on(event: string, listener: ConnectionListener | DisconnectListener | EventHandler): this {
    const definition = this.definition;
    if (event === 'connection') definition.connectionListeners.push(listener as ConnectionListener);
    else if (event === 'disconnecting')
      definition.disconnectingListeners.push(listener as DisconnectListener);
    else if (event === 'disconnect')
      definition.disconnectListeners.push(listener as DisconnectListener);
    else if (RESERVED_EVENTS.has(event)) throw new Error(`"${event}" is a reserved event name`);
    else definition.handlers.set(event, listener as EventHandler);
    return this;
  }

  /**
   * Hears every client event of the namespace, handled or not, before its handler runs, with
   * its arguments (without the ack). Socket.IO registers it per socket; here sockets live one
   * event long, so it is registered once for all.
   *
   * @example
   * nsp.onAny((socket, event, ...args) => logger.debug('event', { id: socket.id, event, args }));
   */
  onAny(listener: AnyListener): this {
    this.definition.anyListeners.push(listener);
    return this;
  }

  /**
   * Hears every `socket.emit` to a socket of the namespace, before it is sent. As in
   * Socket.IO, broadcasts (`to(room).emit`, `nsp.emit`) are not heard.
   *
   * @example
   * nsp.onAnyOutgoing((socket, event) => metrics.count(`out.${event}`));
   */
  onAnyOutgoing(listener: AnyListener): this {
    this.definition.anyOutgoingListeners.push(listener);
    return this;
  }

  /** Targets the members of rooms (or a connection id). */
  to(rooms: Rooms): BroadcastOperator {
    return this.operator().to(rooms);
  }

  /** Same as `to`. */
  in(rooms: Rooms): BroadcastOperator {
    return this.to(rooms);
  }

  /** Every connection of the namespace but the members of rooms. */
  except(rooms: Rooms): BroadcastOperator {
    return this.operator().except(rooms);
  }

  /** Every socket of the namespace, as stored (at most 1,000); see `BroadcastOperator.fetchSockets`. */
  fetchSockets(): Promise<RemoteSocket[]> {
    return this.operator().fetchSockets();
  }

  /** Makes every socket of the namespace join rooms (at most 1,000). */
  socketsJoin(rooms: Rooms): Promise<void> {
    return this.operator().socketsJoin(rooms);
  }

  /** Makes every socket of the namespace leave rooms (at most 1,000). */
  socketsLeave(rooms: Rooms): Promise<void> {
    return this.operator().socketsLeave(rooms);
  }

  /** Closes every connection of the namespace (at most 1,000). */
  disconnectSockets(close = false): Promise<void> {
    return this.operator().disconnectSockets(close);
  }

  /** Every socket's answer to an event (at most 100 sockets); see `BroadcastOperator.emitWithAck`. */
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]> {
    return this.operator().emitWithAck(event, ...args);
  }

  /** The namespace's sockets, waiting at most `ms` for acked emits' answers. */
  timeout(ms: number): BroadcastOperator {
    return this.operator().timeout(ms);
  }

  /** Sends an event, with any number of arguments, to every connection of the namespace. */
  emit(event: string, ...args: unknown[]): Promise<BroadcastReport> {
    return this.operator().emit(event, ...args);
  }

  /** @internal An operator on this namespace, with its history settings. */
  operator(audience: Omit<Partial<Audience>, 'ns'> = {}): BroadcastOperator {
    return new BroadcastOperator(this.adapter, {
      ns: this.name,
      history: this.definition.history,
      ...audience,
    });
  }

  /** @internal Ends a Socket.IO namespace socket, its connection left open (see `Socket.disconnect`). */
  disconnectSocketIo(record: ConnectionRecord): Promise<void> {
    const disconnect = this.services.disconnectSocketIo;
    if (!disconnect) throw new Error('This server cannot end Socket.IO namespace sockets');
    return disconnect(record);
  }

  /** @internal What the children of a dynamic namespace share with it. */
  get definitionForChildren(): NamespaceDefinition {
    return this.definition;
  }

  /** @internal The presence filter, when the namespace tracks presence. */
  get presenceFilter(): RoomFilter | undefined {
    return this.definition.presence;
  }

  /** @internal Runs the middleware in order; rejects with what one threw or passed to `next`. */
  async runMiddlewares(socket: Socket): Promise<void> {
    for (const middleware of this.definition.middlewares) {
      if (middleware.length < 2) {
        await middleware(socket, () => undefined);
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const next = (error?: Error) =>
          error === undefined ? resolve() : reject(ConnectionRefusedError.from(error));
        Promise.resolve(middleware(socket, next)).catch(reject);
      });
    }
  }

  /** @internal Whether `onAny` listeners want every event, handled or not. */
  get hearsAnyEvent(): boolean {
    return this.definition.anyListeners.length > 0;
  }

  /** @internal */
  runAnyListeners(socket: Socket, event: string, args: readonly unknown[]): Promise<void> {
    return runInOrder(this.definition.anyListeners, (listener) => listener(socket, event, ...args));
  }

  /** @internal Synchronous, as a listener must see the emit before it is queued. */
  runAnyOutgoingListeners(socket: Socket, event: string, args: readonly unknown[]): void {
    for (const listener of this.definition.anyOutgoingListeners) listener(socket, event, ...args);
  }

  /** @internal */
  runDisconnectingListeners(socket: Socket, reason: DisconnectReason): Promise<void> {
    return runInOrder(this.definition.disconnectingListeners, (listener) =>
      listener(socket, reason),
    );
  }

  /** @internal */
  runConnectionListeners(socket: Socket): Promise<void> {
    return runInOrder(this.definition.connectionListeners, (listener) => listener(socket));
  }

  /** @internal */
  runDisconnectListeners(socket: Socket, reason: DisconnectReason): Promise<void> {
    return runInOrder(this.definition.disconnectListeners, (listener) => listener(socket, reason));
  }

  /** @internal */
  async mayJoin(socket: Socket, room: Room): Promise<boolean> {
    for (const policy of this.definition.joinPolicies)
      if (!(await policy(socket, room))) return false;
    return true;
  }

  /** @internal */
  handlerFor(event: string): EventHandler | undefined {
    return RESERVED_EVENTS.has(event) ? undefined : this.definition.handlers.get(event);
  }
}

/** Calls each listener in turn, awaiting each. */
async function runInOrder<L>(
  listeners: readonly L[],
  call: (listener: L) => unknown,
): Promise<void> {
  for (const listener of listeners) await call(listener);
}
