import type { UserInfo } from './events';
import type { HistoryPage, JoinHistory } from './history';

/**
 * Event maps of the bundled chat application (`docs/protocol.md`), for typed sockets.
 *
 * @example
 * const socket = connect<RootServerEvents, RootClientEvents>(url);
 * const { members } = await socket.emitWithAck('join', { room: 'lobby' });
 */

/** Namespace `/`, client → server. */
export interface RootClientEvents {
  join: {
    data: { room: string; since?: number };
    ack: { room: string; members: number; seq?: number; history?: JoinHistory };
  };
  leave: { data: { room: string }; ack: { room: string } };
  chat: {
    data: { room: string; message: unknown };
    ack: { recipients: number; room?: string; seq?: number };
  };
  history: { data: { room: string; since?: number; limit?: number }; ack: HistoryPage };
  broadcast: { data: unknown; ack: { recipients: number } };
  unicast: { data: unknown; ack: never };
  direct: { data: { to: string; message: unknown }; ack: { recipients: number } };
  whoami: { data: undefined; ack: { id: string; ns: string } };
  rooms: { data: undefined; ack: { rooms: string[] } };
  members: {
    data: { room: string };
    ack: { members: string[]; users?: Array<UserInfo & { connections: number }> };
  };
}

/** The data of a `presence` event: a user joined or left a room. */
export interface PresenceData {
  readonly action: 'join' | 'leave';
  readonly user: UserInfo;
  readonly reason?: 'leave' | 'disconnect' | 'gone';
}

/** Namespace `/`, server → client (event → data). */
export interface RootServerEvents {
  chat: unknown;
  broadcast: unknown;
  unicast: unknown;
  direct: unknown;
  presence: PresenceData;
}

/** Namespace `/chat`, client → server. */
export interface ChatNamespaceClientEvents {
  'join-room': { data: { type: string; user: string }; ack: string };
  'room-message': { data: { room: string; message: unknown }; ack: { recipients: number } };
}

/** Namespace `/chat`, server → client. */
export interface ChatNamespaceServerEvents {
  hello: string;
  'room-message': unknown;
}

/** Namespace `/notification`, server → client (it takes no client events). */
export interface NotificationServerEvents {
  hello: string;
}
