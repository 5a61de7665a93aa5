import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { io } from 'socket.io-client';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { issuerToken } from '../support/local-issuer-tokens';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** The README's Socket.IO example, run as it says, against the local runtime with its issuer. */
describe('examples/socket-io-client.ts', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc' },
      gateway: { logger: silentLogger },
    });
    // The example keeps socket.io-client's 20 s connect timeout; on a busy CI the cold starts
    // of a first connection (authorizer, connect, message) took longer. One connection with
    // more time warms them first, as a runtime that has served anyone is.
    const url = new URL(runtime.gateway.url);
    const token = await issuerToken(runtime, { user: 'warm-up', name: 'Warm up' });
    const socket = io(`http://${url.host}/chat`, {
      path: url.pathname,
      addTrailingSlash: false,
      transports: ['websocket'],
      protocols: ['apigw-chat', `token.${token}`],
      timeout: 60_000,
      reconnection: false,
    });
    await new Promise<void>((done, fail) => {
      socket.once('connect', () => done());
      socket.once('connect_error', fail);
    }).finally(() => socket.close());
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('connects with a token, joins room:dev and hears its greeting', async () => {
    // Prepare
    const token = await issuerToken(runtime, { user: 'alice', name: 'Alice' });

    // Act
    const { stdout } = await run(
      process.execPath,
      [require.resolve('tsx/cli'), 'examples/socket-io-client.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, APIGW_CHAT_URL: runtime.gateway.url, TOKEN: token, STAY_MS: '2000' },
        timeout: 60_000,
      },
    );

    // Assess
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^connected as [A-Za-z0-9+/_-]{15}=$/);
    expect(lines).toContain('join-room: success');
    expect(lines).toContain('hello: Alice has joined chat room.');
  });

  it('without a token, is refused before any namespace', async () => {
    // Act
    const { stdout } = await run(
      process.execPath,
      [require.resolve('tsx/cli'), 'examples/socket-io-client.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, APIGW_CHAT_URL: runtime.gateway.url, TOKEN: '', STAY_MS: '2000' },
        timeout: 60_000,
      },
    );

    // Assess
    expect(stdout).toMatch(/^connect_error: websocket error$/m);
    expect(stdout).not.toMatch(/connected as/);
  });
});
