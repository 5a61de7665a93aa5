import { ChatError } from '../core/errors';
import type { HistoryOptions } from '../core/history-settings';
import type { Server } from '../core/server';
import { isSocketId } from '../core/socket-id';
import * as z from '../core/zod';
import { historyReply, registerHistory, Seq } from './history-events';
import { registerMembers } from './members';
import { oneArgument } from './one-argument';
import { type PrivateRooms, privateRoomPolicy } from './private-rooms';
import { registerRoomPost } from './room-post';
import { parseData, RoomName } from './schemas';
import { registerWhoami } from './whoami';

const RoomData = z.onFirstUse(() => z.object({ room: RoomName }));
const JoinData = z.onFirstUse(() => z.object({ room: RoomName, since: z.optional(Seq) }));
const DirectData = z.onFirstUse(() =>
  z.object({
    to: z.string().check(z.minLength(1), z.maxLength(128)),
    message: z.unknown(),
  }),
);

/**
 * Namespace `/`: rooms, room chat, broadcast, unicast, direct messages and introspection.
 * Every room is durable (numbered, kept, recoverable with `join` `since` and `history`) and
 * presence-tracked.
 *
 * @example
 * registerRootNamespace(server); // then a client sends {"action":"join","data":{"room":"lobby"},"ack":1}
 */
export function registerRootNamespace(
  server: Server,
  privateRooms: PrivateRooms = {},
  history: HistoryOptions = {},
): void {
  const nsp = server.of('/');
  nsp.authorizeJoin(privateRoomPolicy(privateRooms));
  nsp.keepHistory(history);
  nsp.trackPresence();

  nsp.on(
    'join',
    oneArgument(async (socket, data, ack) => {
      const { room, since } = parseData(JoinData, data, 'join');
      await socket.join(room);
      // Read after the membership is written: what the history misses, this socket receives live.
      const [members, page] = await Promise.all([
        nsp.in(room).fetchSocketIds(),
        since === undefined ? undefined : nsp.history(room, { since, limit: 100 }),
      ]);
      const head = page ? page.head : await nsp.headOf(room);
      ack({
        room,
        members: members.length,
        ...(head === undefined ? {} : { seq: head }),
        ...(page ? { history: historyReply(room, page) } : {}),
      });
    }),
  );

  nsp.on(
    'leave',
    oneArgument(async (socket, data, ack) => {
      const { room } = parseData(RoomData, data, 'leave');
      await socket.leave(room);
      ack({ room });
    }),
  );

  registerRoomPost(nsp, 'chat');

  nsp.on(
    'broadcast',
    oneArgument(async (socket, data, ack) => {
      const report = await socket.broadcast.emit('broadcast', data);
      ack({ recipients: report.delivered + report.dispatched });
    }),
  );

  nsp.on(
    'unicast',
    oneArgument(async (socket, data) => {
      await socket.emit('unicast', data);
    }),
  );

  nsp.on(
    'direct',
    oneArgument(async (socket, data, ack) => {
      const { to, message } = parseData(DirectData, data, 'direct');
      if (!isSocketId(to)) throw new ChatError('NOT_FOUND', `${to} is not a connection id`);
      const report = await socket.to(to).emit('direct', message);
      if (report.delivered === 0)
        throw new ChatError('NOT_FOUND', `No connection ${to} in namespace ${nsp.name}`);
      ack({ recipients: report.delivered + report.dispatched });
    }),
  );

  registerWhoami(nsp);

  nsp.on(
    'rooms',
    oneArgument((socket, _data, ack) => {
      ack({ rooms: [...socket.rooms].filter((room) => room !== socket.id) });
    }),
  );

  registerMembers(nsp);
  registerHistory(nsp);
}
