import { ChatError } from '../core/errors';
import type { Namespace } from '../core/namespace';
import * as z from '../core/zod';
import { oneArgument } from './one-argument';
import { usersReply } from './presence-replies';
import { parseData, RoomName } from './schemas';

const MembersData = z.onFirstUse(() => z.object({ room: RoomName }));

/**
 * Registers `members` `{"room"}` (members of the room only): the ack lists the room's
 * connection ids and, in a presence-tracked room, its users: `{"members", "users"?}`.
 *
 * @example
 * registerMembers(server.of('/')); // then {"action":"members","data":{"room":"lobby"},"ack":4}
 */
export function registerMembers(nsp: Namespace): void {
  nsp.on(
    'members',
    oneArgument(async (socket, data, ack) => {
      const { room } = parseData(MembersData, data, 'members');
      if (!socket.rooms.has(room))
        throw new ChatError('FORBIDDEN', `Join "${room}" to see its members`);
      const [members, users] = await Promise.all([
        nsp.in(room).fetchSocketIds(),
        nsp.presence(room),
      ]);
      ack({ members, ...(users ? { users: usersReply(users) } : {}) });
    }),
  );
}
