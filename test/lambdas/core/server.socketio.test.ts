import { ConnectionRefusedError } from '../../../lambdas/core/errors';
import { InMemoryAckStore } from '../../../lambdas/core/in-memory-ack-store';
import type { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';
import { InMemorySessionStore } from '../../../lambdas/core/in-memory-session-store';
import { namespaceSocketId } from '../../../lambdas/core/namespace-socket-id';
import { Server } from '../../../lambdas/core/server';
import { serverAckIdOf } from '../../../lambdas/core/server-ack-id';
import { ChatHarness, connectionId } from '../../support/chat-harness';

/** A server with a `/chat` namespace whose middleware wants `auth.token`, and a `/` with echo and ask. */
function harness() {
  const sessions = new InMemorySessionStore();
  const chat = new ChatHarness(
    (options) => {
      // The in-memory poster closes connections too.
      const server = new Server({ ...options, closer: options.poster as InMemoryPoster });
      server.of('/chat').use((socket) => {
        if (socket.handshake.auth.token !== 'secret')
          throw new ConnectionRefusedError(401, 'Members only', { hint: 'send auth.token' });
      });
      server.of('/chat').on('connection', (socket) => {
        void socket.emit('welcome', socket.handshake.query.room ?? 'none');
      });
      server.of('/chat').on('echo', (_socket, value, ack) => ack?.(value, 'twice'));
      server.of('/').on('echo', (_socket, value, ack) => ack?.(value));
      server.of('/').on('ask', async (socket, _value, ack) => {
        ack?.(await socket.timeout(5_000).emitWithAck('question', 'why?'));
      });
      return server;
    },
    {
      sessions,
      ackStore: new InMemoryAckStore(),
      heartbeat: { pingIntervalMs: 240_000, pingTimeoutMs: 60_000, tickMs: 60_000 },
    },
  );
  return { chat, sessions };
}

/** Opens an Engine.IO session as `$connect` does for a socket.io-client. */
async function open(
  chat: ChatHarness,
  query: Record<string, string> = {},
  connectedAt = Date.now(),
) {
  const id = connectionId();
  const result = await chat.server.handleConnect({
    connectionId: id,
    connectedAt,
    headers: { host: 'example.com' },
    query: { EIO: '4', transport: 'websocket', ...query },
    sourceIp: '203.0.113.7',
    userAgent: 'socket.io-client',
    authorizer: undefined,
  });
  return { id, result };
}

const send = (chat: ChatHarness, id: string, body: string) =>
  chat.server.handleMessage({ connectionId: id, body });

describe('Server: Socket.IO clients (Engine.IO v4 / Socket.IO v5)', () => {
  it('opens a session at $connect and has the after-connect worker send the open packet', async () => {
    // Prepare
    const { chat, sessions } = harness();

    // Act
    const { id, result } = await open(chat);

    // Assess
    expect(result).toEqual({ statusCode: 200 });
    expect(chat.afterConnect.calls).toEqual([
      {
        connectionId: id,
        frames: [
          `0{"sid":"${id}","upgrades":[],"pingInterval":240000,"pingTimeout":60000,"maxPayload":65536}`,
        ],
      },
    ]);
    expect(await sessions.get(id)).toMatchObject({ id, handshake: { query: { EIO: '4' } } });
    expect(await chat.store.getConnection(id)).toBeUndefined();
  });

  it.each([
    [{ EIO: '3', transport: 'websocket' }, /Engine.IO protocol 3 is not served/],
    [{ EIO: '4', transport: 'polling' }, /Only the WebSocket transport is served/],
  ])('refuses %j with 400 and says why', async (query, message) => {
    // Prepare
    const { chat } = harness();

    // Act
    const { result } = await open(chat, query);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(result.message).toMatch(message);
    expect(chat.afterConnect.calls).toEqual([]);
  });

  it('connects a namespace: middleware sees auth and the handshake, 40 is posted before the hook emits', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat, { room: 'lobby' });

    // Act
    const reply = await send(chat, id, '40/chat,{"token":"secret"}');

    // Assess: the namespace's socket has an id of its own, and posts go to the connection.
    const sid = namespaceSocketId(id, '/chat');
    expect(reply).toBeUndefined();
    expect(sid).not.toBe(id);
    expect(chat.poster.rawFramesFor(id)).toEqual([
      `40/chat,{"sid":"${sid}"}`,
      '42/chat,["welcome","lobby"]',
    ]);
    expect(await chat.store.getConnection(sid)).toMatchObject({
      ns: '/chat',
      protocol: 'socket.io',
      connection: id,
    });
  });

  it("refuses a namespace with 44 and the middleware's message and data, storing nothing", async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);

    // Act
    const reply = await send(chat, id, '40/chat,{"token":"wrong"}');

    // Assess
    expect(reply).toBe('44/chat,{"message":"Members only","data":{"hint":"send auth.token"}}');
    expect(await chat.store.getConnection(namespaceSocketId(id, '/chat'))).toBeUndefined();
    expect(await send(chat, id, '40/chat,{"token":"secret"}')).toBeUndefined();
  });

  it('refuses an unknown namespace with Invalid namespace', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);

    // Act
    const unknown = await send(chat, id, '40/nowhere,');

    // Assess
    expect(unknown).toBe('44/nowhere,{"message":"Invalid namespace"}');
  });

  it('multiplexes namespaces on one connection: a socket, an id and a room each, events kept apart', async () => {
    // Prepare
    const { chat, sessions } = harness();
    const { id } = await open(chat);

    // Act
    await send(chat, id, '40');
    await send(chat, id, '40/chat,{"token":"secret"}');
    const again = await send(chat, id, '40');
    const root = await send(chat, id, '421["echo","root"]');
    const inChat = await send(chat, id, '42/chat,2["echo","chat"]');
    chat.poster.clearFrames();
    await chat.server.of('/chat').emit('news', 'for /chat');
    await chat.server.of('/').to(namespaceSocketId(id, '/')).emit('news', 'for /');

    // Assess
    const [rootId, chatId] = [namespaceSocketId(id, '/'), namespaceSocketId(id, '/chat')];
    expect(rootId).not.toBe(chatId);
    expect(again).toBe(`40{"sid":"${rootId}"}`);
    expect(root).toBe('431["root"]');
    expect(inChat).toBe('43/chat,2["chat","twice"]');
    expect(chat.poster.rawFramesFor(id)).toEqual([
      '42/chat,["news","for /chat"]',
      '42["news","for /"]',
    ]);
    expect((await sessions.get(id))?.namespaces).toEqual(['/', '/chat']);
  });

  it('ends every namespace socket of a connection at $disconnect, and the session', async () => {
    // Prepare
    const { chat, sessions } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40');
    await send(chat, id, '40/chat,{"token":"secret"}');

    // Act
    await chat.server.handleDisconnect({
      connectionId: id,
      statusCode: 1001,
      reason: 'Going away',
    });

    // Assess
    expect(await chat.store.getConnection(namespaceSocketId(id, '/'))).toBeUndefined();
    expect(await chat.store.getConnection(namespaceSocketId(id, '/chat'))).toBeUndefined();
    expect(await chat.store.members('/chat')).toEqual([]);
    expect(await sessions.get(id)).toBeUndefined();
  });

  it('answers a CONNECT without a session (expired, or never opened) with Unknown session', async () => {
    // Prepare
    const { chat } = harness();

    // Act
    const reply = await send(chat, connectionId(), '40');

    // Assess
    expect(reply).toBe('44{"message":"Unknown session: reconnect"}');
  });

  it('answers events with acks in Socket.IO framing, several arguments kept', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40/chat,{"token":"secret"}');

    // Act
    const reply = await send(chat, id, '42/chat,0["echo",{"a":1}]');

    // Assess
    expect(reply).toBe('43/chat,0[{"a":1},"twice"]');
  });

  it('answers an event for a namespace the connection is not in with NOT_FOUND', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40');

    // Act
    const reply = await send(chat, id, '42/chat,1["echo",1]');

    // Assess
    expect(reply).toBe(
      '43/chat,1[{"error":{"code":"NOT_FOUND","message":"Not connected to namespace /chat"}}]',
    );
  });

  it('asks the client with a numbered event and takes its 43 answer', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40');
    chat.poster.clearFrames();

    // Act
    const asking = send(chat, id, '423["ask",null]');
    const question = await (async () => {
      for (;;) {
        const [frame] = chat.poster.rawFramesFor(id);
        if (frame !== undefined) return frame;
        await new Promise((done) => setTimeout(done, 5));
      }
    })();
    const n = Number(/^42(\d+)\["question","why\?"\]$/.exec(question)?.[1]);
    expect(await send(chat, id, `43${n}["because"]`)).toBeUndefined();

    // Assess
    expect(serverAckIdOf(n)).toMatch(/-4[0-9a-f]00-8000-/);
    expect(await asking).toBe('433["because"]');
  });

  it('costs nothing for a pong or a noop, answers a ping with a pong', async () => {
    // Prepare
    const { chat } = harness();
    const reads = jest.spyOn(chat.store, 'getConnection');

    // Act
    const replies = await Promise.all(
      ['3', '6', '2'].map((body) => send(chat, 'X00000000000000=', body)),
    );

    // Assess
    expect(replies).toEqual([undefined, undefined, '3']);
    expect(reads).not.toHaveBeenCalled();
  });

  it('answers a malformed packet with an error event, and an event name that is not a route key with BAD_REQUEST', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40');

    // Act
    const malformed = await send(chat, id, '42{"x":1}');
    const badName = await send(chat, id, '425["has space"]');

    // Assess
    expect(malformed).toBe(
      '42["error",{"code":"BAD_REQUEST","message":"Invalid Socket.IO packet: invalid payload"}]',
    );
    expect(badName).toBe(
      '435[{"error":{"code":"BAD_REQUEST","message":"Event names are 1-64 of A-Z a-z 0-9 _ - : ."}}]',
    );
  });

  it('leaves a namespace on 41 and keeps the session for another CONNECT; $disconnect closes the session', async () => {
    // Prepare
    const { chat, sessions } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40');

    // Act
    await send(chat, id, '41');
    const afterLeave = await chat.store.getConnection(namespaceSocketId(id, '/'));
    const reconnect = await send(chat, id, '40/chat,{"token":"secret"}');
    await chat.server.handleDisconnect({
      connectionId: id,
      statusCode: 1001,
      reason: 'Going away',
    });

    // Assess
    expect(afterLeave).toBeUndefined();
    expect(reconnect).toBeUndefined();
    expect(await chat.store.getConnection(namespaceSocketId(id, '/chat'))).toBeUndefined();
    expect(await sessions.get(id)).toBeUndefined();
  });

  it('closes the connection when the client sends the Engine.IO close packet', async () => {
    // Prepare
    const { chat } = harness();
    const { id } = await open(chat);
    await send(chat, id, '40');

    // Act
    await send(chat, id, '1');

    // Assess
    expect(chat.poster.closed).toEqual([id]);
  });

  it('encodes a broadcast once per protocol in a room mixing both', async () => {
    // Prepare
    const { chat } = harness();
    const json = await chat.connect('/');
    const { id: sio } = await open(chat);
    await send(chat, sio, '40');
    chat.poster.clearFrames();

    // Act
    await chat.server.of('/').emit('news', 'hi', 2);

    // Assess
    expect(chat.poster.rawFramesFor(sio)).toEqual(['42["news","hi",2]']);
    expect(chat.poster.framesFor(json)).toEqual([
      { event: 'news', data: 'hi', args: ['hi', 2], ns: '/' },
    ]);
  });

  describe('heartbeat', () => {
    const MINUTE = 60_000;
    /** A past minute whose number is a multiple of 4 (slot 0 of 4), so the ticks below are past too. */
    const T0 = (Math.floor(Date.now() / (4 * MINUTE)) - 4) * 4 * MINUTE;

    it('pings, at each tick, the connections of the slot due, so each hears a ping every interval', async () => {
      // Prepare: connections in slots 0, 1 and 3.
      const { chat } = harness();
      const a = (await open(chat, {}, T0 + 5_000)).id;
      const b = (await open(chat, {}, T0 + MINUTE + 30_000)).id;
      const c = (await open(chat, {}, T0 + 3 * MINUTE)).id;
      const pings = () =>
        [a, b, c].map((id) => chat.poster.rawFramesFor(id).filter((f) => f === '2').length);

      // Act / Assess: the tick of each minute pings one slot.
      expect(await chat.server.heartbeat(T0 + 4 * MINUTE)).toEqual({
        slot: 0,
        pinged: 1,
        gone: 0,
        failed: 0,
      });
      expect(pings()).toEqual([1, 0, 0]);
      await chat.server.heartbeat(T0 + 5 * MINUTE);
      await chat.server.heartbeat(T0 + 6 * MINUTE);
      await chat.server.heartbeat(T0 + 7 * MINUTE);
      expect(pings()).toEqual([1, 1, 1]);
      await chat.server.heartbeat(T0 + 8 * MINUTE);
      expect(pings()).toEqual([2, 1, 1]);
    });

    it('closes the session and removes the socket of a connection found gone', async () => {
      // Prepare
      const { chat, sessions } = harness();
      const { id } = await open(chat, {}, T0);
      await send(chat, id, '40');
      chat.poster.markGone(id);

      // Act
      const report = await chat.server.heartbeat(T0 + 4 * MINUTE);

      // Assess
      expect(report).toEqual({ slot: 0, pinged: 0, gone: 1, failed: 0 });
      expect(await sessions.get(id)).toBeUndefined();
      expect(await chat.store.getConnection(namespaceSocketId(id, '/'))).toBeUndefined();
    });

    it('keeps a connection younger than 30 s whose ping was refused: its $connect may be running', async () => {
      // Prepare
      const { chat, sessions } = harness();
      const { id } = await open(chat, {}, T0 + 4 * MINUTE - 10_000);
      chat.poster.markGone(id);

      // Act
      const report = await chat.server.heartbeat(T0 + 4 * MINUTE);

      // Assess
      expect(report.gone).toBe(0);
      expect(await sessions.get(id)).toBeDefined();
    });

    it('spreads connections over pingInterval / tick slots', () => {
      // Act
      const slots = [0, 1, 2, 3, 4].map((minute) => T0 + minute * MINUTE + 59_000);

      // Assess
      expect(slots.map((at) => Math.floor(at / MINUTE) % 4)).toEqual([0, 1, 2, 3, 0]);
    });
  });
});

