import { InMemoryUserLimitStore } from '../../../lambdas/core/in-memory-user-limit-store';
import { Server, type ServerOptions } from '../../../lambdas/core/server';
import { UserLimits } from '../../../lambdas/core/user-limits';
import { ChatHarness, connectionId } from '../../support/chat-harness';

const plain = (options: ConstructorParameters<typeof Server>[0]) => new Server(options);

const user = (index: number) => ({ id: `user-${index}`, name: `User ${index}` });
const alice = { id: 'alice', name: 'Alice' };

/** A server whose `/` echoes, shouts to the namespace and posts to rooms. */
function harness(extra: Partial<ServerOptions> = {}): ChatHarness {
  const chat = new ChatHarness(plain, extra);
  const nsp = chat.server.of('/');
  nsp.on('echo', (_socket, data, ack) => ack(data));
  nsp.on('join', async (socket, data, ack) => {
    await socket.join(String(data));
    ack(true);
  });
  nsp.on('shout', async (socket, data, ack) => {
    const report = await socket.broadcast.emit('shout', data);
    ack(report.delivered);
  });
  nsp.on('say', async (socket, data, ack) => {
    const report = await socket.to('lobby').emit('say', data);
    ack(report.delivered);
  });
  return chat;
}

/** `$connect` as `who`, resolving with the result instead of throwing on a refusal. */
function connectAs(chat: ChatHarness, who: { id: string; name: string }, id = connectionId()) {
  return chat.server.handleConnect({
    connectionId: id,
    connectedAt: Date.now() - 60_000,
    headers: {},
    query: {},
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    authorizer: { userId: who.id, name: who.name },
  });
}

/** One second into a minute: every test runs within one window of every budget. */
const MINUTE_START = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;

