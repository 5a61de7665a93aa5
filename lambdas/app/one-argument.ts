import { ChatError } from '../core/errors';
import type { Ack, EventHandler } from '../core/namespace';
import type { Socket } from '../core/socket';

/** A handler of an event that carries at most one argument, and always gets an `ack` to call. */
export type OneArgumentHandler = (socket: Socket, data: unknown, ack: Ack) => unknown;

const noAck: Ack = () => undefined;

/**
 * Adapts a handler of one argument to Socket.IO's calling convention, where the ack comes
 * last and only when the client asked for one: `data` is the argument (undefined when none
 * was sent), `ack` a no-op when no answer was asked for. More than one argument is answered
 * `BAD_REQUEST`. The chat's events all take one argument; wscat and the client SDK send them
 * as `data`.
 *
 * @example
 * nsp.on('whoami', oneArgument((socket, _data, ack) => ack({ id: socket.id })));
 */
export function oneArgument(handler: OneArgumentHandler): EventHandler {
  return (socket, ...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    const values = ack ? args.slice(0, -1) : args;
    if (values.length > 1)
      throw new ChatError('BAD_REQUEST', `This event takes one argument, not ${values.length}`);
    return handler(socket, values[0], ack ?? noAck);
  };
}
