import type { StoredHandshake } from './handshake';

/** A room name. Every connection id is also a room that holds just that connection. */
export type Room = string;

/** A connection id as API Gateway assigns it, e.g. `R1kmxc2VNjMCFIA=`. */
export type SocketId = string;

/** Free-form, JSON-serialisable data attached to a connection (Socket.IO's `socket.data`). */
export type SocketData = Record<string, unknown>;

/**
 * The authenticated user of a connection, as the `$connect` authorizer verified it. Kept in
 * the connection's data as `data.user`; the server stamps it on every event the connection
 * causes, next to `from`.
 */
export interface SocketUser {
  readonly id: string;
  readonly name: string;
}

/** How a connection frames what it sends and receives: JSON protocol v1, or Engine.IO v4 / Socket.IO v5. */
export type WireProtocol = 'json' | 'socket.io';

/** A socket an emit reaches, with the protocol its frame is encoded in. */
export interface Recipient {
  readonly id: SocketId;
  /** Absent: JSON protocol v1. */
  readonly protocol?: 'socket.io' | undefined;
  /** The connection to post to, when not the socket's id (a Socket.IO namespace socket). */
  readonly connection?: SocketId | undefined;
}

/** What the membership store keeps about one connection. */
export interface ConnectionRecord {
  readonly id: SocketId;
  /** Namespace name, e.g. `/chat`. */
  readonly ns: string;
  /** Rooms joined explicitly; the connection's own room (its id) is implicit. */
  readonly rooms: readonly Room[];
  readonly data: SocketData;
  /** Epoch milliseconds, as API Gateway's `requestContext.connectedAt`. */
  readonly connectedAt: number;
  /** Epoch seconds after which every item of this connection may be expired by TTL. */
  readonly expiresAt: number;
  /**
   * The highest send number (`n`) of this connection's frames handled so far: frames are
   * handled in their client's order (see `TurnGate`). Absent before the first numbered frame.
   */
  readonly turn?: number | undefined;
  /** The handshake as stored at `$connect`, credentials removed; absent on older items. */
  readonly handshake?: StoredHandshake | undefined;
  /** Absent: JSON protocol v1. */
  readonly protocol?: 'socket.io' | undefined;
  /**
   * The connection the socket lives on, when not its id: a Socket.IO client's namespace
   * sockets share one connection (see `namespaceSocketId`).
   */
  readonly connection?: SocketId | undefined;
  /**
   * A Socket.IO socket's private session id, under which it is kept for its client's
   * reconnection (connection state recovery); absent where recovery is off.
   */
  readonly pid?: string | undefined;
}

/** A connection as `MembershipStore.detachConnections` removed it: enough to finish its removal and announce its departure. */
export interface RemovedConnection {
  readonly id: SocketId;
  readonly ns: string;
  /** Rooms it had joined explicitly. */
  readonly rooms: readonly Room[];
  readonly user?: SocketUser | undefined;
}

/** A message kept in a durable room's history. `seq` is the room's sequence number, from 1. */
export interface StoredMessage {
  readonly seq: number;
  /**
   * The message's id, when one emit was stored in several durable rooms: the same in each, so
   * a socket in several of them receives and recovers it once.
   */
  readonly id?: string | undefined;
  readonly event: string;
  readonly data: unknown;
  /** Every argument, when the emit had other than exactly one. */
  readonly args?: readonly unknown[] | undefined;
  /** The sender's connection id, when a client sent it. */
  readonly from?: SocketId | undefined;
  /** The sender's verified user, with `from`. */
  readonly user?: SocketUser | undefined;
  /** Epoch milliseconds when it was stored. */
  readonly at: number;
}

/** What to read from a room's history. */
export interface HistoryQuery {
  /** Messages with a seq above this one; default `max(0, head - limit)` (the latest `limit`). */
  readonly since?: number | undefined;
  /** Most messages returned. */
  readonly limit: number;
  /** Only the room's last `maxLength` messages (seq > head - maxLength) are kept readable. */
  readonly maxLength: number;
  /**
   * Budget of the page in bytes of JSON-encoded messages (`JSON.stringify(message)`): the page
   * stops before the message that would go over it, but always holds at least one message.
   */
  readonly maxBytes: number;
}

/** One page of a room's history, ascending by seq. */
export interface HistoryPage {
  readonly messages: readonly StoredMessage[];
  /** The room's latest seq: 0 when nothing was ever stored. */
  readonly head: number;
  /** Set when more messages follow the page: pass it as the next `since`. */
  readonly next?: number | undefined;
  /**
   * True when some messages after `since` (up to the last one returned, or to `head`) are no
   * longer readable: past the retention time or `maxLength`. The client then knows the gap
   * is final.
   */
  readonly trimmed: boolean;
}

/** A user present in a room, counted once however many connections (tabs) it has there. */
export interface PresenceMember {
  readonly user: SocketUser;
  /** The user's connections in the room. */
  readonly connections: number;
}
