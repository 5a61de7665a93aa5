import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ChatSocket } from '../../client';
import { connect } from '../../client/node';
import type { GatewayLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { synthesizeSeedApp } from '../fixtures/seed-app/synthesize';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
/**
 * socket.io-client gives a connection attempt 20 s; under CI's load (two test workers, their
 * DynamoDB Locals and containers on 2 cores) an attempt took longer, twice.
 */
const CONNECT_ATTEMPT_MS = 45_000;

/**
 * Unmodified socket.io-client (Engine.IO v4 / Socket.IO v5) against the seed app on the local
 * runtime: the seeds' server logic, as API Gateway, Lambda and DynamoDB Local run it. Only the
 * options API Gateway needs are added to the seeds' `io(url)`: the stage as `path` and the
 * WebSocket transport (API Gateway cannot serve long-polling).
 */
describe('socket.io-client on the local runtime', () => {
  let outdir: string;
  let runtime: LocalRuntime;
  let origin: string;
  let stagePath: string;
  const logs: string[] = [];
  const logger: GatewayLogger = {
    info: (message) => logs.push(message),
    warn: (message) => logs.push(message),
    error: (message, error) => logs.push(error === undefined ? message : `${message}: ${error}`),
  };
  const sockets: Socket[] = [];
  const jsonClients: ChatSocket[] = [];

  beforeAll(async () => {
    await mkdir(join(ROOT, 'cdk.out'), { recursive: true });
    outdir = await mkdtemp(join(ROOT, 'cdk.out', 'seed-app-'));
    runtime = await startLocalRuntime({
      template: synthesizeSeedApp(outdir),
      gateway: { logger },
      // A heartbeat of seconds, not minutes: a client that misses pings gives up within 8 s.
      environment: {
        PING_INTERVAL_SECONDS: '4',
        PING_TIMEOUT_SECONDS: '4',
        HEARTBEAT_TICK_SECONDS: '2',
      },
      scheduleRateMs: 2_000,
    });
    const url = new URL(runtime.gateway.url);
    origin = `http://${url.host}`;
    stagePath = url.pathname;
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const client of jsonClients.splice(0)) client.close();
  });

  afterAll(async () => {
    await runtime?.close();
    await rm(outdir, { recursive: true, force: true });
  });

  /** The seeds' `io(url)`, with what API Gateway needs added. */
  const ioClient = (namespace: string, options: Parameters<typeof io>[1] = {}): Socket => {
    const socket = io(`${origin}${namespace}`, {
      path: stagePath,
      addTrailingSlash: false,
      transports: ['websocket'],
      forceNew: true,
      timeout: CONNECT_ATTEMPT_MS,
      ...options,
    });
    sockets.push(socket);
    return socket;
  };
  const connected = (socket: Socket) =>
    new Promise<void>((done, fail) => {
      if (socket.connected) return done();
      socket.once('connect', () => done());
      socket.once('connect_error', fail);
    });
  const logged = async (pattern: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!logs.some((line) => pattern.test(line))) {
      if (Date.now() > deadline)
        throw new Error(`no log line matched ${pattern} in ${timeoutMs} ms`);
      await new Promise((done) => setTimeout(done, 50));
    }
  };
  /** Runs `test`; when it fails, the error carries the runtime's last log lines. */
  const withLogsOnFailure = async (test: () => Promise<void>) => {
    const from = logs.length;
    try {
      await test();
    } catch (error) {
      const tail = logs.slice(from).slice(-80).join('\n');
      throw new Error(`${String(error)}\nRuntime log since the test began:\n${tail}`);
    }
  };
  const next = <T extends unknown[]>(socket: Socket, event: string) =>
    new Promise<T>((done) => socket.once(event, (...args: unknown[]) => done(args as T)));

  it("runs seed 004's client code as written: typescript is heard, hello is answered client!", async () => {
    // Prepare
    logs.length = 0;
    const language = new Promise<unknown>((done) => {
      // Act: seed 004's client, its URL options added.
      const socket = ioClient('/');
      socket.on('language', (message: unknown) => done(message));
      socket.emit('typescript', 'best');
      socket.on('hello', (message, callback) => {
        console.log(message);
        callback('client!');
      });
    });

    // Assess: the server heard typescript, and its callback got the client's answer.
    expect(await language).toBe('javascript');
    await logged(/\[MessageFunction\w*\] best$/);
    await logged(/\[MessageFunction\w*\] client!$/);
  });

  it('stays connected on the scheduled heartbeat: pinged every interval, long past pingInterval + pingTimeout', async () => {
    // Prepare
    const socket = ioClient('/');
    await connected(socket);
    let pings = 0;
    socket.io.engine.on('ping', () => {
      pings += 1;
    });
    const disconnects: string[] = [];
    socket.on('disconnect', (reason) => disconnects.push(reason));

    // Act: 5 intervals, where the client gives up after 8 s without a ping.
    await new Promise((done) => setTimeout(done, 20_000));

    // Assess
    expect(disconnects).toEqual([]);
    expect(socket.connected).toBe(true);
    expect(pings).toBeGreaterThanOrEqual(4);
    expect(pings).toBeLessThanOrEqual(6);
  });

  it('gets the open packet, then its namespace: a socket id of its own on the connection', async () => {
    // Act
    const socket = ioClient('/');
    await connected(socket);

    // Assess
    expect(socket.id).toMatch(/^[A-Za-z0-9+/_-]{15}=$/);
    expect(socket.io.engine.id).toMatch(/^[A-Za-z0-9+/_-]{15}=$/);
    expect(socket.id).not.toBe(socket.io.engine.id);
    expect(socket.io.engine.transport.name).toBe('websocket');
  });

  it("multiplexes seed 004's three sockets on one connection, as socket.io-client does by default", async () => {
    // Prepare
    const options = {
      path: stagePath,
      addTrailingSlash: false,
      transports: ['websocket'],
      timeout: CONNECT_ATTEMPT_MS,
    };
    const greetings: unknown[] = [];

    // It timed out at its connection attempt once in CI and never alone: say what the runtime logged.
    await withLogsOnFailure(async () => {
      // Act: seed 004's client, its URL options added (one Manager: no forceNew).
      const socket = io(`${origin}/`, options);
      const chatSocket = io(`${origin}/chat`, options);
      const notificationSocket = io(`${origin}/notification`, options);
      sockets.push(socket, chatSocket, notificationSocket);
      notificationSocket.on('hello', (message: unknown) => greetings.push(message));
      await Promise.all([socket, chatSocket, notificationSocket].map(connected));
      const joined = await chatSocket.emitWithAck('join-room', { type: 'room:music', user: 'Mux' });

      // Assess
      expect(new Set([socket, chatSocket, notificationSocket].map((s) => s.io)).size).toBe(1);
      expect(new Set([socket.id, chatSocket.id, notificationSocket.id]).size).toBe(3);
      expect(joined).toBe('success');
      expect(await socket.emitWithAck('nestjs', 'over one connection')).toBe('framework');
      await new Promise((done) => setTimeout(done, 500));
      expect(greetings).toContain('notification');
      chatSocket.disconnect();
      expect(await socket.emitWithAck('nestjs', 'still here')).toBe('framework');
    });
  });

  it('acks a client emit with the handler callback value (emitWithAck and a callback)', async () => {
    // Prepare
    const socket = ioClient('/');
    await connected(socket);

    // Act
    const withAck = await socket.emitWithAck('nestjs', 'is it?');
    const withCallback = await new Promise((done) => socket.emit('nestjs', 'again', done));

    // Assess
    expect(withAck).toBe('framework');
    expect(withCallback).toBe('framework');
  });

  it('shares a room with JSON-protocol clients: each hears the other in its own framing', async () => {
    // Prepare
    const sio = ioClient('/chat');
    await connected(sio);
    const json = connect(runtime.gateway.url, { namespace: '/chat' });
    jsonClients.push(json);
    await new Promise<void>((done, fail) => {
      json.on('connect', () => done());
      json.on('connect_error', fail);
    });
    expect(await sio.emitWithAck('join-room', { type: 'room:dev', user: 'Sio' })).toBe('success');
    const sioHears = next<[string]>(sio, 'hello');
    const jsonHears = new Promise<unknown>((done) => json.on('hello', (data) => done(data)));

    // Act
    expect(await json.emitWithAck('join-room', { type: 'room:dev', user: 'Jay' })).toBe('success');

    // Assess
    expect(await sioHears).toEqual(['Jay has joined chat room.']);
    expect(await jsonHears).toBe('Jay has joined chat room.');
  });

  it("refuses a namespace whose middleware says no, as connect_error with the middleware's message and data", async () => {
    // Act
    const refused = ioClient('/members', { auth: { token: 'wrong' } });
    const error = await new Promise<Error & { data?: unknown }>((done) =>
      refused.once('connect_error', done),
    );
    const admitted = ioClient('/members', { auth: { token: 'let-me-in' } });

    // Assess
    expect(error.message).toBe('Members only');
    expect(error.data).toEqual({ hint: 'send auth.token' });
    await connected(admitted);
    expect(admitted.connected).toBe(true);
  });

  it('refuses an unknown namespace with Invalid namespace', async () => {
    // Act
    const socket = ioClient('/nowhere');
    const error = await new Promise<Error>((done) => socket.once('connect_error', done));

    // Assess
    expect(error.message).toBe('Invalid namespace');
  });

  it('answers an event with an unknown name and an ack with UNKNOWN_EVENT in the ack', async () => {
    // Prepare
    const socket = ioClient('/');
    await connected(socket);

    // Act
    const answer = await socket.emitWithAck('no-such-event', 1);

    // Assess
    expect(answer).toEqual({
      error: { code: 'UNKNOWN_EVENT', message: 'No handler for "no-such-event"' },
    });
  });

  it('cannot send binary: API Gateway closes the connection with 1003 and its reason, and the client reconnects', async () => {
    // Prepare
    const socket = ioClient('/');
    await connected(socket);
    const disconnected = next<[string, { context?: { code?: number; reason?: unknown } }]>(
      socket,
      'disconnect',
    );

    // Act
    socket.emit('typescript', Buffer.from('binary'));

    // Assess
    const [reason, details] = await disconnected;
    expect(reason).toBe('transport close');
    expect(details.context?.code).toBe(1003);
    expect(String(details.context?.reason)).toBe('Binary frames are not supported');
    await connected(socket);
    expect(await socket.emitWithAck('nestjs', 'still there?')).toBe('framework');
  });

  it('leaves a namespace with socket.disconnect(): the connection closes, $disconnect removes the socket', async () => {
    // Prepare
    const socket = ioClient('/chat');
    await connected(socket);
    const id = socket.io.engine.id;

    // Act
    socket.disconnect();

    // Assess
    await logged(new RegExp(`${id.replace(/[+/=]/g, '\\$&')} disconnected`));
  });
});
