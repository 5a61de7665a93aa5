import { ChatError } from '../../../lambdas/core/errors';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import type { CoreLogger } from '../../../lambdas/core/logger';
import { Server, type ServerOptions } from '../../../lambdas/core/server';
import type { ConnectionRecord, Room } from '../../../lambdas/core/types';
import { ChatHarness } from '../../support/chat-harness';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose joins and leaves take 20 ms, as DynamoDB writes take some time. */
class SlowStore extends InMemoryMembershipStore {
  override async join(
    record: ConnectionRecord,
    rooms: readonly Room[],
    options: { readonly maxRooms: number },
  ): Promise<void> {
    await later(20);
    return super.join(record, rooms, options);
  }

  override async leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void> {
    await later(20);
    return super.leave(record, rooms);
  }
}

const recordingLogger = () => {
  const warnings: [string, Record<string, unknown>][] = [];
  const logger: CoreLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, ...extra) => warnings.push([message, Object.assign({}, ...extra)]),
    error: () => undefined,
  };
  return { logger, warnings };
};

/**
 * Socket.IO-style handlers, written without a single `await`, as every seed writes them: on
 * Lambda the effects must all happen, in the order called, before the invocation returns.
 */
function socketIoStyle(extra: Partial<ServerOptions> = {}): ChatHarness & { store: SlowStore } {
  const store = new SlowStore();
  const harness = Object.assign(
    new ChatHarness((options) => new Server(options), { store, ...extra }),
    { store },
  );
  const nsp = harness.server.of('/');
  nsp.authorizeJoin((_socket, room) => !room.startsWith('staff:'));
  nsp.on('connection', (socket) => {
    socket.join('lobby');
    socket.emit('welcome', 'hello', socket.id);
  });
  nsp.on('enter', (socket, room, ack) => {
    socket.join(room);
    nsp.to(room).emit('entered', socket.id);
    socket.leave('lobby');
    socket.to('lobby').emit('left', socket.id);
    ack('ok');
  });
  nsp.on('sneak', (socket, room) => {
    socket.join(room);
  });
  nsp.on('enter-late', (socket, room) => {
    setTimeout(() => socket.join(room), 30);
  });
  return harness;
}

