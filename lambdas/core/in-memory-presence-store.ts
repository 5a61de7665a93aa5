import type { PresenceStore } from './ports';
import type { PresenceMember, Room, SocketId, SocketUser } from './types';

export interface InMemoryPresenceStoreOptions {
  /** Clock in epoch milliseconds, compared with `expiresAt` (epoch seconds). Default `Date.now`. */
  readonly now?: () => number;
}

/** One user in one room: the name it last entered with, its connections, the latest expiry. */
interface Entry {
  name: string;
  readonly connections: Set<SocketId>;
  expiresAt: number;
}

/**
 * `PresenceStore` in Maps, for unit tests and single-process runs. Same semantics as the
 * DynamoDB store: an entry whose expiry (the latest `expiresAt` its connections entered
 * with) has passed counts as absent everywhere: `list` hides it, `enter` starts it over (and
 * answers true), `exit` answers false. `list` orders users by the UTF-8 bytes of their ids,
 * as a DynamoDB Query does.
 *
 * @example
 * const presence = new InMemoryPresenceStore();
 * await presence.enter('/', 'lobby', { id: 'ada', name: 'Ada' }, 'R1kmxc2VNjMCFIA=', expiresAt); // true
 * await presence.list('/', 'lobby'); // [{ user: { id: 'ada', name: 'Ada' }, connections: 1 }]
 */
export class InMemoryPresenceStore implements PresenceStore {
  /** Partition key (`presence#<ns>#<room>`) to the room's entries by user id, as in the table. */
  private readonly rooms = new Map<string, Map<string, Entry>>();
  private readonly now: () => number;

  constructor(options: InMemoryPresenceStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async enter(
    ns: string,
    room: Room,
    user: SocketUser,
    connectionId: SocketId,
    expiresAt: number,
  ): Promise<boolean> {
    const partition = partitionOf(ns, room);
    const entries = this.rooms.get(partition) ?? new Map<string, Entry>();
    this.rooms.set(partition, entries);
    const entry = entries.get(user.id);
    if (entry === undefined || !this.isLive(entry)) {
      entries.set(user.id, { name: user.name, connections: new Set([connectionId]), expiresAt });
      return true;
    }
    entry.connections.add(connectionId);
    entry.name = user.name;
    entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
    return false;
  }

  async exit(ns: string, room: Room, userId: string, connectionId: SocketId): Promise<boolean> {
    const partition = partitionOf(ns, room);
    const entries = this.rooms.get(partition);
    const entry = entries?.get(userId);
    if (entries === undefined || entry === undefined || !this.isLive(entry)) return false;
    if (!entry.connections.delete(connectionId)) return false;
    if (entry.connections.size > 0) return false;
    entries.delete(userId);
    if (entries.size === 0) this.rooms.delete(partition);
    return true;
  }

  async list(ns: string, room: Room): Promise<PresenceMember[]> {
    const partition = partitionOf(ns, room);
    const entries = this.rooms.get(partition) ?? new Map<string, Entry>();
    for (const [id, entry] of entries) if (!this.isLive(entry)) entries.delete(id);
    if (entries.size === 0) this.rooms.delete(partition);
    return [...entries]
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([id, entry]) => ({
        user: { id, name: entry.name },
        connections: entry.connections.size,
      }));
  }

  private isLive(entry: Entry): boolean {
    return entry.connections.size > 0 && entry.expiresAt > Math.floor(this.now() / 1000);
  }
}

function partitionOf(ns: string, room: Room): string {
  return `presence#${ns}#${room}`;
}
