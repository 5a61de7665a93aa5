import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ProtocolClient } from '../support/protocol-client';
import { SDK_NODE_WARNING } from '../support/sdk-node-warning';
import { waitForLine } from '../support/wait-for-line';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..');

const portIsOpen = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

describe('npm start', () => {
  it('prints the URLs and wscat lines with tokens of its OIDC issuer, serves the page its sign-in config, accepts npm run token, refuses clients without a valid token (one log line each, no stack trace), and stops cleanly on SIGINT', async () => {
    // Prepare
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--in-memory', '--port', '0'],
      {
        cwd: ROOT,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    // Act
    await waitForLine(child, output, /^ready$/);
    const text = output.join('');
    const wsUrl = text.match(/WebSocket URL: +(ws:\/\/\S+)/)?.[1] as string;
    const dbPort = Number(text.match(/DynamoDB Local: +http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
    const pageUrl = text.match(/Chat page: +(http:\/\/\S+)/)?.[1] as string;
    const page = await fetch(pageUrl);
    const html = await page.text();
    const [, aliceUrl, aliceToken] = text.match(
      /Try it \(alice\): npx wscat -c '(ws:\/\/\S+)' -s apigw-chat -s 'token\.(\S+)'/,
    ) as [string, string, string];
    const tokenless = await ProtocolClient.open(`${wsUrl}?ns=/`).catch(
      (error: { status?: number }) => error.status,
    );
    const badToken = await ProtocolClient.open(`${wsUrl}?ns=/`, { token: 'not-a-jwt' }).catch(
      (error: { status?: number }) => error.status,
    );
    const client = await ProtocolClient.open(aliceUrl.replace('localhost', '127.0.0.1'), {
      token: aliceToken,
    });
    const joined = await client.request('join', { room: 'lobby' });
    const port = new URL(pageUrl).port;
    const config = (await (await fetch(`${pageUrl}config.json`)).json()) as {
      signIn: { issuer: string };
    };
    const discovery = (await (
      await fetch(`${config.signIn.issuer}/.well-known/openid-configuration`)
    ).json()) as { issuer: string };
    const { stdout: carolToken } = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), 'local/token.ts', '--user', 'carol', '--port', port],
      { cwd: ROOT },
    );
    const carol = await ProtocolClient.open(`${wsUrl}?ns=/`, { token: carolToken.trim() });
    const carolJoined = await carol.request('join', { room: 'lobby' });
    const dbWasOpen = await portIsOpen(dbPort);
    child.kill('SIGINT');
    const code = await exited;

    // Assess
    expect(text).toMatch(/Management URL: +http:\/\/127\.0\.0\.1:\d+\/local/);
    expect(text).toMatch(
      /Try it \(bob\): +npx wscat -c 'ws:\/\/localhost:\d+\/local\?ns=\/' -s apigw-chat -s 'token\.[\w.-]+'/,
    );
    expect(text).not.toMatch(/WARNING: anonymous/);
    expect(text).toContain(`local OIDC issuer http://localhost:${port}/oidc`);
    expect(config.signIn.issuer).toBe(`http://localhost:${port}/oidc`);
    expect(discovery.issuer).toBe(config.signIn.issuer);
    expect(carolJoined).toMatchObject({ room: 'lobby', members: 2 });
    expect(tokenless).toBe(401);
    expect(badToken).toBe(401);
    const lines = output.join('').split('\n');
    expect(lines.filter((line) => /refused/i.test(line))).toEqual([
      '[gateway] connection refused (401): no Sec-WebSocket-Protocol: route.request.header.Sec-WebSocket-Protocol is missing or empty, so the authorizer was not invoked',
      expect.stringMatching(
        /"message":"Connection refused: invalid token".*"reason":"ERR_JWS_INVALID/,
      ),
    ]);
    expect(lines.filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(output.join('')).not.toMatch(SDK_NODE_WARNING);
    expect(page.status).toBe(200);
    expect(html).toContain('<title>');
    expect(html).toMatch(/main\.js/);
    expect(joined).toEqual({ room: 'lobby', members: 1, seq: 0 });
    expect(code).toBe(0);
    expect((await client.closedWith()).code).toBe(1001);
    expect(output.join('')).toMatch(/"message":"Disconnected"/);
    expect(dbWasOpen).toBe(true);
    expect(await portIsOpen(dbPort)).toBe(false);
  });
});
