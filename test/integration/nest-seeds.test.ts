import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { connect } from '../../client/node';
import type { GatewayLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { until } from '../support/until';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');

/**
 * The seeds' NestJS gateway classes as written (test/fixtures/nest-seeds: only the `Socket`
 * type import changed), deployed by the chat stack's `nestModule` in its connect, disconnect
 * and message functions, run on the local runtime as `npm start -- --anonymous --nest …` runs
 * them (Lambda containers, DynamoDB Local) and driven with the client SDK and
 * socket.io-client over real sockets.
 */
describe("The seeds' Nest gateways on the local runtime", () => {
  let runtime: LocalRuntime;
  /** Log lines since the last `logs.length = 0`; `everything` keeps them all. */
  const logs: string[] = [];
  const everything: string[] = [];
  const record = (line: string) => {
    logs.push(line);
    everything.push(line);
  };
  const logger: GatewayLogger = {
    info: record,
    warn: record,
    error: (message, error) => record(error === undefined ? message : `${message}: ${error}`),
  };
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      context: {
        nestModule: `${join(ROOT, 'test/fixtures/nest-seeds/seeds.module.ts')}#SeedsModule`,
      },
      gateway: { logger },
      // Nest's logger without colours: its lines read `… [chat] connect : <id>`.
      environment: { NO_COLOR: '1' },
    });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const logged = (pattern: RegExp) =>
    until(() => logs.find((line) => pattern.test(line)), `a log line like ${pattern}`);
  /** A client SDK client of `namespace`, with every event it hears. */
  const open = async (namespace: string) => {
    const socket = connect(runtime.gateway.url, { namespace });
    clients.push(socket);
    const events: { event: string; data: unknown }[] = [];
    socket.onAny((event, data) => events.push({ event, data }));
    await new Promise<void>((done, fail) => {
      socket.on('connect', () => done());
      socket.on('connect_error', fail);
    });
    return { socket, events, id: socket.id as string };
  };
  const settle = () => new Promise((done) => setTimeout(done, 500));

  it('uniCast comes back to the sender only, broadCasting reaches everyone else in customSpace', async () => {
    // Prepare
    const ann = await open('/customSpace');
    const bob = await open('/customSpace');
    const cat = await open('/customSpace');
    logs.length = 0;

    // Act
    ann.socket.emit('uniCast', 'hi');
    const annId = idIn(await logged(/\[MessageFunction\w*\] socket\.id : /), 'socket.id : ');
    await until(() => ann.events.find((e) => e.event === `${annId} 의 메시지 : hi`), 'uniCast');
    logs.length = 0;
    bob.socket.emit('broadCasting', 'yo');
    const bobId = idIn(await logged(/\[MessageFunction\w*\] socket\.id : /), 'socket.id : ');
    const broadcast = `${bobId} 의 메시지 : yo`;
    await until(() => ann.events.find((e) => e.event === broadcast), 'broadCasting to Ann');
    await until(() => cat.events.find((e) => e.event === broadcast), 'broadCasting to Cat');
    await settle();

    // Assess
    expect(bob.events).toEqual([]);
    expect(cat.events.map((e) => e.event)).toEqual([broadcast]);
    expect(ann.events.map((e) => e.event)).toEqual([`${annId} 의 메시지 : hi`, broadcast]);
  });

  it('logs the lifecycle: gateway init at cold start, connect and disconnect once each', async () => {
    // Prepare
    logs.length = 0;

    // Act
    const ann = await open('/chatsGatewayInit');
    const annId = idIn(await logged(/\[ConnectFunction\w*\].*connect : /), 'connect : ');
    ann.socket.close();

    // Assess
    await logged(new RegExp(`\\[DisconnectFunction\\w*\\].*disconnect : ${escapeRegExp(annId)}`));
    expect(everything.filter((line) => /\[chat\].*gateway init/.test(line)).length).toBeGreaterThan(
      0,
    );
    expect(logs.filter((line) => line.includes(`] connect : ${annId}`))).toHaveLength(1);
  });

  it("sends the club's chat to the room's other members, to socket.io-client and client SDK alike", async () => {
    // Prepare: Ann (socket.io-client) and Bob (client SDK) in club-7, Cat outside it.
    const url = new URL(runtime.gateway.url);
    const ann: Socket = io(`http://${url.host}/`, {
      path: url.pathname,
      addTrailingSlash: false,
      transports: ['websocket'],
      timeout: 45_000,
    });
    clients.push(ann);
    const bob = await open('/');
    const cat = await open('/');
    await until(() => (ann.connected ? true : undefined), 'the socket.io-client connection');
    expect(await ann.emitWithAck('joinClub', { clubId: 'club-7' })).toBe('joined');
    expect(await bob.socket.emitWithAck('joinClub', { clubId: 'club-7' })).toBe('joined');
    const annHeard: unknown[] = [];
    ann.on('chat', (message: unknown) => annHeard.push(message));

    // Act
    bob.socket.emit('chat', { clubId: 'club-7', message: 'see you at 8' });
    await until(() => (annHeard.length > 0 ? annHeard : undefined), "Ann's chat");
    await settle();

    // Assess
    expect(annHeard).toEqual(['see you at 8']);
    expect(bob.events.filter((e) => e.event === 'chat')).toEqual([]);
    expect(cat.events).toEqual([]);
    await logged(/님이 club-7 방에서 'see you at 8' 메세지를 전송했습니다\./);
  });
});

/** The socket id a log line names after `marker` (Nest's logs end with colour codes and timings). */
function idIn(line: string, marker: string): string {
  return (line.split(marker)[1] ?? '').slice(0, 16);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
