import type { StoredHandshake } from './handshake';
import type {
  ConnectionRecord,
  HistoryPage,
  HistoryQuery,
  PresenceMember,
  Recipient,
  RemovedConnection,
  Room,
  SocketData,
  SocketId,
  SocketUser,
  StoredMessage,
} from './types';

/** Options of `MembershipStore.detachConnections`. */
export interface RemoveOptions {
  /** Only connections whose `connectedAt` is earlier than this (epoch ms) are removed. */
  readonly connectedBefore?: number;
}

/** Options of `MembershipStore.join`. */
export interface JoinOptions {
  /**
   * Most rooms the socket may be in (its own room not counted). A join that would pass it
   * rejects with `RoomLimitError` and writes nothing. Default: no limit.
   */
  readonly maxRooms?: number;
}

/**
 * Where sockets and room memberships live. Implemented in memory for tests and by DynamoDB
 * for AWS. Every method may be called from many processes at once.
 *
 * A socket is removed in two steps, so that no concurrent join can leave a membership behind
 * and a clean-up cut short can be resumed: `detachConnections` deletes the socket itself and
 * answers what it held (from then on every `join` of it rejects), `removeMemberships` deletes
 * the memberships listed there (idempotent, repeatable with the same input).
 *
 * @example
 * await store.addConnection({ id, ns: '/', rooms: [], data: {}, connectedAt, expiresAt });
 * await store.join(record, ['lobby'], { maxRooms: 100 });
 * const ids = await store.members('/', 'lobby');
 * await store.removeMemberships(await store.detachConnections([id]));
 */
export interface MembershipStore {
  /** Stores a connection with its namespace membership and its own room. */
  addConnection(record: ConnectionRecord): Promise<void>;
  /** The connection, or `undefined` when it is unknown or gone. */
  getConnection(id: SocketId): Promise<ConnectionRecord | undefined>;
  /**
   * Deletes connections (not yet their memberships) and resolves with what each held: its
   * namespace, rooms and user. Unknown ids are ignored; with `connectedBefore` (epoch ms),
   * connections that connected at or after it are kept. Resolves with the connections this
   * call deleted (not those already gone or kept); pass them to `removeMemberships`.
   */
  detachConnections(
    ids: readonly SocketId[],
    options?: RemoveOptions,
  ): Promise<readonly RemovedConnection[]>;
  /** Deletes every membership of connections `detachConnections` answered. Idempotent. */
  removeMemberships(connections: readonly RemovedConnection[]): Promise<void>;
  /**
   * Adds the connection to rooms, all or nothing. Rejects with `ConnectionGoneError` if the
   * connection is gone and with `RoomLimitError` past `options.maxRooms`; nothing is written then.
   */
  join(record: ConnectionRecord, rooms: readonly Room[], options?: JoinOptions): Promise<void>;
  /** Removes the connection from rooms; rooms it is not in are ignored. */
  leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void>;
  /**
   * Ids of the connections in `room` of namespace `ns`, or of the whole namespace when
   * `room` is undefined. Reads every page.
   */
  members(ns: string, room?: Room): Promise<SocketId[]>;
  /** `members`, each with the protocol it speaks. */
  recipients(ns: string, room?: Room): Promise<Recipient[]>;
  /** Replaces the connection's data. */
  saveData(id: SocketId, data: SocketData): Promise<void>;
  /**
   * Records that the connection's frame `n` (its client's send number) was handled: the
   * record's `turn` becomes `n` unless it is already higher. A gone connection is ignored.
   */
  endTurn(id: SocketId, n: number): Promise<void>;
}

/** The outcome of one post: delivered, or the connection no longer exists. */
export type PostResult = 'delivered' | 'gone';

/**
 * How frames reach connections (API Gateway's `@connections` API on AWS).
 *
 * @example
 * if ((await poster.post(id, frame)) === 'gone') await store.removeMemberships(await store.detachConnections([id]));
 */
