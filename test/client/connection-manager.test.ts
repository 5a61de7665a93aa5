import {
  CLOSE_ABANDONED,
  type ConnectionClose,
  type ConnectionHost,
  ConnectionManager,
} from '../../client/connection-manager';
import { type ConnectOptions, resolveOptions } from '../../client/options';
import type { WebSocketLike } from '../../client/transport';
import { ManualClock } from './manual-clock';

/** A WebSocket the test opens, feeds and closes by hand. */
class HandSocket implements WebSocketLike {
  static made: HandSocket[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onclose: WebSocketLike['onclose'] = null;
  readonly sent: unknown[] = [];
  closedWith: [number | undefined, string | undefined] | undefined;

  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {
    HandSocket.made.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }
}

function setUp(options: ConnectOptions = {}) {
  HandSocket.made = [];
  const clock = new ManualClock();
  const log: string[] = [];
  const closes: ConnectionClose[] = [];
  const host: ConnectionHost = {
    opened: () => log.push('opened'),
    frame: (frame) => log.push(`frame ${JSON.stringify(frame)}`),
    closed: (close) => {
      closes.push(close);
      log.push(`closed ${close.code}`);
    },
    failed: (error) => log.push(`failed ${error.message}`),
    attempt: (attempt) => log.push(`attempt ${attempt}`),
    exhausted: (attempts) => log.push(`exhausted ${attempts}`),
  };
  const resolved = resolveOptions({
    WebSocket: HandSocket,
    timers: clock,
    random: () => 0.5,
    ...options,
  });
  const connection = new ConnectionManager('ws://gateway.test/prod', resolved, host);
  const socket = (index = -1): HandSocket => {
    const made = HandSocket.made.at(index);
    if (!made) throw new Error('no socket made');
    return made;
  };
  return { clock, log, closes, connection, socket };
}

describe('ConnectionManager', () => {
  it('opens the handshake URL with auth and ns, and hands over parsed object frames only', () => {
    const { log, connection, socket } = setUp({ namespace: '/chat', auth: { token: 't' } });
    connection.connect();
    expect(socket().url).toBe('ws://gateway.test/prod?ns=%2Fchat');
    expect(socket().protocols).toEqual(['apigw-chat', 'token.t']);
    socket().onopen?.({});
    expect(connection.open).toBe(true);
    socket().onmessage?.({ data: '{"event":"chat"}' });
    socket().onmessage?.({ data: 'not json' });
    socket().onmessage?.({ data: '42' });
    expect(log).toEqual(['opened', 'frame {"event":"chat"}']);
  });

  it('reconnects with backoff after a drop and counts attempts until established', () => {
    const { clock, log, closes, connection, socket } = setUp();
    connection.connect();
    socket().onopen?.({});
    expect(connection.established()).toBe(0);
    const generation = connection.generation;
    socket().onclose?.({ code: 1006, reason: '' });
    expect(connection.generation).not.toBe(generation);
    expect(closes[0]?.error.code).toBe('CONNECT_ERROR');
    expect(clock.pending).toEqual([500]);
    clock.advance(500);
    socket().onclose?.({ code: 1006, reason: '' });
    clock.advance(1_000);
    socket().onopen?.({});
    expect(log).toEqual([
      'opened',
      'closed 1006',
      'attempt 1',
      'closed 1006',
      'attempt 2',
      'opened',
    ]);
    expect(connection.established()).toBe(2);
  });

  it('stops after a final handshake status and after maxAttempts', () => {
    const refused = setUp();
    refused.connection.connect();
    Object.assign(refused.socket(), { handshakeStatus: 401 });
    refused.socket().onclose?.({ code: 1006, reason: '' });
    expect(refused.closes[0]?.error.status).toBe(401);
    expect(refused.clock.pending).toEqual([]);

    const limited = setUp({ reconnection: { maxAttempts: 1 } });
    limited.connection.connect();
    limited.socket().onclose?.({ code: 1006, reason: '' });
    limited.clock.advance(500);
    limited.socket().onclose?.({ code: 1006, reason: '' });
    expect(limited.log.at(-1)).toBe('exhausted 1');
    expect(limited.connection.idle).toBe(true);
  });

  it('pings after keepAliveMs of silence and abandons the socket when no frame follows', () => {
    const { clock, closes, connection, socket } = setUp({
      keepAliveMs: 1_000,
      pongTimeoutMs: 200,
    });
    connection.connect();
    const first = socket();
    first.onopen?.({});
    clock.advance(1_000);
    expect(first.sent).toEqual([{ action: 'ping' }]);
    clock.advance(200);
    expect(first.closedWith).toEqual([CLOSE_ABANDONED, 'keep-alive timeout']);
    expect(closes.map((close) => close.code)).toEqual([CLOSE_ABANDONED]);
    expect(first.onclose).toBeNull();
  });

  it('close() stops everything without telling the host', () => {
    const { clock, log, connection, socket } = setUp();
    connection.connect();
    socket().onopen?.({});
    connection.close();
    expect(socket().closedWith).toEqual([1000, 'client close']);
    expect(clock.pending).toEqual([]);
    expect(connection.idle).toBe(true);
    expect(log).toEqual(['opened']);
  });

  it('reports a WebSocket class that throws as failed, without retrying', () => {
    const { clock, log, connection } = setUp({
      WebSocket: class {
        constructor() {
          throw new Error('bad URL');
        }
      } as never,
    });
    connection.connect();
    expect(log).toEqual(['failed bad URL']);
    expect(clock.pending).toEqual([]);
  });

  describe("the device's network", () => {
    /** A browser window's network events, fired by hand. */
    class HandNetwork extends EventTarget {
      go(type: 'offline' | 'online'): void {
        this.dispatchEvent(new Event(type));
      }
    }

    it('gives the socket up when the device goes offline, and retries at once when it is back', () => {
      // Prepare
      const network = new HandNetwork();
      const { clock, closes, connection, socket, log } = setUp({ network });
      connection.connect();
      const first = socket();
      first.onopen?.({});

      // Act
      network.go('offline');
      const pendingOffline = clock.pending;
      network.go('online');

      // Assess: no close event was needed, and no backoff was waited for
      expect(first.closedWith).toEqual([CLOSE_ABANDONED, 'network connection lost']);
      expect(closes.map((close) => close.code)).toEqual([CLOSE_ABANDONED]);
      expect(pendingOffline).toEqual([500]);
      expect(log.slice(-1)).toEqual(['attempt 1']);
      expect(HandSocket.made).toHaveLength(2);
      expect(clock.pending).toEqual([30_000]); // the new handshake's timeout, no backoff
    });

    it('is not followed after close() or a refused handshake: online then starts nothing', () => {
      // Prepare
      const network = new HandNetwork();
      const closed = setUp({ network });
      closed.connection.connect();
      closed.connection.close();
      const refused = setUp({ network });
      refused.connection.connect();
      Object.assign(refused.socket(), { handshakeStatus: 401 });
      refused.socket().onclose?.({ code: 1006, reason: '' });

      // Act
      network.go('offline');
      network.go('online');

      // Assess
      expect(HandSocket.made).toHaveLength(1);
      expect(closed.connection.idle).toBe(true);
      expect(refused.connection.idle).toBe(true);
    });

    it('is ignored with network: false', () => {
      // Prepare
      const network = new HandNetwork();
      const { connection, socket } = setUp({ network: false });
      connection.connect();
      socket().onopen?.({});

      // Act
      network.go('offline');

      // Assess
      expect(socket().closedWith).toBeUndefined();
      expect(connection.open).toBe(true);
    });
  });
});
