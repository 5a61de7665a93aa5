import type { AfterConnectDispatcher } from '../core/ports';

/**
 * A `AfterConnectDispatcher` for a server that never has frames for a connection that is not open
 * yet (the emitter, which runs no `$connect`; a function the stack gives no worker).
 * Being asked is a wiring error: it rejects, naming `who` and `why`.
 *
 * @example
 * new Server({ ...ports, afterConnectDispatcher: noAfterConnectDispatcher('The emitter', "only the chat's connect handler does") });
 */
export function noAfterConnectDispatcher(who: string, why: string): AfterConnectDispatcher {
  return {
    async dispatch(connectionId) {
      throw new Error(
        `${who} cannot deliver frames after $connect (connection ${connectionId}): ${why}`,
      );
    },
  };
}
