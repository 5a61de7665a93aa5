import { Server } from '../../../lambdas/core/server';
import { ChatHarness } from '../../support/chat-harness';

/** A server whose handlers record the arguments they get and answer with what they are told. */
function argumentsHarness() {
  const harness = new ChatHarness((options) => new Server(options));
  const received: unknown[][] = [];
  const nsp = harness.server.of('/');
  nsp.on('record', (_socket, ...args: unknown[]) => {
    received.push(args.map((arg) => (typeof arg === 'function' ? 'ack()' : arg)));
    const ack = args.at(-1);
    if (typeof ack === 'function') ack('first', 2, { third: true });
  });
  nsp.on('twice', (_socket, ack) => {
    ack('once');
    ack('twice');
  });
  nsp.on('move', (socket, x, y) => socket.broadcast.emit('moved', x, y));
  nsp.on('tell-self', (socket) => socket.emit('told'));
  return { harness, received };
}

describe('Arguments like Socket.IO (Server.handleMessage)', () => {
  it('passes every argument of "args", then the ack when one was asked for', async () => {
    const { harness, received } = argumentsHarness();
    const id = await harness.connect('/');
    const reply = await harness.sendRaw(
      id,
      JSON.stringify({ action: 'record', args: [1, 'two', { three: 3 }, null], ack: 9 }),
    );
    expect(received).toEqual([[1, 'two', { three: 3 }, null, 'ack()']]);
    expect(reply).toEqual({ ack: 9, data: 'first', args: ['first', 2, { third: true }] });
  });

  it('passes "data" as the one argument, and no ack when none was asked for', async () => {
    const { harness, received } = argumentsHarness();
    const id = await harness.connect('/');
    expect(await harness.send(id, 'record', { room: 'a' })).toBeUndefined();
    expect(await harness.sendRaw(id, JSON.stringify({ action: 'record' }))).toBeUndefined();
    expect(received).toEqual([[{ room: 'a' }], []]);
  });

  it('passes only the ack for a frame without arguments', async () => {
    const { harness, received } = argumentsHarness();
    const id = await harness.connect('/');
    await harness.sendRaw(id, JSON.stringify({ action: 'record', ack: 1 }));
    expect(received).toEqual([['ack()']]);
  });

  it('answers an ack once: later calls are ignored', async () => {
    const { harness } = argumentsHarness();
    const id = await harness.connect('/');
    expect(await harness.send(id, 'twice', undefined, 3)).toEqual({ ack: 3, data: 'once' });
    expect(harness.frames(id)).toEqual([]);
  });

  it('emits every argument: data is the first, args all of them', async () => {
    const { harness } = argumentsHarness();
    const alice = await harness.connect('/');
    const bob = await harness.connect('/');
    await harness.sendRaw(alice, JSON.stringify({ action: 'move', args: [3, 4] }));
    await harness.sendRaw(alice, JSON.stringify({ action: 'tell-self' }));
    expect(harness.frames(bob)).toEqual([
      { event: 'moved', data: 3, args: [3, 4], ns: '/', from: alice },
    ]);
    expect(harness.frames(alice)).toEqual([
      { event: 'told', data: null, args: [], ns: '/', from: alice },
    ]);
  });

  it('refuses a frame with both data and args, or too many args, naming the problem', async () => {
    const { harness, received } = argumentsHarness();
    const id = await harness.connect('/');
    const both = await harness.sendRaw(
      id,
      JSON.stringify({ action: 'record', data: 1, args: [2], ack: 4 }),
    );
    const many = await harness.sendRaw(
      id,
      JSON.stringify({ action: 'record', args: Array.from({ length: 17 }, (_, i) => i), ack: 5 }),
    );
    expect(both).toEqual({
      ack: 4,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('not both') },
    });
    expect(many).toEqual({
      ack: 5,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('args') },
    });
    expect(received).toEqual([]);
  });

  it('refuses to emit a reserved event name or a function, before anything is posted', async () => {
    const { harness } = argumentsHarness();
    const nsp = harness.server.of('/');
    nsp.on('bad-name', (socket) => socket.emit('disconnect'));
    nsp.on('bad-arg', (socket) => socket.broadcast.emit('x', () => 1));
    const id = await harness.connect('/');
    expect(await harness.send(id, 'bad-name', undefined, 1)).toEqual({
      ack: 1,
      error: { code: 'INTERNAL', message: 'Internal error' },
    });
    expect(await harness.send(id, 'bad-arg', undefined, 2)).toEqual({
      ack: 2,
      error: { code: 'INTERNAL', message: 'Internal error' },
    });
    expect(() => nsp.emit('connect')).toThrow('"connect" is a reserved event name');
    expect(harness.poster.postCount).toBe(0);
  });
});
