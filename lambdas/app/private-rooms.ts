import type { JoinPolicy } from '../core/namespace';
import * as z from '../core/zod';

/** Rooms whose name starts with this are private: only users on their allow-list may join. */
export const PRIVATE_ROOM_PREFIX = 'private:';

/** Allow-lists of private rooms: room name → ids of the users who may join it. */
export const PrivateRooms = z.onFirstUse(() =>
  z.record(
    z.string().check(z.startsWith(PRIVATE_ROOM_PREFIX)),
    z.array(z.string().check(z.minLength(1))),
  ),
);
export type PrivateRooms = z.infer<typeof PrivateRooms>;

/**
 * The join policy of private rooms: a `private:` room may be joined only by a verified user
 * on its allow-list; a private room without one is closed. Other rooms are open.
 *
 * @example
 * nsp.authorizeJoin(privateRoomPolicy({ 'private:ops': ['alice', 'bob'] }));
 */
export function privateRoomPolicy(rooms: PrivateRooms): JoinPolicy {
  const allowed = new Map(Object.entries(rooms).map(([room, users]) => [room, new Set(users)]));
  return (socket, room) => {
    if (!room.startsWith(PRIVATE_ROOM_PREFIX)) return true;
    const userId = socket.user?.id;
    return userId !== undefined && (allowed.get(room)?.has(userId) ?? false);
  };
}
