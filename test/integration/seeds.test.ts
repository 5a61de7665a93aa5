import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChatSocket } from '../../client';
import { connect } from '../../client/node';
import type { GatewayLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { synthesizeSeedApp } from '../fixtures/seed-app/synthesize';
import { until as waitUntil } from '../support/until';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');

/** What a client heard: every server event with its data, in order. */
interface Heard {
  readonly socket: ChatSocket;
  readonly events: { event: string; data: unknown }[];
}

/**
 * Seeds 000, 002 and 004: their server logic written with the core API as close to their
 * text as it allows (test/fixtures/seed-app/seed-app.ts: no added awaits, callbacks as in the
 * seeds), deployed as the chat stack deploys handlers, run on the local runtime and driven
 * with the client SDK over real sockets. The seeds log with console.log; their functions'
 * output reaches the runtime's logger as `[function] line`.
 */
describe('The seeds on the local runtime, driven with the client SDK', () => {
  let outdir: string;
  let runtime: LocalRuntime;
  /** Log lines since the last `logs.length = 0`; `everything` keeps them all. */
  const logs: string[] = [];
  const everything: string[] = [];
  const record = (message: string) => {
    logs.push(message);
    everything.push(message);
  };
  const clients: Heard[] = [];
  const logger: GatewayLogger = {
    info: record,
    warn: record,
    error: (message, error) => record(error === undefined ? message : `${message}: ${error}`),
  };

  beforeAll(async () => {
    // Under the repository, so the runtime finds the handlers' sources from cdk.json's directory.
    await mkdir(join(ROOT, 'cdk.out'), { recursive: true });
    outdir = await mkdtemp(join(ROOT, 'cdk.out', 'seed-app-'));
    runtime = await startLocalRuntime({
      template: synthesizeSeedApp(outdir),
      gateway: { logger },
    });
  });

  afterEach(() => {
    for (const { socket } of clients.splice(0)) socket.close();
  });

  afterAll(async () => {
    await runtime?.close();
    await rm(outdir, { recursive: true, force: true });
  });

  /** A connected client of `namespace` that records every event it hears. */
  const open = async (namespace = '/', listen?: (socket: ChatSocket) => void): Promise<Heard> => {
    const socket = connect(runtime.gateway.url, { namespace });
    const heard: Heard = { socket, events: [] };
    clients.push(heard);
    socket.onAny((event, data) => heard.events.push({ event, data }));
    listen?.(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    return heard;
  };
  const until = <T>(find: () => T | undefined, what: string, timeoutMs = 15_000) =>
    waitUntil(find, what, timeoutMs);
  /** The function log line matching `pattern`, once it is there. */
  const logged = (pattern: RegExp) =>
    until(() => logs.find((line) => pattern.test(line)), `a log line like ${pattern}`);
  const heardEvent = (client: Heard, event: string) =>
    until(() => client.events.find((each) => each.event === event), `event "${event}"`);
  /** Proves `client` heard nothing more than it has: a later event sent to it arrived first. */
  const settle = (ms = 500) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('seed 000 (NestJS gateways)', () => {
    it('uniCast answers the sender only, under an event named after its id', async () => {
      const ann = await open('/customSpace');
      const bob = await open('/customSpace');
      logs.length = 0;
      ann.socket.emit('uniCast', 'hi');
      const id = (await logged(/\[MessageFunction\w*\] socket\.id : /)).split(
        'socket.id : ',
      )[1] as string;
      expect(await heardEvent(ann, `${id} 의 메시지 : hi`)).toEqual({
        event: `${id} 의 메시지 : hi`,
        data: null,
      });
      await settle();
      expect(bob.events).toEqual([]);
    });

    it('broadCasting reaches every other client, not the sender', async () => {
      const ann = await open('/customSpace');
      const bob = await open('/customSpace');
      logs.length = 0;
      ann.socket.emit('broadCasting', 'yo');
      const id = (await logged(/\[MessageFunction\w*\] socket\.id : /)).split(
        'socket.id : ',
      )[1] as string;
      await heardEvent(bob, `${id} 의 메시지 : yo`);
      await settle();
      expect(ann.events).toEqual([]);
    });

    it('runs the lifecycle hooks: init once per container, connect, disconnect', async () => {
      logs.length = 0;
      const client = await open('/chatsGatewayInit');
      const id = (await logged(/\[ConnectFunction\w*\] connect : /)).split(
        'connect : ',
      )[1] as string;
      client.socket.close();
      await logged(
        new RegExp(`\\[DisconnectFunction\\w*\\] disconnect : ${id.replace(/[+/=]/g, '\\$&')}`),
      );
      expect(
        everything.filter((line) => /^\[ConnectFunction\w*\] gateway init$/.test(line)).length,
      ).toBe(
        everything.filter((line) => /^function ConnectFunction\w*: cold start/.test(line)).length,
      );
    });
  });

  describe('seed 002 (a club room)', () => {
    it('sends a room chat to the others in the room only, and logs connect and message', async () => {
      logs.length = 0;
      const ann = await open('/');
      const bob = await open('/');
      const eve = await open('/');
      await logged(/\[ConnectFunction\w*\] Client connected: /);
      // Acked, so the chat is sent once both joins are done (frames run in parallel Lambdas).
      await Promise.all([ann, bob].map(({ socket }) => socket.emitWithAck('joinClub', 'club-7')));
      ann.socket.emit('chat', { clubId: 'club-7', message: 'see you at 7' });
      expect(await heardEvent(bob, 'chat')).toEqual({ event: 'chat', data: 'see you at 7' });
      await logged(/님이 club-7 방에서 'see you at 7' 메세지를 전송했습니다/);
      await settle();
      expect(ann.events.filter((each) => each.event === 'chat')).toEqual([]);
      expect(eve.events.filter((each) => each.event === 'chat')).toEqual([]);
    });
  });

  describe('seed 004 (Socket.IO)', () => {
    it('greets with language on connect; typescript is one-way; nestjs is answered framework', async () => {
      logs.length = 0;
      const client = await open('/');
      expect(await heardEvent(client, 'language')).toEqual({
        event: 'language',
        data: 'javascript',
      });
      client.socket.emit('typescript', 'best');
      await logged(/\[MessageFunction\w*\] best$/);
      expect(await client.socket.emitWithAck('nestjs', 'is it?')).toBe('framework');
      await logged(/\[MessageFunction\w*\] is it\?$/);
    });

    it("hello/world is answered client!, and the server's callback gets it", async () => {
      logs.length = 0;
      const client = await open('/', (socket) => {
        socket.on('hello', (message, callback) => {
          expect(message).toBe('world');
          callback('client!');
        });
      });
      client.socket.emit('ready');
      await logged(/\[MessageFunction\w*\] client!$/);
    });

    it('/chat join-room: the room hears the greeting, the joiner gets success; an unknown room is refused', async () => {
      const dev = await open('/chat');
      const joiner = await open('/chat');
      expect(await dev.socket.emitWithAck('join-room', { type: 'room:dev', user: 'Dev' })).toBe(
        'success',
      );
      expect(await joiner.socket.emitWithAck('join-room', { type: 'room:dev', user: 'Ann' })).toBe(
        'success',
      );
      await until(
        () => dev.events.find((each) => each.data === 'Ann has joined chat room.'),
        'the greeting',
      );
      expect(await joiner.socket.emitWithAck('join-room', { type: 'room:x', user: 'Ann' })).toBe(
        "The room doesn't exist",
      );
    });

    it('/notification greets the whole namespace with hello on every connection', async () => {
      const first = await open('/notification');
      await heardEvent(first, 'hello');
      first.events.length = 0;
      await open('/notification');
      expect(await heardEvent(first, 'hello')).toEqual({ event: 'hello', data: 'notification' });
    });
  });
});
