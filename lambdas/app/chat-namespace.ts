import type { HistoryOptions } from '../core/room-features';
import type { Server } from '../core/server';
import * as z from '../core/zod';
import { registerHistory } from './history-events';
import { registerMembers } from './members';
import { registerRoomPost } from './room-post';
import { parseData } from './schemas';
import { registerWhoami } from './whoami';

/** The rooms of `/chat` and the greeting each sends when someone joins. */
const ROOMS: ReadonlyMap<string, (user: string) => string> = new Map([
  ['room:dev', (user: string) => `${user} has joined chat room.`],
  ['room:music', (user: string) => `${user} has joined music room.`],
]);

const JoinRoomData = z.object({
  type: z.string().check(z.maxLength(128)),
  user: z.string().check(z.minLength(1), z.maxLength(64)),
});

/**
 * Namespace `/chat`: two fixed rooms, a greeting on join and room messages. Both rooms are
 * durable and presence-tracked.
 *
 * @example
 * registerChatNamespace(server); // then {"action":"join-room","data":{"type":"room:dev","user":"ann"},"ack":1}
 */
export function registerChatNamespace(server: Server, history: HistoryOptions = {}): void {
  const nsp = server.of('/chat');
  nsp.keepHistory({ ...history, rooms: (room) => ROOMS.has(room) });
  nsp.trackPresence({ rooms: (room) => ROOMS.has(room) });
  registerWhoami(nsp);
  registerHistory(nsp);

  nsp.on('join-room', async (socket, data, ack) => {
    const { type, user } = parseData(JoinRoomData, data, 'join-room');
    const greeting = ROOMS.get(type);
    if (!greeting) {
      ack("The room doesn't exist");
      return;
    }
    await socket.join(type);
    await nsp.to(type).emit('hello', greeting(user));
    ack('success');
  });

  registerRoomPost(nsp, 'room-message');
  registerMembers(nsp);
}
