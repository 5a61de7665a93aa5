import type { Adapter, BroadcastReport } from './adapter';
import type { Room, SocketId, SocketUser } from './types';

type Rooms = Room | readonly Room[];

const toList = (rooms: Rooms): readonly Room[] => (typeof rooms === 'string' ? [rooms] : rooms);

/**
 * An immutable audience: `to`, `in` and `except` return new operators and leave this one
 * untouched; `emit` ends in exactly one adapter call.
 *
 * @example
 * await nsp.to('lobby').except('muted').emit('chat', 'hello');
 */
export class BroadcastOperator {
  constructor(
    private readonly adapter: Adapter,
    private readonly ns: string,
    private readonly rooms: ReadonlySet<Room> = new Set(),
    private readonly exceptRooms: ReadonlySet<Room> = new Set(),
    private readonly from?: SocketId,
    private readonly user?: SocketUser,
  ) {}

  /** Targets the members of these rooms as well (a connection id targets that connection). */
  to(rooms: Rooms): BroadcastOperator {
    const next = new Set(this.rooms);
    for (const room of toList(rooms)) next.add(room);
    return new BroadcastOperator(
      this.adapter,
      this.ns,
      next,
      this.exceptRooms,
      this.from,
      this.user,
    );
  }

  /** Same as `to`. */
  in(rooms: Rooms): BroadcastOperator {
    return this.to(rooms);
  }

  /** Leaves out the members of these rooms (a connection id leaves out that connection). */
  except(rooms: Rooms): BroadcastOperator {
    const next = new Set(this.exceptRooms);
    for (const room of toList(rooms)) next.add(room);
    return new BroadcastOperator(this.adapter, this.ns, this.rooms, next, this.from, this.user);
  }

  /** The ids of the connections this operator would reach. */
  fetchSocketIds(): Promise<SocketId[]> {
    return this.adapter.fetchSocketIds({
      ns: this.ns,
      rooms: this.rooms,
      except: this.exceptRooms,
    });
  }

  /** Sends the event to the audience: the whole namespace when no room was chosen. */
  emit(event: string, data?: unknown): Promise<BroadcastReport> {
    return this.adapter.broadcast(
      { event, data, from: this.from, user: this.user },
      { ns: this.ns, rooms: this.rooms, except: this.exceptRooms },
    );
  }
}
