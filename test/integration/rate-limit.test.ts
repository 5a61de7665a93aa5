import { APP_ENV } from '../../definitions/api';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { issuerToken } from '../support/local-issuer-tokens';
import { type Frame, ProtocolClient } from '../support/protocol-client';

const BURST = 40;

jest.setTimeout(30_000);

describe('Local runtime: the per-connection rate limit', () => {
  let runtime: LocalRuntime;
  const clients: ProtocolClient[] = [];
  let userCount = 0;

  const open = async (): Promise<ProtocolClient> => {
    userCount += 1;
    const token = await issuerToken(runtime, {
      user: `user-${userCount}`,
      name: `User ${userCount}`,
    });
    const client = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`, { token: token });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // The limiter's buckets live in one container's memory (see TokenBucketRateLimiter): with
    // one container per function, every frame of the burst meets the same bucket, one after
    // the other; a refill of 1 per second keeps the burst over the limit however long each takes.
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc' },
      gateway: { logger: silentLogger },
      maxContainers: 1,
      // The per-user budgets have their own test (user-limits.test.ts): here only the
      // per-connection limit may refuse a frame.
      environment: {
        [APP_ENV.rateLimitRefillPerSecond]: '1',
        [APP_ENV.userMessageLimit]: '1000',
        [APP_ENV.userDeliveryLimit]: '100000',
      },
    });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  afterAll(async () => {
    await runtime.close();
  });

  it('answers a burst past the limit with RATE_LIMITED, and fans out exactly the accepted frames', async () => {
    // Prepare
    const [ann, bob] = [await open(), await open()];
    await ann.request('join', { room: 'flood' });
    await bob.request('join', { room: 'flood' });

    // Act: 40 chat frames at once, each with an ack id.
    const replies: Frame[] = await Promise.all(
      Array.from({ length: BURST }, (_, index) =>
        ann.requestRaw('chat', { room: 'flood', message: `m${index}` }),
      ),
    );
    const accepted = replies.filter((reply) => reply.error === undefined);
    const limited = replies.filter((reply) => reply.error !== undefined);
    // Every accepted frame was posted before its ack; bob's own round trip comes after them.
    await bob.request('whoami');
    const received = bob.frames.filter((frame) => frame.event === 'chat');

    // Assess
    expect(accepted.length).toBeGreaterThan(0);
    expect(limited.length).toBeGreaterThan(0);
    expect(accepted.length + limited.length).toBe(BURST);
    for (const reply of accepted)
      expect(reply.data).toEqual({ recipients: 1, room: 'flood', seq: expect.any(Number) });
    // Only accepted frames took a number: 1..accepted, each once.
    const seqs = accepted.map((reply) => (reply.data as { seq: number }).seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: accepted.length }, (_, index) => index + 1));
    for (const reply of limited) {
      expect(reply.error).toEqual({
        code: 'RATE_LIMITED',
        message: 'Too many messages on this connection: slow down',
        limit: 'connection',
      });
    }
    expect(received).toHaveLength(accepted.length);
    // Promise.all keeps the order: replies[i] answers message `m${i}`.
    const acceptedMessages = replies.flatMap((reply, index) => (reply.error ? [] : [`m${index}`]));
    expect(received.map((frame) => frame.data).sort()).toEqual(acceptedMessages.sort());
    expect(ann.closed).toBeUndefined();
    expect(bob.closed).toBeUndefined();
  });

  it('lets the client chat again after a pause', async () => {
    // Prepare
    const [ann, bob] = [await open(), await open()];
    await ann.request('join', { room: 'pause' });
    await bob.request('join', { room: 'pause' });
    await Promise.all(
      Array.from({ length: BURST }, (_, index) =>
        ann.requestRaw('chat', { room: 'pause', message: `m${index}` }),
      ),
    );
    await bob.request('whoami');
    bob.frames.splice(0);

    // Act
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const sent = await ann.request('chat', { room: 'pause', message: 'after the pause' });
    const received = await bob.event('chat');

    // Assess
    expect(sent).toEqual({ recipients: 1, room: 'pause', seq: expect.any(Number) });
    expect(received).toMatchObject({ event: 'chat', data: 'after the pause', room: 'pause' });
  });
});