describe('Fire-and-forget operations (Server with Socket.IO-style handlers)', () => {
  it('a connection hook that awaits nothing has joined and posted before $connect returns', async () => {
    const harness = socketIoStyle();
    const id = await harness.connect('/');
    const record = await harness.store.getConnection(id);
    expect(record?.rooms).toEqual(['lobby']);
    // Posts to a connection in its $connect are handed to the after-connect worker.
    expect(harness.afterConnect.calls).toHaveLength(1);
    expect(harness.afterConnect.calls[0]?.frames.map((frame) => JSON.parse(frame))).toEqual([
      { event: 'welcome', data: 'hello', args: ['hello', id], ns: '/', from: id },
    ]);
  });

  it('a handler that awaits nothing: every effect happened, in order, when the frame is answered', async () => {
    const harness = socketIoStyle();
    const alice = await harness.connect('/');
    const bob = await harness.connect('/');
    harness.poster.clearFrames();

    const reply = await harness.send(alice, 'enter', 'kitchen', 1);

    expect(reply).toEqual({ ack: 1, data: 'ok' });
    // The join landed before the emit that follows it: alice is among its recipients.
    expect(harness.frames(alice)).toEqual([
      { event: 'entered', data: alice, ns: '/', room: 'kitchen' },
    ]);
    // The leave landed before the emit to the lobby: bob hears of it, alice does not.
    expect(harness.frames(bob)).toEqual([
      { event: 'left', data: alice, ns: '/', room: 'lobby', from: alice },
    ]);
    expect((await harness.store.getConnection(alice))?.rooms).toEqual(['kitchen']);
    expect(await harness.store.members('/', 'lobby')).toEqual([bob]);
  });

  it('answers the ack with the failure of an operation nobody awaited, and logs it', async () => {
    const { logger, warnings } = recordingLogger();
    const harness = socketIoStyle({ logger });
    const alice = await harness.connect('/');

    const reply = await harness.send(alice, 'sneak', 'staff:ops', 2);

    expect(reply).toEqual({
      ack: 2,
      error: { code: 'FORBIDDEN', message: 'Not allowed to join "staff:ops"' },
    });
    expect(warnings).toContainEqual([
      'An operation nobody awaited failed',
      expect.objectContaining({ action: 'sneak', operation: 'join', code: 'FORBIDDEN' }),
    ]);
  });

  it('reports such a failure as an error event when the ack was already answered', async () => {
    const harness = new ChatHarness((options) => new Server(options));
    const nsp = harness.server.of('/');
    nsp.authorizeJoin(() => false);
    nsp.on('two', (socket, ack) => {
      ack('accepted');
      socket.join('a');
      socket.join('b');
    });
    const alice = await harness.connect('/');

    expect(await harness.send(alice, 'two', undefined, 3)).toEqual({ ack: 3, data: 'accepted' });
    expect(harness.frames(alice)).toEqual([
      { event: 'error', data: { code: 'FORBIDDEN', message: 'Not allowed to join "a"' }, ns: '/' },
      { event: 'error', data: { code: 'FORBIDDEN', message: 'Not allowed to join "b"' }, ns: '/' },
    ]);
  });

  it('does not report a failure the handler awaited and handled', async () => {
    const harness = new ChatHarness((options) => new Server(options));
    const nsp = harness.server.of('/');
    nsp.authorizeJoin(() => false);
    nsp.on('careful', async (socket, ack) => {
      try {
        await socket.join('a');
      } catch (error) {
        ack((error as ChatError).code);
      }
    });
    const alice = await harness.connect('/');
    expect(await harness.send(alice, 'careful', undefined, 4)).toEqual({
      ack: 4,
      data: 'FORBIDDEN',
    });
    expect(harness.frames(alice)).toEqual([]);
  });

  it('a throwing handler still waits for what it started before answering the error', async () => {
    const harness = socketIoStyle();
    harness.server.of('/').on('half', (socket) => {
      socket.join('half-way');
      throw new ChatError('BAD_REQUEST', 'changed my mind');
    });
    const alice = await harness.connect('/');
    expect(await harness.send(alice, 'half', undefined, 5)).toEqual({
      ack: 5,
      error: { code: 'BAD_REQUEST', message: 'changed my mind' },
    });
    expect((await harness.store.getConnection(alice))?.rooms).toContain('half-way');
  });

  it('an ack called when an un-awaited operation finishes still answers in the route response', async () => {
    const harness = socketIoStyle();
    harness.server.of('/').on('join-then-ack', (socket, room, ack) => {
      socket.join(room).then(() => ack([...socket.rooms].length));
    });
    const alice = await harness.connect('/');
    expect(await harness.send(alice, 'join-then-ack', 'den', 6)).toEqual({ ack: 6, data: 3 });
  });

  it('warns, naming the operation, when one starts after the invocation returned', async () => {
    const { logger, warnings } = recordingLogger();
    const harness = socketIoStyle({ logger });
    const alice = await harness.connect('/');
    await harness.send(alice, 'enter-late', 'attic');
    expect(warnings).toEqual([]);
    await later(80);
    expect(warnings).toContainEqual([
      'Operation started after the invocation returned: it may never finish',
      expect.objectContaining({ operation: 'join', during: 'enter-late', connectionId: alice }),
    ]);
  });

  it('disconnect hooks that await nothing finish before $disconnect returns', async () => {
    const harness = socketIoStyle();
    harness.server.of('/').on('disconnect', (socket) => {
      harness.server.of('/').to('lobby').emit('gone', socket.id);
    });
    const alice = await harness.connect('/');
    const bob = await harness.connect('/');
    harness.poster.clearFrames();
    await harness.server.handleDisconnect({ connectionId: alice, statusCode: 1001, reason: 'bye' });
    expect(harness.frames(bob)).toEqual([{ event: 'gone', data: alice, ns: '/', room: 'lobby' }]);
  });
});
