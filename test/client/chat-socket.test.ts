import type { ChatSocket } from '../../client/chat-socket';
import type { ChatClientError } from '../../client/errors';
import type { DisconnectReason, EventMeta } from '../../client/events';
import { connect } from '../../client/node';
import type { ConnectOptions } from '../../client/options';
import { FakeGateway, next, sleep, waitFor } from './fake-gateway';

describe('Class: ChatSocket', () => {
  let gateway: FakeGateway;
  const sockets: ChatSocket[] = [];

  const open = (options: ConnectOptions = {}): ChatSocket => {
    const socket = connect(gateway.url, {
      reconnection: { initialDelayMs: 10, jitter: 0 },
      ...options,
    });
    sockets.push(socket);
    return socket;
  };

  const openConnected = async (options: ConnectOptions = {}): Promise<ChatSocket> => {
    const socket = open(options);
    await next(socket, 'connect');
    return socket;
  };

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await gateway.stop();
  });

  describe('Property: id', () => {
    it('is learned with whoami (ack 1) before connect, and again after a reconnection', async () => {
      // Prepare
      const socket = open();
      expect(socket.id).toBeUndefined();

      // Act
      await next(socket, 'connect');
      const first = socket.id;
      const connected = socket.connected;
      gateway.dropAll();
      await next(socket, 'disconnect');
      const afterDrop = socket.id;
      await next(socket, 'connect');

      // Assess
      expect(gateway.framesFrom('conn-1')[0]).toEqual({ action: 'whoami', ack: 1 });
      expect(first).toBe('conn-1');
      expect(connected).toBe(true);
      expect(afterDrop).toBeUndefined();
      expect(socket.id).toBe('conn-2');
    });
  });

  describe('Option: ordered', () => {
    it('numbers event frames from 1 on each socket, and only when asked', async () => {
      // Prepare & Act
      const ordered = await openConnected({ ordered: true });
      ordered.emit('say', 'a');
      ordered.emit('say', 'b');
      await waitFor(() => gateway.framesFrom('conn-1').length === 3);
      const plain = await openConnected();
      plain.emit('say', 'c');
      await waitFor(() => gateway.framesFrom('conn-2').length === 2);

      // Assess
      expect(gateway.framesFrom('conn-1')).toEqual([
        { action: 'whoami', ack: 1, n: 1 },
        { action: 'say', data: 'a', n: 2 },
        { action: 'say', data: 'b', n: 3 },
      ]);
      expect(gateway.framesFrom('conn-2')).toEqual([
        { action: 'whoami', ack: 1 },
        { action: 'say', data: 'c' },
      ]);
    });
  });

  describe('Handshake', () => {
    it('sends the token as a subprotocol, never in the URL; other auth entries and ns as query parameters', async () => {
      // Prepare & Act
      await openConnected({ namespace: '/chat', auth: { token: 'secret', lang: 'ko' } });

      // Assess
      expect(gateway.protocols[0]).toEqual(['apigw-chat', 'token.secret']);
      expect(gateway.queries[0]?.has('token')).toBe(false);
      expect(gateway.queries[0]?.get('lang')).toBe('ko');
      expect(gateway.queries[0]?.get('ns')).toBe('/chat');
    });

    it('leaves ns out for the default namespace', async () => {
      // Prepare & Act
      await openConnected();

      // Assess
      expect(gateway.queries[0]?.has('ns')).toBe(false);
    });
  });

  describe('Method: emitWithAck', () => {
    it('resolves with the ack data, using increasing ack ids', async () => {
      // Prepare
      const socket = await openConnected();

      // Act
      const replies = await Promise.all([
        socket.emitWithAck('echo', { n: 1 }),
        socket.emitWithAck('echo', { n: 2 }),
      ]);

      // Assess
      expect(replies).toEqual([{ n: 1 }, { n: 2 }]);
      expect(gateway.framesFrom('conn-1').map((frame) => frame.ack)).toEqual([1, 2, 3]);
    });

    it.each(['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'UNKNOWN_EVENT'])(
      'rejects with the server error code %s',
      async (code) => {
        // Prepare
        const socket = await openConnected();

        // Act
        const result = socket.emitWithAck('fail', { code });

        // Assess
        await expect(result).rejects.toMatchObject({
          name: 'ChatClientError',
          code,
          message: `Failed with ${code}`,
        });
      },
    );

    it('rejects with TIMEOUT when no ack comes within the timeout', async () => {
      // Prepare
      const socket = await openConnected();

      // Act
      const started = Date.now();
      const result = socket.emitWithAck('silent', {}, { timeout: 40 });

      // Assess
      await expect(result).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    });

    it('rejects with DISCONNECTED when the socket drops before the ack, and does not re-send it', async () => {
      // Prepare
      const socket = await openConnected();
      const result = expect(socket.emitWithAck('silent', { once: true })).rejects.toMatchObject({
        code: 'DISCONNECTED',
      });
      await waitFor(() => gateway.framesFrom('conn-1').length === 2);

      // Act
      gateway.dropAll();

      // Assess
      await result;
      await next(socket, 'connect');
      expect(gateway.framesFrom('conn-2').map((frame) => frame.action)).toEqual(['whoami']);
    });
  });

  describe('Buffer', () => {
    it('sends emits made while disconnected in order after the reconnection and the re-join', async () => {
      // Prepare
      const socket = await openConnected();
      await socket.join('lobby');
      gateway.replyDelays.set('join', 40);
      gateway.dropAll();
      await next(socket, 'disconnect');

      // Act
      socket.emit('chat', { room: 'lobby', message: 1 });
      const acked = socket.emitWithAck('echo', { message: 2 });
      socket.emit('chat', { room: 'lobby', message: 3 });
      const [attempts] = await next<[number]>(socket, 'reconnect');
      await waitFor(() => gateway.framesFrom('conn-2').length === 5);

      // Assess
      expect(attempts).toBe(1);
      await expect(acked).resolves.toEqual({ message: 2 });
      const frames = gateway.framesFrom('conn-2');
      expect(frames.map((frame) => [frame.action, frame.data])).toEqual([
        ['whoami', undefined],
        ['join', { room: 'lobby' }],
        ['chat', { room: 'lobby', message: 1 }],
        ['echo', { message: 2 }],
        ['chat', { room: 'lobby', message: 3 }],
      ]);
      const joinReplied = gateway.timeline.findIndex(
        (entry) =>
          entry.connection === 'conn-2' &&
          entry.direction === 'out' &&
          entry.frame.ack === frames[1]?.ack,
      );
      const firstBuffered = gateway.timeline.findIndex(
        (entry) => entry.connection === 'conn-2' && entry.frame.action === 'chat',
      );
      expect(joinReplied).toBeGreaterThan(-1);
      expect(firstBuffered).toBeGreaterThan(joinReplied);
    });

    it('drops the oldest emit when full and rejects its ack with BUFFER_OVERFLOW', async () => {
      // Prepare
      const socket = await openConnected({ bufferSize: 2 });
      gateway.dropAll();
      await next(socket, 'disconnect');

      // Act
      const dropped = expect(socket.emitWithAck('echo', 1)).rejects.toMatchObject({
        code: 'BUFFER_OVERFLOW',
      });
      socket.emit('echo', 2);
      socket.emit('echo', 3);
      await next(socket, 'connect');
      await waitFor(() => gateway.framesFrom('conn-2').length === 3);

      // Assess
      await dropped;
      expect(gateway.framesFrom('conn-2').map((frame) => frame.data)).toEqual([undefined, 2, 3]);
    });

    it('sends emits made before the first connection once connected', async () => {
      // Prepare
      const socket = open();

      // Act
      const reply = await socket.join('lobby');

      // Assess
      expect(reply).toEqual({ room: 'lobby', members: 1 });
      expect(gateway.framesFrom('conn-1').map((frame) => frame.action)).toEqual(['whoami', 'join']);
    });
  });

  describe('Methods: join / leave', () => {
    it('re-joins the rooms joined and not left after a reconnection', async () => {
      // Prepare
      const socket = await openConnected();
      await socket.join('a');
      await socket.join('b');
      await socket.join('c');
      await socket.leave('b');

      // Act
      gateway.dropAll();
      await next(socket, 'reconnect');

      // Assess
      expect([...socket.rooms]).toEqual(['a', 'c']);
      expect(gateway.rooms.get('conn-2')).toEqual(new Set(['a', 'c']));
    });

    it('forgets a room the server refuses to re-join and reports rejoin_error', async () => {
      // Prepare
      const socket = await openConnected();
      await socket.join('vip');
      gateway.handlers.set('join', () => ({ error: { code: 'FORBIDDEN', message: 'No' } }));
      const rejoinError = next<[string, ChatClientError]>(socket, 'rejoin_error');

      // Act
      gateway.dropAll();
      const [room, error] = await rejoinError;
      await next(socket, 'connect');

      // Assess
      expect(room).toBe('vip');
      expect(error.code).toBe('FORBIDDEN');
      expect(socket.rooms.size).toBe(0);
    });
  });

  describe('Server events', () => {
    it('calls handlers with the data and the room, sender and namespace', async () => {
      // Prepare
      const socket = await openConnected();
      const received = next<[unknown, EventMeta]>(socket, 'chat');

      // Act
      gateway.push('conn-1', { event: 'chat', data: 'hi', ns: '/', room: 'lobby', from: 'x' });

      // Assess
      expect(await received).toEqual(['hi', { ns: '/', room: 'lobby', from: 'x' }]);
    });

    it('delivers once a message stored in several rooms (one id), whichever room it comes through', async () => {
      // Prepare
      const socket = await openConnected();
      const seen: unknown[] = [];
      socket.on('chat', (data, meta) => seen.push([data, meta.room, meta.id]));
      const id = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';

      // Act
      gateway.push('conn-1', { event: 'chat', data: 'once', ns: '/', id, room: 'lobby' });
      gateway.push('conn-1', { event: 'chat', data: 'once', ns: '/', id, room: 'dev' });
      gateway.push('conn-1', { event: 'chat', data: 'plain', ns: '/', room: 'dev' });
      gateway.push('conn-1', { event: 'chat', data: 'plain', ns: '/', room: 'dev' });
      await waitFor(() => seen.length === 3);

      // Assess: messages without an id are never merged.
      expect(seen).toEqual([
        ['once', 'lobby', id],
        ['plain', 'dev', undefined],
        ['plain', 'dev', undefined],
      ]);
    });

    it("surfaces the server's error events and API Gateway's own error frames as error", async () => {
      // Prepare
      const socket = await openConnected();
      const errors: unknown[] = [];
      socket.on('error', (error, meta) => errors.push([error, meta]));

      // Act
      gateway.push('conn-1', {
        event: 'error',
        data: { code: 'BAD_REQUEST', message: 'Frame is not valid JSON' },
        ns: '/',
      });
      gateway.push('conn-1', {
        message: 'Internal server error',
        connectionId: 'c',
        requestId: 'r',
      });
      await waitFor(() => errors.length === 2);

      // Assess
      expect(errors).toEqual([
        [{ code: 'BAD_REQUEST', message: 'Frame is not valid JSON' }, { ns: '/' }],
        [{ code: 'GATEWAY', message: 'Internal server error' }, { ns: '/' }],
      ]);
    });

    it('ignores server events named like lifecycle events, and off() removes a handler', async () => {
      // Prepare
      const socket = await openConnected();
      const seen: string[] = [];
      const onNews = () => seen.push('news');
      socket.on('connect', () => seen.push('connect'));
      socket.on('news', onNews);
      socket.off('news', onNews);
      socket.on('news2', () => seen.push('news2'));

      // Act
      gateway.push('conn-1', { event: 'connect', data: null, ns: '/' });
      gateway.push('conn-1', { event: 'news', data: null, ns: '/' });
      gateway.push('conn-1', { event: 'news2', data: null, ns: '/' });
      await waitFor(() => seen.length > 0);

      // Assess
      expect(seen).toEqual(['news2']);
    });
  });

  describe('Keep-alive', () => {
    it('sends a ping every keepAliveMs and reports the pong only as the internal pong event', async () => {
      // Prepare
      const socket = await openConnected({ keepAliveMs: 25 });
      let pongs = 0;
      socket.on('pong', () => pongs++);

      // Act
      await waitFor(() => pongs >= 2);

      // Assess
      const pings = gateway.framesFrom('conn-1').filter((frame) => frame.action === 'ping');
      expect(pings.length).toBeGreaterThanOrEqual(2);
      expect(pings[0]).toEqual({ action: 'ping' });
    });

    it('replaces a socket that does not answer its ping', async () => {
      // Prepare
      gateway.answerPings = false;
      const socket = await openConnected({ keepAliveMs: 20, pongTimeoutMs: 30 });

      // Act
      const [reason] = await next<[DisconnectReason]>(socket, 'disconnect');
      gateway.answerPings = true;
      await next(socket, 'connect');

      // Assess
      expect(reason).toEqual({ code: 4000, reason: 'keep-alive timeout' });
      expect(gateway.handshakes).toBe(2);
    });
  });

  describe('Method: close', () => {
    it('closes the socket, reports disconnect and does not reconnect', async () => {
      // Prepare
      const socket = await openConnected();
      const disconnects: DisconnectReason[] = [];
      socket.on('disconnect', (reason) => disconnects.push(reason));
      const pending = expect(socket.emitWithAck('silent', {})).rejects.toMatchObject({
        code: 'DISCONNECTED',
      });

      // Act
      socket.close();
      await waitFor(() => gateway.connectionIds.length === 0);
      await sleep(60);

      // Assess
      await pending;
      await expect(socket.emitWithAck('echo', 1)).rejects.toMatchObject({ code: 'DISCONNECTED' });
      expect(disconnects).toEqual([{ code: 1000, reason: 'client close' }]);
      expect(socket.connected).toBe(false);
      expect(gateway.handshakes).toBe(1);
    });

    it('cancels a scheduled reconnection', async () => {
      // Prepare
      const socket = await openConnected({ reconnection: { initialDelayMs: 30, jitter: 0 } });
      gateway.dropAll();
      await next(socket, 'disconnect');

      // Act
      socket.close();
      await sleep(80);

      // Assess
      expect(gateway.handshakes).toBe(1);
    });
  });

  describe('Handshake refusals', () => {
    it.each([401, 403, 404])(
      'reports connect_error with status %i and stops until connect() is called',
      async (status) => {
        // Prepare
        gateway.refuseWith = status;
        const socket = open();

        // Act
        const [error] = await next<[ChatClientError]>(socket, 'connect_error');
        await sleep(60);
        const handshakesBefore = gateway.handshakes;
        gateway.refuseWith = undefined;
        socket.connect();
        await next(socket, 'connect');

        // Assess
        expect(error.code).toBe('CONNECT_ERROR');
        expect(error.status).toBe(status);
        expect(handshakesBefore).toBe(1);
        expect(socket.connected).toBe(true);
      },
    );

    it('reconnects after a whoami answered NOT_FOUND (the server lost the connection)', async () => {
      // Prepare
      let calls = 0;
      gateway.handlers.set('whoami', (_data, connection) =>
        ++calls === 1
          ? { error: { code: 'NOT_FOUND', message: 'Unknown connection: reconnect' } }
          : { data: { id: connection, ns: '/' } },
      );
      const socket = open();

      // Act
      const [error] = await next<[ChatClientError]>(socket, 'connect_error');
      await next(socket, 'connect');

      // Assess
      expect(error.status).toBeUndefined();
      expect(socket.id).toBe('conn-2');
    });
  });
});
