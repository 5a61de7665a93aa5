import type { HistoryOptions } from '../core/history-settings';
import type { Server } from '../core/server';
import * as z from '../core/zod';
import { registerHistory } from './history-events';
import { registerMembers } from './members';
import { oneArgument } from './one-argument';
import { registerRoomPost } from './room-post';
import { parseData } from './schemas';
import { registerWhoami } from './whoami';

/** The rooms of `/chat` and the greeting each sends when someone joins. */
const ROOMS: ReadonlyMap<string, (user: string) => string> = new Map([
  ['room:dev', (user: string) => `${user} has joined chat room.`],
  ['room:music', (user: string) => `${user} has joined music room.`],
]);

const JoinRoomData = z.onFirstUse(() =>
  z.object({
    type: z.string().check(z.maxLength(128)),
    /** Accepted for the seed's clients, and ignored: the greeting names the verified user. */
    user: z.optional(z.string().check(z.maxLength(64))),
  }),
);

/**
 * Namespace `/chat`: two fixed rooms, a greeting on join and room messages. Both rooms are
 * durable and presence-tracked. The greeting goes to the room, the joiner included, only on
 * the socket's first join of it; it names the verified user (the connection id without one)
 * and carries the joiner's `from` and `user`.
 *
 * @example
 * registerChatNamespace(server); // then {"action":"join-room","data":{"type":"room:dev"},"ack":1}
 */
export function registerChatNamespace(server: Server, history: HistoryOptions = {}): void {
  const nsp = server.of('/chat');
  nsp.keepHistory({ ...history, rooms: (room) => ROOMS.has(room) });
  nsp.trackPresence({ rooms: (room) => ROOMS.has(room) });
  registerWhoami(nsp);
  registerHistory(nsp);

  nsp.on(
    'join-room',
    oneArgument(async (socket, data, ack) => {
      const { type } = parseData(JoinRoomData, data, 'join-room');
      const greeting = ROOMS.get(type);
      if (!greeting) {
        ack("The room doesn't exist");
        return;
      }
      if (!socket.rooms.has(type)) {
        await socket.join(type);
        await nsp
          .to(type)
          .from(socket)
          .emit('hello', greeting(socket.user?.name ?? socket.id));
      }
      ack('success');
    }),
  );

  registerRoomPost(nsp, 'room-message');
  registerMembers(nsp);
}
