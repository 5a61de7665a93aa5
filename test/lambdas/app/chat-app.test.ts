import { createChatApp } from '../../../lambdas/app/chat-app';
import { ChatHarness, connectionId } from '../../support/chat-harness';

describe('Function: createChatApp', () => {
  let chat: ChatHarness;

  beforeEach(() => {
    chat = new ChatHarness();
  });

  describe('Namespace: /', () => {
    it('join acks the room and its member count; rooms lists joined rooms', async () => {
      // Prepare
      const a = await chat.connect('/');
      const b = await chat.connect('/');

      // Act
      const first = await chat.send(a, 'join', { room: 'lobby' }, 1);
      const second = await chat.send(b, 'join', { room: 'lobby' }, 1);
      const again = await chat.send(b, 'join', { room: 'lobby' }, 2);

      // Assess
      expect(first).toEqual({ ack: 1, data: { room: 'lobby', members: 1, seq: 0 } });
      expect(second).toEqual({ ack: 1, data: { room: 'lobby', members: 2, seq: 0 } });
      expect(again).toEqual({ ack: 2, data: { room: 'lobby', members: 2, seq: 0 } });
      expect(await chat.send(b, 'rooms', undefined, 3)).toEqual({
        ack: 3,
        data: { rooms: ['lobby'] },
      });
    });

    it('chat reaches every other member of the room only, stamped with room and sender', async () => {
      // Prepare
      const [a, b, c, outsider] = [
        await chat.connect(),
        await chat.connect(),
        await chat.connect(),
        await chat.connect(),
      ];
      for (const id of [a, b, c]) await chat.send(id, 'join', { room: 'lobby' });
      const otherNs = await chat.connect('/chat');
      chat.poster.clearFrames();

      // Act
      const reply = await chat.send(a, 'chat', { room: 'lobby', message: { text: 'hi' } }, 5);

      // Assess
      expect(reply).toEqual({ ack: 5, data: { recipients: 2, room: 'lobby', seq: 1 } });
      const frame = {
        event: 'chat',
        data: { text: 'hi' },
        ns: '/',
        room: 'lobby',
        seq: 1,
        from: a,
      };
      expect(chat.frames(b)).toEqual([frame]);
      expect(chat.frames(c)).toEqual([frame]);
      expect(chat.frames(a)).toEqual([]);
      expect(chat.frames(outsider)).toEqual([]);
      expect(chat.frames(otherNs)).toEqual([]);
    });

    it('chat from a non-member is FORBIDDEN and reaches no one', async () => {
      // Prepare
      const a = await chat.connect();
      const b = await chat.connect();
      await chat.send(b, 'join', { room: 'lobby' });

      // Act
      const reply = await chat.send(a, 'chat', { room: 'lobby', message: 'x' }, 1);

      // Assess
      expect(reply).toMatchObject({ ack: 1, error: { code: 'FORBIDDEN' } });
      expect(chat.poster.postCount).toBe(0);
    });

    it('leave acks the room and stops room messages', async () => {
      // Prepare
      const a = await chat.connect();
      const b = await chat.connect();
      for (const id of [a, b]) await chat.send(id, 'join', { room: 'lobby' });

      // Act
      const reply = await chat.send(b, 'leave', { room: 'lobby' }, 9);
      await chat.send(a, 'chat', { room: 'lobby', message: 'x' });

      // Assess
      expect(reply).toEqual({ ack: 9, data: { room: 'lobby' } });
      expect(chat.frames(b)).toEqual([]);
      expect(await chat.send(b, 'chat', { room: 'lobby', message: 'y' }, 1)).toMatchObject({
        error: { code: 'FORBIDDEN' },
      });
    });

    it('broadcast reaches every other connection of the namespace only', async () => {
      // Prepare
      const [a, b, c] = [await chat.connect(), await chat.connect(), await chat.connect()];
      const elsewhere = await chat.connect('/notification');
      chat.poster.clearFrames();

      // Act
      await chat.send(a, 'broadcast', 'all');

      // Assess
      for (const id of [b, c])
        expect(chat.frames(id)).toEqual([{ event: 'broadcast', data: 'all', ns: '/', from: a }]);
      expect(chat.frames(a)).toEqual([]);
      expect(chat.frames(elsewhere)).toEqual([]);
    });

    it('unicast comes back to the sender only', async () => {
      // Prepare
      const [a, b] = [await chat.connect(), await chat.connect()];

      // Act
      const reply = await chat.send(a, 'unicast', { n: 1 });

      // Assess
      expect(reply).toBeUndefined();
      expect(chat.frames(a)).toEqual([{ event: 'unicast', data: { n: 1 }, ns: '/', from: a }]);
      expect(chat.frames(b)).toEqual([]);
    });

    it('direct reaches that connection of the same namespace only', async () => {
      // Prepare
      const [a, b, c] = [await chat.connect(), await chat.connect(), await chat.connect()];

      // Act
      const reply = await chat.send(a, 'direct', { to: b, message: 'psst' }, 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { recipients: 1 } });
      expect(chat.frames(b)).toEqual([{ event: 'direct', data: 'psst', ns: '/', from: a }]);
      expect(chat.frames(c)).toEqual([]);
    });

    it('direct to an unknown, gone or other-namespace connection is NOT_FOUND', async () => {
      // Prepare
      const a = await chat.connect();
      const gone = await chat.connect();
      chat.poster.markGone(gone);
      const elsewhere = await chat.connect('/chat');

      // Act
      const replies = [
        await chat.send(a, 'direct', { to: 'X00000000000000=', message: 1 }, 1),
        await chat.send(a, 'direct', { to: gone, message: 1 }, 2),
        await chat.send(a, 'direct', { to: elsewhere, message: 1 }, 3),
        await chat.send(a, 'direct', { to: 'lobby', message: 1 }, 4),
      ];

      // Assess
      for (const reply of replies) expect(reply).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(chat.frames(elsewhere)).toEqual([]);
      expect(await chat.store.getConnection(gone)).toBeUndefined();
    });

    it.each(['/', '/chat', '/notification'])(
      'whoami acks the own id and namespace in %s',
      async (ns) => {
        const a = await chat.connect(ns);
        expect(await chat.send(a, 'whoami', undefined, 1)).toEqual({ ack: 1, data: { id: a, ns } });
      },
    );

    it('members lists the connection ids of a room, to members only', async () => {
      // Prepare
      const [a, b, c] = [await chat.connect(), await chat.connect(), await chat.connect()];
      for (const id of [a, b]) await chat.send(id, 'join', { room: 'lobby' });

      // Act
      const reply = (await chat.send(a, 'members', { room: 'lobby' }, 1)) as {
        data: { members: string[] };
      };
      const denied = await chat.send(c, 'members', { room: 'lobby' }, 2);

      // Assess
      expect(reply.data.members.sort()).toEqual([a, b].sort());
      expect(denied).toMatchObject({ ack: 2, error: { code: 'FORBIDDEN' } });
    });

    it.each([
      ['join', { room: '' }],
      ['join', { room: 'has space' }],
      ['join', { room: 'x'.repeat(129) }],
      ['join', 'lobby'],
      ['chat', { message: 'no room' }],
      ['direct', { message: 'no to' }],
      ['members', {}],
    ])('%s with invalid data %j is BAD_REQUEST and changes nothing', async (event, data) => {
      // Prepare
      const a = await chat.connect();

      // Act
      const reply = await chat.send(a, event, data, 1);

      // Assess
      expect(reply).toMatchObject({ ack: 1, error: { code: 'BAD_REQUEST' } });
      expect((await chat.store.getConnection(a))?.rooms).toEqual([]);
    });

    it('refuses to join a room named like a connection id (that would intercept direct messages)', async () => {
      // Prepare
      const [a, b] = [await chat.connect(), await chat.connect()];

      // Act
      const reply = await chat.send(a, 'join', { room: b }, 1);
      const c = await chat.connect();
      await chat.send(c, 'direct', { to: b, message: 'x' });

      // Assess
      expect(reply).toMatchObject({ ack: 1, error: { code: 'BAD_REQUEST' } });
      expect(await chat.store.members('/', b)).toEqual([b]);
      expect(chat.frames(a)).toEqual([]);
      expect(chat.frames(b)).toEqual([{ event: 'direct', data: 'x', ns: '/', from: c }]);
    });
  });

  describe('Private rooms', () => {
    const asUser = async (harness: ChatHarness, userId: string | undefined): Promise<string> => {
      const id = connectionId();
      await harness.server.handleConnect({
        connectionId: id,
        connectedAt: Date.now(),
        headers: {},
        query: {},
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
        authorizer: userId === undefined ? undefined : { userId, name: userId },
      });
      return id;
    };

    it('lets only users on the allow-list join a private room, and writes nothing otherwise', async () => {
      // Prepare
      const harness = new ChatHarness((options) =>
        createChatApp(options, { privateRooms: { 'private:ops': ['alice'] } }),
      );
      const [alice, bob, guest] = [
        await asUser(harness, 'alice'),
        await asUser(harness, 'bob'),
        await asUser(harness, undefined),
      ];
      const join = jest.spyOn(harness.store, 'join');

      // Act
      const allowed = await harness.send(alice, 'join', { room: 'private:ops' }, 1);
      const refused = await harness.send(bob, 'join', { room: 'private:ops' }, 2);
      const anonymous = await harness.send(guest, 'join', { room: 'private:ops' }, 3);
      const unlisted = await harness.send(alice, 'join', { room: 'private:hr' }, 4);
      const open = await harness.send(bob, 'join', { room: 'lobby' }, 5);

      // Assess
      expect(allowed).toEqual({ ack: 1, data: { room: 'private:ops', members: 1, seq: 0 } });
      for (const [reply, ack] of [
        [refused, 2],
        [anonymous, 3],
        [unlisted, 4],
      ] as const) {
        expect(reply).toMatchObject({ ack, error: { code: 'FORBIDDEN' } });
      }
      expect(open).toMatchObject({ ack: 5, data: { room: 'lobby' } });
      expect(join).toHaveBeenCalledTimes(2);
      expect(await harness.store.members('/', 'private:ops')).toEqual([alice]);
    });

    it('closes every private room when no allow-list is configured', async () => {
      // Prepare
      const harness = new ChatHarness();
      const alice = await asUser(harness, 'alice');

      // Act
      const reply = await harness.send(alice, 'join', { room: 'private:ops' }, 1);

      // Assess
      expect(reply).toMatchObject({ ack: 1, error: { code: 'FORBIDDEN' } });
    });
  });

  describe('Namespace: /chat', () => {
    it.each([
      ['room:dev', 'Ann has joined chat room.'],
      ['room:music', 'Ann has joined music room.'],
    ])(
      'join-room %s greets everyone in the room, joiner included, by the verified name, as the joiner',
      async (type, greeting) => {
        // Prepare
        const early = await chat.connect('/chat');
        await chat.send(early, 'join-room', { type, user: 'bob' });
        const other = await chat.connect('/chat');
        await chat.send(other, 'join-room', {
          type: type === 'room:dev' ? 'room:music' : 'room:dev',
          user: 'eve',
        });
        chat.poster.clearFrames();
        const ann = await chat.connect('/chat', {}, { id: 'ann', name: 'Ann' });

        // Act
        const reply = await chat.send(
          ann,
          'join-room',
          { type, user: 'ADMIN: server restarting, re-login at evil.example' },
          1,
        );

        // Assess
        expect(reply).toEqual({ ack: 1, data: 'success' });
        const user = { id: 'ann', name: 'Ann' };
        const hello = {
          event: 'hello',
          data: greeting,
          ns: '/chat',
          room: type,
          seq: 2,
          from: ann,
          user,
        };
        const presence = {
          event: 'presence',
          data: { action: 'join', user },
          ns: '/chat',
          room: type,
        };
        expect(chat.frames(ann)).toEqual([hello]);
        expect(chat.frames(early)).toEqual([presence, hello]);
        expect(chat.frames(other)).toEqual([]);
        const { messages } = await chat.messageLog.read('/chat', type, {
          since: 1,
          limit: 10,
          maxLength: 100,
          maxBytes: 10_000,
        });
        expect(messages).toEqual([
          { seq: 2, event: 'hello', data: greeting, from: ann, user, at: expect.any(Number) },
        ]);
      },
    );

    it('join-room greets only on the first join: joining again acks success, posts and keeps nothing', async () => {
      // Prepare
      const early = await chat.connect('/chat');
      await chat.send(early, 'join-room', { type: 'room:dev' });
      const ann = await chat.connect('/chat', {}, { id: 'ann', name: 'Ann' });
      await chat.send(ann, 'join-room', { type: 'room:dev' });
      chat.poster.clearFrames();

      // Act
      const replies = [
        await chat.send(ann, 'join-room', { type: 'room:dev', user: 'ann' }, 2),
        await chat.send(ann, 'join-room', { type: 'room:dev' }, 3),
      ];

      // Assess
      expect(replies).toEqual([
        { ack: 2, data: 'success' },
        { ack: 3, data: 'success' },
      ]);
      expect(chat.frames(early)).toEqual([]);
      expect(chat.frames(ann)).toEqual([]);
      expect(await chat.messageLog.head('/chat', 'room:dev')).toBe(2);
    });

    it('join-room refuses a `user` that is not a string of at most 64 characters', async () => {
      // Prepare
      const ann = await chat.connect('/chat');

      // Act
      const reply = await chat.send(
        ann,
        'join-room',
        { type: 'room:dev', user: 'x'.repeat(65) },
        1,
      );

      // Assess
      expect(reply).toMatchObject({ ack: 1, error: { code: 'BAD_REQUEST' } });
      expect((await chat.store.getConnection(ann))?.rooms).toEqual([]);
    });

    it('join-room of any other type acks "The room doesn\'t exist" and joins nothing', async () => {
      // Prepare
      const ann = await chat.connect('/chat');

      // Act
      const reply = await chat.send(ann, 'join-room', { type: 'room:cats', user: 'ann' }, 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: "The room doesn't exist" });
      expect((await chat.store.getConnection(ann))?.rooms).toEqual([]);
    });

    it('room-message reaches the other members of that room', async () => {
      // Prepare
      const [a, b, c] = [
        await chat.connect('/chat'),
        await chat.connect('/chat'),
        await chat.connect('/chat'),
      ];
      await chat.send(a, 'join-room', { type: 'room:dev', user: 'a' });
      await chat.send(b, 'join-room', { type: 'room:dev', user: 'b' });
      await chat.send(c, 'join-room', { type: 'room:music', user: 'c' });
      chat.poster.clearFrames();

      // Act
      const reply = await chat.send(a, 'room-message', { room: 'room:dev', message: 'ship it' }, 2);

      // Assess
      expect(reply).toEqual({ ack: 2, data: { recipients: 1, room: 'room:dev', seq: 3 } });
      expect(chat.frames(b)).toEqual([
        {
          event: 'room-message',
          data: 'ship it',
          ns: '/chat',
          room: 'room:dev',
          seq: 3,
          from: a,
        },
      ]);
      expect(chat.frames(a)).toEqual([]);
      expect(chat.frames(c)).toEqual([]);
    });
  });

  describe('Namespace: /notification', () => {
    const MINUTE = 60_000;
    let now: number;

    beforeEach(() => {
      now = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);
      jest.spyOn(Date, 'now').mockImplementation(() => now);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('joins room1 and room2 on connection and greets the new one via the after-connect worker', async () => {
      // Act
      const first = await chat.connect('/notification');

      // Assess
      expect((await chat.store.getConnection(first))?.rooms).toEqual(['room1', 'room2']);
      expect(chat.afterConnect.calls.at(-1)).toEqual({
        connectionId: first,
        frames: ['{"event":"hello","data":"notification","ns":"/notification"}'],
      });
    });

    it('greets the rest of the namespace at most once a minute, however many connect', async () => {
      // Prepare
      const first = await chat.connect('/notification');
      chat.poster.clearFrames();

      // Act
      now += 1_000;
      const second = await chat.connect('/notification');
      const third = await chat.connect('/notification');
      const inTheSameMinute = [...chat.frames(first), ...chat.frames(second)];
      now += MINUTE;
      const fourth = await chat.connect('/notification');

      // Assess
      expect(inTheSameMinute).toEqual([]);
      const hello = { event: 'hello', data: 'notification', ns: '/notification' };
      for (const id of [first, second, third]) expect(chat.frames(id)).toEqual([hello]);
      expect(chat.frames(fourth)).toEqual([]);
      expect(chat.afterConnect.calls.map((call) => call.connectionId)).toEqual([
        first,
        second,
        third,
        fourth,
      ]);
    });

    it('20 connect/close cycles post the greeting to the others once, not 20 times', async () => {
      // Prepare
      const audience: string[] = [];
      for (let index = 0; index < 30; index++) audience.push(await chat.connect('/notification'));
      now += MINUTE;
      chat.poster.clearFrames();

      // Act
      for (let cycle = 0; cycle < 20; cycle++) {
        const id = await chat.connect('/notification');
        await chat.server.handleDisconnect({ connectionId: id, statusCode: 1000, reason: '' });
      }

      // Assess
      const posts = audience.reduce((sum, id) => sum + chat.frames(id).length, 0);
      expect(posts).toBe(30);
    });
  });
});