export interface ConnectionPoster {
  /** Posts one frame. Resolves `'gone'` for a closed or unknown connection; rejects on other failures. */
  post(connectionId: SocketId, frame: string): Promise<PostResult>;
}

/** A server → client acknowledgement being waited for. */
export interface PendingAck {
  /** The ack id the event frame carries (a UUID). */
  readonly id: string;
  /** The connections asked to answer. */
  readonly recipients: readonly SocketId[];
  /** Epoch seconds after which it may be expired by TTL. */
  readonly expiresAt: number;
}

/**
 * A Socket.IO connection's Engine.IO session: what `$connect` saw (API Gateway shows headers
 * and the query only there), kept until a namespace's CONNECT packet runs that namespace's
 * middleware with it, and the heartbeat slot in which the server pings it.
 */
export interface EngineSession {
  /** The connection id, which is also the Engine.IO `sid`. */
  readonly id: SocketId;
  readonly connectedAt: number;
  /** Epoch seconds after which the session may be expired by TTL. */
  readonly expiresAt: number;
  readonly handshake: StoredHandshake;
  /** The heartbeat slot (see `heartbeatSlot`): the ticks that ping this connection. */
  readonly slot: number;
  /** The namespaces connected on it (each a socket: `namespaceSocketId`). */
  readonly namespaces: readonly string[];
}

/** A connection of a heartbeat slot, as the slot's index lists it. */
export interface SlotMember {
  readonly id: SocketId;
  readonly connectedAt: number;
}

/**
 * Where Engine.IO sessions live between `$connect` and `$disconnect` (DynamoDB on AWS), with an
 * index by heartbeat slot, so a tick reads only the connections it pings (no Scan).
 *
 * @example
 * await sessions.open({ id, connectedAt, expiresAt, handshake, slot: 2 });
 * const session = await sessions.get(id); // in the invocation of the CONNECT packet
 * for await (const page of sessions.slotMembers(2)) ping(page); // the heartbeat
 * await sessions.close(id); // at `$disconnect`
 */
export interface SessionStore {
  /** Stores the session and lists it in its slot. */
  open(session: EngineSession): Promise<void>;
  /** The session, or `undefined` when it is unknown or closed. */
  get(id: SocketId): Promise<EngineSession | undefined>;
  /** Deletes the session and its slot listing; idempotent. */
  close(id: SocketId): Promise<void>;
  /** Records a namespace connected on the session; false when the session is gone. */
  addNamespace(id: SocketId, ns: string): Promise<boolean>;
  /** Forgets a namespace left; a gone session is left gone. */
  removeNamespace(id: SocketId, ns: string): Promise<void>;
  /** The connections listed in `slot`, a page at a time. */
  slotMembers(slot: number): AsyncIterable<readonly SlotMember[]>;
}

/**
 * A Socket.IO socket kept after its connection dropped, for connection state recovery: what
 * its reconnection gets back (rooms, data) and whose it is.
 */
export interface RecoverableSocket {
  /** The private session id (`pid`) its client holds and sends back in its CONNECT. */
  readonly pid: string;
  readonly ns: string;
  /** Rooms it had joined explicitly. */
  readonly rooms: readonly Room[];
  readonly data: SocketData;
  /** The verified user's id, when an authorizer ran: only that user may recover it. */
  readonly userId?: string | undefined;
  /**
   * Its id while connected, by which a DISCONNECT of it handled after its `$disconnect` still
   * keeps it from recovery (`markLeft`). Absent on sockets kept by an earlier version.
   */
  readonly socketId?: SocketId | undefined;
  /** When its connection ended (epoch ms). */
  readonly disconnectedAt: number;
  /** Epoch seconds after which it cannot be recovered (and may be expired by TTL). */
  readonly expiresAt: number;
}

