import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type ChatSocket, connect } from '../../client/node';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { issuerToken } from '../support/local-issuer-tokens';
import { until } from '../support/until';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * examples/nest-chat as its README runs it: `npm start -- --nest
 * examples/nest-chat/chat.module.ts#ChatModule` (the local runtime with the stack's
 * `nestModule`, tokens from the local issuer), its socket.io-client script, and the client SDK,
 * whose JSON frames take the routes the stack made of the gateway's events.
 */
describe('examples/nest-chat on the local runtime', () => {
  let runtime: LocalRuntime;
  const sockets: ChatSocket[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc' },
      gateway: { logger: silentLogger },
      context: { nestModule: `${join(ROOT, 'examples/nest-chat/chat.module.ts')}#ChatModule` },
    });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await runtime?.close();
  });

  /** A client SDK socket of `/chat`, signed in as `name`, with every event it hears. */
  const open = async (name: string) => {
    const token = await issuerToken(runtime, { user: name.toLowerCase(), name });
    const socket = connect(runtime.gateway.url, { namespace: '/chat', auth: { token } });
    sockets.push(socket);
    const heard: { event: string; data: unknown }[] = [];
    socket.onAny((event, data) => heard.push({ event, data }));
    await new Promise<void>((done, fail) => {
      socket.on('connect', () => done());
      socket.on('connect_error', fail);
    });
    return { socket, heard };
  };

  it('routes the gateway events: the template the stack made has a route per event', () => {
    // Act
    const routeKeys = runtime.api.routes.map((route) => route.routeKey).sort();

    // Assess
    expect(routeKeys).toEqual(
      ['$connect', '$default', '$disconnect', 'join', 'ping', 'say', 'whoami'].sort(),
    );
  });

  it("runs the README's client: it joins, says hello to the room, hears it, and Bob hears both", async () => {
    // Prepare
    const bob = await open('Bob');
    expect(await bob.socket.emitWithAck('join', 'lobby')).toEqual({ room: 'lobby' });
    const token = await issuerToken(runtime, { user: 'alice', name: 'Alice' });

    // Act
    const { stdout } = await run(
      process.execPath,
      [require.resolve('tsx/cli'), 'examples/nest-chat/client.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, APIGW_CHAT_URL: runtime.gateway.url, TOKEN: token, STAY_MS: '3000' },
        timeout: 60_000,
      },
    );

    // Assess
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^connected as \S+$/);
    expect(lines).toContain('join: {"room":"lobby"}');
    expect(lines).toContain('say: {"recipients":2}');
    expect(lines).toContain('said: {"room":"lobby","from":"Alice","text":"hello"}');
    expect(lines).toContainEqual(
      expect.stringMatching(/^whoami: \{"id":".+","name":"Alice","rooms":\[.*"lobby".*\]\}$/),
    );
    await until(() => (bob.heard.some((e) => e.event === 'said') ? true : undefined), "Bob's said");
    expect(bob.heard).toEqual(
      expect.arrayContaining([
        { event: 'joined', data: { room: 'lobby', name: 'Alice' } },
        { event: 'said', data: { room: 'lobby', from: 'Alice', text: 'hello' } },
      ]),
    );
  });

  it('fails the ack of invalid input with the WsException, and the connection goes on', async () => {
    // Prepare
    const { socket } = await open('Mallory');

    // Act
    const badRoom = socket.emitWithAck('join', '../../admin');
    const notJoined = socket.emitWithAck('say', { room: 'lobby', text: 'hi' });
    const tooLong = socket.emitWithAck('join', 'x'.repeat(33));

    // Assess
    await expect(badRoom).rejects.toThrow(/room: 1 to 32 letters/);
    await expect(notJoined).rejects.toThrow(/join the room first/);
    await expect(tooLong).rejects.toThrow(/room: 1 to 32 letters/);
    const me = (await socket.emitWithAck('whoami')) as { id: string; rooms: string[] };
    expect(me).toMatchObject({ name: 'Mallory', rooms: [me.id] }); // its own room only
  });
});
