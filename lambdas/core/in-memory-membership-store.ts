import { ConnectionGoneError, RoomLimitError } from './errors';
import type { JoinOptions, MembershipStore, RemoveOptions } from './ports';
import { userOf } from './socket';
import type {
  ConnectionRecord,
  Recipient,
  RemovedConnection,
  Room,
  SocketData,
  SocketId,
} from './types';

/**
 * `MembershipStore` in Maps, for unit tests and single-process runs. Same semantics as the
 * DynamoDB store: every connection is in its own room, `members` lists ids in sort-key
 * order, joining on a gone (or detached) connection rejects and so does a join past
 * `maxRooms`, both writing nothing; removing unknown ids is a no-op.
 *
 * @example
 * const store = new InMemoryMembershipStore();
 * await store.addConnection({ id: 'a', ns: '/', rooms: [], data: {}, connectedAt: 0, expiresAt: 0 });
 * await store.members('/', 'a'); // ['a']
 */
export class InMemoryMembershipStore implements MembershipStore {
  private readonly connections = new Map<SocketId, ConnectionRecord>();
  /** Partition key (`ns#<ns>` or `room#<ns>#<room>`) to the ids in it, as in the table. */
  private readonly partitions = new Map<string, Set<SocketId>>();
  /** Sockets that speak Socket.IO → the connection they post to, as their membership items say in the table. */
  private readonly socketIo = new Map<SocketId, SocketId>();

  async addConnection(record: ConnectionRecord): Promise<void> {
    const rooms = explicitRooms(record.id, record.rooms);
    this.connections.set(record.id, { ...record, rooms, data: structuredClone(record.data) });
    if (record.protocol === 'socket.io')
      this.socketIo.set(record.id, record.connection ?? record.id);
    this.add(namespacePartition(record.ns), record.id);
    for (const room of [record.id, ...rooms]) this.add(roomPartition(record.ns, room), record.id);
  }

  async getConnection(id: SocketId): Promise<ConnectionRecord | undefined> {
    const record = this.connections.get(id);
    return record && { ...record, rooms: [...record.rooms], data: structuredClone(record.data) };
  }

  async detachConnections(
    ids: readonly SocketId[],
    options: RemoveOptions = {},
  ): Promise<RemovedConnection[]> {
    const { connectedBefore } = options;
    const removed: RemovedConnection[] = [];
    for (const id of ids) {
      const record = this.connections.get(id);
      if (record === undefined) continue;
      if (connectedBefore !== undefined && record.connectedAt >= connectedBefore) continue;
      this.connections.delete(id);
      removed.push({ id, ns: record.ns, rooms: [...record.rooms], user: userOf(record.data) });
    }
    return removed;
  }

  async removeMemberships(connections: readonly RemovedConnection[]): Promise<void> {
    for (const { id, ns, rooms } of connections) {
      this.delete(namespacePartition(ns), id);
      for (const room of [id, ...rooms]) this.delete(roomPartition(ns, room), id);
    }
  }

  async join(
    record: ConnectionRecord,
    rooms: readonly Room[],
    options: JoinOptions = {},
  ): Promise<void> {
    const stored = this.connections.get(record.id);
    if (stored === undefined) throw new ConnectionGoneError(record.id);
    const joined = unique([...stored.rooms, ...explicitRooms(record.id, rooms)]);
    if (options.maxRooms !== undefined && joined.length > options.maxRooms) {
      throw new RoomLimitError(record.id, options.maxRooms);
    }
    for (const room of joined) this.add(roomPartition(record.ns, room), record.id);
    this.connections.set(record.id, { ...stored, rooms: joined });
  }

  async leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void> {
    const leaving = explicitRooms(record.id, rooms);
    const stored = this.connections.get(record.id);
    // A detached connection's memberships are `removeMemberships`' to delete.
    for (const room of leaving) this.delete(roomPartition(record.ns, room), record.id);
    if (stored === undefined) return;
    const remaining = stored.rooms.filter((room) => !leaving.includes(room));
    this.connections.set(record.id, { ...stored, rooms: remaining });
  }

  async members(ns: string, room?: Room): Promise<SocketId[]> {
    const partition = room === undefined ? namespacePartition(ns) : roomPartition(ns, room);
    return [...(this.partitions.get(partition) ?? [])].sort();
  }

  async recipients(ns: string, room?: Room): Promise<Recipient[]> {
    return (await this.members(ns, room)).map((id) => {
      const connection = this.socketIo.get(id);
      if (connection === undefined) return { id };
      return connection === id
        ? { id, protocol: 'socket.io' }
        : { id, protocol: 'socket.io', connection };
    });
  }

  async endTurn(id: SocketId, n: number): Promise<void> {
    const record = this.connections.get(id);
    if (record && (record.turn ?? 0) < n) this.connections.set(id, { ...record, turn: n });
  }

  async saveData(id: SocketId, data: SocketData): Promise<void> {
    const stored = this.connections.get(id);
    if (stored === undefined) return;
    this.connections.set(id, { ...stored, data: structuredClone(data) });
  }

  private add(partition: string, id: SocketId): void {
    const ids = this.partitions.get(partition) ?? new Set<SocketId>();
    ids.add(id);
    this.partitions.set(partition, ids);
  }

  private delete(partition: string, id: SocketId): void {
    const ids = this.partitions.get(partition);
    ids?.delete(id);
    if (ids?.size === 0) this.partitions.delete(partition);
  }
}

function namespacePartition(ns: string): string {
  return `ns#${ns}`;
}

function roomPartition(ns: string, room: Room): string {
  return `room#${ns}#${room}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function explicitRooms(id: SocketId, rooms: readonly Room[]): Room[] {
  return unique(rooms).filter((room) => room !== id);
}
