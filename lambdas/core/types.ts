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
}
