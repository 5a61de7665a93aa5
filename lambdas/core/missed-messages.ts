import type { MessageLog } from './ports';
import { type ParsedOffset, roomTag } from './recovery-offset';
import type { Room, StoredMessage } from './types';

/** A message a reconnecting socket missed, and the durable room it missed it in. */
export interface MissedMessage {
  readonly room: Room;
  readonly message: StoredMessage;
}

export interface MissedMessagesQuery {
  readonly ns: string;
  /** The socket's durable rooms. */
  readonly rooms: readonly Room[];
  /** The position of the last message the client received through a durable room. */
  readonly offset: ParsedOffset;
  /** The rooms' `maxLength` (only that many latest messages are readable). */
  readonly maxLength: number;
  /** Most messages replayed; more missed means the state cannot be recovered. */
  readonly maxMessages: number;
}

/** Messages read per page. */
const PAGE = 100;
/** Bytes per page, as history pages. */
const PAGE_BYTES = 96_000;

/**
 * What a socket missed in its durable rooms since the message its client received last
 * (`offset`), in order: in the offset's room every message with a higher seq (exact); in the
 * others every message stored after the offset's message (by store time, so of messages
 * stored in different rooms within the same milliseconds as that one, a few may be replayed
 * although received, or missed). Rooms are merged by store time, each in seq order, and a
 * message stored in several rooms (one `id`) comes once. `undefined` when the state cannot be
 * recovered: some missed message is no longer readable, or more than `maxMessages` were missed.
 *
 * @example
 * const missed = await missedMessages(log, { ns: '/', rooms: ['lobby'], offset, maxLength: 1_000, maxMessages: 500 });
 */
export async function missedMessages(
  log: MessageLog,
  query: MissedMessagesQuery,
): Promise<MissedMessage[] | undefined> {
  const perRoom: MissedMessage[][] = [];
  let budget = query.maxMessages;
  for (const room of query.rooms) {
    const messages =
      roomTag(room) === query.offset.roomTag
        ? await readRange(log, query, room, query.offset.seq, undefined, budget)
        : await afterTime(log, query, room, query.offset.at, budget);
    if (messages === undefined) return undefined;
    budget -= messages.length;
    perRoom.push(messages.map((message) => ({ room, message })));
  }
  return mergeByTime(perRoom);
}

/**
 * The room's messages with a seq above `since` and up to `until` (default: all), reading
 * forward; undefined when some are no longer readable or there are more than `budget`.
 */
async function readRange(
  log: MessageLog,
  query: MissedMessagesQuery,
  room: Room,
  since: number,
  until: number | undefined,
  budget: number,
): Promise<StoredMessage[] | undefined> {
  const messages: StoredMessage[] = [];
  let from: number | undefined = since;
  while (from !== undefined && (until === undefined || from < until)) {
    const page = await log.read(query.ns, room, {
      since: from,
      limit: PAGE,
      maxLength: query.maxLength,
      maxBytes: PAGE_BYTES,
    });
    if (page.trimmed) return undefined;
    for (const message of page.messages) {
      if (until !== undefined && message.seq > until) return messages;
      messages.push(message);
    }
    if (messages.length > budget) return undefined;
    from = page.next;
  }
  return messages;
}

/**
 * The room's messages stored after `at`, reading back from the latest a page at a time until
 * a page holds one stored at or before `at`; undefined when older ones are no longer
 * readable or there are more than `budget`.
 */
async function afterTime(
  log: MessageLog,
  query: MissedMessagesQuery,
  room: Room,
  at: number,
  budget: number,
): Promise<StoredMessage[] | undefined> {
  const pages: StoredMessage[][] = [];
  let count = 0;
  for (let until = await log.head(query.ns, room); until > 0; until -= PAGE) {
    const page = await readRange(log, query, room, Math.max(0, until - PAGE), until, PAGE);
    if (page === undefined) return undefined;
    const missed = page.filter((message) => message.at > at);
    pages.unshift(missed);
    count += missed.length;
    if (count > budget) return undefined;
    if (missed.length < page.length) break;
  }
  return pages.flat();
}

/** Merges rooms' lists (each in seq order) by store time, keeping each message of several rooms once. */
function mergeByTime(lists: readonly (readonly MissedMessage[])[]): MissedMessage[] {
  const merged: MissedMessage[] = [];
  const seen = new Set<string>();
  const cursors = lists.map(() => 0);
  for (;;) {
    let pick = -1;
    for (const [index, list] of lists.entries()) {
      const candidate = list[cursors[index] as number];
      if (candidate === undefined) continue;
      const best = pick < 0 ? undefined : lists[pick]?.[cursors[pick] as number];
      if (best === undefined || candidate.message.at < best.message.at) pick = index;
    }
    if (pick < 0) return merged;
    const next = lists[pick]?.[cursors[pick] as number] as MissedMessage;
    cursors[pick] = (cursors[pick] as number) + 1;
    const id = next.message.id;
    if (id !== undefined && seen.has(id)) continue;
    if (id !== undefined) seen.add(id);
    merged.push(next);
  }
}
