import { ChatError, ConnectionRefusedError } from '../../../lambdas/core/errors';
import { Server } from '../../../lambdas/core/server';
import { ChatHarness, connectionId } from '../../support/chat-harness';

const plain = (options: ConstructorParameters<typeof Server>[0]) => new Server(options);

describe('Class: Server', () => {
  describe('Method: handleConnect', () => {
    it('refuses an unknown namespace with 404 and stores nothing', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      const id = connectionId();

      // Act
      const result = await harness.server.handleConnect({
        connectionId: id,
        connectedAt: Date.now(),
        headers: {},
        query: { ns: '/nope' },
        sourceIp: '1.2.3.4',
        userAgent: undefined,
        authorizer: undefined,
      });

      // Assess
      expect(result.statusCode).toBe(404);
      expect(await harness.store.getConnection(id)).toBeUndefined();
    });

    it.each([401, 403])('answers a middleware refusal with its status %i', async (status) => {
      // Prepare
      const harness = new ChatHarness(plain);
      harness.server.of('/').use((socket) => {
        if (socket.handshake.query.token !== 'ok') throw new ConnectionRefusedError(status, 'no');
      });

      // Act
      const refused = harness.connect('/', { token: 'bad' });
      const accepted = harness.connect('/', { token: 'ok' });

      // Assess
      await expect(refused).rejects.toThrow(`connect refused: ${status}`);
      await expect(accepted).resolves.toMatch(/=$/);
    });

    it('defaults to namespace "/" and stores data set by middleware and the connection hook', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      const nsp = harness.server.of('/');
      nsp.use((socket) => {
        socket.data.user = socket.handshake.query.user;
      });
      nsp.on('connection', async (socket) => {
        socket.data.greeted = true;
        await socket.join('lobby');
      });
      const id = connectionId();

      // Act
      await harness.server.handleConnect({
        connectionId: id,
        connectedAt: 1_700_000_000_000,
        headers: {},
        query: { user: 'ann' },
        sourceIp: '1.2.3.4',
        userAgent: 'ua',
        authorizer: undefined,
      });

      // Assess
      const record = await harness.store.getConnection(id);
      expect(record).toMatchObject({
        ns: '/',
        rooms: ['lobby'],
        data: { user: 'ann', greeted: true },
      });
      expect(record?.expiresAt).toBe(1_700_000_000 + 2 * 3600 + 15 * 60);
    });

    it('writes data set by middleware once, with the connection, when the hook changes nothing', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      harness.server.of('/').use((socket) => {
        socket.data.locale = 'en';
      });
      const saveData = jest.spyOn(harness.store, 'saveData');

      // Act
      const id = await harness.connect('/');

      // Assess
      expect(saveData).not.toHaveBeenCalled();
      expect((await harness.store.getConnection(id))?.data).toEqual({ locale: 'en' });
    });

    it('hands frames the connection hook sends to the new socket to the after-connect worker', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      const nsp = harness.server.of('/');
      const other = await harness.connect('/');
      nsp.on('connection', async (socket) => {
        await socket.emit('welcome', 1);
        await nsp.emit('joined', socket.id);
      });

      // Act
      const id = await harness.connect('/');

      // Assess
      expect(harness.deferred.calls).toEqual([
        {
          connectionId: id,
          frames: [
            `{"event":"welcome","data":1,"ns":"/","from":"${id}"}`,
            `{"event":"joined","data":"${id}","ns":"/"}`,
          ],
        },
      ]);
      expect(harness.frames(other)).toEqual([{ event: 'joined', data: id, ns: '/' }]);
      expect(harness.frames(id)).toEqual([]);
      expect(await harness.store.getConnection(id)).toBeDefined();
    });

    it('removes the connection again when the connection hook throws', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      harness.server.of('/').on('connection', () => {
        throw new Error('boom');
      });
      const id = connectionId();

      // Act
      const connecting = harness.server.handleConnect({
        connectionId: id,
        connectedAt: Date.now(),
        headers: {},
        query: {},
        sourceIp: '',
        userAgent: undefined,
        authorizer: undefined,
      });

      // Assess
      await expect(connecting).rejects.toThrow('boom');
      expect(await harness.store.getConnection(id)).toBeUndefined();
      expect(await harness.store.members('/')).toEqual([]);
    });
  });

  describe('Method: handleMessage', () => {
    let harness: ChatHarness;
    let id: string;

    beforeEach(async () => {
      harness = new ChatHarness(plain);
      const nsp = harness.server.of('/');
      nsp.on('echo', (_socket, data, ack) => ack(data));
      nsp.on('silent', () => undefined);
      nsp.on('deny', () => {
        throw new ChatError('FORBIDDEN', 'not you');
      });
      nsp.on('crash', () => {
        throw new Error('secret detail');
      });
      nsp.on('remember', (socket, data) => {
        socket.data.last = data;
      });
      id = await harness.connect('/');
    });

    it("answers an ack id with the handler's reply", async () => {
      expect(await harness.send(id, 'echo', { a: [1] }, 7)).toEqual({ ack: 7, data: { a: [1] } });
    });

    it('sends nothing back when the client asked for no ack', async () => {
      expect(await harness.send(id, 'echo', 1)).toBeUndefined();
    });

    it('answers an ack with null data when the handler acks without a value', async () => {
      harness.server.of('/').on('nothing', (_s, _d, ack) => ack());
      expect(await harness.send(id, 'nothing', undefined, 1)).toEqual({ ack: 1, data: null });
    });

    it('discards an event without handler, or answers UNKNOWN_EVENT to an ack id', async () => {
      expect(await harness.send(id, 'nope', 1)).toBeUndefined();
      expect(await harness.send(id, 'nope', 1, 2)).toEqual({
        ack: 2,
        error: { code: 'UNKNOWN_EVENT', message: expect.stringContaining('nope') },
      });
    });

    it('never routes a client frame to a lifecycle hook', async () => {
      // Prepare
      const hook = jest.fn();
      harness.server.of('/').on('connection', hook);

      // Act
      const reply = await harness.send(id, 'connection', undefined, 3);

      // Assess
      expect(hook).not.toHaveBeenCalled();
      expect(reply).toMatchObject({ ack: 3, error: { code: 'UNKNOWN_EVENT' } });
    });

    it.each([
      ['not JSON', 'hello'],
      ['JSON but not an object', '[1,2]'],
      ['no action', '{"data":1}'],
      ['empty action', '{"action":""}'],
      ['a forged sender', '{"action":"echo","from":"X"}'],
      ['an ack that is not a positive integer', '{"action":"echo","ack":0}'],
      ['an empty body', undefined],
    ])('answers %s with a BAD_REQUEST error event', async (_case, body) => {
      expect(await harness.sendRaw(id, body)).toEqual({
        event: 'error',
        data: { code: 'BAD_REQUEST', message: expect.any(String) },
        ns: '/',
      });
    });

    it('answers a frame over the payload limit with PAYLOAD_TOO_LARGE, without running its handler', async () => {
      // Prepare
      const small = new ChatHarness(plain, { maxPayloadBytes: 1024 });
      const echo = jest.fn((_socket, data, ack) => ack(data));
      small.server.of('/').on('echo', echo);
      const client = await small.connect('/');
      const big = JSON.stringify({ action: 'echo', data: 'x'.repeat(1024), ack: 8 });
      const bigWithoutAck = JSON.stringify({ action: 'echo', data: 'x'.repeat(1024) });

      // Act
      const replies = [
        await small.sendRaw(client, big),
        await small.sendRaw(client, bigWithoutAck),
      ];
      const fits = await small.send(client, 'echo', 'x'.repeat(900), 9);

      // Assess
      expect(replies[0]).toEqual({
        ack: 8,
        error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1024') },
      });
      expect(replies[1]).toEqual({
        event: 'error',
        data: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) },
        ns: '/',
      });
      expect(fits).toEqual({ ack: 9, data: 'x'.repeat(900) });
      expect(echo).toHaveBeenCalledTimes(1);
    });

    it('answers a malformed frame with its ack id when it has a valid one', async () => {
      expect(await harness.sendRaw(id, '{"action":5,"ack":9}')).toEqual({
        ack: 9,
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('action') },
      });
    });

    it('maps a ChatError to its code, as an ack reply or an error event', async () => {
      expect(await harness.send(id, 'deny', undefined, 4)).toEqual({
        ack: 4,
        error: { code: 'FORBIDDEN', message: 'not you' },
      });
      expect(await harness.send(id, 'deny')).toEqual({
        event: 'error',
        data: { code: 'FORBIDDEN', message: 'not you' },
        ns: '/',
      });
    });

    it('maps any other error to INTERNAL without leaking its message', async () => {
      expect(await harness.send(id, 'crash', undefined, 5)).toEqual({
        ack: 5,
        error: { code: 'INTERNAL', message: 'Internal error' },
      });
    });

    it('answers NOT_FOUND for a connection the store does not know', async () => {
      expect(await harness.send(connectionId(), 'echo', 1, 6)).toMatchObject({
        ack: 6,
        error: { code: 'NOT_FOUND' },
      });
    });

    it('saves socket.data changed by a handler, and only then', async () => {
      // Prepare
      const saveData = jest.spyOn(harness.store, 'saveData');

      // Act
      await harness.send(id, 'remember', 'x');
      await harness.send(id, 'echo', 1, 1);

      // Assess
      expect(saveData).toHaveBeenCalledTimes(1);
      expect((await harness.store.getConnection(id))?.data).toEqual({ last: 'x' });
    });
  });

  describe('Method: Namespace.authorizeJoin', () => {
    it('refuses a join any policy refuses with FORBIDDEN, before writing anything', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      const nsp = harness.server.of('/');
      nsp.authorizeJoin((_socket, room) => room !== 'closed');
      nsp.authorizeJoin(async (socket, room) => room !== 'mine' || socket.data.owner === true);
      nsp.on('join', async (socket, data, ack) => {
        await socket.join(data as string[]);
        ack([...socket.rooms]);
      });
      const id = await harness.connect('/');
      const join = jest.spyOn(harness.store, 'join');

      // Act
      const closed = await harness.send(id, 'join', ['open', 'closed'], 1);
      const mine = await harness.send(id, 'join', ['mine'], 2);
      const open = await harness.send(id, 'join', ['open'], 3);

      // Assess
      expect(closed).toEqual({
        ack: 1,
        error: { code: 'FORBIDDEN', message: 'Not allowed to join "closed"' },
      });
      expect(mine).toMatchObject({ ack: 2, error: { code: 'FORBIDDEN' } });
      expect(open).toEqual({ ack: 3, data: [id, 'open'] });
      expect(join).toHaveBeenCalledTimes(1);
    });
  });

  describe('Method: handleDisconnect', () => {
    it('removes the connection with its memberships, runs the hook, and is idempotent', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      const hook = jest.fn();
      harness.server
        .of('/')
        .on('connection', (socket) => socket.join(['a', 'b']))
        .on('disconnect', hook);
      const id = await harness.connect('/');

      // Act
      await harness.server.handleDisconnect({ connectionId: id, statusCode: 1001, reason: 'bye' });
      await harness.server.handleDisconnect({ connectionId: id, statusCode: 1001, reason: 'bye' });

      // Assess
      expect(await harness.store.getConnection(id)).toBeUndefined();
      expect(await harness.store.members('/', 'a')).toEqual([]);
      expect(await harness.store.members('/')).toEqual([]);
      expect(hook).toHaveBeenCalledTimes(1);
      expect(hook.mock.calls[0]?.[1]).toEqual({ statusCode: 1001, reason: 'bye' });
      expect([...(hook.mock.calls[0]?.[0].rooms ?? [])]).toEqual([id, 'a', 'b']);
    });
  });

  describe('Logging', () => {
    it('logs connections and disconnections with connection id, namespace and close code', async () => {
      // Prepare
      const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
      const harness = new ChatHarness(plain, { logger });
      harness.server.of('/chat');

      // Act
      const id = await harness.connect('/chat');
      await harness.server.handleDisconnect({ connectionId: id, statusCode: 1006, reason: '' });

      // Assess
      expect(logger.info).toHaveBeenCalledWith('Connected', { connectionId: id, ns: '/chat' });
      expect(logger.info).toHaveBeenCalledWith('Disconnected', {
        connectionId: id,
        ns: '/chat',
        statusCode: 1006,
        reason: '',
      });
    });
  });

  describe('Method: deliverAfterConnect', () => {
    it('retries 410s until the socket opens, then posts the frames in order', async () => {
      // Prepare
      const harness = new ChatHarness(plain);
      let refusals = 3;
      const posted: string[] = [];
      const server = new Server({
        store: harness.store,
        deferredDelivery: harness.deferred,
        delivery: {
          post: async (_id, frame) => {
            if (refusals-- > 0) return 'gone';
            posted.push(frame);
            return 'delivered';
          },
        },
      });

      // Act
      await server.deliverAfterConnect(connectionId(), ['1', '2', '3']);

      // Assess
      expect(posted).toEqual(['1', '2', '3']);
    });

    it('retries a transient failure without sending any frame twice, and never throws', async () => {
      // Prepare
      const harness = new ChatHarness(plain, { afterConnectDeadlineMs: 200 });
      const posted: string[] = [];
      let failures = 2;
      const server = new Server({
        store: harness.store,
        deferredDelivery: harness.deferred,
        afterConnectDeadlineMs: 200,
        delivery: {
          post: async (_id, frame) => {
            if (frame === '2' && failures-- > 0)
              throw Object.assign(new Error('slow down'), { name: 'LimitExceededException' });
            posted.push(frame);
            return 'delivered';
          },
        },
      });
      const alwaysFailing = new Server({
        store: harness.store,
        deferredDelivery: harness.deferred,
        afterConnectDeadlineMs: 100,
        delivery: { post: async () => Promise.reject(new Error('down')) },
      });

      // Act
      await server.deliverAfterConnect(connectionId(), ['1', '2', '3']);
      const givingUp = alwaysFailing.deliverAfterConnect(connectionId(), ['1']);

      // Assess
      expect(posted).toEqual(['1', '2', '3']);
      await expect(givingUp).resolves.toBeUndefined();
    });

    it('gives up at the deadline when the socket never opens', async () => {
      // Prepare
      const harness = new ChatHarness(plain, { afterConnectDeadlineMs: 100 });
      const id = connectionId();
      harness.delivery.markGone(id);
      const started = Date.now();

      // Act
      await harness.server.deliverAfterConnect(id, ['1']);

      // Assess
      expect(Date.now() - started).toBeLessThan(1000);
      expect(harness.delivery.postCount).toBeGreaterThan(1);
    });
  });
  describe('Rate limit', () => {
    const capacity = 5;
    let harness: ChatHarness;
    let sender: string;
    let listener: string;
    let now: jest.SpyInstance<number, []>;
    let time: number;

    beforeEach(async () => {
      time = 1_700_000_000_000;
      now = jest.spyOn(Date, 'now').mockImplementation(() => time);
      harness = new ChatHarness(plain, { rateLimit: { capacity, refillPerSecond: 1 } });
      const nsp = harness.server.of('/');
      nsp.on('connection', (socket) => socket.join('room'));
      nsp.on('shout', async (socket, data, ack) => {
        await socket.to('room').emit('shout', data);
        ack(data);
      });
      sender = await harness.connect('/');
      listener = await harness.connect('/');
    });

    afterEach(() => {
      now.mockRestore();
    });

    const burst = (id: string, count: number, firstAck = 1) =>
      Promise.all(
        Array.from({ length: count }, (_, index) =>
          harness.send(id, 'shout', index, firstAck + index),
        ),
      );

    it('limits malformed and oversized frames too, before any store read', async () => {
      // Prepare
      const getConnection = jest.spyOn(harness.store, 'getConnection');
      for (let index = 0; index < capacity; index++) await harness.sendRaw(sender, 'not json');
      getConnection.mockClear();

      // Act
      const malformed = await harness.sendRaw(sender, '{"ack":7,"action":5}');
      const oversized = await harness.sendRaw(
        sender,
        `{"action":"shout","data":"${'x'.repeat(70_000)}","ack":8}`,
      );

      // Assess
      expect(malformed).toEqual({
        ack: 7,
        error: { code: 'RATE_LIMITED', message: expect.any(String) },
      });
      expect(oversized).toEqual({
        ack: 8,
        error: { code: 'RATE_LIMITED', message: expect.any(String) },
      });
      expect(getConnection).not.toHaveBeenCalled();
    });

    it('answers RATE_LIMITED past the burst, with the ack id, reading no store and posting nothing', async () => {
      // Prepare
      const getConnection = jest.spyOn(harness.store, 'getConnection');
      const post = jest.spyOn(harness.delivery, 'post');

      // Act
      const replies = await burst(sender, capacity + 3);
      const withoutAck = await harness.send(sender, 'shout', 'x');

      // Assess
      expect(replies.slice(0, capacity)).toEqual(
        Array.from({ length: capacity }, (_, index) => ({ ack: index + 1, data: index })),
      );
      expect(replies.slice(capacity)).toEqual(
        [6, 7, 8].map((ack) => ({
          ack,
          error: { code: 'RATE_LIMITED', message: 'Too many messages: slow down' },
        })),
      );
      expect(withoutAck).toEqual({
        event: 'error',
        data: { code: 'RATE_LIMITED', message: 'Too many messages: slow down' },
      });
      expect(getConnection).toHaveBeenCalledTimes(capacity);
      expect(post).toHaveBeenCalledTimes(capacity);
      expect(harness.frames(listener)).toHaveLength(capacity);
    });

    it('limits each connection on its own', async () => {
      // Prepare
      await burst(sender, capacity + 3);

      // Act
      const others = await burst(listener, capacity);

      // Assess
      expect(others.every((reply) => !('error' in (reply as object)))).toBe(true);
    });

    it('lets a connection send again once its bucket refills', async () => {
      // Prepare
      await burst(sender, capacity + 1);

      // Act
      time += 1_000;
      const refilled = await harness.send(sender, 'shout', 'again', 100);
      const emptyAgain = await harness.send(sender, 'shout', 'again', 101);

      // Assess
      expect(refilled).toEqual({ ack: 100, data: 'again' });
      expect(emptyAgain).toMatchObject({ ack: 101, error: { code: 'RATE_LIMITED' } });
    });

    it('is off with `rateLimit: false`', async () => {
      // Prepare
      const unlimited = new ChatHarness(plain, { rateLimit: false });
      unlimited.server.of('/').on('echo', (_socket, data, ack) => ack(data));
      const id = await unlimited.connect('/');

      // Act
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, index) => unlimited.send(id, 'echo', index, index + 1)),
      );

      // Assess
      expect(replies.every((reply) => !('error' in (reply as object)))).toBe(true);
    });

    it('defaults to a burst of 20', async () => {
      // Prepare
      const byDefault = new ChatHarness(plain);
      byDefault.server.of('/').on('echo', (_socket, data, ack) => ack(data));
      const id = await byDefault.connect('/');

      // Act
      const replies = await Promise.all(
        Array.from({ length: 21 }, (_, index) => byDefault.send(id, 'echo', index, index + 1)),
      );

      // Assess
      expect(replies.slice(0, 20).every((reply) => !('error' in (reply as object)))).toBe(true);
      expect(replies[20]).toMatchObject({ ack: 21, error: { code: 'RATE_LIMITED' } });
    });
  });
});
