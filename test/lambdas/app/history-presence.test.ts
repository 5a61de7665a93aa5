import { ChatHarness } from '../../support/chat-harness';

const alice = { id: 'alice', name: 'Alice' };
const bob = { id: 'bob', name: 'Bob' };

type Frame = { event: string; data: unknown; room?: string; seq?: number };

describe('Chat app: durable rooms and presence', () => {
  let chat: ChatHarness;

  beforeEach(() => {
    chat = new ChatHarness();
  });

  const framesOf = (id: string, event: string): Frame[] =>
    (chat.frames(id) as Frame[]).filter((frame) => frame.event === event);

  describe('Room history', () => {
    it('numbers room messages 1, 2, 3 per room, in the frames and in the sender’s ack', async () => {
      // Prepare
      const [a, b] = [await chat.connect(), await chat.connect()];
      for (const id of [a, b]) {
        await chat.send(id, 'join', { room: 'lobby' });
        await chat.send(id, 'join', { room: 'dev' });
      }

      // Act
      const acks = [
        await chat.send(a, 'chat', { room: 'lobby', message: 'one' }, 1),
        await chat.send(b, 'chat', { room: 'lobby', message: 'two' }, 2),
        await chat.send(a, 'chat', { room: 'dev', message: 'elsewhere' }, 3),
        await chat.send(a, 'chat', { room: 'lobby', message: 'three' }, 4),
      ];

      // Assess
      expect(acks.map((ack) => (ack as { data: { seq: number } }).data.seq)).toEqual([1, 2, 1, 3]);
      expect(framesOf(b, 'chat').map((frame) => [frame.room, frame.seq, frame.data])).toEqual([
        ['lobby', 1, 'one'],
        ['dev', 1, 'elsewhere'],
        ['lobby', 3, 'three'],
      ]);
      expect(framesOf(a, 'chat').map((frame) => [frame.room, frame.seq])).toEqual([['lobby', 2]]);
    });

    it('history pages through what was said, in order, with the sender and time', async () => {
      // Prepare
      const a = await chat.connect('/', {}, alice);
      await chat.send(a, 'join', { room: 'lobby' });
      for (let n = 1; n <= 5; n++) await chat.send(a, 'chat', { room: 'lobby', message: `m${n}` });

      // Act
      const first = await chat.send(a, 'history', { room: 'lobby', since: 0, limit: 2 }, 1);
      const second = await chat.send(a, 'history', { room: 'lobby', since: 2, limit: 2 }, 2);
      const last = await chat.send(a, 'history', { room: 'lobby', since: 4 }, 3);
      const latest = await chat.send(a, 'history', { room: 'lobby', limit: 2 }, 4);

      // Assess
      expect(first).toEqual({
        ack: 1,
        data: {
          room: 'lobby',
          head: 5,
          next: 2,
          trimmed: false,
          messages: [
            { seq: 1, event: 'chat', data: 'm1', from: a, user: alice, at: expect.any(Number) },
            { seq: 2, event: 'chat', data: 'm2', from: a, user: alice, at: expect.any(Number) },
          ],
        },
      });
      const seqs = (reply: unknown) =>
        (reply as { data: { messages: { seq: number }[] } }).data.messages.map((m) => m.seq);
      expect(seqs(second)).toEqual([3, 4]);
      expect(seqs(last)).toEqual([5]);
      expect((last as { data: { next?: number } }).data.next).toBeUndefined();
      expect(seqs(latest)).toEqual([4, 5]);
    });

    it('history is for members only, and checks its input', async () => {
      // Prepare
      const [a, outsider] = [await chat.connect(), await chat.connect()];
      await chat.send(a, 'join', { room: 'lobby' });
      await chat.send(a, 'chat', { room: 'lobby', message: 'secret' });

      // Act
      const replies = [
        await chat.send(outsider, 'history', { room: 'lobby' }, 1),
        await chat.send(a, 'history', { room: 'lobby', limit: 101 }, 2),
        await chat.send(a, 'history', { room: 'lobby', since: -1 }, 3),
        await chat.send(a, 'history', { room: 'lobby', since: 1.5 }, 4),
      ];

      // Assess
      expect(replies[0]).toMatchObject({ ack: 1, error: { code: 'FORBIDDEN' } });
      for (const [index, reply] of replies.slice(1).entries())
        expect(reply).toMatchObject({ ack: index + 2, error: { code: 'BAD_REQUEST' } });
    });

    it('join with since returns what was missed while away, so nothing is lost across a reconnect', async () => {
      // Prepare
      const a = await chat.connect('/', {}, alice);
      const before = await chat.connect('/', {}, bob);
      for (const id of [a, before]) await chat.send(id, 'join', { room: 'lobby' });
      await chat.send(a, 'chat', { room: 'lobby', message: 'seen' });
      const lastSeen = framesOf(before, 'chat').at(-1)?.seq ?? 0;
      await chat.server.handleDisconnect({ connectionId: before, statusCode: 1006, reason: '' });
      for (const text of ['missed 1', 'missed 2'])
        await chat.send(a, 'chat', { room: 'lobby', message: text });

      // Act
      const after = await chat.connect('/', {}, bob);
      const reply = await chat.send(after, 'join', { room: 'lobby', since: lastSeen }, 1);
      await chat.send(a, 'chat', { room: 'lobby', message: 'live' });

      // Assess
      expect(reply).toMatchObject({
        ack: 1,
        data: {
          room: 'lobby',
          members: 2,
          history: {
            room: 'lobby',
            head: 3,
            trimmed: false,
            messages: [
              { seq: 2, data: 'missed 1' },
              { seq: 3, data: 'missed 2' },
            ],
          },
        },
      });
      expect(framesOf(after, 'chat').map((frame) => [frame.seq, frame.data])).toEqual([
        [4, 'live'],
      ]);
    });

    it('join without since answers the room’s head, the point a new member starts from', async () => {
      // Prepare
      const a = await chat.connect();
      await chat.send(a, 'join', { room: 'lobby' });
      await chat.send(a, 'chat', { room: 'lobby', message: 'x' });
      await chat.send(a, 'chat', { room: 'lobby', message: 'y' });
      const b = await chat.connect();

      // Act
      const reply = await chat.send(b, 'join', { room: 'lobby' }, 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { room: 'lobby', members: 2, seq: 2 } });
    });

    it('keeps what is not room chat out of the history: direct messages, broadcasts, presence', async () => {
      // Prepare
      const [a, b] = [await chat.connect('/', {}, alice), await chat.connect('/', {}, bob)];
      await chat.send(a, 'join', { room: 'lobby' });
      await chat.send(b, 'join', { room: 'lobby' });

      // Act
      await chat.send(a, 'direct', { to: b, message: 'psst' });
      await chat.send(a, 'broadcast', 'all');
      await chat.send(b, 'leave', { room: 'lobby' });
      const reply = await chat.send(a, 'history', { room: 'lobby' }, 1);

      // Assess
      expect(reply).toEqual({
        ack: 1,
        data: { room: 'lobby', head: 0, messages: [], trimmed: false },
      });
      expect(framesOf(a, 'presence')).toHaveLength(2);
      for (const frame of framesOf(a, 'presence')) expect(frame.seq).toBeUndefined();
    });
  });

  describe('Presence', () => {
    it('announces a user’s first connection in a room to the others, once, however many tabs', async () => {
      // Prepare
      const watcher = await chat.connect('/', {}, bob);
      await chat.send(watcher, 'join', { room: 'lobby' });
      const [tab1, tab2] = [await chat.connect('/', {}, alice), await chat.connect('/', {}, alice)];

      // Act
      await chat.send(tab1, 'join', { room: 'lobby' });
      await chat.send(tab2, 'join', { room: 'lobby' });

      // Assess
      expect(framesOf(watcher, 'presence')).toEqual([
        { event: 'presence', data: { action: 'join', user: alice }, ns: '/', room: 'lobby' },
      ]);
      expect(framesOf(tab1, 'presence')).toEqual([]);
    });

    it('members lists each user once with its number of connections', async () => {
      // Prepare
      const [tab1, tab2, other] = [
        await chat.connect('/', {}, alice),
        await chat.connect('/', {}, alice),
        await chat.connect('/', {}, bob),
      ];
      for (const id of [tab1, tab2, other]) await chat.send(id, 'join', { room: 'lobby' });

      // Act
      const reply = await chat.send(other, 'members', { room: 'lobby' }, 1);

      // Assess
      expect(reply).toEqual({
        ack: 1,
        data: {
          members: [tab1, tab2, other].sort(),
          users: [
            { id: 'alice', name: 'Alice', connections: 2 },
            { id: 'bob', name: 'Bob', connections: 1 },
          ],
        },
      });
    });

    it('announces leave only when the user’s last connection goes, with the reason', async () => {
      // Prepare
      const watcher = await chat.connect('/', {}, bob);
      const [tab1, tab2] = [await chat.connect('/', {}, alice), await chat.connect('/', {}, alice)];
      for (const id of [watcher, tab1, tab2]) await chat.send(id, 'join', { room: 'lobby' });
      chat.poster.clearFrames();

      // Act
      await chat.send(tab1, 'leave', { room: 'lobby' });
      const afterFirst = framesOf(watcher, 'presence');
      await chat.server.handleDisconnect({ connectionId: tab2, statusCode: 1001, reason: 'bye' });

      // Assess
      expect(afterFirst).toEqual([]);
      expect(framesOf(watcher, 'presence')).toEqual([
        {
          event: 'presence',
          data: { action: 'leave', user: alice, reason: 'disconnect' },
          ns: '/',
          room: 'lobby',
        },
      ]);
      expect(await chat.send(watcher, 'members', { room: 'lobby' }, 1)).toMatchObject({
        data: { users: [{ id: 'bob', name: 'Bob', connections: 1 }] },
      });
    });

    it('announces leave with reason gone when a post finds a connection gone without $disconnect', async () => {
      // Prepare
      const [a, b, vanished] = [
        await chat.connect('/', {}, alice),
        await chat.connect('/', {}, bob),
        await chat.connect('/', {}, { id: 'carol', name: 'Carol' }),
      ];
      for (const id of [a, b, vanished]) await chat.send(id, 'join', { room: 'lobby' });
      chat.poster.markGone(vanished);
      chat.poster.clearFrames();

      // Act
      await chat.send(a, 'chat', { room: 'lobby', message: 'anyone?' });

      // Assess
      const leave = {
        event: 'presence',
        data: { action: 'leave', user: { id: 'carol', name: 'Carol' }, reason: 'gone' },
        ns: '/',
        room: 'lobby',
      };
      expect(framesOf(b, 'presence')).toEqual([leave]);
      expect(framesOf(a, 'presence')).toEqual([leave]);
      expect(await chat.store.getConnection(vanished)).toBeUndefined();
    });

    it('a disconnect that is repeated announces leave once', async () => {
      // Prepare
      const [a, b] = [await chat.connect('/', {}, alice), await chat.connect('/', {}, bob)];
      for (const id of [a, b]) await chat.send(id, 'join', { room: 'lobby' });
      chat.poster.clearFrames();

      // Act
      await Promise.all([
        chat.server.handleDisconnect({ connectionId: b, statusCode: 1001, reason: '' }),
        chat.server.handleDisconnect({ connectionId: b, statusCode: 1001, reason: '' }),
      ]);

      // Assess
      expect(framesOf(a, 'presence')).toHaveLength(1);
    });

    it('tracks the two rooms of /chat, not /notification', async () => {
      // Prepare
      const watcher = await chat.connect('/chat', {}, bob);
      await chat.send(watcher, 'join-room', { type: 'room:dev', user: 'bob' });
      const note = await chat.connect('/notification', {}, bob);
      chat.poster.clearFrames();

      // Act
      const ann = await chat.connect('/chat', {}, alice);
      await chat.send(ann, 'join-room', { type: 'room:dev', user: 'ann' });
      await chat.connect('/notification', {}, alice);
      const members = await chat.send(watcher, 'members', { room: 'room:dev' }, 1);

      // Assess
      expect(framesOf(watcher, 'presence')).toEqual([
        { event: 'presence', data: { action: 'join', user: alice }, ns: '/chat', room: 'room:dev' },
      ]);
      expect(framesOf(note, 'presence')).toEqual([]);
      expect(members).toMatchObject({ data: { users: [{ id: 'alice' }, { id: 'bob' }] } });
    });
  });
});
