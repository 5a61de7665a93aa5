import { randomUUID } from 'node:crypto';
import { AckCollector, type CollectedAnswers } from './ack-collector';
import { currentConnectScope } from './connect-scope';
import { errorFields } from './error-fields';
import { ConnectionGoneError, RoomLimitError } from './errors';
import { type BroadcastReport, FanOut, type FanOutResult, type Packet } from './fan-out';
import type { HistorySettings } from './history-settings';
import { type CoreLogger, silentLogger } from './logger';
import { mapWithConcurrency } from './map-with-concurrency';
import {
  type AckStore,
  type BroadcastShard,
  type ChatMetrics,
  type CleanupDispatcher,
  type ConnectionCloser,
  type ConnectionPoster,
  type MembershipStore,
  type MessageLog,
  noMetrics,
  type PresenceStore,
  type RemoveOptions,
  type ShardDispatcher,
} from './ports';
import { type DepartureReason, type PresenceSubject, PresenceTracker } from './presence-tracker';
import type { RoomFilter } from './room-filter';
import { newServerAckId } from './server-ack-id';
import { userOf } from './socket';
import { isSocketId } from './socket-id';
import type {
  ConnectionRecord,
  Recipient,
  RemovedConnection,
  Room,
  SocketId,
  SocketUser,
} from './types';
import type { UserLimits } from './user-limits';

export type { BroadcastReport, Packet } from './fan-out';

/** Who receives a broadcast: members of `rooms` (the whole namespace when empty) minus members of `except`. */
export interface BroadcastOptions {
  readonly ns: string;
  readonly rooms: ReadonlySet<Room>;
  readonly except: ReadonlySet<Room>;
  /** The namespace's durable rooms: target rooms it keeps are appended to before delivery. */
  readonly history?: HistorySettings | undefined;
}

/** A connection joining or leaving rooms: its record as it stands, and its verified user. */
export interface Member {
  readonly record: ConnectionRecord;
  readonly user?: SocketUser | undefined;
}

export interface AdapterOptions {
  readonly store: MembershipStore;
  readonly poster: ConnectionPoster;
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
  /** Socket.IO frames through durable rooms carry recovery offsets (see `FanOutOptions.offsets`). */
  readonly offsets?: boolean;
  /** Who is in presence-tracked rooms; required by namespaces that track presence. */
  readonly presence?: PresenceStore;
  /** The presence filter of a namespace, if it tracks presence. Default: none does. */
  readonly presenceFilterOf?: (ns: string) => RoomFilter | undefined;
  /** Where counts and timings go. Default: nowhere. */
  readonly metrics?: ChatMetrics;
  /**
   * Per-user limits: each emit is charged, before anything is posted, to the delivery budget
   * of the frame that causes it, and removed connections free their slots. Default: none.
   */
  readonly limits?: UserLimits;
  /** Most rooms a socket may be in, its own room not counted. Default 100. */
  readonly maxRoomsPerSocket?: number;
  /**
   * Hands the clean-up of connections a post found gone to a worker, so the request that
   * posted pays only for its own work. Without it the clean-up runs in this invocation.
   */
  readonly cleanupDispatcher?: CleanupDispatcher;
  /** Closes connections (`socket.disconnect()`, `disconnectSockets()`). Without it they throw. */
  readonly closer?: ConnectionCloser;
  /** Where clients' answers to acked emits are kept. Without it acked emits throw. */
  readonly ackStore?: AckStore;
}

/** Most recipients of one acked emit: every answer is kept in one item of at most 400 KB. */
export const MAX_ACK_RECIPIENTS = 100;

/** An acked emit that was sent: its ack id, whom it asked, and the emit's report. */
export interface PendingAnswers {
  readonly id: string;
  readonly recipients: readonly SocketId[];
  readonly report: BroadcastReport;
}

/** Connections read, joined, left or closed at once by the remote-socket operations. */
const REMOTE_CONCURRENCY = 16;

/** Default of `AdapterOptions.maxRoomsPerSocket`. */
export const DEFAULT_MAX_ROOMS_PER_SOCKET = 100;

/**
 * Owns rooms, as socket.io's adapter does: joins (`addAll`), leaves (`del`) and removals
 * (`delAll`) go through it, and it tells presence about each. It also turns a packet and its
 * audience into posts: resolves room members with the store, hands them to the fan-out, and
 * removes the connections found gone.
 *
 * @example
 * await adapter.addAll({ record, user }, ['lobby']);
 * const report = await adapter.broadcast({ event: 'chat', data: 'hi' }, { ns: '/', rooms: new Set(['lobby']), except: new Set() });
 */
