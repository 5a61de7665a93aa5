import type { MessageLog } from '../../lambdas/core/ports';
import type { HistoryPage, HistoryQuery, StoredMessage } from '../../lambdas/core/types';

/** Epoch ms the test clock starts at: now, so that DynamoDB Local's real TTL leaves items alone. */
const START = Date.now();
const HOUR = 3_600;

/** A clock a test moves forward; the log under test reads it. */
export interface TestClock {
  readonly now: () => number;
  advanceSeconds(seconds: number): void;
}

function aClock(): TestClock {
  let ms = START;
  return {
    now: () => ms,
    advanceSeconds: (seconds) => {
      ms += seconds * 1000;
    },
  };
}

/** Namespaces are unique per test, so that suites can share one table. */
let namespaces = 0;

/** A message as `append` takes it; fields may be overridden. */
function aMessage(overrides: Partial<Omit<StoredMessage, 'seq'>> = {}): Omit<StoredMessage, 'seq'> {
  return { event: 'chat', data: 'hi', at: 1_700_000_000_000, ...overrides };
}

const ROOMY: Omit<HistoryQuery, 'since'> = { limit: 1_000, maxLength: 1_000, maxBytes: 1_000_000 };

function bytesOf(message: StoredMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

function seqsOf(page: HistoryPage): number[] {
  return page.messages.map((message) => message.seq);
}

/**
 * The behaviour every `MessageLog` must have. Run it once per implementation so the
 * in-memory log used by unit tests cannot drift from the DynamoDB one.
 *
 * @example
 * describeMessageLogContract('InMemoryMessageLog', ({ now }) => new InMemoryMessageLog({ now }));
 */
export function describeMessageLogContract(
  name: string,
  makeLog: (clock: TestClock) => MessageLog | Promise<MessageLog>,
): void {
  describe(`Class: ${name} (MessageLog contract)`, () => {
    let log: MessageLog;
    let clock: TestClock;
    let ns: string;

    beforeEach(async () => {
      clock = aClock();
      log = await makeLog(clock);
      ns = `/contract-${++namespaces}`;
    });

    const inAnHour = (): number => Math.floor(clock.now() / 1000) + HOUR;
    const appendMany = async (
      count: number,
      room = 'lobby',
      expiresAt = inAnHour(),
    ): Promise<StoredMessage[]> => {
      const stored: StoredMessage[] = [];
      for (let index = 1; index <= count; index++)
        stored.push(await log.append(ns, room, aMessage({ data: `message ${index}` }), expiresAt));
      return stored;
    };
    /** Every page from `since` on, following `next`. */
    const readAll = async (query: HistoryQuery): Promise<HistoryPage[]> => {
      const pages: HistoryPage[] = [];
      let since = query.since;
      do {
        const page = await log.read(ns, 'lobby', { ...query, since });
        pages.push(page);
        since = page.next;
      } while (since !== undefined && pages.length < 100);
      return pages;
    };

    describe('Method: append', () => {
      it('numbers the messages of a room 1, 2, 3… and resolves with what it stored', async () => {
        // Act
        const stored = await appendMany(3);

        // Assess
        expect(stored).toEqual([
          { seq: 1, event: 'chat', data: 'message 1', at: 1_700_000_000_000 },
          { seq: 2, event: 'chat', data: 'message 2', at: 1_700_000_000_000 },
          { seq: 3, event: 'chat', data: 'message 3', at: 1_700_000_000_000 },
        ]);
      });

      it('numbers rooms and namespaces apart, also rooms of the same name', async () => {
        // Prepare
        await appendMany(3, 'lobby');

        // Act
        const news = await log.append(ns, 'news', aMessage(), inAnHour());
        const elsewhere = await log.append(`${ns}/other`, 'lobby', aMessage(), inAnHour());

        // Assess
        expect(news.seq).toBe(1);
        expect(elsewhere.seq).toBe(1);
        expect(await log.head(ns, 'lobby')).toBe(3);
        expect(seqsOf(await log.read(`${ns}/other`, 'lobby', { since: 0, ...ROOMY }))).toEqual([1]);
      });

      it('gives 50 concurrent appends 50 distinct, contiguous seqs, all readable in order', async () => {
        // Act
        const stored = await Promise.all(
          Array.from({ length: 50 }, (_, index) =>
            log.append(ns, 'lobby', aMessage({ data: { index } }), inAnHour()),
          ),
        );

        // Assess
        const seqs = stored.map((message) => message.seq).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
        const page = await log.read(ns, 'lobby', { since: 0, ...ROOMY });
        expect(page.messages).toEqual([...stored].sort((a, b) => a.seq - b.seq));
        expect(page.head).toBe(50);
      });

      it('round-trips the id, and the args, of a message', async () => {
        const message = aMessage({
          id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
          data: 3,
          args: [3, { four: 4 }],
        });

        await log.append(ns, 'lobby', message, inAnHour());
        const page = await log.read(ns, 'lobby', { since: 0, ...ROOMY });

        expect(page.messages).toEqual([{ seq: 1, ...message }]);
      });

      it('round-trips data of any JSON shape, sender and user', async () => {
        // Prepare
        let deep: unknown = 'bottom';
        for (let level = 0; level < 40; level++) deep = { level, deep };
        const data = {
          text: 'héllo wörld 👋 你好 \u0000 "quoted" \\ back',
          nested: { list: [1, 2.5, -3, null, true, false, '', { empty: {} }], big: 1e300 },
          tiny: 5e-324,
          deep,
        };
        const message = aMessage({
          event: 'chat ✨',
          data,
          from: 'R1kmxc2VNjMCFIA=',
          user: { id: 'ada', name: 'Ada Lovelace 🧮' },
        });

        // Act
        const stored = await log.append(ns, 'lobby', message, inAnHour());
        const page = await log.read(ns, 'lobby', { since: 0, ...ROOMY });

        // Assess
        expect(stored).toEqual({ seq: 1, ...message });
        expect(page.messages).toEqual([{ seq: 1, ...message }]);
      });

      it('keeps data that is a bare string, number, null, an array or absent', async () => {
        // Prepare
        const values: unknown[] = ['text', 42, null, ['a', 1], undefined];

        // Act
        for (const data of values) await log.append(ns, 'lobby', aMessage({ data }), inAnHour());

        // Assess
        const page = await log.read(ns, 'lobby', { since: 0, ...ROOMY });
        expect(page.messages.map((message) => message.data)).toEqual(values);
      });
    });

    describe('Method: read', () => {
      it('returns the messages after since, ascending, with only the fields of a message', async () => {
        // Prepare
        await log.append(ns, 'lobby', aMessage({ data: 'one' }), inAnHour());
        await log.append(
          ns,
          'lobby',
          aMessage({ data: 'two', from: 'R1kmxc2VNjMCFIA=', user: { id: 'ada', name: 'Ada' } }),
          inAnHour(),
        );

        // Act
        const page = await log.read(ns, 'lobby', { since: 0, ...ROOMY });

        // Assess
        expect(page).toEqual({
          messages: [
            { seq: 1, event: 'chat', data: 'one', at: 1_700_000_000_000 },
            {
              seq: 2,
              event: 'chat',
              data: 'two',
              from: 'R1kmxc2VNjMCFIA=',
              user: { id: 'ada', name: 'Ada' },
              at: 1_700_000_000_000,
            },
          ],
          head: 2,
          trimmed: false,
        });
        expect(page.next).toBeUndefined();
        expect(Object.keys(page.messages[0] ?? {}).sort()).toEqual(['at', 'data', 'event', 'seq']);
        expect(Object.keys(page.messages[1] ?? {}).sort()).toEqual(
          ['at', 'data', 'event', 'from', 'seq', 'user'].sort(),
        );
      });

      it('returns an empty, untrimmed page for a room without history', async () => {
        // Act
        const page = await log.read(ns, 'nobody-here', { since: 0, ...ROOMY });

        // Assess
        expect(page).toEqual({ messages: [], head: 0, trimmed: false });
        expect(page.next).toBeUndefined();
      });

      it('returns the latest limit messages without since', async () => {
        // Prepare
        await appendMany(10);

        // Act
        const page = await log.read(ns, 'lobby', { ...ROOMY, limit: 3 });

        // Assess
        expect(seqsOf(page)).toEqual([8, 9, 10]);
        expect(page).toMatchObject({ head: 10, trimmed: false });
        expect(page.next).toBeUndefined();
      });

      it('returns nothing, untrimmed, when since is at or past the head', async () => {
        // Prepare
        await appendMany(3);

        // Act
        const atHead = await log.read(ns, 'lobby', { since: 3, ...ROOMY });
        const pastHead = await log.read(ns, 'lobby', { since: 9, ...ROOMY });

        // Assess
        expect(atHead).toEqual({ messages: [], head: 3, trimmed: false });
        expect(pastHead).toEqual({ messages: [], head: 3, trimmed: false });
      });

      it('pages with limit and next, and the pages put together are the whole history', async () => {
        // Prepare
        const stored = await appendMany(23);

        // Act
        const pages = await readAll({ ...ROOMY, since: 0, limit: 5 });

        // Assess
        expect(pages.map(seqsOf)).toEqual([
          [1, 2, 3, 4, 5],
          [6, 7, 8, 9, 10],
          [11, 12, 13, 14, 15],
          [16, 17, 18, 19, 20],
          [21, 22, 23],
        ]);
        expect(pages.map((page) => page.next)).toEqual([5, 10, 15, 20, undefined]);
        expect(pages.every((page) => !page.trimmed && page.head === 23)).toBe(true);
        expect(pages.flatMap((page) => page.messages)).toEqual(stored);
      });

      it('sets no next when a full page ends at the head', async () => {
        // Prepare
        await appendMany(4);

        // Act
        const page = await log.read(ns, 'lobby', { ...ROOMY, since: 0, limit: 4 });

        // Assess
        expect(seqsOf(page)).toEqual([1, 2, 3, 4]);
        expect(page.next).toBeUndefined();
        expect(page.trimmed).toBe(false);
      });

      it('stops a page before the message that would go over maxBytes', async () => {
        // Prepare
        const stored = await appendMany(9);
        const size = bytesOf(stored[0] as StoredMessage);

        // Act
        const pages = await readAll({ ...ROOMY, since: 0, maxBytes: 2 * size + size / 2 });

        // Assess
        expect(pages.map(seqsOf)).toEqual([[1, 2], [3, 4], [5, 6], [7, 8], [9]]);
        expect(pages.map((page) => page.next)).toEqual([2, 4, 6, 8, undefined]);
        expect(pages.every((page) => !page.trimmed)).toBe(true);
      });

      it('counts maxBytes in UTF-8 bytes of the JSON', async () => {
        // Prepare
        const text = 'é'.repeat(100);
        const first = await log.append(ns, 'lobby', aMessage({ data: text }), inAnHour());
        await log.append(ns, 'lobby', aMessage({ data: text }), inAnHour());
        const characters = JSON.stringify(first).length;

        // Act
        const page = await log.read(ns, 'lobby', {
          ...ROOMY,
          since: 0,
          maxBytes: 2 * characters + 10,
        });

        // Assess
        expect(seqsOf(page)).toEqual([1]);
        expect(page.next).toBe(1);
      });

      it('returns one message even when it alone is over maxBytes', async () => {
        // Prepare
        await log.append(ns, 'lobby', aMessage({ data: 'x'.repeat(2_000) }), inAnHour());
        await log.append(ns, 'lobby', aMessage({ data: 'small' }), inAnHour());

        // Act
        const first = await log.read(ns, 'lobby', { ...ROOMY, since: 0, maxBytes: 100 });
        const second = await log.read(ns, 'lobby', { ...ROOMY, since: first.next, maxBytes: 100 });

        // Assess
        expect(seqsOf(first)).toEqual([1]);
        expect(first.next).toBe(1);
        expect(seqsOf(second)).toEqual([2]);
        expect(second.next).toBeUndefined();
      });

      it('keeps only the last maxLength messages readable, and says the older ones are trimmed', async () => {
        // Prepare
        await appendMany(10);

        // Act
        const fromStart = await log.read(ns, 'lobby', { ...ROOMY, since: 0, maxLength: 4 });
        const withinWindow = await log.read(ns, 'lobby', { ...ROOMY, since: 7, maxLength: 4 });
        const latest = await log.read(ns, 'lobby', { ...ROOMY, limit: 6, maxLength: 4 });

        // Assess
        expect(seqsOf(fromStart)).toEqual([7, 8, 9, 10]);
        expect(fromStart.trimmed).toBe(true);
        expect(seqsOf(withinWindow)).toEqual([8, 9, 10]);
        expect(withinWindow.trimmed).toBe(false);
        expect(seqsOf(latest)).toEqual([7, 8, 9, 10]);
        expect(latest.trimmed).toBe(false);
      });

      it('says trimmed when a window of maxLength 0 leaves nothing readable', async () => {
        // Prepare
        await appendMany(2);

        // Act
        const page = await log.read(ns, 'lobby', { ...ROOMY, since: 0, maxLength: 0 });

        // Assess
        expect(page).toEqual({ messages: [], head: 2, trimmed: true });
      });

      it('never returns expired messages, and says they are trimmed', async () => {
        // Prepare
        const soon = Math.floor(clock.now() / 1000) + 60;
        await appendMany(3, 'lobby', soon);
        const kept = await appendMany(2, 'lobby', inAnHour());
        clock.advanceSeconds(61);

        // Act
        const fromStart = await log.read(ns, 'lobby', { since: 0, ...ROOMY });
        const fromExpired = await log.read(ns, 'lobby', { since: 1, ...ROOMY });
        const afterExpired = await log.read(ns, 'lobby', { since: 3, ...ROOMY });
        const latest = await log.read(ns, 'lobby', { ...ROOMY, limit: 4 });

        // Assess
        expect(fromStart.messages).toEqual(kept);
        expect(fromStart.trimmed).toBe(true);
        expect(seqsOf(fromExpired)).toEqual([4, 5]);
        expect(fromExpired.trimmed).toBe(true);
        expect(seqsOf(afterExpired)).toEqual([4, 5]);
        expect(afterExpired.trimmed).toBe(false);
        expect(seqsOf(latest)).toEqual([4, 5]);
        expect(latest.trimmed).toBe(true);
      });

      it('expires a message at its expiresAt second', async () => {
        // Prepare
        const at = Math.floor(clock.now() / 1000) + 120;
        await log.append(ns, 'lobby', aMessage(), at);
        clock.advanceSeconds(at - clock.now() / 1000);

        // Act
        const page = await log.read(ns, 'lobby', { since: 0, ...ROOMY });

        // Assess
        expect(page).toEqual({ messages: [], head: 1, trimmed: true });
      });

      it('returns an empty, trimmed page when every message after since has expired', async () => {
        // Prepare
        await appendMany(3, 'lobby', Math.floor(clock.now() / 1000) + 60);
        clock.advanceSeconds(120);

        // Act
        const page = await log.read(ns, 'lobby', { since: 1, ...ROOMY });
        const latest = await log.read(ns, 'lobby', { ...ROOMY, limit: 2 });

        // Assess
        expect(page).toEqual({ messages: [], head: 3, trimmed: true });
        expect(latest).toEqual({ messages: [], head: 3, trimmed: true });
      });

      it('pages past expired messages up to limit readable ones', async () => {
        // Prepare
        await appendMany(12, 'lobby', Math.floor(clock.now() / 1000) + 60);
        await appendMany(6, 'lobby', inAnHour());
        clock.advanceSeconds(120);

        // Act
        const pages = await readAll({ ...ROOMY, since: 0, limit: 4 });

        // Assess
        expect(pages.map(seqsOf)).toEqual([
          [13, 14, 15, 16],
          [17, 18],
        ]);
        expect(pages.map((page) => page.trimmed)).toEqual([true, false]);
      });
    });

    describe('Method: head', () => {
      it('is 0 for a room without history', async () => {
        // Act
        const head = await log.head(ns, 'nobody-here');

        // Assess
        expect(head).toBe(0);
      });

      it('is the latest seq, expired messages included', async () => {
        // Prepare
        await appendMany(4, 'lobby', Math.floor(clock.now() / 1000) + 60);
        clock.advanceSeconds(120);

        // Act
        const head = await log.head(ns, 'lobby');

        // Assess
        expect(head).toBe(4);
      });
    });
  });
}
