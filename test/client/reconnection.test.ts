import type { ChatClientError } from '../../client/errors';
import { connect } from '../../client/node';
import type { Timers } from '../../client/timers';
import { FakeGateway, next } from './fake-gateway';

describe('Reconnection', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });

  afterEach(async () => {
    await gateway.stop();
  });

  it('waits the exact backoff schedule between attempts, then gives up after maxAttempts', async () => {
    // Prepare: every handshake fails with a status worth retrying; timers record the delay
    // asked for and fire at once, so the schedule is exact and the test fast.
    gateway.refuseWith = 503;
    const delays: number[] = [];
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        delays.push(ms);
        return setTimeout(callback, 0);
      },
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    const attempts: number[] = [];
    const statuses: Array<number | undefined> = [];
    const socket = connect(gateway.url, {
      reconnection: {
        initialDelayMs: 100,
        maxDelayMs: 500,
        factor: 2,
        jitter: 0.5,
        maxAttempts: 4,
      },
      random: () => 0.25,
      timers,
      connectTimeoutMs: 0,
    });
    socket.on('reconnect_attempt', (attempt) => attempts.push(attempt));
    socket.on('connect_error', (error: ChatClientError) => statuses.push(error.status));

    // Act
    const [given] = await next<[number]>(socket, 'reconnect_failed');
    socket.close();

    // Assess: nominal 100, 200, 400, 500 (capped) scaled by 1 - 0.5 + 2 * 0.5 * 0.25 = 0.75
    expect(delays).toEqual([75, 150, 300, 375]);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(statuses).toEqual([503, 503, 503, 503, 503]);
    expect(given).toBe(4);
    expect(gateway.handshakes).toBe(5);
  });

  it('starts the schedule over after a successful reconnection', async () => {
    // Prepare
    const delays: number[] = [];
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        if (ms < 1_000) delays.push(ms); // leave out ack, keep-alive and handshake timers
        return setTimeout(callback, ms < 1_000 ? 0 : ms);
      },
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    const socket = connect(gateway.url, {
      reconnection: { initialDelayMs: 100, jitter: 0 },
      timers,
    });
    await next(socket, 'connect');

    // Act
    gateway.refuseWith = 502;
    gateway.dropAll();
    await next(socket, 'connect_error');
    gateway.refuseWith = undefined;
    await next(socket, 'reconnect');
    gateway.dropAll();
    await next(socket, 'reconnect');
    socket.close();

    // Assess
    expect(delays).toEqual([100, 200, 100]);
  });

  it('does not reconnect when reconnection is disabled', async () => {
    // Prepare
    const socket = connect(gateway.url, { reconnection: { enabled: false } });
    await next(socket, 'connect');

    // Act
    gateway.dropAll();
    await next(socket, 'disconnect');
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(gateway.handshakes).toBe(1);
    socket.close();
  });
});