export class Adapter {
  private readonly store: MembershipStore;
  private readonly logger: CoreLogger;
  private readonly connectGraceMs: number;
  private readonly messageLog: MessageLog | undefined;
  private readonly metrics: ChatMetrics;
  private readonly fanOut: FanOut;
  private readonly presence: PresenceTracker;
  private readonly limits: UserLimits | undefined;
  private readonly maxRooms: number;
  private readonly cleanupDispatcher: CleanupDispatcher | undefined;
  private readonly closer: ConnectionCloser | undefined;
  private readonly ackStore: AckStore | undefined;
  private readonly ackCollector: AckCollector | undefined;

  constructor(options: AdapterOptions) {
    this.store = options.store;
    this.closer = options.closer;
    this.ackStore = options.ackStore;
    this.ackCollector = options.ackStore && new AckCollector({ store: options.ackStore });
    this.limits = options.limits;
    this.maxRooms = options.maxRoomsPerSocket ?? DEFAULT_MAX_ROOMS_PER_SOCKET;
    this.cleanupDispatcher = options.cleanupDispatcher;
    this.logger = options.logger ?? silentLogger;
    this.connectGraceMs = options.connectGraceMs ?? 30_000;
    this.messageLog = options.messageLog;
    this.metrics = options.metrics ?? noMetrics;
    this.fanOut = new FanOut({
      poster: options.poster,
      logger: this.logger,
      metrics: this.metrics,
      concurrency: options.concurrency ?? 64,
      dispatcher: options.dispatcher,
      shardSize: Math.max(1, options.shardSize ?? 1_000),
      offsets: options.offsets ?? false,
    });
    this.presence = new PresenceTracker({
      store: options.presence,
      adapter: this,
      filterOf: options.presenceFilterOf ?? (() => undefined),
      logger: this.logger,
      metrics: this.metrics,
    });
  }

  /**
   * Adds the connection to rooms, then announces it in the presence-tracked ones. Rejects
   * with `ConnectionGoneError` when the connection is gone and with `RoomLimitError` (code
   * `TOO_MANY_ROOMS`) when the socket would be in more than `maxRoomsPerSocket` rooms; nothing
   * is written then.
   *
   * @example
   * await adapter.addAll({ record, user: socket.user }, ['lobby', 'team:a']);
   */
  async addAll(member: Member, rooms: readonly Room[]): Promise<void> {
    const { record } = member;
    const fresh = new Set(
      rooms.filter((room) => room !== record.id && !record.rooms.includes(room)),
    );
    if (record.rooms.length + fresh.size > this.maxRooms) {
      throw new RoomLimitError(record.id, this.maxRooms);
    }
    await this.store.join(record, rooms, { maxRooms: this.maxRooms });
    const subject = presenceSubject(member);
    const entered = await this.presence.entered(subject, rooms);
    if (entered.length > 0) await this.confirmPresence(subject, entered);
  }

  /**
   * Removes the connection from rooms (ones it is not in are ignored), then announces its
   * departure from the presence-tracked ones.
   *
   * @example
   * await adapter.del({ record, user: socket.user }, ['lobby']);
   */
  async del(member: Member, rooms: readonly Room[]): Promise<void> {
    await this.store.leave(member.record, rooms);
    await this.presence.left(presenceSubject(member), rooms, 'leave');
  }

  /**
   * Removes connections and all their rooms, then announces, for `reason`, their departure
   * from presence-tracked rooms (those failures are logged, not thrown). The one place a
   * connection is removed. Resolves with the connections this call removed.
   *
   * @example
   * const removed = await adapter.delAll([socket.id], 'disconnect');
   */
  async delAll(
    ids: readonly SocketId[],
    reason: DepartureReason,
    options?: RemoveOptions,
  ): Promise<readonly RemovedConnection[]> {
    const removed = await this.detach(ids, options);
    await this.finishRemoval(removed, reason);
    return removed;
  }

  /**
   * The first step of `delAll`: deletes the connections themselves (from then on no join of
   * theirs succeeds) and resolves with what they held, for `finishRemoval`.
   */
  detach(ids: readonly SocketId[], options?: RemoveOptions): Promise<readonly RemovedConnection[]> {
    return this.store.detachConnections(ids, options);
  }

  /**
   * The second step of `delAll`: deletes the memberships of detached connections, frees
   * their per-user connection slots and announces their departure. Idempotent: a clean-up
   * cut short may run it again.
   */
  async finishRemoval(
    connections: readonly RemovedConnection[],
    reason: DepartureReason,
  ): Promise<void> {
    await this.store.removeMemberships(connections);
    await this.limits?.release(connections);
    await this.presence.removed(connections, reason);
  }

