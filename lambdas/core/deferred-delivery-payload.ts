import * as z from './zod';

/**
 * What `LambdaDeferredDelivery` sends to the deliver worker: the frames for one connection
 * whose `$connect` had not returned yet. `kind` is optional so events sent before it existed
 * still parse.
 *
 * @example
 * const { connectionId, frames } = DeferredDeliveryPayload.parse(event);
 */
export const DeferredDeliveryPayload = z.object({
  kind: z.optional(z.literal('after-connect')),
  connectionId: z.string().check(z.minLength(1)),
  frames: z.array(z.string()).check(z.minLength(1)),
});

export type DeferredDeliveryPayload = z.infer<typeof DeferredDeliveryPayload>;

/**
 * What `LambdaShardDispatcher` sends to the deliver worker: one shard of a large broadcast,
 * each frame with the connections it goes to.
 *
 * @example
 * ShardPayload.parse({ kind: 'shard', groups: [{ frame, connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export const ShardPayload = z.object({
  kind: z.literal('shard'),
  groups: z
    .array(
      z.object({
        frame: z.string(),
        connectionIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
      }),
    )
    .check(z.minLength(1)),
});

export type ShardPayload = z.infer<typeof ShardPayload>;

/** Every event the deliver worker accepts. */
export const DeliverPayload = z.union([ShardPayload, DeferredDeliveryPayload]);

export type DeliverPayload = z.infer<typeof DeliverPayload>;
