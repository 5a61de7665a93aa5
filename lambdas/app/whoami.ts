import type { Namespace } from '../core/namespace';
import { oneArgument } from './one-argument';

/**
 * Registers `whoami` (ack `{"id", "ns"}`), which clients use to learn their connection id.
 *
 * @example
 * registerWhoami(server.of('/chat'));
 */
export function registerWhoami(nsp: Namespace): void {
  nsp.on(
    'whoami',
    oneArgument((socket, _data, ack) => {
      ack({ id: socket.id, ns: socket.nsp.name });
    }),
  );
}
