import { HistoryPageBuilder } from './history-page-builder';
import type { MessageLog } from './ports';
import { storedMessage } from './stored-message';
import type { HistoryPage, HistoryQuery, Room, StoredMessage } from './types';

export interface InMemoryMessageLogOptions {
  /** Clock in epoch milliseconds, compared with `expiresAt` (epoch seconds). Default `Date.now`. */
  readonly now?: () => number;
}

/** One room's history: its counter and the messages not yet pruned, in seq order. */
interface RoomLog {
  head: number;
  /** Epoch ms of the latest append. */
  lastAppendAt: number;
  readonly entries: Map<number, { readonly message: StoredMessage; readonly expiresAt: number }>;
}

/**
 * `MessageLog` in Maps, for unit tests and single-process runs. Same semantics as the
 * DynamoDB log: seqs from 1 per room, expired messages (`expiresAt` at or before the clock)
 * are never returned, only the last `maxLength` messages are readable, and `data` is kept as
 * its JSON form (what DynamoDB keeps too).
 *
 * @example
 * const log = new InMemoryMessageLog({ now: () => 1_700_000_000_000 });
 * await log.append('/', 'lobby', { event: 'chat', data: 'hi', at: 1_700_000_000_000 }, 1_700_003_600);
 * await log.read('/', 'lobby', { limit: 50, maxLength: 1000, maxBytes: 96_000 }); // { messages: [{ seq: 1, … }], head: 1, trimmed: false }
 */
export class InMemoryMessageLog implements MessageLog {
  private readonly rooms = new Map<string, RoomLog>();
  private readonly now: () => number;

  constructor(options: InMemoryMessageLogOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async append(
    ns: string,
    room: Room,
    message: Omit<StoredMessage, 'seq'>,
    expiresAt: number,
  ): Promise<StoredMessage> {
    const log = this.roomLog(ns, room, true);
    log.head++;
    log.lastAppendAt = this.now();
    const stored = storedMessage(log.head, message);
    log.entries.set(stored.seq, { message: stored, expiresAt });
    this.pruneExpired(log);
    return copyOf(stored);
  }

  async read(ns: string, room: Room, query: HistoryQuery): Promise<HistoryPage> {
    const log = this.roomLog(ns, room, false);
    const head = log?.head ?? 0;
    const builder = new HistoryPageBuilder(query, head);
    const nowSeconds = Math.floor(this.now() / 1000);
    for (let seq = builder.firstSeq; log !== undefined && seq <= head; seq++) {
      const entry = log.entries.get(seq);
      if (entry === undefined || entry.expiresAt <= nowSeconds) continue;
      if (!builder.add(copyOf(entry.message))) break;
    }
    return builder.build(log?.lastAppendAt ?? 0, this.now());
  }

  async head(ns: string, room: Room): Promise<number> {
    return this.roomLog(ns, room, false)?.head ?? 0;
  }

  private roomLog(ns: string, room: Room, create: true): RoomLog;
  private roomLog(ns: string, room: Room, create: false): RoomLog | undefined;
  private roomLog(ns: string, room: Room, create: boolean): RoomLog | undefined {
    const partition = `hist#${ns}#${room}`;
    let log = this.rooms.get(partition);
    if (log === undefined && create) {
      log = { head: 0, lastAppendAt: 0, entries: new Map() };
      this.rooms.set(partition, log);
    }
    return log;
  }

  /** Forgets the oldest messages while they are expired, as DynamoDB's TTL eventually does. */
  private pruneExpired(log: RoomLog): void {
    const nowSeconds = Math.floor(this.now() / 1000);
    for (const [seq, entry] of log.entries) {
      if (entry.expiresAt > nowSeconds) return;
      log.entries.delete(seq);
    }
  }
}

/** A copy callers cannot use to change the log. */
function copyOf(message: StoredMessage): StoredMessage {
  return storedMessage(message.seq, message);
}

/** What a message costs of a page's `maxBytes`: its JSON in UTF-8 bytes. */