  /**
   * Removes connections a post found gone, but those younger than `connectGraceMs` (their
   * `$connect` may still be running): handed to the clean-up worker when there is one (the
   * caller pays one hand-over, whatever the connections held), else done here. Failures are
   * logged, never thrown.
   *
   * @example
   * await adapter.removeGone(['R1kmxc2VNjMCFIA=']);
   */
  async removeGone(ids: readonly SocketId[]): Promise<void> {
    if (ids.length === 0) return;
    const connectedBefore = Date.now() - this.connectGraceMs;
    if (this.cleanupDispatcher) {
      try {
        await this.cleanupDispatcher.dispatch({ connectionIds: [...ids], connectedBefore });
        return;
      } catch (error) {
        this.logger.error('Hand-over of a gone clean-up failed: cleaning up here', {
          count: ids.length,
          ...errorFields(error),
        });
      }
    }
    try {
      const removed = await this.delAll(ids, 'gone', { connectedBefore });
      if (removed.length > 0) this.metrics.count('GoneCleanups', removed.length);
    } catch (error) {
      this.logger.error('Clean-up of gone connections failed', {
        count: ids.length,
        ...errorFields(error),
      });
    }
  }

  /**
   * Closes the race of a join with the removal of its socket (`$disconnect`, a gone
   * clean-up) or with a leave of the same room. A removal deletes the socket item, then takes
   * the socket out of presence; a join adds the room in one transaction conditioned on the
   * socket item, then enters presence. The enter may land after the removal's exit, so once
   * it has entered, the join reads the socket again (a consistent read):
   * - the socket item still holds the room: a later removal (or leave) changes the item after
   *   this read, so its presence exit runs after our enter and takes it out;
   * - it does not (removed, or the room left meanwhile): the other side's exit may have run
   *   before our enter, so the join takes its own entry back (exits are idempotent: of two
   *   concurrent ones exactly one announces the departure).
   */
  private async confirmPresence(subject: PresenceSubject, rooms: readonly Room[]): Promise<void> {
    const now = await this.store.getConnection(subject.id);
    const lost = rooms.filter((room) => !now?.rooms.includes(room));
    if (lost.length > 0) await this.presence.left(subject, lost, now ? 'leave' : 'disconnect');
  }

  /**
   * Emits to every connection of the audience; one call per emit. In durable rooms the
   * message is stored (and numbered) before the members are read, so a connection that
   * joins meanwhile finds it either in the history or among the recipients.
   */
  async broadcast(sent: Packet, options: BroadcastOptions): Promise<BroadcastReport> {
    const started = Date.now();
    const identified = this.durableTargets(options) > 1 ? { ...sent, id: randomUUID() } : sent;
    const { seqs, at } = await this.appendToHistory(identified, options);
    const packet = at === undefined ? identified : { ...identified, at };
    const { targets, socketIo } = await this.audienceOf(options);
    await this.limits?.chargeRecipients(targets.size);
    const report = await this.cleanUp(
      this.fanOut.send(packet, options.ns, targets, seqs, socketIo),
    );
    this.metrics.milliseconds('FanoutTime', Date.now() - started);
    return seqs.size === 0 ? report : { ...report, seqs: Object.fromEntries(seqs) };
  }

  /**
   * Emits to the audience (at most `MAX_ACK_RECIPIENTS`; never kept in history) with a new
   * ack id, after recording whom it asks in the ack store. Refuses to ask a socket whose
   * `$connect` is running: it opens only when `$connect` returns.
   *
   * @example
   * const pending = await adapter.askForAcks(packet, { ns: '/', ids: [socket.id] }, deadline);
   * const { answers, complete } = await adapter.answersTo(pending, deadline);
   */
  async askForAcks(
    packet: Packet,
    audience: BroadcastOptions | { readonly ns: string; readonly ids: readonly SocketId[] },
    deadline: number,
  ): Promise<PendingAnswers> {
    const store = this.ackStore;
    if (!store) throw new Error("Acked emits need the server's ackStore option");
    const { targets, socketIo } = await this.audienceOf(
      'ids' in audience
        ? { ns: audience.ns, rooms: new Set(audience.ids), except: new Set() }
        : audience,
    );
    const connecting = currentConnectScope()?.connectionId;
    if (connecting !== undefined && targets.has(connecting))
      throw new Error(
        'A socket cannot be asked for an ack during its $connect: it opens only when $connect returns. Ask from one of its events.',
      );
    if (targets.size > MAX_ACK_RECIPIENTS)
      throw new RangeError(
        `An acked emit reaches at most ${MAX_ACK_RECIPIENTS} sockets; this one would reach ${targets.size}`,
      );
    const id = newServerAckId();
    const recipients = [...targets.keys()];
    await store.create({ id, recipients, expiresAt: Math.ceil(deadline / 1000) + 60 });
    await this.limits?.chargeRecipients(targets.size);
    const report = await this.cleanUp(
      this.fanOut.send({ ...packet, ackId: id }, audience.ns, targets, new Map(), socketIo),
    );
    return { id, recipients, report };
  }

