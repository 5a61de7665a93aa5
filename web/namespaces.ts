import type { EventMeta, StoredMessage } from '../client/index';
import type { ChatMessage } from './chat-line';
import type { PageSocket } from './page-socket';
import { type RoomUser, readUsers } from './room-users';

/** Called for every server event a namespace shows in the log. */
export type IncomingHandler = (event: string, data: unknown, meta: EventMeta) => void;

/** What a post reached: how many recipients, and the message's seq in a durable room. */
export interface Delivered {
  readonly recipients: number;
  readonly seq?: number;
}

/** Options of a send: the ack timeout in ms (0 waits for as long as the socket is away). */
export interface SendOptions {
  readonly timeout?: number;
}

/** The members of a room: connection ids, and its users when the namespace tracks presence. */
export interface RoomMembers {
  readonly ids: readonly string[];
  readonly users?: readonly RoomUser[];
}

/**
 * What the page can do in one namespace of the chat app (`docs/protocol.md`). Missing
 * operations disable their buttons.
 */
export interface NamespaceProfile {
  readonly name: string;
  /** Rooms offered in the Room box's suggestions. */
  readonly suggestedRooms: readonly string[];
  /** Subscribes `handler` to the server events shown in the log. */
  subscribe(socket: PageSocket, handler: IncomingHandler): void;
  /** Joins a room; resolves with the line to log. */
  join?(socket: PageSocket, room: string, user: string): Promise<string>;
  leave?(socket: PageSocket, room: string): Promise<void>;
  /** Posts to a room's other members. */
  post?(
    socket: PageSocket,
    room: string,
    message: ChatMessage,
    options: SendOptions,
  ): Promise<Delivered>;
  broadcast?(socket: PageSocket, message: ChatMessage, options: SendOptions): Promise<number>;
  direct?(
    socket: PageSocket,
    to: string,
    message: ChatMessage,
    options: SendOptions,
  ): Promise<number>;
  members?(socket: PageSocket, room: string): Promise<RoomMembers>;
  /** The latest `limit` messages of a durable room the socket is in, ascending by seq. */
  recent?(socket: PageSocket, room: string, limit: number): Promise<StoredMessage[]>;
  /** Re-joins after a reconnection, for rooms the client does not re-join itself. */
  rejoin?(socket: PageSocket, rooms: readonly string[], user: string): Promise<void>;
}

/** `/`: any room; the client re-joins rooms joined with `socket.join` by itself. */
const root: NamespaceProfile = {
  name: '/',
  suggestedRooms: ['lobby', 'random'],
  subscribe(socket, handler) {
    socket.on('chat', (data, meta) => handler('chat', data, meta));
    socket.on('broadcast', (data, meta) => handler('broadcast', data, meta));
    socket.on('direct', (data, meta) => handler('direct', data, meta));
    socket.on('presence', (data, meta) => handler('presence', data, meta));
  },
  async join(socket, room) {
    const { members } = await socket.join(room);
    return `joined #${room} (${members} ${members === 1 ? 'member' : 'members'})`;
  },
  async leave(socket, room) {
    await socket.leave(room);
  },
  async post(socket, room, message, options) {
    return delivered(await socket.emitWithAck('chat', { room, message }, options));
  },
  async broadcast(socket, message, options) {
    return (await socket.emitWithAck('broadcast', message, options)).recipients;
  },
  async direct(socket, to, message, options) {
    return (await socket.emitWithAck('direct', { to, message }, options)).recipients;
  },
  members,
  recent,
};

/** `members` of `/` and `/chat`: the room's connection ids and users. */
async function members(socket: PageSocket, room: string): Promise<RoomMembers> {
  const reply = await socket.emitWithAck('members', { room });
  const users = readUsers(reply.users);
  return { ids: reply.members, ...(users ? { users } : {}) };
}

/** `history` of `/` and `/chat`, read defensively: well-formed messages only, ascending. */
async function recent(socket: PageSocket, room: string, limit: number): Promise<StoredMessage[]> {
  const page: unknown = await socket.history(room, { limit });
  const messages = (page as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return [];
  return messages
    .filter(
      (message): message is StoredMessage =>
        typeof message === 'object' &&
        message !== null &&
        Number.isSafeInteger(message.seq) &&
        typeof message.event === 'string' &&
        typeof message.at === 'number',
    )
    .sort((a, b) => a.seq - b.seq);
}

/** A post's ack as `Delivered`: `seq` is there when the room is durable. */
function delivered(reply: { readonly recipients: number }): Delivered {
  const { seq } = reply as { seq?: unknown };
  return typeof seq === 'number'
    ? { recipients: reply.recipients, seq }
    : { recipients: reply.recipients };
}

/** Joins one of `/chat`'s fixed rooms; its ack is a sentence, not an error, on failure. */
async function joinChatRoom(socket: PageSocket, room: string, user: string): Promise<void> {
  const reply = await socket.emitWithAck('join-room', { type: room, user });
  if (reply !== 'success') throw new Error(reply);
}

/** `/chat`: two fixed rooms with a greeting on join; no leave, so the page re-joins itself. */
const chat: NamespaceProfile = {
  name: '/chat',
  suggestedRooms: ['room:dev', 'room:music'],
  subscribe(socket, handler) {
    socket.on('hello', (data, meta) => handler('hello', data, meta));
    socket.on('room-message', (data, meta) => handler('room-message', data, meta));
    socket.on('presence', (data, meta) => handler('presence', data, meta));
  },
  async join(socket, room, user) {
    await joinChatRoom(socket, room, user);
    return `joined #${room}`;
  },
  async post(socket, room, message, options) {
    return delivered(await socket.emitWithAck('room-message', { room, message }, options));
  },
  members,
  recent,
  async rejoin(socket, rooms, user) {
    await Promise.all(rooms.map((room) => joinChatRoom(socket, room, user)));
  },
};

/** `/notification`: the server joins rooms and greets; the client only listens. */
const notification: NamespaceProfile = {
  name: '/notification',
  suggestedRooms: [],
  subscribe(socket, handler) {
    socket.on('hello', (data, meta) => handler('hello', data, meta));
  },
};

const PROFILES: ReadonlyMap<string, NamespaceProfile> = new Map(
  [root, chat, notification].map((profile) => [profile.name, profile]),
);

/**
 * The profile of a namespace; `/` for unknown names.
 *
 * @example
 * profileOf('/chat').suggestedRooms; // ['room:dev', 'room:music']
 */
export function profileOf(namespace: string): NamespaceProfile {
  return PROFILES.get(namespace) ?? root;
}
