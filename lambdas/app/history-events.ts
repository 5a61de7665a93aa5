import { ChatError } from '../core/errors';
import type { Namespace } from '../core/namespace';
import type { HistoryPage } from '../core/types';
import * as z from '../core/zod';
import { oneArgument } from './one-argument';
import { parseData, RoomName } from './schemas';

/** A seq to read after: 0 (from the start) or a message's seq. */
export const Seq = z.onFirstUse(() =>
  z.number().check(z.int(), z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
);

/** Most messages one `history` request returns. */
export const MAX_HISTORY_LIMIT = 100;

const HistoryData = z.onFirstUse(() =>
  z.object({
    room: RoomName,
    since: z.optional(Seq),
    limit: z.optional(z.number().check(z.int(), z.positive(), z.maximum(MAX_HISTORY_LIMIT))),
  }),
);

/**
 * The wire form of a history page: `{"room", "messages", "head", "next"?, "trimmed"}`.
 *
 * @example
 * ack(historyReply('lobby', await nsp.history('lobby', { since: 4, limit: 50 })));
 */
export function historyReply(room: string, page: HistoryPage): Record<string, unknown> {
  return {
    room,
    messages: page.messages,
    head: page.head,
    ...(page.next === undefined ? {} : { next: page.next }),
    trimmed: page.trimmed,
  };
}

/**
 * Registers `history` `{"room", "since"?, "limit"?}` (members of a durable room only): the
 * messages after `since` (default the latest `limit`, at most 100), ascending, with `next`
 * when more follow.
 *
 * @example
 * registerHistory(server.of('/')); // then {"action":"history","data":{"room":"lobby","since":41},"ack":2}
 */
export function registerHistory(nsp: Namespace): void {
  nsp.on(
    'history',
    oneArgument(async (socket, data, ack) => {
      const { room, since, limit } = parseData(HistoryData, data, 'history');
      if (!socket.rooms.has(room))
        throw new ChatError('FORBIDDEN', `Join "${room}" to read its history`);
      ack(historyReply(room, await nsp.history(room, { since, limit: limit ?? 50 })));
    }),
  );
}