/**
 * Where sockets wait for their client's reconnection (DynamoDB on AWS), each until it is
 * recovered once or expires.
 *
 * @example
 * await recoveries.keep({ pid, ns: '/', rooms: ['lobby'], data, disconnectedAt, expiresAt }); // at `$disconnect`
 * const socket = await recoveries.take(pid, { ns: '/', userId: 'alice' }); // at the reconnection's CONNECT
 */
export interface RecoveryStore {
  /** Keeps a socket under its pid (replacing one kept before). */
  keep(socket: RecoverableSocket): Promise<void>;
  /**
   * Removes and returns the socket kept under `pid` if it is of namespace `owner.ns`, of user
   * `owner.userId` (of no user when undefined) and not expired at `now` (epoch ms); otherwise
   * `undefined`, and a socket kept for someone else stays. Of concurrent takes, one gets it.
   */
  take(
    pid: string,
    owner: { readonly ns: string; readonly userId: string | undefined },
    now?: number,
  ): Promise<RecoverableSocket | undefined>;
  /**
   * Records that the client of socket `socketId` left its namespace (its DISCONNECT), until
   * `expiresAt` (epoch seconds): kept or not, that socket is then never recovered, whichever of
   * its DISCONNECT and its connection's `$disconnect` API Gateway had handled first.
   */
  markLeft(socketId: SocketId, expiresAt: number): Promise<void>;
  /** Whether `markLeft` recorded `socketId`, and not past its expiry at `now` (epoch ms). */
  hasLeft(socketId: SocketId, now?: number): Promise<boolean>;
}

/**
 * Server → client acks being waited for, shared by every invocation: a client's answer
 * lands in whichever invocation API Gateway picks, and the emitting one reads it from here.
 *
 * @example
 * await acks.create({ id, recipients: [socket.id], expiresAt });
 * await acks.answer(id, socket.id, ['client!']); // true, in the invocation that got the answer
 * (await acks.answers(id)).get(socket.id); // ['client!'], in the emitting one
 */
export interface AckStore {
  create(ack: PendingAck): Promise<void>;
  /**
   * Records the answer of `from`. False when the ack is unknown or expired, was not asked of
   * `from`, or `from` answered already: the first answer stands.
   */
  answer(id: string, from: SocketId, args: readonly unknown[]): Promise<boolean>;
  /** The answers so far, by connection. */
  answers(id: string): Promise<Map<SocketId, unknown[]>>;
  delete(id: string): Promise<void>;
}

/**
 * Closes connections (API Gateway's DeleteConnection on AWS). API Gateway then sends the
 * connection's `$disconnect`, which runs its hooks and removes it. Resolves `'gone'` for a
 * connection that was already closed.
 *
 * @example
 * await closer.close('R1kmxc2VNjMCFIA='); // 'closed'
 */
export interface ConnectionCloser {
  close(connectionId: SocketId): Promise<'closed' | 'gone'>;
}

/**
 * Hands frames for a connection whose `$connect` has not returned yet to a worker that
 * delivers them once the socket is open (API Gateway refuses posts until then).
 *
 * @example
 * await afterConnect.dispatch(socket.id, ['{"event":"hello","data":"hi","ns":"/"}']);
 */
export interface AfterConnectDispatcher {
  dispatch(connectionId: SocketId, frames: readonly string[]): Promise<void>;
}

/** Recipients that all receive the same frame. */
export interface ShardGroup {
  readonly frame: string;
  readonly connectionIds: readonly SocketId[];
  /**
   * The socket each post is for, index by index, when some differ from their connection (a
   * Socket.IO client's namespace socket): what a post finding its connection gone removes.
   */
  readonly socketIds?: readonly SocketId[];
}

/**
 * Part of a large broadcast handed to a worker: each frame is encoded once (per room) and
 * listed with the connections it goes to. Every recipient is in exactly one group of one shard.
 */
export interface BroadcastShard {
  readonly groups: readonly ShardGroup[];
}

