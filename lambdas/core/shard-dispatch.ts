import { errorFields } from './error-fields';
import type { CoreLogger } from './logger';
import type { BroadcastShard, ChatMetrics, ShardDispatcher } from './ports';
import type { SocketId } from './types';

/** How many recipients the workers took over, and how many could not be handed to one. */
export interface DispatchCounts {
  readonly dispatched: number;
  readonly failed: number;
}

/**
 * Splits `ids` into shards of at most `shardSize`, each frame encoded once and listed with
 * its recipients, and hands them all to `dispatcher` in parallel. A shard that cannot be
 * handed over is logged and counted as failed; nothing is thrown.
 *
 * @example
 * const { dispatched } = await dispatchShards(ids, (id) => frame, { dispatcher, shardSize: 1_000, logger, metrics });
 */
export async function dispatchShards(
  ids: readonly SocketId[],
  frameOf: (id: SocketId) => string,
  options: {
    readonly dispatcher: ShardDispatcher;
    readonly shardSize: number;
    readonly logger: CoreLogger;
    readonly metrics: ChatMetrics;
    /** The connection a socket's frame is posted to, when not its id (Socket.IO). */
    readonly connectionOf?: (id: SocketId) => SocketId;
  },
): Promise<DispatchCounts> {
  if (ids.length === 0) return { dispatched: 0, failed: 0 };
  const shards: SocketId[][] = [];
  for (let start = 0; start < ids.length; start += options.shardSize) {
    shards.push(ids.slice(start, start + options.shardSize));
  }
  const results = await Promise.allSettled(
    shards.map((shard) =>
      options.dispatcher.dispatch(toShard(shard, frameOf, options.connectionOf)),
    ),
  );
  let dispatched = 0;
  let failed = 0;
  options.metrics.count('ShardsDispatched', shards.length);
  results.forEach((result, index) => {
    const size = (shards[index] as SocketId[]).length;
    if (result.status === 'fulfilled') dispatched += size;
    else {
      failed += size;
      options.logger.error('Shard dispatch failed', {
        recipients: size,
        ...errorFields(result.reason),
      });
    }
  });
  return { dispatched, failed };
}

/**
 * The shard of `ids`: one group per distinct frame, in first-seen order, listing the
 * connections to post to and, when some differ from them, the sockets.
 *
 * @example
 * toShard(['A', 'B'], () => frame); // { groups: [{ frame, connectionIds: ['A', 'B'] }] }
 */
export function toShard(
  ids: readonly SocketId[],
  frameOf: (id: SocketId) => string,
  connectionOf: (id: SocketId) => SocketId = (id) => id,
): BroadcastShard {
  const groups = new Map<string, SocketId[]>();
  for (const id of ids) {
    const frame = frameOf(id);
    let group = groups.get(frame);
    if (!group) {
      group = [];
      groups.set(frame, group);
    }
    group.push(id);
  }
  return {
    groups: [...groups].map(([frame, socketIds]) => {
      const connectionIds = socketIds.map(connectionOf);
      const differ = connectionIds.some((connection, index) => connection !== socketIds[index]);
      return differ ? { frame, connectionIds, socketIds } : { frame, connectionIds };
    }),
  };
}
