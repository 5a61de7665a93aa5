/**
 * Event maps of the bundled chat application (`docs/protocol.md`), for typed sockets.
 *
 * @example
 * const socket = connect<RootServerEvents, RootClientEvents>(url);
 * const { members } = await socket.emitWithAck('join', { room: 'lobby' });
 */

/** Namespace `/`, client → server. */
export interface RootClientEvents {
  join: { data: { room: string }; ack: { room: string; members: number } };
  leave: { data: { room: string }; ack: { room: string } };
  chat: { data: { room: string; message: unknown }; ack: { recipients: number } };
  broadcast: { data: unknown; ack: { recipients: number } };
  unicast: { data: unknown; ack: never };
  direct: { data: { to: string; message: unknown }; ack: { recipients: number } };
  whoami: { data: undefined; ack: { id: string; ns: string } };
  rooms: { data: undefined; ack: { rooms: string[] } };
  members: { data: { room: string }; ack: { members: string[] } };
}

/** Namespace `/`, server → client (event → data). */
export interface RootServerEvents {
  chat: unknown;
  broadcast: unknown;
  unicast: unknown;
  direct: unknown;
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