/**
 * Runs shards of a large broadcast in parallel workers (asynchronous invocations of the
 * worker function on AWS). Resolves once the shard is handed over, not once it is posted.
 *
 * @example
 * await dispatcher.dispatch({ groups: [{ frame, connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export interface ShardDispatcher {
  dispatch(shard: BroadcastShard): Promise<void>;
}

/**
 * The clean-up of connections posts found gone, as handed to a worker: connections to detach
 * (`connectionIds`), or, when a worker ran out of time, connections it had detached whose
 * memberships and presence are left to remove (`detached`, its checkpoint).
 */
export interface GoneCleanup {
  readonly connectionIds?: readonly SocketId[];
  /** Only connections that connected before this (epoch ms) are removed; see `connectGraceMs`. */
  readonly connectedBefore?: number;
  readonly detached?: readonly RemovedConnection[];
}

/**
 * Runs gone clean-ups in a worker (an asynchronous invocation of the post worker on AWS),
 * off the request that found the connections gone. Resolves once handed over.
 *
 * @example
 * await cleanups.dispatch({ connectionIds: ['R1kmxc2VNjMCFIA='], connectedBefore: Date.now() - 30_000 });
 */
export interface CleanupDispatcher {
  dispatch(cleanup: GoneCleanup): Promise<void>;
}

/**
 * The history of durable rooms: each message gets the room's next sequence number from an
 * atomic counter and is kept until `expiresAt`. Every method may be called from many
 * processes at once; sequence numbers of a room are unique and increasing.
 *
 * @example
 * const stored = await log.append('/', 'lobby', { event: 'chat', data: 'hi', at: Date.now() }, expiresAt);
 * const page = await log.read('/', 'lobby', { since: 0, limit: 50, maxLength: 1000, maxBytes: 96_000 });
 */
export interface MessageLog {
  /** Stores a message under the room's next seq and resolves with it. `expiresAt` is epoch seconds. */
  append(
    ns: string,
    room: Room,
    message: Omit<StoredMessage, 'seq'>,
    expiresAt: number,
  ): Promise<StoredMessage>;
  /** A page of the room's readable messages after `query.since`, ascending. Never returns expired ones. */
  read(ns: string, room: Room, query: HistoryQuery): Promise<HistoryPage>;
  /** The room's latest seq (0 when nothing was ever stored). */
  head(ns: string, room: Room): Promise<number>;
}

/**
 * Who is in presence-tracked rooms, per user: a user's connections are counted, and only
 * the first connection in and the last one out change what others see.
 *
 * @example
 * if (await presence.enter('/', 'lobby', user, socket.id, expiresAt)) await announceJoin(user);
 */
export interface PresenceStore {
  /**
   * Records the connection in the room as `user`. True when it is the user's first
   * connection there (decided atomically: of concurrent first entries, exactly one is first).
   * Entering twice is harmless and answers false the second time.
   */
  enter(
    ns: string,
    room: Room,
    user: SocketUser,
    connectionId: SocketId,
    expiresAt: number,
  ): Promise<boolean>;
  /**
   * Removes the connection from the room. True when it was the user's last connection there
   * (atomically: exactly one of concurrent exits is last); false when it was not recorded.
   */
  exit(ns: string, room: Room, userId: string, connectionId: SocketId): Promise<boolean>;
  /** The room's users, each once, ordered by user id. Reads every page; never lists expired entries. */
  list(ns: string, room: Room): Promise<PresenceMember[]>;
}

/** Names of the metrics the core records. */
export type ChatMetricName =
  | 'Connections'
  | 'ConnectionsRefused'
  | 'Disconnections'
  | 'MessagesReceived'
  | 'Deliveries'
  | 'DeliveryFailures'
  | 'GoneCleanups'
  | 'ShardsDispatched'
  | 'HistoryAppends'
  | 'PresenceEvents'
  | 'Pings'
  | 'Errors';

