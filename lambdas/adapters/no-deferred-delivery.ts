import type { DeferredDelivery } from '../core/ports';

/**
 * A `DeferredDelivery` for a server that never has frames for a connection that is not open
 * yet (the emitter, which runs no `$connect`; a function the stack gives no deliver worker).
 * Being asked is a wiring error: it rejects, naming `who` and `why`.
 *
 * @example
 * new Server({ store, delivery, deferredDelivery: noDeferredDelivery('The emitter', "only the chat's connect handler does") });
 */
export function noDeferredDelivery(who: string, why: string): DeferredDelivery {
  return {
    async deliverAfterConnect(connectionId) {
      throw new Error(
        `${who} cannot deliver frames after $connect (connection ${connectionId}): ${why}`,
      );
    },
  };
}
