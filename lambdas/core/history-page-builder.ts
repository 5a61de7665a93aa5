import { isTrimmed } from './history-trim';
import type { HistoryPage, HistoryQuery, StoredMessage } from './types';

/**
 * Builds one history page the same way for every `MessageLog`: where it starts (after
 * `since`, or the latest `limit`, never before the last `maxLength`), the `limit` and byte
 * budget (always at least one message), `next` and `trimmed`.
 *
 * @example
 * const page = new HistoryPageBuilder(query, head);
 * for (const message of readFrom(page.firstSeq)) if (!page.add(message)) break;
 * return page.build(lastAppendAt, Date.now());
 */
export class HistoryPageBuilder {
  /** The seq the page reads after. */
  readonly after: number;
  private readonly query: HistoryQuery;
  private readonly head: number;
  private readonly since: number | undefined;
  private readonly messages: StoredMessage[] = [];
  private bytes = 0;
  private isFull = false;

  constructor(query: HistoryQuery, head: number) {
    checkHistoryQuery(query);
    this.query = query;
    this.head = head;
    const since = query.since === undefined ? undefined : Math.max(0, Math.floor(query.since));
    this.since = since;
    this.after = Math.max(since ?? head - query.limit, head - query.maxLength, 0);
  }

  /** The first seq worth reading. */
  get firstSeq(): number {
    return this.after + 1;
  }

  /** Whether the page holds all it may. */
  get full(): boolean {
    return this.isFull;
  }

  /** How many more messages the page takes at most. */
  get wanted(): number {
    return this.query.limit - this.messages.length;
  }

  /** Adds the next readable message, in seq order; false once the page is full (then it was not added if over budget). */
  add(message: StoredMessage): boolean {
    if (this.isFull) return false;
    const size = Buffer.byteLength(JSON.stringify(message), 'utf8');
    if (this.messages.length > 0 && this.bytes + size > this.query.maxBytes) {
      this.isFull = true;
      return false;
    }
    this.messages.push(message);
    this.bytes += size;
    this.isFull = this.messages.length >= this.query.limit;
    return !this.isFull;
  }

  /** The page; `lastAppendAt` is when the room's counter last handed out a seq (epoch ms). */
  build(lastAppendAt: number, now: number): HistoryPage {
    const last = this.messages.at(-1);
    return {
      messages: this.messages,
      head: this.head,
      next: this.isFull && last !== undefined && last.seq < this.head ? last.seq : undefined,
      trimmed: isTrimmed({
        after: this.since ?? this.after,
        head: this.head,
        maxLength: this.query.maxLength,
        first: this.messages[0],
        lastAppendAt,
        now,
      }),
    };
  }
}

/**
 * Throws a `RangeError` for a query no page can answer (a limit below 1), before anything is read.
 *
 * @example
 * checkHistoryQuery({ limit: 0, maxLength: 1000, maxBytes: 96_000 }); // throws
 */
export function checkHistoryQuery(query: HistoryQuery): void {
  if (!(query.limit >= 1))
    throw new RangeError(`A history page needs a limit of at least 1, got ${query.limit}`);
}
