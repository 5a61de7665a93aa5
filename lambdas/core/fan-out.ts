import { currentConnectScope } from './connect-scope';
import { errorFields } from './error-fields';
import type { CoreLogger } from './logger';
import { mapWithConcurrency } from './map-with-concurrency';
import type {
  BroadcastShard,
  ChatMetrics,
  ConnectionPoster,
  PostResult,
  ShardDispatcher,
} from './ports';
import { encodeEvent } from './protocol';
import { recoveryOffset } from './recovery-offset';
import { serverAckNumber } from './server-ack-id';
import { dispatchShards } from './shard-dispatch';
import { encodeSocketIoEvent } from './socketio-protocol';
import type { Room, SocketId, SocketUser } from './types';

/** What is emitted: an event name, its arguments and, when a client caused it, the sender. */
export interface Packet {
  readonly event: string;
  /** The first argument (the only one, usually). */
  readonly data: unknown;
  /** Every argument, when there are other than exactly one (see `payloadOf`). */
  readonly args?: readonly unknown[] | undefined;
  /** The server's ack id, when it waits for the recipients' answers. */
  readonly ackId?: string | undefined;
  /** The id it was stored under in durable rooms (the same in each). */
  readonly id?: string | undefined;
  readonly from?: SocketId | undefined;
  /** The sender's verified user, stamped next to `from`. */
  readonly user?: SocketUser | undefined;
  /** When it was stored in durable rooms (epoch ms); absent when it was not. */
  readonly at?: number | undefined;
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

/** A report with the ids the posts found gone, for their owner to remove. */
export interface FanOutResult {
  readonly report: BroadcastReport;
  readonly goneIds: readonly SocketId[];
}

export interface FanOutOptions {
  readonly poster: ConnectionPoster;
  readonly logger: CoreLogger;
  readonly metrics: ChatMetrics;
  /** Posts in flight at once. */
  readonly concurrency: number;
  /** Hands shards of large broadcasts to parallel workers; without it every post is ours. */
  readonly dispatcher: ShardDispatcher | undefined;
  /** With a dispatcher, recipients above which a broadcast is sharded, and the shard size. */
  readonly shardSize: number;
  /**
   * Whether Socket.IO frames reached through a durable room end with the message's recovery
   * offset (see `recoveryOffset`): on with connection state recovery.
   */
  readonly offsets?: boolean;
}

/**
 * Turns one packet and its recipients into posts: encodes the frame once per room (JSON
 * protocol v1, which names the room) and once for every Socket.IO recipient, keeps the
 * frame of a connection still in its `$connect` for the after-connect worker, posts up to
 * `shardSize` recipients itself with bounded concurrency and hands the rest to workers in
 * shards. It posts and counts; removing the connections found gone is its caller's job.
 *
 * @example
 * const { report, goneIds } = await fanOut.send({ event: 'chat', data: 'hi' }, '/', new Map([[id, 'lobby']]));
 */
export class FanOut {
  constructor(private readonly options: FanOutOptions) {}

  /**
   * Posts `packet` to each target (id → the room it was reached through), once; those in
   * `socketIo` get it in Socket.IO's framing, posted to the connection it maps them to (a
   * namespace socket's). Gone ids are socket ids, a shard's too (see `ShardGroup.socketIds`).
   */
  async send(
    packet: Packet,
    ns: string,
    targets: ReadonlyMap<SocketId, Room | undefined>,
    seqs: ReadonlyMap<Room, number> = new Map(),
    socketIo: ReadonlyMap<SocketId, SocketId> = new Map(),
  ): Promise<FanOutResult> {
    const frameFor = frameCache(packet, ns, seqs);
    const socketIoFrameFor = socketIoFrameCache(
      packet,
      ns,
      this.options.offsets ? seqs : new Map(),
    );
    const frameOf = (id: SocketId) =>
      socketIo.has(id) ? socketIoFrameFor(targets.get(id)) : frameFor(targets.get(id));
    let ids = [...targets.keys()];
    let scoped = 0;
    const scope = currentConnectScope();
    if (scope && targets.has(scope.connectionId)) {
      // Its `$connect` has not returned: collect the frame, delivered once the socket is open.
      scope.frames.push(frameOf(scope.connectionId));
      ids = ids.filter((id) => id !== scope.connectionId);
      scoped = 1;
    }
    // What to post where: a namespace socket's frame goes to its connection.
    const posts = ids.map((id) => ({ id: socketIo.get(id) ?? id, frame: frameOf(id) }));
    const { dispatcher, shardSize } = this.options;
    const own = dispatcher && posts.length > shardSize ? posts.slice(0, shardSize) : posts;
    const rest = ids.slice(own.length);
    const dispatching = dispatcher
      ? dispatchShards(rest, frameOf, {
          ...this.options,
          dispatcher,
          connectionOf: (id) => socketIo.get(id) ?? id,
        })
      : Promise.resolve({ dispatched: 0, failed: 0 });
    const posted = await this.postAll(own);
    // One emit reaches one socket per connection: a gone connection is that socket gone.
    const socketOf = new Map([...socketIo].map(([id, connection]) => [connection, id]));
    const goneIds = posted.goneIds.map((id) => socketOf.get(id) ?? id);
    const { dispatched, failed: notDispatched } = await dispatching;
    const failed = posted.failed + notDispatched;
    if (posted.goneIds.length > 0 || failed > 0) {
      this.options.logger.warn('Partial delivery', {
        event: packet.event,
        ns,
        delivered: posted.delivered + scoped,
        gone: posted.goneIds.length,
        failed,
        ...(dispatched > 0 ? { dispatched } : {}),
      });
    }
    const report = {
      recipients: ids.length + scoped,
      delivered: posted.delivered + scoped,
      gone: posted.goneIds.length,
      failed,
      dispatched,
    };
    return { report, goneIds };
  }

