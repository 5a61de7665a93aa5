import { InMemoryRecoveryStore } from '../../../lambdas/core/in-memory-recovery-store';
import { InMemorySessionStore } from '../../../lambdas/core/in-memory-session-store';
import { InMemoryUserLimitStore } from '../../../lambdas/core/in-memory-user-limit-store';
import { namespaceSocketId } from '../../../lambdas/core/namespace-socket-id';
import { parseRecoveryOffset, roomTag } from '../../../lambdas/core/recovery-offset';
import { Server, type ServerOptions } from '../../../lambdas/core/server';
import { ChatHarness, connectionId } from '../../support/chat-harness';

const ALICE = { userId: 'alice', name: 'Alice' };
const MALLORY = { userId: 'mallory', name: 'Mallory' };

/**
 * A server whose `/` keeps history in `lobby` and `music` (not in `scratch`), with connection
 * state recovery: `join` and `post` handlers, and a connection hook that notes `recovered`.
 */
function harness(recovery: ServerOptions['connectionStateRecovery'] | false = {}) {
  const hooks: { socketId: string; recovered: boolean; data: unknown }[] = [];
  const middleware: string[] = [];
  const chat = new ChatHarness(
    (options) => {
      const server = new Server(options);
      const root = server.of('/');
      root.keepHistory({ rooms: (room) => room !== 'scratch' });
      root.use((socket) => {
        middleware.push(socket.id);
      });
      root.authorizeJoin((_socket, room) => room !== 'banned' || !banned.closed);
      root.on('connection', (socket) => {
        hooks.push({ socketId: socket.id, recovered: socket.recovered, data: socket.data });
      });
      root.on('join', async (socket, room: string, ack) => {
        await socket.join(room);
        socket.data.nickname = 'Al';
        ack?.('joined');
      });
      root.on('post', async (socket, message: { room: string; text: string }, ack) => {
        await root.to(message.room).emit('chat', message.text, socket.user?.name ?? 'anonymous');
        ack?.('posted');
      });
      return server;
    },
    {
      sessions: new InMemorySessionStore(),
      ...(recovery === false ? {} : { connectionStateRecovery: recovery }),
      recoveries: new InMemoryRecoveryStore(),
    },
  );
  const banned = { closed: false };
  return { chat, hooks, middleware, banned };
}

type Chat = ReturnType<typeof harness>['chat'];

/** A socket.io-client's connection: `$connect` with `EIO=4`, as `user`. */
async function open(chat: Chat, user: Record<string, unknown> | undefined = ALICE) {
  const id = connectionId();
  await chat.server.handleConnect({
    connectionId: id,
    connectedAt: Date.now(),
    headers: { host: 'example.com' },
    query: { EIO: '4', transport: 'websocket' },
    sourceIp: '203.0.113.7',
    userAgent: 'socket.io-client',
    authorizer: user,
  });
  return id;
}

const send = (
  chat: Chat,
  id: string,
  body: string,
  user: Record<string, unknown> | undefined = ALICE,
) => chat.server.handleMessage({ connectionId: id, body, authorizer: user });

/** The events a connection was sent, decoded: `[event, ...args]`. */
const eventsOf = (chat: Chat, id: string) =>
  chat.poster
    .rawFramesFor(id)
    .filter((frame) => frame.startsWith('42'))
    .map((frame) => JSON.parse(frame.slice(2)) as unknown[]);

/** The CONNECT answer's data. */
const connectAnswerOf = (chat: Chat, id: string) => {
  const frame = chat.poster.rawFramesFor(id).find((f) => f.startsWith('40'));
  return frame === undefined
    ? undefined
    : (JSON.parse(frame.slice(2)) as { sid: string; pid?: string });
};

/** Alice's client: connected to `/`, in `rooms`, having heard one message in `lobby`. */
async function aliceInRooms(chat: Chat, rooms: string[]) {
  const id = await open(chat);
  await send(chat, id, '40');
  for (const room of rooms) await send(chat, id, `42["join","${room}"]`);
  const bob = await open(chat, { userId: 'bob', name: 'Bob' });
  await send(chat, bob, '40', { userId: 'bob', name: 'Bob' });
  await send(chat, bob, '421["post",{"room":"lobby","text":"hello"}]', {
    userId: 'bob',
    name: 'Bob',
  });
  const { pid } = connectAnswerOf(chat, id) as { pid: string };
  const offset = eventsOf(chat, id).at(-1)?.at(-1) as string;
  return { id, bob, pid, offset };
}

const post = (chat: Chat, from: string, room: string, text: string) =>
  send(chat, from, `421["post",{"room":"${room}","text":"${text}"}]`, {
    userId: 'bob',
    name: 'Bob',
  });

