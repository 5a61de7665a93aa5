import type { Packet } from './fan-out';
import { payloadOf } from './protocol';
import { RESERVED_EVENTS } from './reserved-events';
import type { SocketId, SocketUser } from './types';

/**
 * The packet of an emit: its name and arguments, stamped with the sender. Throws for a
 * reserved event name, as Socket.IO does, and for a function among the arguments, which
 * cannot travel.
 *
 * @example
 * packetOf('chat', ['hi'], { from: socket.id, user: socket.user });
 */
export function packetOf(
  event: string,
  args: readonly unknown[],
  sender: { readonly from?: SocketId | undefined; readonly user?: SocketUser | undefined },
): Packet {
  if (RESERVED_EVENTS.has(event)) throw new Error(`"${event}" is a reserved event name`);
  if (args.some((arg) => typeof arg === 'function'))
    throw new TypeError(`emit "${event}": functions cannot be sent`);
  return { event, ...payloadOf(args), from: sender.from, user: sender.user };
}