describe('Class: UserLimits', () => {
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(MINUTE_START);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('Connections per user', () => {
    it('refuses the 11th connection of one user with 429 and stores nothing of it', async () => {
      // Prepare
      const chat = harness();
      for (let index = 0; index < 10; index++) await chat.connect('/', {}, alice);
      const eleventh = connectionId();

      // Act
      const refused = await connectAs(chat, alice, eleventh);
      const someoneElse = await connectAs(chat, user(1));

      // Assess
      expect(refused).toEqual({
        statusCode: 429,
        message: 'Too many connections: at most 10 per user',
      });
      expect(await chat.store.getConnection(eleventh)).toBeUndefined();
      expect(someoneElse).toEqual({ statusCode: 200 });
      expect(await chat.store.members('/')).toHaveLength(11);
    });

    it('frees a slot at $disconnect and when a post finds the connection gone', async () => {
      // Prepare
      const chat = harness({ userLimits: { connectionsPerUser: 2 } });
      const [first, second] = [
        await chat.connect('/', {}, alice),
        await chat.connect('/', {}, alice),
      ];
      const other = await chat.connect('/', {}, user(1));
      const full = await connectAs(chat, alice);

      // Act
      await chat.server.handleDisconnect({ connectionId: first, statusCode: 1000, reason: '' });
      const afterDisconnect = await connectAs(chat, alice);
      chat.poster.markGone(second);
      await chat.send(other, 'shout', 'anyone?');
      const afterGone = await connectAs(chat, alice);

      // Assess
      expect(full.statusCode).toBe(429);
      expect(afterDisconnect.statusCode).toBe(200);
      expect(afterGone.statusCode).toBe(200);
    });

    it('heals slots held by connections that vanished without $disconnect', async () => {
      // Prepare
      const chat = harness({ userLimits: { connectionsPerUser: 3 } });
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) ids.push(await chat.connect('/', {}, alice));
      // Gone without `$disconnect`, expired by TTL: the store forgot them, the slots did not.
      await chat.store.removeMemberships(await chat.store.detachConnections(ids.slice(0, 2)));

      // Act
      const results = [await connectAs(chat, alice), await connectAs(chat, alice)];
      const overTheLimit = await connectAs(chat, alice);

      // Assess
      expect(results.map((result) => result.statusCode)).toEqual([200, 200]);
      expect(overTheLimit.statusCode).toBe(429);
    });

    it('holds across processes sharing the limit store, also for concurrent connects', async () => {
      // Prepare
      const limitStore = new InMemoryUserLimitStore();
      const first = harness({ limitStore });
      // Another process (Lambda container) on the same stores.
      const servers = [first, harness({ limitStore, store: first.store })];

      // Act
      const results = await Promise.all(
        Array.from({ length: 14 }, (_, index) =>
          connectAs(servers[index % 2] as ChatHarness, alice),
        ),
      );

      // Assess
      expect(results.filter((result) => result.statusCode === 200)).toHaveLength(10);
      expect(results.filter((result) => result.statusCode === 429)).toHaveLength(4);
    });

    it('can be turned off, and does not apply to connections without a verified user', async () => {
      // Prepare
      const off = harness({ userLimits: { connectionsPerUser: false } });
      const on = harness({ userLimits: { connectionsPerUser: 1 } });

      // Act
      const results = [];
      for (let index = 0; index < 3; index++) results.push(await connectAs(off, alice));
      for (let index = 0; index < 3; index++) await on.connect('/');

      // Assess
      expect(results.map((result) => result.statusCode)).toEqual([200, 200, 200]);
      expect(await on.store.members('/')).toHaveLength(3);
    });
  });

  describe('Messages per user', () => {
    it('limits 100 frames spread over 10 connections like 100 frames on one', async () => {
      // Prepare
      const one = harness();
      const sender = await one.connect('/', {}, alice);
      const spread = harness();
      const senders: string[] = [];
      for (let index = 0; index < 10; index++) senders.push(await spread.connect('/', {}, alice));

      // Act
      const onOne = await Promise.all(
        Array.from({ length: 100 }, (_, index) => one.send(sender, 'echo', index, index + 1)),
      );
      const overTen = await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          spread.send(senders[index % 10] as string, 'echo', index, index + 1),
        ),
      );

      // Assess
      const accepted = (replies: unknown[]) =>
        replies.filter((reply) => !('error' in (reply as object))).length;
      expect(accepted(onOne)).toBe(20);
      expect(accepted(overTen)).toBe(20);
      expect(overTen.find((reply) => 'error' in (reply as object))).toEqual({
        ack: expect.any(Number),
        error: {
          code: 'RATE_LIMITED',
          message: 'Over the messages budget: at most 20 frames from one user per 2 s',
          limit: 'messages',
        },
      });
    });

    it('holds across processes, and starts again in the next window', async () => {
      // Prepare
      let now = 1_700_000_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      const limitStore = new InMemoryUserLimitStore();
      const options = { limitStore, userLimits: { messages: { limit: 5, windowSeconds: 10 } } };
      const first = harness(options);
      const second = harness({ ...options, store: first.store });
      const id = await first.connect('/', {}, alice);

      // Act
      const replies = [];
      for (let index = 0; index < 8; index++)
        replies.push(await (index % 2 ? second : first).send(id, 'echo', index, 1));
      now += 10_000;
      const nextWindow = await second.send(id, 'echo', 'again', 2);

      // Assess
      expect(replies.map((reply) => 'error' in (reply as object))).toEqual([
        false,
        false,
        false,
        false,
        false,
        true,
        true,
        true,
      ]);
      expect(nextWindow).toEqual({ ack: 2, data: 'again' });
    });

    it('answers later frames of a user out of budget without another write in this process', async () => {
      // Prepare
      const limitStore = new InMemoryUserLimitStore();
      const charge = jest.spyOn(limitStore, 'chargeFrame');
      const chat = harness({
        limitStore,
        userLimits: { messages: { limit: 2, windowSeconds: 60 } },
      });
      const id = await chat.connect('/', {}, alice);

      // Act
      for (let index = 0; index < 10; index++) await chat.send(id, 'echo', index, 1);

      // Assess
      expect(charge).toHaveBeenCalledTimes(3);
    });
  });

  describe('Deliveries per user', () => {
    const budget = {
      messages: { limit: 10, windowSeconds: 60 },
      deliveries: { limit: 100, windowSeconds: 60 },
    };

    it('refuses a namespace broadcast over the delivery budget before posting anything', async () => {
      // Prepare
      const chat = harness({ userLimits: { ...budget, connectionsPerUser: false } });
      const sender = await chat.connect('/', {}, alice);
      for (let index = 0; index < 120; index++) await chat.connect('/', {}, user(index));
      chat.poster.clearFrames();

      // Act
      const reply = await chat.send(sender, 'shout', 'everyone!', 1);

      // Assess
      expect(reply).toEqual({
        ack: 1,
        error: {
          code: 'RATE_LIMITED',
          message:
            "Over the deliveries budget: at most 100 recipients on one user's behalf per 60 s",
          limit: 'deliveries',
        },
      });
      expect(chat.poster.postCount).toBe(0);
    });

    it('counts recipients, not frames: broadcasts go through until their recipients fill the budget', async () => {
      // Prepare
      const chat = harness({ userLimits: budget });
      const sender = await chat.connect('/', {}, alice);
      for (let index = 0; index < 40; index++) await chat.connect('/', {}, user(index));
      chat.poster.clearFrames();

      // Act
      const replies = [];
      for (let index = 0; index < 3; index++)
        replies.push(await chat.send(sender, 'shout', index, 1));

      // Assess: each frame reserves 10 (100 / 10); 40 + 40 fit in 100, a third 40 does not.
      expect(replies.slice(0, 2)).toEqual([
        { ack: 1, data: 40 },
        { ack: 1, data: 40 },
      ]);
      expect(replies[2]).toMatchObject({ ack: 1, error: { limit: 'deliveries' } });
      expect(chat.poster.postCount).toBe(80);
    });

    it("charges a message to a small room in the frame's one write, and a large fan-out with a second", async () => {
      // Prepare
      const limitStore = new InMemoryUserLimitStore();
      const chat = harness({ limitStore });
      const sender = await chat.connect('/', {}, alice);
      await chat.send(sender, 'join', 'lobby');
      for (let index = 0; index < 9; index++) {
        const member = await chat.connect('/', {}, user(index));
        await chat.send(member, 'join', 'lobby');
      }
      for (let index = 9; index < 80; index++) await chat.connect('/', {}, user(index));
      const chargeFrame = jest.spyOn(limitStore, 'chargeFrame');
      const chargeDeliveries = jest.spyOn(limitStore, 'chargeDeliveries');

      // Act
      const toTheRoom = await chat.send(sender, 'say', 'hi', 1);
      const deliveriesAfterRoom = chargeDeliveries.mock.calls.length;
      const toEveryone = await chat.send(sender, 'shout', 'hi all', 2);

      // Assess
      expect(toTheRoom).toEqual({ ack: 1, data: 9 });
      expect(toEveryone).toEqual({ ack: 2, data: 80 });
      expect(chargeFrame).toHaveBeenCalledTimes(2);
      expect(deliveriesAfterRoom).toBe(0);
      // 80 recipients, 50 reserved by the frame: 30 charged on top.
      expect(chargeDeliveries).toHaveBeenCalledTimes(1);
      expect(chargeDeliveries.mock.calls[0]?.[0]).toMatchObject({ recipients: 30 });
    });
  });

  describe('Reserve from the last frame', () => {
    it("reserves what the user's last frame reached: repeated messages to a room of 80 pay one write each", async () => {
      // Prepare
      const limitStore = new InMemoryUserLimitStore();
      const chat = harness({ limitStore });
      const sender = await chat.connect('/', {}, alice);
      await chat.send(sender, 'join', 'lobby');
      for (let index = 0; index < 79; index++) {
        const member = await chat.connect('/', {}, user(index));
        await chat.send(member, 'join', 'lobby');
      }
      const chargeFrame = jest.spyOn(limitStore, 'chargeFrame');
      const chargeDeliveries = jest.spyOn(limitStore, 'chargeDeliveries');

      // Act
      const replies = [];
      for (let index = 0; index < 3; index++)
        replies.push(await chat.send(sender, 'say', index, 1));
      await chat.send(sender, 'echo', 'after', 2);
      await chat.send(sender, 'echo', 'again', 3);

      // Assess: the first message reserves 50 and pays 29 on top; the next ones reserve 79.
      expect(replies).toEqual([0, 1, 2].map(() => ({ ack: 1, data: 79 })));
      expect(chargeDeliveries).toHaveBeenCalledTimes(1);
      expect(chargeDeliveries.mock.calls[0]?.[0]).toMatchObject({ recipients: 29 });
      // A frame that posts nothing reserves what the one before reached, once.
      expect(chargeFrame.mock.calls.map(([charge]) => charge.reserve)).toEqual([
        50, 79, 79, 79, 50,
      ]);
    });

    it('reserves at most 4 times the base reserve, whatever the last frame reached', async () => {
      // Prepare: reserve 10 (1,000 recipients over 100 frames); 60 other sockets.
      const limitStore = new InMemoryUserLimitStore();
      const chat = harness({
        limitStore,
        userLimits: {
          messages: { limit: 100, windowSeconds: 60 },
          deliveries: { limit: 1_000, windowSeconds: 60 },
          connectionsPerUser: false,
        },
      });
      const sender = await chat.connect('/', {}, alice);
      for (let index = 0; index < 60; index++) await chat.connect('/', {}, user(index));
      const chargeFrame = jest.spyOn(limitStore, 'chargeFrame');
      const chargeDeliveries = jest.spyOn(limitStore, 'chargeDeliveries');

      // Act
      await chat.send(sender, 'shout', 'one', 1);
      await chat.send(sender, 'shout', 'two', 2);

      // Assess
      expect(chargeFrame.mock.calls.map(([charge]) => charge.reserve)).toEqual([10, 40]);
      expect(chargeDeliveries.mock.calls.map(([charge]) => charge.recipients)).toEqual([50, 20]);
    });

    it('is never refused for what the frame before it reached: a reserve that does not fit is retried at the base', async () => {
      // Prepare: reserve 10; each shout reaches 30 of the 100 recipients a minute allows.
      const limitStore = new InMemoryUserLimitStore();
      const chat = harness({
        limitStore,
        userLimits: {
          messages: { limit: 10, windowSeconds: 60 },
          deliveries: { limit: 100, windowSeconds: 60 },
          connectionsPerUser: false,
        },
      });
      const sender = await chat.connect('/', {}, alice);
      for (let index = 0; index < 30; index++) await chat.connect('/', {}, user(index));

      // Act: 10 + 20, then 30, then 30 (90 used); the echo's reserve of 30 does not fit, 10 does.
      const shouts = [];
      for (let index = 0; index < 3; index++)
        shouts.push(await chat.send(sender, 'shout', index, 1));
      const fits = await chat.send(sender, 'echo', 'the last 10', 2);
      const over = await chat.send(sender, 'echo', 'nothing left', 3);

      // Assess
      expect(shouts).toEqual([0, 1, 2].map(() => ({ ack: 1, data: 30 })));
      expect(fits).toEqual({ ack: 2, data: 'the last 10' });
      expect(over).toMatchObject({ ack: 3, error: { code: 'RATE_LIMITED', limit: 'deliveries' } });
    });
  });

  describe('Reserve bookkeeping', () => {
    it('remembers the last frames of at most 10,000 keys, forgetting the oldest first', async () => {
      // Prepare
      const limits = new UserLimits({
        store: new InMemoryUserLimitStore(),
        connections: { getConnection: async () => undefined },
      });

      // Act
      for (let index = 0; index <= 10_000; index++) {
        const account = await limits.chargeFrame(`user:${index}`);
        if (account) limits.settleFrame({ ...account, used: 99 });
      }
      const oldest = await limits.chargeFrame('user:0');
      const newest = await limits.chargeFrame('user:10000');

      // Assess
      expect(oldest?.reserved).toBe(50);
      expect(newest?.reserved).toBe(99);
    });
  });

  describe('Options', () => {
    it.each([
      [{ connectionsPerUser: 0 }, 'connectionsPerUser must be an integer of at least 1'],
      [
        { messages: { limit: 0, windowSeconds: 10 } },
        'messages.limit must be an integer of at least 1',
      ],
      [
        { deliveries: { limit: 10, windowSeconds: 1.5 } },
        'deliveries.windowSeconds must be an integer of at least 1',
      ],
      [
        { messages: { limit: 5, windowSeconds: 7 }, deliveries: { limit: 10, windowSeconds: 60 } },
        'The deliveries window must be a multiple of the messages window',
      ],
    ])('refuses %o', (options, message) => {
      // Act
      const creating = () =>
        new UserLimits({
          ...options,
          store: new InMemoryUserLimitStore(),
          connections: { getConnection: async () => undefined },
        });

      // Assess
      expect(creating).toThrow(message);
    });
  });
});
