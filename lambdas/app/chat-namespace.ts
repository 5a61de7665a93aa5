import { ChatError } from '../core/errors';
import type { Server } from '../core/server';
import * as z from '../core/zod';
import { parseData, RoomName } from './schemas';
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
const RoomMessageData = z.object({ room: RoomName, message: z.unknown() });

/**
 * Namespace `/chat`: two fixed rooms, a greeting on join and room messages.
 *
 * @example
 * registerChatNamespace(server); // then {"action":"join-room","data":{"type":"room:dev","user":"ann"},"ack":1}
 */
export function registerChatNamespace(server: Server): void {
  const nsp = server.of('/chat');
  registerWhoami(nsp);

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

  nsp.on('room-message', async (socket, data, ack) => {
    const { room, message } = parseData(RoomMessageData, data, 'room-message');
    if (!socket.rooms.has(room))
      throw new ChatError('FORBIDDEN', `Join "${room}" before posting to it`);
    const report = await socket.to(room).emit('room-message', message);
    ack({ recipients: report.delivered + report.dispatched });
  });
}
