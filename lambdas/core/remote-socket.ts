import type { Adapter } from './adapter';
import { type Handshake, handshakeOf } from './handshake';
import { operation } from './invocation';
import { packetOf } from './packet';
import { userOf } from './socket';
import type { ConnectionRecord, Room, SocketData, SocketId, SocketUser } from './types';

type Rooms = Room | readonly Room[];

const toList = (rooms: Rooms): readonly Room[] => (typeof rooms === 'string' ? [rooms] : rooms);

/**
 * Another connection as `fetchSockets()` found it: its id, rooms, data and handshake as
 * stored, and what can be done to it from here. As in Socket.IO, its joins are the server's
 * own (no join policy applies), and its fields are a snapshot.
 *
 * @example
 * for (const socket of await nsp.in('lobby').fetchSockets()) if (socket.data.muted) socket.leave('lobby');
 */
export class RemoteSocket {
  readonly id: SocketId;
  readonly rooms: ReadonlySet<Room>;
  readonly data: Readonly<SocketData>;
  readonly handshake: Handshake;
  readonly user: SocketUser | undefined;

  constructor(
    private readonly adapter: Adapter,
    private readonly record: ConnectionRecord,
  ) {
    this.id = record.id;
    this.rooms = new Set([record.id, ...record.rooms]);
    this.data = record.data;
    this.handshake = handshakeOf(record);
    this.user = userOf(record.data);
  }

  /** Sends an event with any number of arguments to this socket. */
  emit(event: string, ...args: unknown[]): Promise<void> {
    const packet = packetOf(event, args, {});
    return operation(`emit "${event}"`, async () => {
      const { protocol, connection } = this.record;
      await this.adapter.send(packet, this.record.ns, [{ id: this.id, protocol, connection }]);
    });
  }

  /** Makes the socket join rooms (bounded by its room limit). */
  join(rooms: Rooms): Promise<void> {
    return operation('join', () =>
      this.adapter.addAll({ record: this.record, user: this.user }, toList(rooms)),
    );
  }

  /** Makes the socket leave rooms. */
  leave(rooms: Rooms): Promise<void> {
    return operation('leave', () =>
      this.adapter.del({ record: this.record, user: this.user }, toList(rooms)),
    );
  }

  /** Closes its connection (`close` is accepted for Socket.IO's signature: one namespace per connection). */
  disconnect(_close = false): Promise<void> {
    // A Socket.IO namespace socket closes by its connection (and the connection's other sockets with it).
    return operation('disconnect', () =>
      this.adapter.closeConnections([this.record.connection ?? this.id]),
    );
  }
}
