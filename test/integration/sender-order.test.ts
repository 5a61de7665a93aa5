import type { ChatSocket } from '../../client';
import { connect } from '../../client/node';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';

jest.setTimeout(90_000);

const BURST = 50;

/**
 * Per-sender order on the local runtime (concurrent invocations, as API Gateway makes them):
 * a client SDK socket sends a burst of 50 room messages without waiting, and the durable room
 * numbers them, and every recipient sees them, in the order they were sent.
 */
describe('Per-sender order: a burst of 50 to a durable room', () => {
  let runtime: LocalRuntime;
  const sockets: ChatSocket[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger },
      // Room for the burst in the per-connection and per-user frame limits.
      environment: {
        RATE_LIMIT_CAPACITY: '200',
        RATE_LIMIT_REFILL_PER_SECOND: '100',
        USER_MESSAGE_LIMIT: '500',
      },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await runtime?.close();
  });

  const open = async (): Promise<ChatSocket> => {
    // Handled one after the other, 50 frames take seconds on a busy machine.
    const socket = connect(runtime.gateway.url, { ackTimeout: 60_000, ordered: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    return socket;
  };

  it('numbers the messages in the order they were sent, and the recipient sees them so', async () => {
    // Prepare
    const sender = await open();
    const listener = await open();
    await sender.join('burst');
    await listener.join('burst');
    const heard: { text: unknown; seq: number | undefined }[] = [];
    listener.on('chat', (text, meta) => heard.push({ text, seq: meta.seq }));

    // Act: all 50 without waiting; the acks come back in any order.
    const acks = await Promise.all(
      Array.from({ length: BURST }, (_, index) =>
        sender.emitWithAck('chat', { room: 'burst', message: `burst ${index + 1}` }),
      ),
    );
    const deadline = Date.now() + 30_000;
    while (heard.length < BURST && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Assess
    const seqs = (acks as { seq: number }[]).map((ack) => ack.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(heard.map((each) => each.text)).toEqual(
      Array.from({ length: BURST }, (_, index) => `burst ${index + 1}`),
    );
    expect(heard.map((each) => each.seq)).toEqual(seqs);
  });
});
