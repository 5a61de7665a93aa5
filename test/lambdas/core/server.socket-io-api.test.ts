import { ConnectionRefusedError } from '../../../lambdas/core/errors';
import type { CoreLogger } from '../../../lambdas/core/logger';
import { Server } from '../../../lambdas/core/server';
import { ChatHarness, connectionId, inMemoryServerStores } from '../../support/chat-harness';

const plain = (options: ConstructorParameters<typeof Server>[0]) => new Server(options);

const connectInput = (ns: string, query: Record<string, string> = {}) => ({
  connectionId: connectionId(),
  connectedAt: Date.now(),
  headers: {},
  query: { ns, ...query },
  sourceIp: '127.0.0.1',
  userAgent: 'jest',
  authorizer: undefined,
});

describe('Socket.IO server API (Server)', () => {
  describe('dynamic namespaces', () => {
    it('accepts any name a regular expression matches, with the parent’s middleware and handlers', async () => {
      const harness = new ChatHarness(plain);
      const teams = harness.server.of(/^\/team-\d+$/);
      const joined: string[] = [];
      teams.use((socket) => {
        if (socket.handshake.query.key !== 'k') throw new ConnectionRefusedError(401, 'No key');
      });
      teams.on('connection', (socket) => {
        joined.push(socket.nsp.name);
        socket.join('general');
      });
      teams.on('where', (socket, ack) => ack(socket.nsp.name));

      const one = await harness.connect('/team-1', { key: 'k' });
      const two = await harness.connect('/team-22', { key: 'k' });
      // Registered after the children exist: they have it too.
      teams.on('late', (_socket, ack) => ack('late handler'));

      expect(joined).toEqual(['/team-1', '/team-22']);
      expect(await harness.send(one, 'where', undefined, 1)).toEqual({ ack: 1, data: '/team-1' });
      expect(await harness.send(two, 'late', undefined, 2)).toEqual({
        ack: 2,
        data: 'late handler',
      });
      // Each child has its own rooms.
      expect(await harness.server.of('/team-1').in('general').fetchSocketIds()).toEqual([one]);
      expect((await harness.server.handleConnect(connectInput('/team-3'))).statusCode).toBe(401);
      expect((await harness.server.handleConnect(connectInput('/team-x'))).statusCode).toBe(404);
      // of(name) of a matching name is that child, not a new empty namespace.
      await harness.connect('/team-1', { key: 'k' });
      expect(joined).toEqual(['/team-1', '/team-22', '/team-1']);
    });

    it('accepts the names a function allows through next(null, true)', async () => {
      const harness = new ChatHarness(plain);
      harness.server
        .of((name, _auth, next) => next(null, name.startsWith('/room-')))
        .on('hi', (socket, ack) => ack(`hi from ${socket.nsp.name}`));
      const id = await harness.connect('/room-blue');
      expect(await harness.send(id, 'hi', undefined, 1)).toEqual({
        ack: 1,
        data: 'hi from /room-blue',
      });
      expect((await harness.server.handleConnect(connectInput('/lobby'))).statusCode).toBe(404);
    });

    it('refuses, and logs, when the function throws or does not call next in time', async () => {
      const errors: string[] = [];
      const logger: CoreLogger = {
        debug: () => undefined,
        info: () => undefined,
        warn: (message) => errors.push(message),
        error: (message) => errors.push(message),
      };
      const harness = new ChatHarness(plain, { logger });
      harness.server.of(() => {
        throw new Error('broken');
      });
      harness.server.of((_name, _auth, next) => setTimeout(() => next(null, true), 0));
      expect((await harness.server.handleConnect(connectInput('/any'))).statusCode).toBe(404);
      expect(errors).toEqual([
        'A dynamic namespace function threw',
        'A dynamic namespace function did not call next before returning',
      ]);
    });
  });

  describe('middleware next(err)', () => {
    it('refuses with 403, the message and err.data, as a Socket.IO connect_error carries them', async () => {
      const harness = new ChatHarness(plain);
      harness.server.of('/').use((_socket, next) => {
        const error = Object.assign(new Error('not authorized'), {
          data: { content: 'Please retry later' },
        });
        next(error);
      });
      expect(await harness.server.handleConnect(connectInput('/'))).toEqual({
        statusCode: 403,
        message: 'not authorized',
        data: { content: 'Please retry later' },
      });
    });

    it('lets the connection in on next(), in order, and keeps a 4xx statusCode of the error', async () => {
      const harness = new ChatHarness(plain);
      const order: string[] = [];
      harness.server
        .of('/')
        .use((_socket, next) => {
          order.push('first');
          setTimeout(next, 5);
        })
        .use((socket, next) => {
          order.push('second');
          if (socket.handshake.query.deny)
            next(Object.assign(new Error('Too many'), { statusCode: 429 }));
          else next();
        });
      expect((await harness.server.handleConnect(connectInput('/'))).statusCode).toBe(200);
      expect(await harness.server.handleConnect(connectInput('/', { deny: '1' }))).toEqual({
        statusCode: 429,
        message: 'Too many',
      });
      expect(order).toEqual(['first', 'second', 'first', 'second']);
    });
  });

  describe('onAny and onAnyOutgoing', () => {
    it('onAny hears every client event with its arguments, handled or not, before its handler', async () => {
      const harness = new ChatHarness(plain);
      const heard: unknown[][] = [];
      const nsp = harness.server.of('/');
      nsp.onAny((socket, event, ...args) => {
        heard.push([socket.id, event, ...args]);
      });
      nsp.on('known', (_socket, _a, _b, ack) => {
        heard.push(['handler']);
        ack('done');
      });
      const id = await harness.connect('/');
      expect(
        await harness.sendRaw(id, JSON.stringify({ action: 'known', args: [1, 2], ack: 1 })),
      ).toEqual({ ack: 1, data: 'done' });
      expect(await harness.send(id, 'unknown', 'x', 2)).toEqual({
        ack: 2,
        error: { code: 'UNKNOWN_EVENT', message: 'No handler for "unknown"' },
      });
      expect(heard).toEqual([[id, 'known', 1, 2], ['handler'], [id, 'unknown', 'x']]);
    });

    it('onAnyOutgoing hears every socket.emit, not broadcasts', async () => {
      const harness = new ChatHarness(plain);
      const heard: unknown[][] = [];
      const nsp = harness.server.of('/');
      nsp.onAnyOutgoing((socket, event, ...args) => {
        heard.push([socket.id, event, ...args]);
      });
      nsp.on('go', (socket) => {
        socket.emit('to-self', 1, 2);
        socket.broadcast.emit('to-others', 3);
        nsp.emit('to-all', 4);
      });
      const id = await harness.connect('/');
      await harness.send(id, 'go');
      expect(heard).toEqual([[id, 'to-self', 1, 2]]);
    });
  });
});