describe('Server: connection state recovery of Socket.IO clients', () => {
  it('answers CONNECT with a pid, and ends frames through durable rooms with their offset', async () => {
    // Prepare
    const { chat } = harness();

    // Act
    const { id, pid, offset } = await aliceInRooms(chat, ['lobby', 'scratch']);
    const bob = await open(chat, { userId: 'bob', name: 'Bob' });
    await send(chat, bob, '40', { userId: 'bob', name: 'Bob' });
    await post(chat, bob, 'scratch', 'not kept');

    // Assess
    expect(pid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parseRecoveryOffset(offset)).toEqual({
      at: expect.any(Number),
      seq: 1,
      roomTag: roomTag('lobby'),
    });
    expect(eventsOf(chat, id)).toEqual([
      ['chat', 'hello', 'Bob', offset],
      ['chat', 'not kept', 'Bob'],
    ]);
  });

  it('gives a reconnecting client its socket back: recovered, its rooms and data, every missed message once and in order', async () => {
    // Prepare: Alice drops; Bob posts 3 in lobby, 2 in music, 1 in scratch.
    const { chat, hooks } = harness();
    const { id, pid, offset, bob } = await aliceInRooms(chat, ['lobby', 'music', 'scratch']);
    await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });
    for (const [room, text] of [
      ['lobby', 'l1'],
      ['music', 'm1'],
      ['lobby', 'l2'],
      ['scratch', 's1'],
      ['music', 'm2'],
      ['lobby', 'l3'],
    ] as const) {
      await post(chat, bob, room, text);
      // Apart in time: across rooms, the replay's order is the order messages were stored in.
      await new Promise((done) => setTimeout(done, 2));
    }

    // Act
    const again = await open(chat);
    await send(chat, again, `40{"pid":"${pid}","offset":"${offset}"}`);

    // Assess
    const sid = namespaceSocketId(again, '/');
    expect(connectAnswerOf(chat, again)).toEqual({ sid, pid });
    expect(eventsOf(chat, again).map((event) => event[1])).toEqual(['l1', 'm1', 'l2', 'm2', 'l3']);
    expect(hooks.at(-1)).toEqual({
      socketId: sid,
      recovered: true,
      data: { user: { id: 'alice', name: 'Alice' }, nickname: 'Al' },
    });
    expect((await chat.store.getConnection(sid))?.rooms).toEqual(['lobby', 'music', 'scratch']);
    await post(chat, bob, 'music', 'live');
    expect(eventsOf(chat, again).at(-1)?.slice(0, 3)).toEqual(['chat', 'live', 'Bob']);
  });

  it('replays offsets a client can reconnect with again', async () => {
    // Prepare
    const { chat } = harness();
    const { id, pid, offset, bob } = await aliceInRooms(chat, ['lobby']);
    await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });
    await post(chat, bob, 'lobby', 'missed once');
    const again = await open(chat);
    await send(chat, again, `40{"pid":"${pid}","offset":"${offset}"}`);
    const lastOffset = eventsOf(chat, again).at(-1)?.at(-1) as string;
    await chat.server.handleDisconnect({ connectionId: again, statusCode: 1006, reason: '' });
    await post(chat, bob, 'lobby', 'missed twice');

    // Act
    const third = await open(chat);
    await send(chat, third, `40{"pid":"${pid}","offset":"${lastOffset}"}`);

    // Assess
    expect(eventsOf(chat, third).map((event) => event[1])).toEqual(['missed twice']);
  });

  it('skips the middleware of a recovered socket, as Socket.IO does by default, and runs it when told to', async () => {
    // Prepare
    const skipping = harness();
    const running = harness({ skipMiddlewares: false });

    // Act
    for (const { chat } of [skipping, running]) {
      const { id, pid, offset } = await aliceInRooms(chat, ['lobby']);
      await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });
      const again = await open(chat);
      await send(chat, again, `40{"pid":"${pid}","offset":"${offset}"}`);
    }

    // Assess: Alice and Bob at first, then Alice again only where middleware runs.
    expect(skipping.middleware).toHaveLength(2);
    expect(running.middleware).toHaveLength(3);
  });

  it.each([
    [
      'another user',
      MALLORY,
      (pid: string, offset: string) => `40{"pid":"${pid}","offset":"${offset}"}`,
    ],
    ['no offset', ALICE, (pid: string) => `40{"pid":"${pid}"}`],
    ['an offset of the app', ALICE, (pid: string) => `40{"pid":"${pid}","offset":"Bob"}`],
    [
      'a malformed pid',
      ALICE,
      (_pid: string, offset: string) => `40{"pid":"../../x","offset":"${offset}"}`,
    ],
  ])(
    'does not recover for %s: a new socket, recovered false, no rooms and a new pid',
    async (_what, user, connect) => {
      // Prepare
      const { chat, hooks } = harness();
      const { id, pid, offset } = await aliceInRooms(chat, ['lobby']);
      await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });

      // Act
      const again = await open(chat, user);
      await send(chat, again, connect(pid, offset), user);

      // Assess
      const sid = namespaceSocketId(again, '/');
      expect(connectAnswerOf(chat, again)?.pid).not.toBe(pid);
      expect(hooks.at(-1)).toMatchObject({ socketId: sid, recovered: false });
      expect((await chat.store.getConnection(sid))?.rooms).toEqual([]);
      expect(eventsOf(chat, again)).toEqual([]);
    },
  );

  it("keeps Mallory's attempt from spoiling Alice's recovery", async () => {
    // Prepare
    const { chat, hooks } = harness();
    const { id, pid, offset } = await aliceInRooms(chat, ['lobby']);
    await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });
    const mallory = await open(chat, MALLORY);
    await send(chat, mallory, `40{"pid":"${pid}","offset":"${offset}"}`, MALLORY);

    // Act
    const again = await open(chat);
    await send(chat, again, `40{"pid":"${pid}","offset":"${offset}"}`);

    // Assess
    expect(hooks.at(-1)).toMatchObject({
      socketId: namespaceSocketId(again, '/'),
      recovered: true,
    });
  });

  it('recovers once: a second reconnection with the same pid starts afresh', async () => {
    // Prepare
    const { chat, hooks } = harness();
    const { id, pid, offset } = await aliceInRooms(chat, ['lobby']);
    await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });
    const first = await open(chat);
    await send(chat, first, `40{"pid":"${pid}","offset":"${offset}"}`);

    // Act
    const second = await open(chat);
    await send(chat, second, `40{"pid":"${pid}","offset":"${offset}"}`);

    // Assess
    expect(hooks.at(-2)).toMatchObject({ recovered: true });
    expect(hooks.at(-1)).toMatchObject({
      socketId: namespaceSocketId(second, '/'),
      recovered: false,
    });
  });

  it('does not keep a socket its client left (41) or recover one past maxDisconnectionDuration', async () => {
    // Prepare
    const { chat, hooks } = harness({ maxDisconnectionDuration: 1_000 });
    const left = await aliceInRooms(chat, ['lobby']);
    await send(chat, left.id, '41');
    const dropped = await aliceInRooms(chat, ['lobby']);
    await chat.server.handleDisconnect({ connectionId: dropped.id, statusCode: 1006, reason: '' });
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 1_500);

    // Act
    const afterLeaving = await open(chat);
    await send(chat, afterLeaving, `40{"pid":"${left.pid}","offset":"${left.offset}"}`);
    const late = await open(chat);
    await send(chat, late, `40{"pid":"${dropped.pid}","offset":"${dropped.offset}"}`);
    jest.restoreAllMocks();

    // Assess
    expect(hooks.slice(-2).map((hook) => hook.recovered)).toEqual([false, false]);
  });

  it('does not recover a socket its client left (41) when `$disconnect` was handled before the DISCONNECT, or during it', async () => {
    // Prepare: API Gateway invokes a connection's frames and its `$disconnect` concurrently.
    const { chat, hooks } = harness();
    const before = await aliceInRooms(chat, ['lobby']);
    await chat.server.handleDisconnect({ connectionId: before.id, statusCode: 1005, reason: '' });
    await send(chat, before.id, '41');
    const during = await aliceInRooms(chat, ['lobby']);
    await Promise.all([
      send(chat, during.id, '41'),
      chat.server.handleDisconnect({ connectionId: during.id, statusCode: 1005, reason: '' }),
    ]);

    // Act
    for (const { pid, offset } of [before, during]) {
      const again = await open(chat);
      await send(chat, again, `40{"pid":"${pid}","offset":"${offset}"}`);
    }

    // Assess
    expect(hooks.slice(-2).map((hook) => hook.recovered)).toEqual([false, false]);
  });

  it('does not give back a room the join policies now refuse, nor what was missed there', async () => {
    // Prepare
    const { chat, banned } = harness();
    const { id, pid, offset, bob } = await aliceInRooms(chat, ['lobby', 'banned']);
    await chat.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });
    await post(chat, bob, 'banned', 'secret');
    await post(chat, bob, 'lobby', 'public');
    banned.closed = true;

    // Act
    const again = await open(chat);
    await send(chat, again, `40{"pid":"${pid}","offset":"${offset}"}`);

    // Assess
    expect((await chat.store.getConnection(namespaceSocketId(again, '/')))?.rooms).toEqual([
      'lobby',
    ]);
    expect(eventsOf(chat, again).map((event) => event[1])).toEqual(['public']);
  });

  it('gives no pid and no offsets without connectionStateRecovery', async () => {
    // Prepare
    const { chat } = harness(false);

    // Act
    const { id, pid } = await aliceInRooms(chat, ['lobby']);

    // Assess
    expect(pid).toBeUndefined();
    expect(eventsOf(chat, id)).toEqual([['chat', 'hello', 'Bob']]);
  });

  it('is refused at construction without a store for the sockets waiting to be recovered', () => {
    // Prepare
    const chat = new ChatHarness();
    const options: ServerOptions = {
      store: chat.store,
      poster: chat.poster,
      afterConnectDispatcher: chat.afterConnect,
      messageLog: chat.messageLog,
      sessions: new InMemorySessionStore(),
      limitStore: new InMemoryUserLimitStore(),
      connectionStateRecovery: {},
    };

    // Act
    const construct = () => new Server(options);

    // Assess
    expect(construct).toThrow('connectionStateRecovery needs the recoveries option');
    expect(() => new Server({ ...options, recoveries: new InMemoryRecoveryStore() })).not.toThrow();
  });
});
