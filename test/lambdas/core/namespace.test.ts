import { ChatError } from '../../../lambdas/core/errors';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import { InMemoryMessageLog } from '../../../lambdas/core/in-memory-message-log';
import { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';
import { InMemoryPresenceStore } from '../../../lambdas/core/in-memory-presence-store';
import { HISTORY_PAGE_BYTES } from '../../../lambdas/core/namespace';
import { Server, type ServerOptions } from '../../../lambdas/core/server';
import { inMemoryServerStores, RecordingAfterConnectDispatcher } from '../../support/chat-harness';

/** A fixed `at` for emits (the log keeps its own clock, so it must be now-ish). */
const AT = Date.now();

describe('Class: Namespace', () => {
  let messageLog: InMemoryMessageLog;
  let presence: InMemoryPresenceStore;
  let store: InMemoryMembershipStore;
  let poster: InMemoryPoster;

  const server = (options: Partial<ServerOptions> = {}) =>
    new Server({
      ...inMemoryServerStores(),
      store,
      poster,
      afterConnectDispatcher: new RecordingAfterConnectDispatcher(),
      messageLog,
      presence,
      ...options,
    });

  /** Connects a client to `ns` in `rooms` (straight into the store), as `user` when given. */
  const member = async (ns: string, rooms: string[], id: string, user?: string) => {
    await store.addConnection({
      id,
      ns,
      rooms,
      data: user ? { user: { id: user, name: user } } : {},
      connectedAt: Date.now() - 60_000,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    return id;
  };

  beforeEach(() => {
    messageLog = new InMemoryMessageLog();
    presence = new InMemoryPresenceStore();
    store = new InMemoryMembershipStore();
    poster = new InMemoryPoster();
  });

  describe('Method: keepHistory', () => {
    it("needs the server's messageLog, and says so", () => {
      // Prepare
      const nsp = server({ messageLog: undefined }).of('/chat');

      // Act
      const keeping = () => nsp.keepHistory();

      // Assess
      expect(keeping).toThrow("keepHistory on /chat needs the server's messageLog option");
      expect(nsp.keepsHistory('lobby')).toBe(false);
    });

    it('checks its settings', () => {
      // Prepare
      const nsp = server().of('/');

      // Act & Assess
      expect(() => nsp.keepHistory({ maxLength: 0 })).toThrow('maxLength must be a positive');
      expect(() => nsp.keepHistory({ retentionSeconds: 1.5 })).toThrow(
        'retentionSeconds must be a positive integer',
      );
      expect(nsp.keepsHistory('lobby')).toBe(false);
    });

    it('keeps the rooms its filter names, every room by default, never a connection id', () => {
      // Prepare
      const [all, some, none] = [
        server().of('/').keepHistory(),
        server()
          .of('/some')
          .keepHistory({ rooms: (room) => room.startsWith('keep:') }),
        server().of('/none'),
      ];

      // Act & Assess
      expect([all.keepsHistory('lobby'), all.keepsHistory('R1kmxc2VNjMCFIA=')]).toEqual([
        true,
        false,
      ]);
      expect([some.keepsHistory('keep:a'), some.keepsHistory('lobby')]).toEqual([true, false]);
      expect(none.keepsHistory('lobby')).toBe(false);
    });

    it('stores each emit to a durable room with the retention, and numbers it in the frame', async () => {
      // Prepare
      jest.spyOn(Date, 'now').mockReturnValue(AT);
      const nsp = server()
        .of('/')
        .keepHistory({ rooms: (room) => room !== 'scratch', retentionSeconds: 60 });
      const a = await member('/', ['lobby', 'scratch'], 'A00000000000001=');
      const append = jest.spyOn(messageLog, 'append');

      // Act
      const reports = [
        await nsp.to('lobby').emit('news', 1),
        await nsp.to('lobby').emit('news', 2),
        await nsp.to('scratch').emit('news', 3),
        await nsp.to('lobby').volatile.emit('typing', true),
        await nsp.emit('everyone', 4),
        await nsp.to(a).emit('direct', 5),
      ];

      // Assess
      expect(reports.map((report) => report.seqs)).toEqual([
        { lobby: 1 },
        { lobby: 2 },
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(append.mock.calls).toEqual([
        ['/', 'lobby', { event: 'news', data: 1, at: AT }, Math.floor(AT / 1000) + 60],
        ['/', 'lobby', { event: 'news', data: 2, at: AT }, Math.floor(AT / 1000) + 60],
      ]);
      expect(poster.framesFor(a)).toEqual([
        { event: 'news', data: 1, ns: '/', room: 'lobby', seq: 1 },
        { event: 'news', data: 2, ns: '/', room: 'lobby', seq: 2 },
        { event: 'news', data: 3, ns: '/', room: 'scratch' },
        { event: 'typing', data: true, ns: '/', room: 'lobby' },
        { event: 'everyone', data: 4, ns: '/' },
        { event: 'direct', data: 5, ns: '/' },
      ]);
    });
  });

  describe('Method: history', () => {
    it('answers NOT_FOUND for rooms that keep no history, and in namespaces that keep none', async () => {
      // Prepare
      const keeping = server()
        .of('/')
        .keepHistory({ rooms: (room) => room === 'lobby' });
      const plain = server().of('/plain');

      // Act
      const reads = [
        keeping.history('dev', { limit: 10 }),
        keeping.history('R1kmxc2VNjMCFIA=', { limit: 10 }),
        plain.history('lobby', { limit: 10 }),
      ];

      // Assess
      for (const read of reads) {
        await expect(read).rejects.toBeInstanceOf(ChatError);
        await expect(read).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }
    });

    it('pages the messages after since, or the latest `limit`, ascending, with next', async () => {
      // Prepare
      const nsp = server().of('/').keepHistory();
      for (let n = 1; n <= 5; n++) await nsp.to('lobby').emit('news', n);
      const dataOf = (page: { messages: readonly { data: unknown }[] }) =>
        page.messages.map((message) => message.data);

      // Act
      const first = await nsp.history('lobby', { since: 0, limit: 2 });
      const last = await nsp.history('lobby', { since: 4, limit: 2 });
      const latest = await nsp.history('lobby', { limit: 2 });
      const empty = await nsp.history('never', { limit: 2 });

      // Assess
      expect(first).toEqual({
        messages: [
          { seq: 1, event: 'news', data: 1, at: expect.any(Number) },
          { seq: 2, event: 'news', data: 2, at: expect.any(Number) },
        ],
        head: 5,
        next: 2,
        trimmed: false,
      });
      expect([dataOf(last), last.next]).toEqual([[5], undefined]);
      expect([dataOf(latest), latest.next]).toEqual([[4, 5], undefined]);
      expect(empty).toEqual({ messages: [], head: 0, trimmed: false });
    });

    it('reads only the latest maxLength messages, and says the older ones are trimmed', async () => {
      // Prepare
      const nsp = server().of('/').keepHistory({ maxLength: 2 });
      for (let n = 1; n <= 5; n++) await nsp.to('lobby').emit('news', n);
      const read = jest.spyOn(messageLog, 'read');

      // Act
      const page = await nsp.history('lobby', { since: 0, limit: 10 });

      // Assess
      expect(page.messages.map((message) => message.seq)).toEqual([4, 5]);
      expect(page.trimmed).toBe(true);
      expect(read).toHaveBeenCalledWith('/', 'lobby', {
        since: 0,
        limit: 10,
        maxLength: 2,
        maxBytes: HISTORY_PAGE_BYTES,
      });
    });

    it(`fills a page up to exactly ${HISTORY_PAGE_BYTES} bytes of messages, and not one byte more`, async () => {
      // Prepare
      jest.spyOn(Date, 'now').mockReturnValue(AT);
      const nsp = server().of('/').keepHistory();
      const sizeOf = (seq: number, length: number) =>
        Buffer.byteLength(JSON.stringify({ seq, event: 'e', data: 'x'.repeat(length), at: AT }));
      const first = 40_000;
      const fits = HISTORY_PAGE_BYTES - sizeOf(1, first) - sizeOf(2, 0);
      for (const [room, second] of [
        ['exact', fits],
        ['over', fits + 1],
      ] as const) {
        await nsp.to(room).emit('e', 'x'.repeat(first));
        await nsp.to(room).emit('e', 'x'.repeat(second));
        await nsp.to(room).emit('e', 'small');
      }

      // Act
      const exact = await nsp.history('exact', { since: 0, limit: 10 });
      const over = await nsp.history('over', { since: 0, limit: 10 });

      // Assess
      expect([exact.messages.map((message) => message.seq), exact.next]).toEqual([[1, 2], 2]);
      expect([over.messages.map((message) => message.seq), over.next]).toEqual([[1], 1]);
    });

    it('always answers at least one message, however big', async () => {
      // Prepare
      const nsp = server().of('/').keepHistory();
      await nsp.to('lobby').emit('e', 'x'.repeat(HISTORY_PAGE_BYTES * 2));
      await nsp.to('lobby').emit('e', 'next');

      // Act
      const page = await nsp.history('lobby', { since: 0, limit: 10 });

      // Assess
      expect(page.messages.map((message) => message.seq)).toEqual([1]);
      expect(page.next).toBe(1);
    });
  });

  describe('Method: headOf', () => {
    it('is the latest seq of a durable room, 0 before its first message, else undefined', async () => {
      // Prepare
      const nsp = server()
        .of('/')
        .keepHistory({ rooms: (room) => room !== 'scratch' });
      const plain = server().of('/plain');
      await nsp.to('lobby').emit('news', 1);
      await nsp.to(['lobby', 'dev']).emit('news', 2);
      await nsp.to('scratch').emit('news', 3);

      // Act
      const heads = await Promise.all([
        nsp.headOf('lobby'),
        nsp.headOf('dev'),
        nsp.headOf('empty'),
        nsp.headOf('scratch'),
        nsp.headOf('R1kmxc2VNjMCFIA='),
        plain.headOf('lobby'),
      ]);

      // Assess
      expect(heads).toEqual([2, 1, 0, undefined, undefined, undefined]);
    });
  });

  describe('Method: trackPresence', () => {
    it("needs the server's presence store, and says so", () => {
      // Prepare
      const nsp = server({ presence: undefined }).of('/team');

      // Act
      const tracking = () => nsp.trackPresence();

      // Assess
      expect(tracking).toThrow("trackPresence on /team needs the server's presence option");
      expect(nsp.tracksPresence('lobby')).toBe(false);
    });

    it('tracks the rooms its filter names, every room by default, never a connection id', () => {
      // Prepare
      const all = server().of('/').trackPresence();
      const some = server()
        .of('/some')
        .trackPresence({ rooms: (room) => room.startsWith('team:') });

      // Act & Assess
      expect([all.tracksPresence('lobby'), all.tracksPresence('R1kmxc2VNjMCFIA=')]).toEqual([
        true,
        false,
      ]);
      expect([some.tracksPresence('team:a'), some.tracksPresence('lobby')]).toEqual([true, false]);
      expect(all.presenceFilter).toBeDefined();
      expect(server().of('/none').presenceFilter).toBeUndefined();
    });
  });

  describe('Method: presence', () => {
    it('lists the users of a tracked room with their connections, undefined for other rooms', async () => {
      // Prepare
      const nsp = server()
        .of('/')
        .trackPresence({ rooms: (room) => room !== 'quiet' });
      const plain = server().of('/plain');
      const expiresAt = Math.floor(Date.now() / 1000) + 3600;
      await presence.enter('/', 'lobby', { id: 'bob', name: 'Bob' }, 'B00000000000001=', expiresAt);
      await presence.enter('/', 'lobby', { id: 'ann', name: 'Ann' }, 'A00000000000001=', expiresAt);
      await presence.enter('/', 'lobby', { id: 'ann', name: 'Ann' }, 'A00000000000002=', expiresAt);
      await presence.enter('/', 'quiet', { id: 'ann', name: 'Ann' }, 'A00000000000001=', expiresAt);

      // Act
      const lists = await Promise.all([
        nsp.presence('lobby'),
        nsp.presence('empty'),
        nsp.presence('quiet'),
        plain.presence('lobby'),
      ]);

      // Assess
      expect(lists).toEqual([
        [
          { user: { id: 'ann', name: 'Ann' }, connections: 2 },
          { user: { id: 'bob', name: 'Bob' }, connections: 1 },
        ],
        [],
        undefined,
        undefined,
      ]);
    });
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});
