import type { Adapter } from './adapter';
import { errorFields } from './error-fields';
import { type CoreLogger, silentLogger } from './logger';
import { type ChatMetrics, noMetrics, type PresenceStore } from './ports';
import type { RoomFilter } from './room-filter';
import type { RemovedConnection, Room, SocketId, SocketUser } from './types';

/** Why a user left a room: it left, its connection closed, or a post found the connection gone. */
export type DepartureReason = 'leave' | 'disconnect' | 'gone';

/** The `presence` event's data. */
export interface PresenceEvent {
  readonly action: 'join' | 'leave';
  readonly user: SocketUser;
  readonly reason?: DepartureReason;
}

/** A connection entering or leaving rooms, as presence needs it. */
export interface PresenceSubject {
  readonly id: SocketId;
  readonly ns: string;
  readonly user?: SocketUser | undefined;
  /** Epoch seconds when the connection's items expire (its presence entries with them). */
  readonly expiresAt?: number;
}

export interface PresenceTrackerOptions {
  readonly store: PresenceStore | undefined;
  /** Sends the announcements. */
  readonly adapter: Pick<Adapter, 'broadcast'>;
  /** The presence filter of a namespace, if it tracks presence. */
  readonly filterOf: (ns: string) => RoomFilter | undefined;
  readonly logger?: CoreLogger;
  readonly metrics?: ChatMetrics;
}

/**
 * Announces users in presence-tracked rooms: `presence` `{action: 'join', user}` when a
 * user's first connection enters a room, `{action: 'leave', user, reason}` when its last one
 * goes (it left, disconnected, or was found gone). A user with several tabs is announced
 * once. Announcements are volatile: never numbered or kept in history.
 *
 * @example
 * await tracker.entered({ id: socket.id, ns: '/', user, expiresAt }, ['lobby']);
 */
export class PresenceTracker {
  private readonly options: PresenceTrackerOptions;
  private readonly logger: CoreLogger;
  private readonly metrics: ChatMetrics;

  constructor(options: PresenceTrackerOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noMetrics;
  }

  /**
   * Records `subject` in the tracked ones of `rooms` and announces users who were not there.
   * Resolves with the tracked rooms it entered.
   */
  async entered(subject: PresenceSubject, rooms: readonly Room[]): Promise<Room[]> {
    const tracked = this.tracked(subject.ns, rooms);
    if (tracked.length === 0) return tracked;
    const store = this.storeFor(subject.ns);
    const user = identityOf(subject);
    const expiresAt = subject.expiresAt ?? Math.floor(Date.now() / 1000) + 2 * 60 * 60;
    await Promise.all(
      tracked.map(async (room) => {
        if (await store.enter(subject.ns, room, user, subject.id, expiresAt)) {
          await this.announce(subject.ns, room, subject.id, { action: 'join', user });
        }
      }),
    );
    return tracked;
  }

  /** Removes `subject` from the tracked ones of `rooms` and announces users who are gone from them. */
  async left(
    subject: PresenceSubject,
    rooms: readonly Room[],
    reason: DepartureReason,
  ): Promise<void> {
    const tracked = this.tracked(subject.ns, rooms);
    if (tracked.length === 0) return;
    const store = this.storeFor(subject.ns);
    const user = identityOf(subject);
    await Promise.all(
      tracked.map(async (room) => {
        if (await store.exit(subject.ns, room, user.id, subject.id)) {
          await this.announce(subject.ns, room, subject.id, { action: 'leave', user, reason });
        }
      }),
    );
  }

  /** `left` for connections removed from the store; failures are logged, one connection at a time. */
  async removed(connections: readonly RemovedConnection[], reason: DepartureReason): Promise<void> {
    await Promise.all(
      connections.map((connection) =>
        this.left(connection, connection.rooms, reason).catch((error: unknown) => {
          this.logger.error('Presence update failed', {
            connectionId: connection.id,
            reason,
            ...errorFields(error),
          });
        }),
      ),
    );
  }

  private tracked(ns: string, rooms: readonly Room[]): Room[] {
    const filter = this.options.filterOf(ns);
    return filter ? [...new Set(rooms)].filter(filter) : [];
  }

  private storeFor(ns: string): PresenceStore {
    const store = this.options.store;
    if (!store) throw new Error(`Namespace ${ns} tracks presence but no presence store is set`);
    return store;
  }

  private async announce(
    ns: string,
    room: Room,
    id: SocketId,
    event: PresenceEvent,
  ): Promise<void> {
    this.metrics.count('PresenceEvents');
    await this.options.adapter.broadcast(
      { event: 'presence', data: event },
      { ns, rooms: new Set([room]), except: new Set([id]) },
    );
  }
}

/**
 * Who a connection is in presence: its verified user, or, without one, the connection itself.
 *
 * @example
 * identityOf({ id: 'R1kmxc2VNjMCFIA=', ns: '/' }); // { id: 'R1kmxc2VNjMCFIA=', name: 'R1kmxc2VNjMCFIA=' }
 */
export function identityOf(subject: Pick<PresenceSubject, 'id' | 'user'>): SocketUser {
  return subject.user ?? { id: subject.id, name: subject.id };
}
