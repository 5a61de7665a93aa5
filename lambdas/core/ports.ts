import type { ConnectionRecord, Room, SocketData, SocketId } from './types';

/** Options of `MembershipStore.removeConnections`. */
export interface RemoveOptions {
  /** Only connections whose `connectedAt` is earlier than this (epoch ms) are removed. */
  readonly connectedBefore?: number;
}

/**
 * Where connections and room memberships live. Implemented in memory for tests and by
 * DynamoDB for AWS. Every method may be called from many processes at once.
 *
 * @example
 * await store.addConnection({ id, ns: '/', rooms: [], data: {}, connectedAt, expiresAt });
 * const ids = await store.members('/', 'lobby');
 */
export interface MembershipStore {
  /** Stores a connection with its namespace membership and its own room. */
  addConnection(record: ConnectionRecord): Promise<void>;
  /** The connection, or `undefined` when it is unknown or gone. */
  getConnection(id: SocketId): Promise<ConnectionRecord | undefined>;
  /**
   * Removes connections and every membership of theirs. Idempotent: unknown ids are ignored.
   * With `connectedBefore` (epoch ms), connections that connected at or after it are kept.
   */
  removeConnections(ids: readonly SocketId[], options?: RemoveOptions): Promise<void>;
  /** Adds the connection to rooms. Rejects with `ConnectionGoneError` if the connection is gone. */
  join(record: ConnectionRecord, rooms: readonly Room[]): Promise<void>;
  /** Removes the connection from rooms; rooms it is not in are ignored. */
  leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void>;
  /**
   * Ids of the connections in `room` of namespace `ns`, or of the whole namespace when
   * `room` is undefined. Reads every page.
   */
  members(ns: string, room?: Room): Promise<SocketId[]>;
  /** Replaces the connection's data. */
  saveData(id: SocketId, data: SocketData): Promise<void>;
}

/** The outcome of one post: delivered, or the connection no longer exists. */
export type PostResult = 'delivered' | 'gone';

/**
 * How frames reach connections (API Gateway's `@connections` API on AWS).
 *
 * @example
 * if ((await delivery.post(id, frame)) === 'gone') await store.removeConnections([id]);
 */
export interface Delivery {
  /** Posts one frame. Resolves `'gone'` for a closed or unknown connection; rejects on other failures. */
  post(connectionId: SocketId, frame: string): Promise<PostResult>;
}

/**
 * Hands frames for a connection whose `$connect` has not returned yet to a worker that
 * delivers them once the socket is open (API Gateway refuses posts until then).
 *
 * @example
 * await deferred.deliverAfterConnect(socket.id, ['{"event":"hello","data":"hi","ns":"/"}']);
 */
export interface DeferredDelivery {
  deliverAfterConnect(connectionId: SocketId, frames: readonly string[]): Promise<void>;
}

/** Recipients that all receive the same frame. */
export interface ShardGroup {
  readonly frame: string;
  readonly connectionIds: readonly SocketId[];
}

/**
 * Part of a large broadcast handed to a worker: each frame is encoded once (per room) and
 * listed with the connections it goes to. Every recipient is in exactly one group of one shard.
 */
export interface DeliveryShard {
  readonly groups: readonly ShardGroup[];
}

/**
 * Runs shards of a large broadcast in parallel workers (asynchronous invocations of the
 * deliver function on AWS). Resolves once the shard is handed over, not once it is posted.
 *
 * @example
 * await dispatcher.dispatch({ groups: [{ frame, connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export interface ShardDispatcher {
  dispatch(shard: DeliveryShard): Promise<void>;
}