  /**
   * Waits, until `deadline` at the latest, for the answers to an acked emit: they arrive in
   * whichever invocation API Gateway picks, and are read from the ack store.
   */
  answersTo(pending: PendingAnswers, deadline: number): Promise<CollectedAnswers> {
    if (!this.ackCollector) throw new Error("Acked emits need the server's ackStore option");
    return this.ackCollector.collect(pending.id, pending.recipients, deadline);
  }

  /**
   * The audience's connections (targets minus the excluded), each with the room it was
   * reached through, and those of them that speak Socket.IO.
   */
  private async audienceOf(options: BroadcastOptions): Promise<Audience> {
    const [audience, excluded] = await Promise.all([
      this.resolveTargets(options),
      this.resolveExcluded(options),
    ]);
    for (const id of excluded) audience.targets.delete(id);
    return audience;
  }

  /** The ids of the audience's connections, without emitting anything. */
  async fetchSocketIds(options: BroadcastOptions): Promise<SocketId[]> {
    return [...(await this.audienceOf(options)).targets.keys()];
  }

  /**
   * The stored connections of the audience, read 16 at a time. Refuses, before reading any,
   * an audience of more than `limit` connections.
   *
   * @example
   * const records = await adapter.fetchSockets({ ns: '/', rooms: new Set(['lobby']), except: new Set() }, 100);
   */
  async fetchSockets(options: BroadcastOptions, limit: number): Promise<ConnectionRecord[]> {
    const ids = await this.fetchSocketIds(options);
    if (ids.length > limit)
      throw new RangeError(`${ids.length} sockets match, over the limit of ${limit} per call`);
    const results = await mapWithConcurrency(ids, REMOTE_CONCURRENCY, (id) =>
      this.store.getConnection(id),
    );
    return results.flatMap((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value ? [result.value] : [];
    });
  }

  /**
   * Makes the audience's connections join (`addSockets`) or leave (`delSockets`) rooms, as
   * Socket.IO's `socketsJoin` and `socketsLeave`. Connections gone meanwhile are skipped; any
   * other failure is thrown once every connection was tried.
   */
  async addSockets(
    options: BroadcastOptions,
    rooms: readonly Room[],
    limit: number,
  ): Promise<void> {
    await this.forEachSocket(options, limit, (record) =>
      this.addAll({ record, user: userOf(record.data) }, rooms),
    );
  }

  /** See `addSockets`. */
  async delSockets(
    options: BroadcastOptions,
    rooms: readonly Room[],
    limit: number,
  ): Promise<void> {
    await this.forEachSocket(options, limit, (record) =>
      this.del({ record, user: userOf(record.data) }, rooms),
    );
  }

  /**
   * Closes connections; API Gateway then sends their `$disconnect`, which runs their hooks
   * and removes them. Needs the closer.
   *
   * @example
   * await adapter.closeConnections([socket.id]);
   */
  async closeConnections(ids: readonly SocketId[]): Promise<void> {
    const closer = this.closer;
    if (!closer) throw new Error("Closing connections needs the server's closer option");
    const results = await mapWithConcurrency(ids, REMOTE_CONCURRENCY, (id) => closer.close(id));
    throwFirstFailure(results);
  }

  /** Closes the audience's connections, as Socket.IO's `disconnectSockets`. */
  async disconnectSockets(options: BroadcastOptions, limit: number): Promise<void> {
    const { targets, socketIo } = await this.audienceOf(options);
    const ids = [...targets.keys()];
    if (ids.length > limit)
      throw new RangeError(`${ids.length} sockets match, over the limit of ${limit} per call`);
    // A Socket.IO namespace socket closes by its connection (and the connection's other sockets with it).
    await this.closeConnections([...new Set(ids.map((id) => socketIo.get(id) ?? id))]);
  }

  private async forEachSocket(
    options: BroadcastOptions,
    limit: number,
    task: (record: ConnectionRecord) => Promise<void>,
  ): Promise<void> {
    const records = await this.fetchSockets(options, limit);
    const results = await mapWithConcurrency(records, REMOTE_CONCURRENCY, async (record) => {
      try {
        await task(record);
      } catch (error) {
        if (!(error instanceof ConnectionGoneError)) throw error;
      }
    });
    throwFirstFailure(results);
  }

