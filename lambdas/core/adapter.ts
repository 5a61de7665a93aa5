import { currentConnectScope } from './connect-scope';
import { type CoreLogger, silentLogger } from './logger';
import { mapWithConcurrency } from './map-with-concurrency';
import {
  type ChatMetrics,
  type Delivery,
  type DeliveryShard,
  type MembershipStore,
  type MessageLog,
  noMetrics,
  type PostResult,
  type ShardDispatcher,
} from './ports';
import { encodeEvent } from './protocol';
import type { HistorySettings } from './room-features';
import { isSocketId } from './socket-id';
import type { RemovedConnection, Room, SocketId, SocketUser } from './types';

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
  /** The namespace's durable rooms: target rooms it keeps are appended to before delivery. */
  readonly history?: HistorySettings | undefined;
}

/**
 * The outcome of one emit. `recipients` is every intended recipient:
 * delivered + gone + failed + dispatched. `delivered`, `gone` and `failed` count only what
 * this invocation posted; `dispatched` counts recipients handed to workers in shards, whose
 * posts (and gone clean-up) the workers do and log. Acks therefore count
 * `delivered + dispatched`: recipients reached or on their way.
 */
export interface BroadcastReport {
  readonly recipients: number;
  readonly delivered: number;
  readonly gone: number;
  readonly failed: number;
  readonly dispatched: number;
  /** Durable target rooms → the seq the message got there; absent when nothing was stored. */
  readonly seqs?: Readonly<Record<Room, number>>;
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
  /**
   * Hands shards of large broadcasts to parallel workers. Without it every recipient is
   * posted by this invocation.
   */
  readonly dispatcher?: ShardDispatcher;
  /**
   * With a dispatcher, a broadcast to more recipients than this is split into shards of at
   * most this many: this invocation posts the first, workers the others. Default 1,000
   * (ceil(1,000 / 64) × 20 ms = 320 ms per shard at 20 ms per post).
   */
  readonly shardSize?: number;
  /** Where durable rooms' messages are stored; required to emit to rooms that keep history. */
  readonly messageLog?: MessageLog;
  /** Where counts and timings go. Default: nowhere. */
  readonly metrics?: ChatMetrics;
  /**
   * Told about connections a post found gone and this adapter removed (presence uses it to
   * announce their departure). Its failures are logged, not thrown.
   */
  readonly onRemoved?: (removed: readonly RemovedConnection[]) => Promise<void>;
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
  private readonly dispatcher: ShardDispatcher | undefined;
  private readonly shardSize: number;
  private readonly messageLog: MessageLog | undefined;
  private readonly metrics: ChatMetrics;
  private readonly onRemoved: AdapterOptions['onRemoved'];

  constructor(options: AdapterOptions) {
    this.store = options.store;
    this.delivery = options.delivery;
    this.logger = options.logger ?? silentLogger;
    this.concurrency = options.concurrency ?? 64;
    this.connectGraceMs = options.connectGraceMs ?? 30_000;
    this.dispatcher = options.dispatcher;
    this.shardSize = Math.max(1, options.shardSize ?? 1_000);
    this.messageLog = options.messageLog;
    this.metrics = options.metrics ?? noMetrics;
    this.onRemoved = options.onRemoved;
  }

  /**
   * Emits to every connection of the audience; one call per emit. In durable rooms the
   * message is stored (and numbered) before the members are read, so a connection that
   * joins meanwhile finds it either in the history or among the recipients.
   */
  async broadcast(packet: Packet, options: BroadcastOptions): Promise<BroadcastReport> {
    const started = Date.now();
    const seqs = await this.appendToHistory(packet, options);
    const [targets, excluded] = await Promise.all([
      this.resolveTargets(options),
      this.resolveExcluded(options),
    ]);
    for (const id of excluded) targets.delete(id);
    const report = await this.deliver(packet, options.ns, targets, seqs);
    this.metrics.milliseconds('FanoutTime', Date.now() - started);
    return seqs.size === 0 ? report : { ...report, seqs: Object.fromEntries(seqs) };
  }