describe('Server: per-user connection limit and Socket.IO namespaces', () => {
  it("counts every namespace a Socket.IO client connects as one of the user's connections", async () => {
    // Prepare: at most 2 per user; one connection of Alice's opens /, /chat, then /notification.
    const chat = new ChatHarness(
      (options) => {
        const server = new Server(options);
        for (const name of ['/', '/chat', '/notification']) server.of(name);
        return server;
      },
      { sessions: new InMemorySessionStore(), userLimits: { connectionsPerUser: 2 } },
    );
    const alice = { userId: 'alice', name: 'Alice' };
    const id = connectionId();
    await chat.server.handleConnect({
      connectionId: id,
      connectedAt: Date.now(),
      headers: {},
      query: { EIO: '4', transport: 'websocket' },
      sourceIp: '203.0.113.7',
      userAgent: 'socket.io-client',
      authorizer: alice,
    });

    // Act
    const answers: (string | undefined)[] = [];
    for (const ns of ['', '/chat,', '/notification,']) {
      answers.push(
        await chat.server.handleMessage({ connectionId: id, body: `40${ns}`, authorizer: alice }),
      );
    }

    // Assess: the first two are answered by posts, the third refused in the route response.
    expect(answers.slice(0, 2)).toEqual([undefined, undefined]);
    expect(answers[2]).toBe(
      '44/notification,{"message":"Too many connections: at most 2 per user"}',
    );
  });
});

