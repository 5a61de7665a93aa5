import type { CoreLogger } from '../../../lambdas/core/logger';
import { Server } from '../../../lambdas/core/server';
import { ChatHarness } from '../../support/chat-harness';

jest.setTimeout(20_000);

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server whose `say` handler takes a random 0–20 ms, logging the order it handles them in. */
function orderedHarness(logger?: CoreLogger) {
  const harness = new ChatHarness((options) => new Server(options), logger ? { logger } : {});
  const handled: unknown[] = [];
  harness.server.of('/').on('say', async (_socket, text) => {
    await later(Math.random() * 20);
    handled.push(text);
  });
  return { harness, handled };
}

const frame = (text: string, n?: number) =>
  JSON.stringify({ action: 'say', data: text, ...(n === undefined ? {} : { n }) });

describe('Class: TurnGate (Server)', () => {
  it("handles a connection's numbered frames in their order, however they arrive", async () => {
    const { harness, handled } = orderedHarness();
    const id = await harness.connect('/');
    const sent = Array.from({ length: 20 }, (_, index) => index + 1);
    // Delivered to the server in a shuffled order, all at once, as concurrent invocations.
    const shuffled = [...sent].sort(() => Math.random() - 0.5);
    await Promise.all(
      shuffled.map((n) =>
        harness.server.handleMessage({ connectionId: id, body: frame(`m${n}`, n) }),
      ),
    );
    expect(handled).toEqual(sent.map((n) => `m${n}`));
    expect((await harness.store.getConnection(id))?.turn).toBe(20);
  });

  it('keeps connections apart, and handles frames without a number as they come', async () => {
    const { harness, handled } = orderedHarness();
    const a = await harness.connect('/');
    const b = await harness.connect('/');
    await harness.server
      .handleMessage({ connectionId: b, body: frame('b2', 2) })
      .then(() => harness.server.handleMessage({ connectionId: a, body: frame('a-free') }));
    // b's frame 2 waited out the bound for the missing frame 1 (5 s); a's frame did not wait for b.
    expect(handled).toEqual(['b2', 'a-free']);
  });

  it('handles a frame whose predecessors never come after the bound, and says so', async () => {
    const warnings: string[] = [];
    const logger: CoreLogger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => warnings.push(message),
      error: () => undefined,
    };
    const { harness, handled } = orderedHarness(logger);
    const id = await harness.connect('/');
    const started = Date.now();
    await harness.server.handleMessage({ connectionId: id, body: frame('third', 3) });
    expect(handled).toEqual(['third']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(warnings).toEqual(['Frames before this one never came: handling it anyway']);
  });
});
