import type { DeferredDelivery } from '../core/ports';

/**
 * The emitter's `DeferredDelivery`: it never runs a `$connect`, so it never has frames for a
 * connection that is not open yet. Being asked is a wiring error, and says so.
 *
 * @example
 * new Server({ store, delivery, deferredDelivery: noDeferredDelivery });
 */
export const noDeferredDelivery: DeferredDelivery = {
  async deliverAfterConnect(connectionId) {
    throw new Error(
      `The emitter cannot deliver frames after $connect (connection ${connectionId}): only the chat's connect handler does`,
    );
  },
};