describe('Remote sockets (Server)', () => {
  /** Alice, Bob and Carol in `/`, Alice and Bob in `lobby`, Carol with data.muted. */
  async function threeSockets() {
    const harness = new ChatHarness(plain, {});
    const server = new Server({
      ...inMemoryServerStores(),
      store: harness.store,
      poster: harness.poster,
      closer: harness.poster,
      afterConnectDispatcher: harness.afterConnect,
    });
    const nsp = server.of('/');
    nsp.on('connection', (socket) => {
      if (socket.handshake.query.lobby) socket.join('lobby');
      if (socket.handshake.query.muted) socket.data.muted = true;
    });
    const connect = async (query: Record<string, string>) => {
      const input = connectInput('/', query);
      await server.handleConnect(input);
      return input.connectionId;
    };
    const alice = await connect({ lobby: '1' });
    const bob = await connect({ lobby: '1' });
    const carol = await connect({ muted: '1' });
    return { harness, server, nsp, alice, bob, carol };
  }

  it('fetchSockets returns the audience as stored, with id, rooms, data and handshake', async () => {
    const { nsp, alice, bob, carol } = await threeSockets();
    const sockets = await nsp.in('lobby').fetchSockets();
    expect(sockets.map((socket) => socket.id).sort()).toEqual([alice, bob].sort());
    expect([...(sockets[0]?.rooms ?? [])]).toContain('lobby');
    expect(sockets[0]?.handshake.query.lobby).toBe('1');
    const everyone = await nsp.fetchSockets();
    expect(everyone.find((socket) => socket.id === carol)?.data).toEqual({ muted: true });
  });

  it('a remote socket can be sent to, joined, left and disconnected', async () => {
    const { harness, nsp, alice, carol } = await threeSockets();
    const [remote] = (await nsp.fetchSockets()).filter((socket) => socket.id === carol);
    await remote?.emit('note', 'for you', 2);
    await remote?.join('quiet');
    expect(await nsp.in('quiet').fetchSocketIds()).toEqual([carol]);
    await remote?.leave('quiet');
    expect(await nsp.in('quiet').fetchSocketIds()).toEqual([]);
    await remote?.disconnect(true);
    expect(harness.frames(carol)).toEqual([
      { event: 'note', data: 'for you', args: ['for you', 2], ns: '/' },
    ]);
    expect(harness.poster.closed).toEqual([carol]);
    expect(harness.poster.closed).not.toContain(alice);
  });

  it('socketsJoin and socketsLeave move the audience, without a handler awaiting them', async () => {
    const { harness, server, nsp, alice, bob, carol } = await threeSockets();
    nsp.on('promote', () => {
      nsp.in('lobby').socketsJoin('stage');
      nsp.to('stage').emit('on stage');
      nsp.in('lobby').except(alice).socketsLeave('lobby');
    });
    await server.handleMessage({ connectionId: carol, body: '{"action":"promote"}' });
    expect((await nsp.in('stage').fetchSocketIds()).sort()).toEqual([alice, bob].sort());
    expect(await nsp.in('lobby').fetchSocketIds()).toEqual([alice]);
    expect(harness.frames(alice)).toEqual([
      { event: 'on stage', data: null, args: [], ns: '/', room: 'stage' },
    ]);
  });

  it('socket.disconnect and disconnectSockets close connections through the closer', async () => {
    const { harness, server, nsp, alice, bob, carol } = await threeSockets();
    nsp.on('leave-now', (socket) => {
      socket.disconnect(true);
    });
    nsp.on('clear-lobby', () => {
      nsp.in('lobby').disconnectSockets(true);
    });
    await server.handleMessage({ connectionId: carol, body: '{"action":"leave-now"}' });
    expect(harness.poster.closed).toEqual([carol]);
    await server.handleMessage({ connectionId: alice, body: '{"action":"clear-lobby"}' });
    expect([...harness.poster.closed].sort()).toEqual([alice, bob, carol].sort());
  });

  it('without a closer, disconnect fails and says why', async () => {
    const harness = new ChatHarness(plain);
    harness.server.of('/').on('bye', async (socket, ack) => {
      await socket.disconnect().catch((error: Error) => ack(error.message));
    });
    const id = await harness.connect('/');
    expect(await harness.send(id, 'bye', undefined, 1)).toEqual({
      ack: 1,
      data: "Closing connections needs the server's closer option",
    });
  });
});
