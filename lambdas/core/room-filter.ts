import { isSocketId } from './socket-id';
import type { Room } from './types';

/** Which rooms of a namespace a feature applies to; a connection's own room never. */
export type RoomFilter = (room: Room) => boolean;

/**
 * Settings of presence-tracked rooms (`Namespace.trackPresence`).
 *
 * @example
 * nsp.trackPresence({ rooms: (room) => room.startsWith('team:') });
 */
export interface PresenceOptions {
  /** Rooms whose members are announced and listed by user. Default: every room. */
  readonly rooms?: RoomFilter;
}

/**
 * The filter of a feature: the given one (or every room), never a connection's own room.
 *
 * @example
 * roomFilter(undefined)('R1kmxc2VNjMCFIA='); // false
 */
export function roomFilter(rooms: RoomFilter | undefined): RoomFilter {
  return (room) => !isSocketId(room) && (rooms ? rooms(room) : true);
}
