import type { Server } from '../core/server';
import { registerWhoami } from './whoami';

/** Default of `greetingIntervalSeconds`: the namespace is greeted at most once a minute. */
export const DEFAULT_GREETING_INTERVAL_SECONDS = 60;

/**
 * Namespace `/notification`: every new connection joins `room1` and `room2` and is greeted
 * with `hello`; the rest of the namespace gets the same greeting at most once per
 * `greetingIntervalSeconds` (in all processes together), however many connections open, so
 * connecting and closing in a loop cannot make the stage post to everyone each time.
 *
 * @example
 * registerNotificationNamespace(server); // a client connecting to ?ns=/notification receives {"event":"hello","data":"notification",...}
 */
export function registerNotificationNamespace(
  server: Server,
  greetingIntervalSeconds = DEFAULT_GREETING_INTERVAL_SECONDS,
): void {
  const nsp = server.of('/notification');
  registerWhoami(nsp);

  nsp.on('connection', async (socket) => {
    await socket.join(['room1', 'room2']);
    await nsp.to(socket.id).emit('hello', 'notification');
    if (await nsp.onceEvery('hello', greetingIntervalSeconds)) {
      await nsp.except(socket.id).emit('hello', 'notification');
    }
  });
}