  /** Appends the packet to the history of each durable target room: room → its seq. */
  private async appendToHistory(
    packet: Packet,
    options: BroadcastOptions,
  ): Promise<Map<Room, number>> {
    const history = options.history;
    const rooms = history ? [...options.rooms].filter((room) => history.keeps(room)) : [];
    const seqs = new Map<Room, number>();
    if (!history || rooms.length === 0) return seqs;
    const log = this.messageLog;
    if (!log) throw new Error(`Namespace ${options.ns} keeps history but no messageLog is set`);
    const at = Date.now();
    const expiresAt = Math.floor(at / 1000) + history.retentionSeconds;
    const message = {
      event: packet.event,
      data: packet.data ?? null,
      ...(packet.from === undefined ? {} : { from: packet.from }),
      ...(packet.from === undefined || packet.user === undefined ? {} : { user: packet.user }),
      at,
    };
    const stored = await Promise.all(
      rooms.map((room) => log.append(options.ns, room, message, expiresAt)),
    );
    for (const [index, entry] of stored.entries()) seqs.set(rooms[index] as Room, entry.seq);
    this.metrics.count('HistoryAppends', rooms.length);
    return seqs;
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

  /**
   * The worker's side of sharding: posts a shard's frames with the same bounded concurrency
   * and gone clean-up as a broadcast, and never dispatches further.
   */
  async deliverShard(shard: DeliveryShard): Promise<BroadcastReport> {
    const posts: Post[] = shard.groups.flatMap((group) =>
      group.connectionIds.map((id) => ({ id, frame: group.frame })),
    );
    const counts = await this.postAll(posts);
    if (counts.gone > 0 || counts.failed > 0) {
      this.logger.warn('Partial shard delivery', { ...counts });
    }
    return { recipients: posts.length, ...counts, dispatched: 0 };
  }

  private async deliver(
    packet: Packet,
    ns: string,
    targets: ReadonlyMap<SocketId, Room | undefined>,
    seqs: ReadonlyMap<Room, number> = new Map(),
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
          seq: room === undefined ? undefined : seqs.get(room),
          from: packet.from,
          user: packet.user,
        });
        frames.set(room, frame);
      }
      return frame;
    };
    let ids = [...targets.keys()];
    let scoped = 0;
    const scope = currentConnectScope();
    if (scope && targets.has(scope.connectionId)) {
      // Its `$connect` has not returned: collect the frame, delivered once the socket is open.
      scope.frames.push(frameFor(targets.get(scope.connectionId)));
      ids = ids.filter((id) => id !== scope.connectionId);
      scoped = 1;
    }
    const own = this.dispatcher && ids.length > this.shardSize ? ids.slice(0, this.shardSize) : ids;
    const dispatching = this.dispatchShards(ids.slice(own.length), targets, frameFor);
    const counts = await this.postAll(own.map((id) => ({ id, frame: frameFor(targets.get(id)) })));
    const { dispatched, failed: notDispatched } = await dispatching;
    const failed = counts.failed + notDispatched;
    if (counts.gone > 0 || failed > 0) {
      this.logger.warn('Partial delivery', {
        event: packet.event,
        ns,
        delivered: counts.delivered + scoped,
        gone: counts.gone,
        failed,
        ...(dispatched > 0 ? { dispatched } : {}),
      });
    }
    return {
      recipients: ids.length + scoped,
      delivered: counts.delivered + scoped,
      gone: counts.gone,
      failed,
      dispatched,
    };
  }

  /** Splits `ids` into shards of at most `shardSize` and dispatches them all in parallel. */
  private async dispatchShards(
    ids: readonly SocketId[],
    targets: ReadonlyMap<SocketId, Room | undefined>,
    frameFor: (room: Room | undefined) => string,
  ): Promise<{ dispatched: number; failed: number }> {
    const dispatcher = this.dispatcher;
    if (!dispatcher || ids.length === 0) return { dispatched: 0, failed: 0 };
    const shards: SocketId[][] = [];
    for (let start = 0; start < ids.length; start += this.shardSize) {
      shards.push(ids.slice(start, start + this.shardSize));
    }
    const results = await Promise.allSettled(
      shards.map((shard) => dispatcher.dispatch(toShard(shard, targets, frameFor))),
    );
    let dispatched = 0;
    let failed = 0;
    this.metrics.count('ShardsDispatched', shards.length);
    results.forEach((result, index) => {
      const size = (shards[index] as SocketId[]).length;
      if (result.status === 'fulfilled') dispatched += size;
      else {
        failed += size;
        this.logger.error('Shard dispatch failed', {
          recipients: size,
          error: result.reason instanceof Error ? result.reason.name : String(result.reason),
        });
      }
    });
    return { dispatched, failed };
  }

  /** Posts every frame with bounded concurrency, then removes the connections found gone. */
  private async postAll(
    posts: readonly Post[],
  ): Promise<{ delivered: number; gone: number; failed: number }> {
    const results = await mapWithConcurrency(
      posts,
      this.concurrency,
      (post): Promise<PostResult> => this.delivery.post(post.id, post.frame),
    );
    const gone: SocketId[] = [];
    let delivered = 0;
    let failed = 0;
    results.forEach((result, index) => {
      const id = (posts[index] as Post).id;
      if (result.status === 'rejected') {
        failed++;
        this.logger.warn('Post failed', {
          connectionId: id,
          error: result.reason instanceof Error ? result.reason.name : String(result.reason),
        });
      } else if (result.value === 'gone') gone.push(id);
      else delivered++;
    });
    if (delivered > 0) this.metrics.count('Deliveries', delivered);
    if (failed > 0) this.metrics.count('DeliveryFailures', failed);
    if (gone.length > 0) await this.removeGone(gone);
    return { delivered, gone: gone.length, failed };
  }

  private async removeGone(ids: readonly SocketId[]): Promise<void> {
    try {
      const removed = await this.store.removeConnections(ids, {
        connectedBefore: Date.now() - this.connectGraceMs,
      });
      if (removed.length > 0) this.metrics.count('GoneCleanups', removed.length);
      if (removed.length > 0 && this.onRemoved) await this.onRemoved(removed);
    } catch (error) {
      this.logger.error('Clean-up of gone connections failed', {
        count: ids.length,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

interface Post {
  readonly id: SocketId;
  readonly frame: string;
}

/** The shard of `ids`: one group per distinct frame, in first-seen order. */
function toShard(
  ids: readonly SocketId[],
  targets: ReadonlyMap<SocketId, Room | undefined>,
  frameFor: (room: Room | undefined) => string,
): DeliveryShard {
  const groups = new Map<string, SocketId[]>();
  for (const id of ids) {
    const frame = frameFor(targets.get(id));
    let group = groups.get(frame);
    if (!group) {
      group = [];
      groups.set(frame, group);
    }
    group.push(id);
  }
  return { groups: [...groups].map(([frame, connectionIds]) => ({ frame, connectionIds })) };
}
