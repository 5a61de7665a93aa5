import { AckTimeoutError } from '../../../lambdas/core/errors';
import { InMemoryAckStore } from '../../../lambdas/core/in-memory-ack-store';
import { Server } from '../../../lambdas/core/server';
import { ChatHarness } from '../../support/chat-harness';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers, as a client would, every event frame posted to `id` that asks for an ack. */
function answerer(harness: ChatHarness, id: string, answer: (frame: EventFrame) => unknown[]) {
  const answered = new Set<string>();
  const timer = setInterval(async () => {
    const frames = harness.frames(id) as EventFrame[];
    for (const frame of frames) {
      if (typeof frame.ack !== 'string' || answered.has(frame.ack)) continue;
      answered.add(frame.ack);
      await harness.server.handleMessage({
        connectionId: id,
        body: JSON.stringify({ ack: frame.ack, args: answer(frame) }),
      });
    }
  }, 5);
  return () => clearInterval(timer);
}

interface EventFrame {
  readonly event: string;
  readonly data: unknown;
  readonly ack?: string;
}

function ackHarness() {
  const acks = new InMemoryAckStore();
  const harness = new ChatHarness((options) => new Server(options), { ackStore: acks });
  return { harness, acks, nsp: harness.server.of('/') };
}

describe('Server-to-client acks (Server)', () => {
  it("socket.emit(event, arg, callback): the client's answer reaches the callback before the frame is answered", async () => {
    const { harness, nsp } = ackHarness();
    const heard: unknown[][] = [];
    nsp.on('start', (socket) => {
      socket.emit('hello', 'world', (...response: unknown[]) => {
        heard.push(response);
      });
      socket.emit('language', 'javascript');
    });
    const id = await harness.connect('/');
    const stop = answerer(harness, id, () => ['client!']);
    try {
      await harness.send(id, 'start');
    } finally {
      stop();
    }
    expect(heard).toEqual([['client!']]);
    const frames = harness.frames(id) as EventFrame[];
    expect(frames.map((frame) => frame.event)).toEqual(['hello', 'language']);
    expect(frames[0]).toEqual({
      event: 'hello',
      data: 'world',
      ack: expect.any(String),
      ns: '/',
      from: id,
    });
    expect(frames[1]?.ack).toBeUndefined();
  });

  it('emitWithAck resolves with the first value of the answer; with timeout, rejects when none comes', async () => {
    const { harness, nsp } = ackHarness();
    nsp.on('ask', async (socket, ack) => {
      const answer = await socket.timeout(2_000).emitWithAck('question', 6, 7);
      ack(answer);
    });
    nsp.on('ask-nobody', async (socket, ack) => {
      try {
        await socket.timeout(50).emitWithAck('question');
      } catch (error) {
        ack(error instanceof AckTimeoutError ? error.message : 'other');
      }
    });
    const id = await harness.connect('/');
    const stop = answerer(harness, id, (frame) =>
      frame.event === 'question' && frame.data === 6 ? [42, 'ignored'] : [],
    );
    try {
      expect(await harness.send(id, 'ask', undefined, 1)).toEqual({ ack: 1, data: 42 });
    } finally {
      stop();
    }
    expect(await harness.send(id, 'ask-nobody', undefined, 2)).toEqual({
      ack: 2,
      data: 'operation has timed out',
    });
  });

  it('a timed callback gets (null, ...answer), or the timeout error first', async () => {
    const { harness, nsp } = ackHarness();
    const calls: unknown[][] = [];
    nsp.on('timed', (socket) => {
      socket.timeout(1_000).emit('q', (...args: unknown[]) => {
        calls.push(args);
      });
    });
    nsp.on('silent', (socket) => {
      socket.timeout(30).emit('q', (...args: unknown[]) => {
        calls.push(args.map((arg) => (arg instanceof Error ? arg.message : arg)));
      });
    });
    const id = await harness.connect('/');
    const stop = answerer(harness, id, () => ['yes', 2]);
    try {
      await harness.send(id, 'timed');
    } finally {
      stop();
    }
    await harness.send(id, 'silent');
    expect(calls).toEqual([[null, 'yes', 2], ['operation has timed out']]);
  });

  it('broadcast emitWithAck: one response per recipient; on timeout the error holds those that came', async () => {
    const { harness, nsp } = ackHarness();
    nsp.on('connection', (socket) => socket.join('jury'));
    nsp.on('vote', async (_socket, ack) => {
      ack(await nsp.to('jury').timeout(2_000).emitWithAck('verdict?'));
    });
    nsp.on('vote-short', async (_socket, ack) => {
      try {
        await nsp.to('jury').timeout(300).emitWithAck('verdict?');
      } catch (error) {
        ack((error as AckTimeoutError).responses);
      }
    });
    const a = await harness.connect('/');
    const b = await harness.connect('/');
    const stops = [answerer(harness, a, () => ['guilty'])];
    try {
      const quiet = answerer(harness, b, () => ['innocent']);
      expect(await harness.send(a, 'vote', undefined, 1)).toEqual({
        ack: 1,
        data: ['guilty', 'innocent'],
      });
      quiet();
      harness.poster.clearFrames();
      expect(await harness.send(a, 'vote-short', undefined, 2)).toEqual({
        ack: 2,
        data: ['guilty'],
      });
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('a broadcast callback gets (null, responses)', async () => {
    const { harness, nsp } = ackHarness();
    const got: unknown[][] = [];
    nsp.on('poll', () => {
      nsp.timeout(1_000).emit('ping', (err: unknown, responses: unknown) => {
        got.push([err, responses]);
      });
    });
    const id = await harness.connect('/');
    const stop = answerer(harness, id, () => ['pong']);
    try {
      await harness.send(id, 'poll');
    } finally {
      stop();
    }
    expect(got).toEqual([[null, ['pong']]]);
  });

  it('refuses at once a timeout longer than the invocation can wait', async () => {
    const { harness, nsp } = ackHarness();
    nsp.on('long', (socket, ack) => {
      try {
        socket.timeout(60_000).emit('q', () => undefined);
      } catch (error) {
        ack((error as Error).message);
      }
    });
    const id = await harness.connect('/');
    const reply = await harness.server.handleMessage({
      connectionId: id,
      body: JSON.stringify({ action: 'long', ack: 1 }),
      deadline: Date.now() + 5_000,
    });
    expect(JSON.parse(reply ?? '{}').data).toMatch(
      /^A timeout of 60000 ms is longer than the \d+ ms this invocation can wait$/,
    );
    expect(harness.frames(id)).toEqual([]);
  });

  it('without a timeout, waits only until the invocation must return, and never calls the callback', async () => {
    const { harness, nsp } = ackHarness();
    const callback = jest.fn();
    nsp.on('wait', (socket) => {
      socket.emit('q', callback);
    });
    const id = await harness.connect('/');
    const started = Date.now();
    await harness.server.handleMessage({
      connectionId: id,
      body: '{"action":"wait"}',
      deadline: Date.now() + 1_300,
    });
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(callback).not.toHaveBeenCalled();
  });

  it('refuses to ask the socket being connected, during $connect', async () => {
    const { harness, nsp } = ackHarness();
    nsp.on('connection', (socket) => {
      socket.emit('hello', 'world', () => undefined);
    });
    const id = await harness.connect('/');
    expect(harness.afterConnect.calls[0]?.frames.map((frame) => JSON.parse(frame))).toEqual([
      {
        event: 'error',
        data: { code: 'INTERNAL', message: 'Internal error' },
        ns: '/',
      },
    ]);
    expect(id).toBeDefined();
  });

  it('drops answers to unknown acks, answers from sockets not asked, and second answers', async () => {
    const { harness, acks } = ackHarness();
    const a = await harness.connect('/');
    const b = await harness.connect('/');
    const id = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
    await acks.create({ id, recipients: [a], expiresAt: Date.now() / 1000 + 60 });
    const answer = (from: string, value: string) =>
      harness.server.handleMessage({
        connectionId: from,
        body: JSON.stringify({ ack: id, data: value }),
      });
    expect(await answer(b, 'intruder')).toBeUndefined();
    expect(await answer(a, 'first')).toBeUndefined();
    expect(await answer(a, 'second')).toBeUndefined();
    expect(
      await harness.server.handleMessage({
        connectionId: a,
        body: JSON.stringify({ ack: 'not-a-uuid', data: 1 }),
      }),
    ).toMatch(/BAD_REQUEST/);
    expect(await acks.answers(id)).toEqual(new Map([[a, ['first']]]));
  });

  it('refuses an answer over 3,500 bytes', async () => {
    const { harness } = ackHarness();
    const a = await harness.connect('/');
    const reply = await harness.server.handleMessage({
      connectionId: a,
      body: JSON.stringify({
        ack: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
        data: 'x'.repeat(4_000),
      }),
    });
    expect(JSON.parse(reply ?? '{}')).toEqual({
      event: 'error',
      data: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('at most 3500 bytes') },
    });
    await later(1);
  });
});
