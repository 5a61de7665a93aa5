import { ChatError } from '../core/errors';
import type { Namespace } from '../core/namespace';
import * as z from '../core/zod';
import { oneArgument } from './one-argument';
import { parseData, RoomName } from './schemas';

const RoomPostData = z.onFirstUse(() => z.object({ room: RoomName, message: z.unknown() }));

/**
 * Registers `event` `{"room", "message"}` (members of the room only): the message goes to the
 * room's other members as `event`, and the ack says how many were reached and, in a durable
 * room, the message's seq: `{"recipients", "room"?, "seq"?}`.
 *
 * @example
 * registerRoomPost(server.of('/'), 'chat'); // then {"action":"chat","data":{"room":"lobby","message":"hi"},"ack":3}
 */
export function registerRoomPost(nsp: Namespace, event: string): void {
  nsp.on(
    event,
    oneArgument(async (socket, data, ack) => {
      const { room, message } = parseData(RoomPostData, data, event);
      if (!socket.rooms.has(room))
        throw new ChatError('FORBIDDEN', `Join "${room}" before posting to it`);
      const report = await socket.to(room).emit(event, message);
      const seq = report.seqs?.[room];
      ack({ recipients: report.delivered + report.dispatched, ...(seq ? { room, seq } : {}) });
    }),
  );
}