  /** Emits to known connection ids without resolving rooms (a socket emitting to itself). */
  async send(
    packet: Packet,
    ns: string,
    recipients: readonly Recipient[],
  ): Promise<BroadcastReport> {
    await this.limits?.chargeRecipients(recipients.length);
    const targets = new Map(recipients.map(({ id }) => [id, undefined]));
    const socketIo = new Map(
      recipients
        .filter(({ protocol }) => protocol === 'socket.io')
        .map(({ id, connection }) => [id, connection ?? id]),
    );
    return this.cleanUp(this.fanOut.send(packet, ns, targets, new Map(), socketIo));
  }

  /**
   * The worker's side of sharding: posts a shard's frames with the same bounded concurrency
   * and gone clean-up as a broadcast, and never dispatches further.
   */
  postShard(shard: BroadcastShard): Promise<BroadcastReport> {
    return this.cleanUp(this.fanOut.postShard(shard));
  }

  /** Removes the connections the fan-out found gone and passes its report on. */
  private async cleanUp(fanningOut: Promise<FanOutResult>): Promise<BroadcastReport> {
    const { report, goneIds } = await fanningOut;
    await this.removeGone(goneIds);
    return report;
  }

  /**
   * How many durable rooms the emit is stored in. In more than one, it gets one id for all
   * (`StoredMessage.id`, `id` in its frames), so a socket in several of them can tell it is
   * one message; in one, its room and seq already say which message it is.
   */
  private durableTargets(options: BroadcastOptions): number {
    const history = options.history;
    return history ? [...options.rooms].filter((room) => history.keeps(room)).length : 0;
  }

  /** Appends the packet to the history of each durable target room: room → its seq, and when. */
  private async appendToHistory(
    packet: Packet,
    options: BroadcastOptions,
  ): Promise<{ seqs: Map<Room, number>; at?: number }> {
    const history = options.history;
    const rooms = history ? [...options.rooms].filter((room) => history.keeps(room)) : [];
    const seqs = new Map<Room, number>();
    if (!history || rooms.length === 0) return { seqs };
    const log = this.messageLog;
    if (!log) throw new Error(`Namespace ${options.ns} keeps history but no messageLog is set`);
    const at = Date.now();
    const expiresAt = Math.floor(at / 1000) + history.retentionSeconds;
    const message = {
      ...(packet.id === undefined ? {} : { id: packet.id }),
      event: packet.event,
      data: packet.data ?? null,
      ...(packet.args === undefined ? {} : { args: packet.args }),
      ...(packet.from === undefined ? {} : { from: packet.from }),
      ...(packet.from === undefined || packet.user === undefined ? {} : { user: packet.user }),
      at,
    };
    const stored = await Promise.all(
      rooms.map((room) => log.append(options.ns, room, message, expiresAt)),
    );
    for (const [index, entry] of stored.entries()) seqs.set(rooms[index] as Room, entry.seq);
    this.metrics.count('HistoryAppends', rooms.length);
    return { seqs, at };
  }

  /** Recipient id → the room it was reached through (undefined for the namespace or its own room). */
  private async resolveTargets(options: BroadcastOptions): Promise<Audience> {
    const targets = new Map<SocketId, Room | undefined>();
    const socketIo = new Map<SocketId, SocketId>();
    const add = (recipient: Recipient, room: Room | undefined) => {
      if (targets.has(recipient.id)) return;
      targets.set(recipient.id, room === recipient.id ? undefined : room);
      if (recipient.protocol === 'socket.io')
        socketIo.set(recipient.id, recipient.connection ?? recipient.id);
    };
    if (options.rooms.size === 0) {
      for (const recipient of await this.store.recipients(options.ns)) add(recipient, undefined);
      return { targets, socketIo };
    }
    const rooms = [...options.rooms];
    const lists = await Promise.all(rooms.map((room) => this.store.recipients(options.ns, room)));
    lists.forEach((recipients, index) => {
      for (const recipient of recipients) add(recipient, rooms[index]);
    });
    return { targets, socketIo };
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
}

/**
 * Whom an emit reaches: id → the room it was reached through, and who of them speaks
 * Socket.IO (→ the connection to post to).
 */
interface Audience {
  readonly targets: Map<SocketId, Room | undefined>;
  readonly socketIo: Map<SocketId, SocketId>;
}

/** Rethrows the first failure of a batch, once every item was tried. */
function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

function presenceSubject({ record, user }: Member) {
  return { id: record.id, ns: record.ns, user, expiresAt: record.expiresAt };
}