describe('Server: socket.disconnect() of a Socket.IO client', () => {
  /** `/` and `/chat`, where `leave` makes the server disconnect the socket (closing the connection with `true`). */
  function kicking() {
    const reasons: string[] = [];
    const chat = new ChatHarness(
      (options) => {
        const server = new Server({ ...options, closer: options.poster as InMemoryPoster });
        for (const name of ['/', '/chat']) {
          server.of(name).on('leave', async (socket, close: boolean) => {
            await socket.disconnect(close);
          });
          server.of(name).on('disconnect', (_socket, { reason }) => {
            reasons.push(`${name} ${reason}`);
          });
        }
        return server;
      },
      { sessions: new InMemorySessionStore() },
    );
    return { chat, reasons };
  }

  it('ends that namespace only: 41/ns, to the client, the hooks run, the connection and its other namespace stay', async () => {
    // Prepare
    const { chat, reasons } = kicking();
    const { id } = await open(chat);
    await send(chat, id, '40');
    await send(chat, id, '40/chat,');

    // Act
    await send(chat, id, '42/chat,["leave",false]');

    // Assess
    expect(chat.poster.rawFramesFor(id).at(-1)).toBe('41/chat,');
    expect(reasons).toEqual(['/chat server namespace disconnect']);
    expect(await chat.store.getConnection(namespaceSocketId(id, '/chat'))).toBeUndefined();
    expect(await chat.store.getConnection(namespaceSocketId(id, '/'))).toBeDefined();
    expect(chat.poster.closed).toEqual([]);
    expect((await chat.server.handleMessage({ connectionId: id, body: '40/chat,' })) ?? '').toBe(
      '',
    );
  });

  it('closes the whole connection with disconnect(true)', async () => {
    // Prepare
    const { chat } = kicking();
    const { id } = await open(chat);
    await send(chat, id, '40/chat,');

    // Act
    await send(chat, id, '42/chat,["leave",true]');

    // Assess
    expect(chat.poster.closed).toEqual([id]);
  });
});