  /**
   * The worker's side of sharding: posts a shard's frames with the same bounded concurrency,
   * and never dispatches further.
   */
  async postShard(shard: BroadcastShard): Promise<FanOutResult> {
    const posts: Post[] = shard.groups.flatMap((group) =>
      group.connectionIds.map((id) => ({ id, frame: group.frame })),
    );
    // A gone connection is the socket the post was for (a Socket.IO client's namespace socket).
    const socketOf = new Map(
      shard.groups.flatMap((group) =>
        (group.socketIds ?? []).map((socket, index) => [group.connectionIds[index], socket]),
      ),
    );
    const posted = await this.postAll(posts);
    const { delivered, failed } = posted;
    const goneIds = posted.goneIds.map((id) => socketOf.get(id) ?? id);
    if (goneIds.length > 0 || failed > 0) {
      this.options.logger.warn('Partial shard delivery', {
        delivered,
        gone: goneIds.length,
        failed,
      });
    }
    const report = { recipients: posts.length, delivered, gone: goneIds.length, failed };
    return { report: { ...report, dispatched: 0 }, goneIds };
  }

  /** Posts every frame with bounded concurrency; post failures are logged, not thrown. */
  private async postAll(
    posts: readonly Post[],
  ): Promise<{ delivered: number; goneIds: SocketId[]; failed: number }> {
    const { poster, concurrency, logger, metrics } = this.options;
    const results = await mapWithConcurrency(
      posts,
      concurrency,
      (post): Promise<PostResult> => poster.post(post.id, post.frame),
    );
    const goneIds: SocketId[] = [];
    let delivered = 0;
    let failed = 0;
    results.forEach((result, index) => {
      const id = (posts[index] as Post).id;
      if (result.status === 'rejected') {
        failed++;
        logger.warn('Post failed', { connectionId: id, ...errorFields(result.reason) });
      } else if (result.value === 'gone') goneIds.push(id);
      else delivered++;
    });
    if (delivered > 0) metrics.count('Deliveries', delivered);
    if (failed > 0) metrics.count('DeliveryFailures', failed);
    return { delivered, goneIds, failed };
  }
}

interface Post {
  readonly id: SocketId;
  readonly frame: string;
}

/** The JSON protocol v1 frame of `packet` as reached through a room (or none), each encoded once. */
function frameCache(
  packet: Packet,
  ns: string,
  seqs: ReadonlyMap<Room, number>,
): (room: Room | undefined) => string {
  const frames = new Map<Room | undefined, string>();
  return (room) => {
    let frame = frames.get(room);
    if (frame === undefined) {
      frame = encodeEvent({
        event: packet.event,
        data: packet.data,
        args: packet.args,
        ackId: packet.ackId,
        id: packet.id,
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
}

/**
 * The Socket.IO frame of `packet` as reached through a room (or none): one for every
 * recipient, but that a frame reached through a durable room of `seqs` ends with the
 * message's recovery offset there.
 */
function socketIoFrameCache(
  packet: Packet,
  ns: string,
  seqs: ReadonlyMap<Room, number>,
): (room: Room | undefined) => string {
  const frames = new Map<Room | undefined, string>();
  const args = packet.args ?? [packet.data];
  const ack = packet.ackId === undefined ? undefined : serverAckNumber(packet.ackId);
  const { at } = packet;
  return (room) => {
    const seq = room === undefined || at === undefined ? undefined : seqs.get(room);
    // Only frames through a durable room differ (by their offset): the others share one.
    const key = seq === undefined ? undefined : room;
    let frame = frames.get(key);
    if (frame === undefined) {
      const offset =
        key === undefined || seq === undefined || at === undefined
          ? []
          : [recoveryOffset({ room: key, seq, at })];
      frame = encodeSocketIoEvent(ns, packet.event, [...args, ...offset], ack);
      frames.set(key, frame);
    }
    return frame;
  };
}
