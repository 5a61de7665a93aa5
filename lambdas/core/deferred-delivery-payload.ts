import { z } from 'zod';

/**
 * What `LambdaDeferredDelivery` sends to the deliver worker: the frames for one connection
 * whose `$connect` had not returned yet. The worker validates its event with this schema.
 *
 * @example
 * const { connectionId, frames } = DeferredDeliveryPayload.parse(event);
 */
export const DeferredDeliveryPayload = z.object({
  connectionId: z.string().min(1),
  frames: z.array(z.string()).min(1),
});

export type DeferredDeliveryPayload = z.infer<typeof DeferredDeliveryPayload>;
