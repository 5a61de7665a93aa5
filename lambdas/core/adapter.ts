import { currentConnectScope } from './connect-scope';
import { type CoreLogger, silentLogger } from './logger';
import { mapWithConcurrency } from './map-with-concurrency';
import type { Delivery, MembershipStore, PostResult } from './ports';
import { encodeEvent } from './protocol';
import { isSocketId } from './socket-id';
import type { Room, SocketId, SocketUser } from './types';

/** What is emitted: an event name, its data and, when a client caused it, the sender. */
export interface Packet {
  readonly event: string;
  readonly data: unknown;
  readonly from?: SocketId | undefined;
  /** The sender's verified user, stamped next to `from`. */
  readonly user?: SocketUser | undefined;
}

/** Who receives a broadcast: members of `rooms` (the whole namespace when empty) minus members of `except`. */
export interface BroadcastOptions {
  readonly ns: string;
  readonly rooms: ReadonlySet<Room>;
  readonly except: ReadonlySet<Room>;
}

/** The outcome of one emit. `recipients` = delivered + gone + failed. */
export interface BroadcastReport {
  readonly recipients: number;
  readonly delivered: number;
  readonly gone: number;
  readonly failed: number;
}

export interface AdapterOptions {
  readonly store: MembershipStore;
  readonly delivery: Delivery;
  readonly logger?: CoreLogger;
  /** Posts in flight at once per emit. Default 64. */
  readonly concurrency?: number;
  /**
   * A connection younger than this is not cleaned up when a post finds it gone: its
   * `$connect` may still be running (API Gateway answers 410 until it returns; the
   * integration timeout is 29 s). Default 30 s.
   */
  readonly connectGraceMs?: number;
}

/**
 * Turns a packet and its audience into posts: resolves room members with the store, posts
 * each recipient once, in parallel, and removes the connections found gone.
 *
 * @example
 * const report = await adapter.broadcast({ event: 'chat', data: 'hi' }, { ns: '/', rooms: new Set(['lobby']), except: new Set() });
 */
export class Adapter {
  readonly store: MembershipStore;
  private readonly delivery: Delivery;
  private readonly logger: CoreLogger;
  private readonly concurrency: number;
  private readonly connectGraceMs: number;

  constructor(options: AdapterOptions) {
    this.store = options.store;
    this.delivery = options.delivery;
    this.logger = options.logger ?? silentLogger;
    this.concurrency = options.concurrency ?? 64;
    this.connectGraceMs = options.connectGraceMs ?? 30_000;
  }

  /** Emits to every connection of the audience; one call per emit. */
  async broadcast(packet: Packet, options: BroadcastOptions): Promise<BroadcastReport> {
    const [targets, excluded] = await Promise.all([
      this.resolveTargets(options),
      this.resolveExcluded(options),
    ]);
    for (const id of excluded) targets.delete(id);
    return this.deliver(packet, options.ns, targets);
  }

  /** The ids of the audience's connections, without emitting anything. */
  async fetchSocketIds(options: BroadcastOptions): Promise<SocketId[]> {
    const [targets, excluded] = await Promise.all([
      this.resolveTargets(options),
      this.resolveExcluded(options),
    ]);
    return [...targets.keys()].filter((id) => !excluded.has(id));
  }

  /** Emits to known connection ids without resolving rooms (a socket emitting to itself). */
  async send(packet: Packet, ns: string, ids: readonly SocketId[]): Promise<BroadcastReport> {
    return this.deliver(packet, ns, new Map(ids.map((id) => [id, undefined])));
  }

  /** Recipient id → the room it was reached through (undefined for the namespace or its own room). */
  private async resolveTargets(
    options: BroadcastOptions,
  ): Promise<Map<SocketId, Room | undefined>> {
    const targets = new Map<SocketId, Room | undefined>();
    if (options.rooms.size === 0) {
      for (const id of await this.store.members(options.ns)) targets.set(id, undefined);
      return targets;
    }
    const rooms = [...options.rooms];
    const memberLists = await Promise.all(
      rooms.map((room) => this.store.members(options.ns, room)),
    );
    memberLists.forEach((ids, index) => {
      const room = rooms[index] as Room;
      for (const id of ids) if (!targets.has(id)) targets.set(id, room === id ? undefined : room);
    });
    return targets;
  }

  /** Ids to leave out. A connection's own room holds just that connection, so it needs no read. */
  private async resolveExcluded(options: BroadcastOptions): Promise<Set<SocketId>> {
    const excluded = new Set<SocketId>();
    const rooms = [...options.except];
    const lists = await Promise.all(
      rooms.map((room) => (isSocketId(room) ? [room] : this.store.members(options.ns, room))),
    );
    for (const ids of lists) for (const id of ids) excluded.add(id);
    return excluded;
  }

  private async deliver(
    packet: Packet,
    ns: string,
    targets: ReadonlyMap<SocketId, Room | undefined>,
  ): Promise<BroadcastReport> {
    const frames = new Map<Room | undefined, string>();
    const frameFor = (room: Room | undefined): string => {
      let frame = frames.get(room);
      if (frame === undefined) {
        frame = encodeEvent({
          event: packet.event,
          data: packet.data,
          ns,
          room,
          from: packet.from,
          user: packet.user,
        });
        frames.set(room, frame);
      }
      return frame;
    };
    const ids = [...targets.keys()];
    const scope = currentConnectScope();
    const results = await mapWithConcurrency(
      ids,
      this.concurrency,
      async (id): Promise<PostResult> => {
        const frame = frameFor(targets.get(id));
        if (scope?.connectionId === id) {
          scope.frames.push(frame);
          return 'delivered';
        }
        return this.delivery.post(id, frame);
      },
    );
    const gone: SocketId[] = [];
    let delivered = 0;
    let failed = 0;
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        failed++;
        this.logger.warn('Post failed', {
          connectionId: ids[index],
          error: result.reason instanceof Error ? result.reason.name : String(result.reason),
        });
      } else if (result.value === 'gone') gone.push(ids[index] as SocketId);
      else delivered++;
    });
    if (gone.length > 0) await this.removeGone(gone);
    if (gone.length > 0 || failed > 0) {
      this.logger.warn('Partial delivery', {
        event: packet.event,
        ns,
        delivered,
        gone: gone.length,
        failed,
      });
    }
    return { recipients: ids.length, delivered, gone: gone.length, failed };
  }

  private async removeGone(ids: readonly SocketId[]): Promise<void> {
    try {
      await this.store.removeConnections(ids, {
        connectedBefore: Date.now() - this.connectGraceMs,
      });
    } catch (error) {
      this.logger.error('Clean-up of gone connections failed', {
        count: ids.length,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
