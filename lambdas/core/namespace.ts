import type { Adapter, BroadcastReport } from './adapter';
import { type Audience, BroadcastOperator } from './broadcast-operator';
import { ChatError } from './errors';
import { type HistoryOptions, type HistorySettings, historySettings } from './history-settings';
import type { MessageLog, PresenceStore } from './ports';
import { RESERVED_EVENTS } from './reserved-events';
import { type PresenceOptions, type RoomFilter, roomFilter } from './room-filter';
import type { Socket } from './socket';
import type { HistoryPage, PresenceMember, Room } from './types';
import type { UserLimits } from './user-limits';

/** Largest history page, in bytes of messages: an ack must stay under API Gateway's 128 KB frame limit. */
export const HISTORY_PAGE_BYTES = 96_000;

/** What a namespace shares with the server's other namespaces. */
export interface NamespaceServices {
  readonly messageLog?: MessageLog | undefined;
  readonly presence?: PresenceStore | undefined;
  /** Counts `onceEvery` claims in the limit store, shared by every process. */
  readonly limits?: UserLimits | undefined;
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

/** Runs at `$connect` before the socket exists for others; throw `ConnectionRefusedError` to refuse it. */
export type Middleware = (socket: Socket) => unknown;

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
  private readonly middlewares: Middleware[] = [];
  private readonly connectionListeners: ConnectionListener[] = [];
  private readonly disconnectListeners: DisconnectListener[] = [];
  private readonly handlers = new Map<string, EventHandler>();
  private readonly joinPolicies: JoinPolicy[] = [];
  private historyConfig: HistorySettings | undefined;
  private presenceConfig: RoomFilter | undefined;

  constructor(
    readonly name: string,
    private readonly adapter: Adapter,
    private readonly services: NamespaceServices,
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
    this.historyConfig = historySettings(options);
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
    this.presenceConfig = roomFilter(options.rooms);
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

  /** Whether messages to `room` are numbered and kept. */
  keepsHistory(room: Room): boolean {
    return this.historyConfig?.keeps(room) ?? false;
  }

  /** Whether `room`'s members are announced and listed by user. */
  tracksPresence(room: Room): boolean {
    return this.presenceConfig?.(room) ?? false;
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
    const settings = this.historyConfig;
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
    this.middlewares.push(middleware);
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
    this.joinPolicies.push(policy);
    return this;
  }

  /** Registers a lifecycle hook (`connection`, `disconnect`) or the handler of a client event. */
  on(event: 'connection', listener: ConnectionListener): this;
  on(event: 'disconnect', listener: DisconnectListener): this;
  on(event: string, handler: EventHandler): this;
  on(event: string, listener: ConnectionListener | DisconnectListener | EventHandler): this {
    if (event === 'connection') this.connectionListeners.push(listener as ConnectionListener);
    else if (event === 'disconnect') this.disconnectListeners.push(listener as DisconnectListener);
    else if (RESERVED_EVENTS.has(event)) throw new Error(`"${event}" is a reserved event name`);
    else this.handlers.set(event, listener as EventHandler);
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

  /** Sends an event, with any number of arguments, to every connection of the namespace. */
  emit(event: string, ...args: unknown[]): Promise<BroadcastReport> {
    return this.operator().emit(event, ...args);
  }

  /** @internal An operator on this namespace, with its history settings. */
  operator(audience: Omit<Partial<Audience>, 'ns'> = {}): BroadcastOperator {
    return new BroadcastOperator(this.adapter, {
      ns: this.name,
      history: this.historyConfig,
      ...audience,
    });
  }

  /** @internal The presence filter, when the namespace tracks presence. */
  get presenceFilter(): RoomFilter | undefined {
    return this.presenceConfig;
  }

  /** @internal */
  async runMiddlewares(socket: Socket): Promise<void> {
    for (const middleware of this.middlewares) await middleware(socket);
  }

  /** @internal */
  async runConnectionListeners(socket: Socket): Promise<void> {
    for (const listener of this.connectionListeners) await listener(socket);
  }

  /** @internal */
  async runDisconnectListeners(socket: Socket, reason: DisconnectReason): Promise<void> {
    for (const listener of this.disconnectListeners) await listener(socket, reason);
  }

  /** @internal */
  async mayJoin(socket: Socket, room: Room): Promise<boolean> {
    for (const policy of this.joinPolicies) if (!(await policy(socket, room))) return false;
    return true;
  }

  /** @internal */
  handlerFor(event: string): EventHandler | undefined {
    return RESERVED_EVENTS.has(event) ? undefined : this.handlers.get(event);
  }
}