/**
 * Where the core reports what it does (Powertools Metrics as CloudWatch EMF on AWS). Calls
 * are cheap and synchronous; the handler publishes them at the end of each invocation.
 *
 * @example
 * metrics.count('Errors', 1, { ErrorCode: 'FORBIDDEN' });
 * metrics.milliseconds('FanoutTime', 42);
 */
export interface ChatMetrics {
  /** Adds `value` (default 1) to a count, optionally under one dimension. */
  count(name: ChatMetricName, value?: number, dimension?: Readonly<Record<string, string>>): void;
  /** Records a duration in milliseconds (`FanoutTime`: one emit, from audience read to last post). */
  milliseconds(name: 'FanoutTime', value: number): void;
}

/** Metrics that go nowhere: the default. */
export const noMetrics: ChatMetrics = {
  count: () => undefined,
  milliseconds: () => undefined,
};

/** The per-user budgets a frame can run out of: frames sent, and frames posted on one's behalf. */
export type Budget = 'messages' | 'deliveries';

/** One frame's charge on its user's budgets, in one atomic write (`UserLimitStore.chargeFrame`). */
export interface FrameCharge {
  /** Whose budget: the verified user's id (the connection id when no authorizer verified one). */
  readonly key: string;
  /** Start of the budget window, epoch seconds: one counter item per key and window. */
  readonly window: number;
  /** The message window within it (0 when both windows are as long), counted on its own. */
  readonly slice: number;
  /** Frames allowed per message window; `undefined`: not counted. */
  readonly messageLimit: number | undefined;
  /** Recipients the frame pays for up front (its emits up to this many need no other write). */
  readonly reserve: number;
  /** Recipients allowed per window; `undefined`: not counted. */
  readonly deliveryLimit: number | undefined;
  /** Epoch seconds after which the counter item may be deleted by TTL. */
  readonly expiresAt: number;
}

/** Recipients charged to a budget window beyond what its frames reserved. */
export interface DeliveryCharge {
  readonly key: string;
  readonly window: number;
  readonly recipients: number;
  readonly deliveryLimit: number;
  readonly expiresAt: number;
}

/** The outcome of `UserLimitStore.acquireConnection`. */
export type ConnectionSlot =
  | { readonly acquired: true }
  | { readonly acquired: false; readonly holders: readonly SocketId[] };

/**
 * Counters shared by every process, so per-user limits hold whichever Lambda container
 * runs an event (DynamoDB on AWS, memory in tests). Each method is one atomic conditional
 * write, safe under concurrency.
 *
 * @example
 * const slot = await limits.acquireConnection('alice', socket.id, 10, expiresAt);
 * const refused = await limits.chargeFrame({ key: 'alice', window, slice: 0, messageLimit: 20, reserve: 50, deliveryLimit: 6000, expiresAt });
 */
export interface UserLimitStore {
  /**
   * Adds the connection to the user's open connections unless `max` are held already (adding
   * one held already is harmless). When refused, resolves with the ids held.
   */
  acquireConnection(
    userId: string,
    connectionId: SocketId,
    max: number,
    expiresAt: number,
  ): Promise<ConnectionSlot>;
  /** Removes connections from the user's open connections; ids not held are ignored. */
  releaseConnections(userId: string, connectionIds: readonly SocketId[]): Promise<void>;
  /**
   * Counts one frame in its message window and adds `reserve` recipients to its window,
   * unless the frame would go over either limit: resolves with the budget that refused it
   * (and counts nothing), or `undefined` once counted.
   */
  chargeFrame(charge: FrameCharge): Promise<Budget | undefined>;
  /** Adds recipients to the window unless that goes over the limit; true once counted. */
  chargeDeliveries(charge: DeliveryCharge): Promise<boolean>;
  /** True for the first claim of `key` in `window` (epoch seconds), false for every later one. */
  claim(key: string, window: number, expiresAt: number): Promise<boolean>;
}
