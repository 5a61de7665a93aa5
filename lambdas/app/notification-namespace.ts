import type { Server } from '../core/server';
import { registerWhoami } from './whoami';

/**
 * Namespace `/notification`: every new connection joins `room1` and `room2`, and the
 * namespace greets all its connections, the new one included, with `hello`.
 *
 * @example
 * registerNotificationNamespace(server); // a client connecting to ?ns=/notification receives {"event":"hello","data":"notification",...}
 */
export function registerNotificationNamespace(server: Server): void {
  const nsp = server.of('/notification');
  registerWhoami(nsp);

  nsp.on('connection', async (socket) => {
    await socket.join(['room1', 'room2']);
    await nsp.emit('hello', 'notification');
  });
}
