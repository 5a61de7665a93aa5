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
  /** Rooms whose position is known: the seq of the last message received there. */
  readonly afterSeq: ReadonlyMap<Room, number>;
  /** The other rooms: messages stored after this time (epoch ms) were missed. */
  readonly afterTime: number;
  /** Rooms of `afterSeq` read only up to this seq (default: to the latest). */
  readonly untilSeq?: ReadonlyMap<Room, number>;
  /** The rooms' `maxLength` (only that many latest messages are readable). */
  readonly maxLength: number;
  /** Most messages replayed; more missed means the state cannot be recovered. */
  readonly maxMessages: number;
}

/** What `missedMessages` found: the messages, and how far each room was read (its last seq read). */
export interface MissedMessages {
  readonly messages: readonly MissedMessage[];
  readonly positions: ReadonlyMap<Room, number>;
}

/** Messages read per page. */
const PAGE = 100;
/** Bytes per page, as history pages. */
const PAGE_BYTES = 96_000;

/**
 * The positions an offset gives a socket's rooms: the seq in the offset's room (known by its
 * tag); the others by the offset's time.
 *
 * @example
 * missedMessages(log, { ns: '/', rooms, ...positionsOf(offset, rooms), maxLength: 1_000, maxMessages: 500 });
 */
export function positionsOf(
  offset: ParsedOffset,
  rooms: readonly Room[],
): Pick<MissedMessagesQuery, 'afterSeq' | 'afterTime'> {
  const room = rooms.find((candidate) => roomTag(candidate) === offset.roomTag);
  return {
    afterSeq: new Map(room === undefined ? [] : [[room, offset.seq]]),
    afterTime: offset.at,
  };
}

/**
 * What a socket missed in its durable rooms, in order: in rooms of `afterSeq` every message
 * with a higher seq (exact); in the others every message stored after `afterTime` (by store
 * time, so of messages stored in different rooms within the same milliseconds as the last one
 * received, one may be replayed although received, or missed). Rooms are merged by store
 * time, each in seq order, and a message stored in several rooms (one `id`) comes once.
 * `undefined` when the state cannot be recovered: some missed message is no longer readable,
 * or more than `maxMessages` were missed.
 *
 * @example
 * const missed = await missedMessages(log, { ns: '/', rooms: ['lobby'], afterSeq: new Map([['lobby', 41]]), afterTime: 0, maxLength: 1_000, maxMessages: 500 });
 */
export async function missedMessages(
  log: MessageLog,
  query: MissedMessagesQuery,
): Promise<MissedMessages | undefined> {
  const perRoom: MissedMessage[][] = [];
  const positions = new Map<Room, number>();
  let budget = query.maxMessages;
  for (const room of query.rooms) {
    const since = query.afterSeq.get(room);
    const read =
      since === undefined
        ? await afterTime(log, query, room, query.afterTime, budget)
        : await readRange(log, query, room, since, query.untilSeq?.get(room), budget);
    if (read === undefined) return undefined;
    budget -= read.missed.length;
    positions.set(room, Math.max(since ?? 0, read.last));
    perRoom.push(read.missed.map((message) => ({ room, message })));
  }
  return { messages: mergeByTime(perRoom), positions };
}

/** Messages a read found missed, and the last seq it read. */
interface RoomRead {
  readonly missed: StoredMessage[];
  readonly last: number;
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
): Promise<RoomRead | undefined> {
  const missed: StoredMessage[] = [];
  let from: number | undefined = since;
  while (from !== undefined && (until === undefined || from < until)) {
    const page = await log.read(query.ns, room, {
      since: from,
      limit: PAGE,
      maxLength: query.maxLength,
      maxBytes: PAGE_BYTES,
    });
    if (page.trimmed) return undefined;
    const within = page.messages.filter((message) => until === undefined || message.seq <= until);
    missed.push(...within);
    if (missed.length > budget) return undefined;
    from = within.length < page.messages.length ? undefined : page.next;
  }
  return { missed, last: missed.at(-1)?.seq ?? since };
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
): Promise<RoomRead | undefined> {
  const pages: StoredMessage[][] = [];
  let count = 0;
  let last = 0;
  for (let until = await log.head(query.ns, room); until > 0; until -= PAGE) {
    const page = await readRange(log, query, room, Math.max(0, until - PAGE), until, PAGE);
    if (page === undefined) return undefined;
    last = Math.max(last, page.missed.at(-1)?.seq ?? 0);
    const missed = page.missed.filter((message) => message.at > at);
    pages.unshift(missed);
    count += missed.length;
    if (count > budget) return undefined;
    if (missed.length < page.missed.length) break;
  }
  return { missed: pages.flat(), last };
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
