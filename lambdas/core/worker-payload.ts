import * as z from './zod';

/**
 * What `LambdaAfterConnectDispatcher` sends to the worker: the frames for one connection
 * whose `$connect` had not returned yet. `kind` is optional so events sent before it existed
 * still parse.
 *
 * @example
 * const { connectionId, frames } = AfterConnectPayload.parse(event);
 */
export const AfterConnectPayload = z.onFirstUse(() =>
  z.object({
    kind: z.optional(z.literal('after-connect')),
    connectionId: z.string().check(z.minLength(1)),
    frames: z.array(z.string()).check(z.minLength(1)),
  }),
);

export type AfterConnectPayload = z.infer<typeof AfterConnectPayload>;

/**
 * What `LambdaShardDispatcher` sends to the worker: one shard of a large broadcast,
 * each frame with the connections it goes to.
 *
 * @example
 * ShardPayload.parse({ kind: 'shard', groups: [{ frame, connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export const ShardPayload = z.onFirstUse(() =>
  z.object({
    kind: z.literal('shard'),
    groups: z
      .array(
        z
          .object({
            frame: z.string(),
            connectionIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
            socketIds: z.optional(z.array(z.string().check(z.minLength(1)))),
          })
          .check(
            z.refine(
              (group) =>
                group.socketIds === undefined ||
                group.socketIds.length === group.connectionIds.length,
              'socketIds must name one socket per connection id',
            ),
          ),
      )
      .check(z.minLength(1)),
  }),
);

export type ShardPayload = z.infer<typeof ShardPayload>;

/** A connection `MembershipStore.detachConnections` answered, as a checkpoint carries it. */
const DetachedConnection = z.onFirstUse(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    ns: z.string().check(z.minLength(1)),
    rooms: z.array(z.string()),
    user: z.optional(z.object({ id: z.string(), name: z.string() })),
  }),
);

/**
 * What `LambdaCleanupDispatcher` sends to the worker: connections a post found gone
 * (`connectionIds`, `connectedBefore`), or the rest of a clean-up that ran short of time
 * (`detached`).
 *
 * @example
 * CleanupPayload.parse({ kind: 'cleanup', connectionIds: ['R1kmxc2VNjMCFIA='], connectedBefore: 1_700_000_000_000 });
 */
export const CleanupPayload = z.onFirstUse(() =>
  z.object({
    kind: z.literal('cleanup'),
    connectionIds: z.optional(z.array(z.string().check(z.minLength(1)))),
    connectedBefore: z.optional(z.number()),
    detached: z.optional(z.array(DetachedConnection)),
  }),
);

export type CleanupPayload = z.infer<typeof CleanupPayload>;

/** Every event the worker accepts. */
export const WorkerPayload = z.onFirstUse(() =>
  z.union([ShardPayload, CleanupPayload, AfterConnectPayload]),
);

export type WorkerPayload = z.infer<typeof WorkerPayload>;
