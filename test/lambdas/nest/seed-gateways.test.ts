import type { INestApplication, LoggerService } from '@nestjs/common';
import { Server } from '../../../lambdas/core/server';
import { bootstrapGateways } from '../../../lambdas/nest/bootstrap-gateways';
import { SeedsModule } from '../../fixtures/nest-seeds/seeds.module';
import { ChatHarness } from '../../support/chat-harness';

/** Nest's log lines (`context: message`), as the seeds' `Logger('chat')` writes them. */
class CollectingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string) {
    this.lines.push(`${context ?? ''}: ${String(message)}`);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.lines.push(`error: ${String(message)} ${rest.join(' ')}`);
  }
  warn(message: unknown, context?: string) {
    this.lines.push(`warn ${context ?? ''}: ${String(message)}`);
  }
}

/** The seeds' gateways as written, on the core with in-memory ports, driven by JSON-protocol frames. */
describe("NestJS: the seeds' gateways on the core", () => {
  let chat: ChatHarness;
  let app: INestApplication;
  let logger: CollectingLogger;
  let logs: jest.SpyInstance;

  beforeEach(async () => {
    chat = new ChatHarness((options) => new Server(options));
    logger = new CollectingLogger();
    logs = jest.spyOn(console, 'log').mockImplementation(() => {});
    app = await bootstrapGateways(SeedsModule, chat.server, { logger });
  });

  afterEach(async () => {
    await app.close();
    logs.mockRestore();
  });

  const consoleLines = () => logs.mock.calls.map((call) => call.join(' '));

  it('runs afterInit once, at bootstrap', () => {
    // Assess
    expect(logger.lines.filter((line) => line === 'chat: gateway init')).toHaveLength(1);
  });

  it('answers uniCast to the sender only, under an event named after its socket', async () => {
    // Prepare
    const ann = await chat.connect('/customSpace');
    const bob = await chat.connect('/customSpace');

    // Act
    await chat.send(ann, 'uniCast', 'hello');

    // Assess
    expect(chat.frames(ann)).toEqual([
      expect.objectContaining({ event: `${ann} 의 메시지 : hello`, ns: '/customSpace' }),
    ]);
    expect(chat.frames(bob)).toEqual([]);
    expect(consoleLines()).toContain(`socket.id : ${ann}`);
  });

  it('broadcasts broadCasting to everyone else in customSpace, not to the sender or other namespaces', async () => {
    // Prepare
    const ann = await chat.connect('/customSpace');
    const bob = await chat.connect('/customSpace');
    const cat = await chat.connect('/customSpace');
    const outsider = await chat.connect('/chatsGatewayInit');

    // Act
    await chat.send(ann, 'broadCasting', 'hi all');

    // Assess
    const event = `${ann} 의 메시지 : hi all`;
    for (const id of [bob, cat])
      expect(chat.frames(id)).toEqual([expect.objectContaining({ event })]);
    expect(chat.frames(ann)).toEqual([]);
    expect(chat.frames(outsider)).toEqual([]);
  });

  it('logs the lifecycle at connect and disconnect only, never per message', async () => {
    // Act
    const ann = await chat.connect('/chatsGatewayInit');
    await chat.send(ann, 'anything', 1);
    await chat.server.handleDisconnect({ connectionId: ann, statusCode: 1000, reason: '' });

    // Assess
    expect(logger.lines.filter((line) => line.startsWith('chat: '))).toEqual([
      'chat: gateway init',
      `chat: connect : ${ann}`,
      `chat: disconnect : ${ann}`,
    ]);
  });

  it("sends a club's chat to the room's other members", async () => {
    // Prepare
    const [ann, bob, cat] = [
      await chat.connect('/'),
      await chat.connect('/'),
      await chat.connect('/'),
    ];
    for (const id of [ann, bob]) {
      expect(await chat.send(id, 'joinClub', { clubId: 'club-7' }, 1)).toEqual({
        ack: 1,
        data: 'joined',
      });
    }

    // Act
    await chat.send(ann, 'chat', { clubId: 'club-7', message: 'see you at 8' });

    // Assess
    expect(chat.frames(bob)).toEqual([
      expect.objectContaining({ event: 'chat', data: 'see you at 8', room: 'club-7' }),
    ]);
    expect(chat.frames(ann)).toEqual([]);
    expect(chat.frames(cat)).toEqual([]);
    expect(consoleLines()).toContain(
      `${ann} 님이 club-7 방에서 'see you at 8' 메세지를 전송했습니다.`,
    );
  });

  it('runs handleConnection at connect and handleDisconnect at disconnect, once each, however many messages came between', async () => {
    // Act
    const ann = await chat.connect('/');
    await chat.send(ann, 'joinClub', { clubId: 'club-7' }, 1);
    for (let i = 0; i < 3; i++)
      await chat.send(ann, 'chat', { clubId: 'club-7', message: `m${i}` });
    await chat.server.handleDisconnect({ connectionId: ann, statusCode: 1001, reason: '' });

    // Assess
    const lines = consoleLines().filter((line) => line.startsWith('Client'));
    expect(lines).toEqual([`Client connected: ${ann}`, `Client disconnected: ${ann}`]);
  });
});
