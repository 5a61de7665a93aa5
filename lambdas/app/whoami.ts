import type { Namespace } from '../core/namespace';

/**
 * Registers `whoami` (ack `{"id", "ns"}`), which clients use to learn their connection id.
 *
 * @example
 * registerWhoami(server.of('/chat'));
 */
export function registerWhoami(nsp: Namespace): void {
  nsp.on('whoami', (socket, _data, ack) => {
    ack({ id: socket.id, ns: socket.nsp.name });
  });
}
