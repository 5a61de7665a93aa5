import { readUser } from './event-meta';
import type { UserInfo } from './events';
import { isCursorSeq, isSeq } from './seq';

/** A message of a durable room as the server stores it, returned by `history` and `join`. */
export interface StoredMessage {
  readonly seq: number;
  /** Present when one emit was stored in several durable rooms: the same id in each. */
  readonly id?: string;
  readonly event: string;
  readonly data: unknown;
  readonly from?: string;
  readonly user?: UserInfo;
  /** When the server stored it, in epoch ms. */
  readonly at: number;
}

/** The ack of `history`: messages with seq > `since`, ascending. */
export interface HistoryPage {
  readonly room: string;
  readonly messages: readonly StoredMessage[];
  /** The room's latest seq. */
  readonly head: number;
  /** Set when there is more: ask again with `since: next`. */
  readonly next?: number;
  /** True when some messages after `since` are gone for good (retention or length limits). */
  readonly trimmed: boolean;
}

/** The `history` of a `join` ack sent with `since`: its first page of missed messages. */
export interface JoinHistory {
  readonly messages: readonly StoredMessage[];
  readonly next?: number;
  readonly trimmed: boolean;
}

/** Options of `socket.history(room, options)`. */
export interface HistoryOptions {
  /** Return messages with seq > since (≥ 0). Default: the server's (from the oldest kept). */
  readonly since?: number;
  /** Page size, 1..100. Default: the server's. */
  readonly limit?: number;
  /** Ack timeout in ms. Default `ackTimeout`. */
  readonly timeout?: number;
}

/** A stored message as the client reads it from an untrusted reply (`at` only when well formed). */
export type ReadMessage = Omit<StoredMessage, 'at'> & { readonly at?: number };

/** A page as the client reads it from a `history` ack or a `join` ack's `history`. */
export interface ReadPage {
  /** Well-formed messages only, ascending by seq. */
  readonly messages: readonly ReadMessage[];
  /** The page's `head` (absent in a join ack's `history`: the ack's `seq` is the head). */
  readonly head: number | undefined;
  readonly next: number | undefined;
  readonly trimmed: boolean;
}

/**
 * Reads a history page from an untrusted reply; undefined when it has no `messages` array.
 * Malformed messages (no seq ≥ 1 or no event name) are left out.
 *
 * @example
 * readHistoryPage({ room: 'lobby', messages: [{ seq: 3, event: 'chat', data: 'hi', at: 1 }], head: 3, trimmed: false });
 * // { messages: [{ seq: 3, event: 'chat', data: 'hi' }], head: 3, next: undefined, trimmed: false }
 */
export function readHistoryPage(value: unknown): ReadPage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const page = value as Record<string, unknown>;
  if (!Array.isArray(page.messages)) return undefined;
  const messages = page.messages
    .map(readMessage)
    .filter((message): message is ReadMessage => message !== undefined)
    .sort((a, b) => a.seq - b.seq);
  return {
    messages,
    head: isCursorSeq(page.head) ? page.head : undefined,
    next: isCursorSeq(page.next) ? page.next : undefined,
    trimmed: page.trimmed === true,
  };
}

function readMessage(value: unknown): ReadMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (!isSeq(message.seq) || typeof message.event !== 'string') return undefined;
  const user = readUser(message.user);
  return {
    seq: message.seq,
    ...(typeof message.id === 'string' ? { id: message.id } : {}),
    event: message.event,
    data: message.data ?? null,
    ...(typeof message.from === 'string' ? { from: message.from } : {}),
    ...(user ? { user } : {}),
    ...(typeof message.at === 'number' && Number.isFinite(message.at) ? { at: message.at } : {}),
  };
}
