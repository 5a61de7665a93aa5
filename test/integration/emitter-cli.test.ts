import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCAL_AWS, silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { ProtocolClient } from '../support/protocol-client';
import { SDK_NODE_WARNING } from '../support/sdk-node-warning';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..');

interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of this process without the chat's and AWS's own variables (the local
 * runtime set them here for its handlers), so the CLI finds its settings only where a test
 * says: the discovery file, flags, or `extra`.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('AWS_') && name !== 'TABLE_NAME' && name !== 'CALLBACK_URL',
    ),
  );
  return { ...env, ...extra };
}

/** Runs `npx apigw-chat …` in the repository, as a user would, and waits for it to exit. */
function npxApigwChat(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['apigw-chat', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', fail);
    child.once('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('apigw-chat emit against the local runtime (real sockets, DynamoDB Local)', () => {
  let dir: string;
  let discoveryFile: string;
  let runtime: LocalRuntime;
  const clients: ProtocolClient[] = [];

  /** Opens a guest client of /notification, recording the raw text of every frame it gets. */
  const openNotification = async (): Promise<{ client: ProtocolClient; raw: string[] }> => {
    const client = await ProtocolClient.open(`${runtime.gateway.url}?ns=/notification`);
    clients.push(client);
    const raw: string[] = [];
    client.ws.on('message', (data) => raw.push(data.toString()));
    // The connection hook joins room1 and room2, then greets the namespace.
    await client.take((frame) => frame.event === 'hello' && frame.data === 'notification');
    return { client, raw };
  };
  const idOf = async (client: ProtocolClient): Promise<string> =>
    ((await client.request('whoami')) as { id: string }).id;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emitter-cli-'));
    discoveryFile = join(dir, 'local.json');
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger },
      discoveryFile,
    });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  afterAll(async () => {
    await runtime?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('announces the runtime in the discovery file while it runs', async () => {
    // Act
    const discovery = JSON.parse(await readFile(discoveryFile, 'utf8'));

    // Assess
    expect(discovery).toEqual({
      tableName: runtime.tableName,
      callbackUrl: runtime.gateway.managementUrl,
      dynamoDbEndpoint: runtime.dynamoDbEndpoint,
      region: LOCAL_AWS.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      pid: process.pid,
    });
  });

  it('npx apigw-chat emit --ns /notification --room room1 hello "text" reaches a client in room1', async () => {
    // Prepare
    const { client, raw } = await openNotification();

    // Act
    const result = await npxApigwChat(
      ['emit', '--ns', '/notification', '--room', 'room1', 'hello', 'text'],
      cleanEnv({ APIGW_CHAT_LOCAL_FILE: discoveryFile }),
    );
    const frame = await client.take((f) => f.event === 'hello' && f.data === 'text');

    // Assess
    expect(result.stdout).toBe(
      'Emitted "hello" to /notification (room1): recipients 1, delivered 1, gone 0, failed 0\n',
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(frame).toEqual({ event: 'hello', data: 'text', ns: '/notification', room: 'room1' });
    expect(raw).toContain('{"event":"hello","data":"text","ns":"/notification","room":"room1"}');
  });

  it('--ack <ms> waits for the answers and prints them; exits 1 when one is missing', async () => {
    // Prepare: two clients in /, one answering, one silent.
    const answering = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`);
    const silent = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`);
    clients.push(answering, silent);
    const [answeringId, silentId] = [await idOf(answering), await idOf(silent)];
    void answering
      .take((frame) => typeof frame.ack === 'string', 20_000)
      .then((frame) => answering.send({ ack: frame.ack, data: { vote: 'yes' } }))
      .catch(() => undefined);
    const env = cleanEnv({ APIGW_CHAT_LOCAL_FILE: discoveryFile });

    // Act
    const answered = await npxApigwChat(
      ['emit', '--to', answeringId, '--ack', '5000', 'vote'],
      env,
    );
    const missing = await npxApigwChat(
      ['emit', '--to', silentId, '--ack', '500', '--json', 'vote'],
      env,
    );

    // Assess
    expect(answered.stdout).toBe('{"vote":"yes"}\n');
    expect(answered.status).toBe(0);
    expect(missing.stdout).toBe('{"responses":[],"complete":false}\n');
    expect(missing.stderr).toMatch(/not every recipient answered within 500 ms \(0 did\)/);
    expect(missing.status).toBe(1);
  });

  it('--except <connectionId> leaves that connection out (settings from flags and AWS env)', async () => {
    // Prepare
    const ann = await openNotification();
    const bob = await openNotification();
    const bobId = await idOf(bob.client);
    const env = cleanEnv({
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamoDbEndpoint,
    });

    // Act
    const result = await npxApigwChat(
      [
        'emit',
        '--table',
        runtime.tableName,
        '--endpoint',
        runtime.gateway.managementUrl,
        '--ns',
        '/notification',
        '--room',
        'room1',
        '--except',
        bobId,
        '--json',
        'hello',
        '{"text":"not for bob"}',
      ],
      env,
    );
    const annFrame = await ann.client.take((f) => f.event === 'hello' && f.data !== 'notification');
    // Bob's own round trip comes back after anything posted to him before it.
    await bob.client.request('whoami');

    // Assess
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      recipients: 1,
      delivered: 1,
      gone: 0,
      failed: 0,
      dispatched: 0,
    });
    expect(annFrame).toEqual({
      event: 'hello',
      data: { text: 'not for bob' },
      ns: '/notification',
      room: 'room1',
    });
    expect(bob.raw.filter((text) => text.includes('not for bob'))).toEqual([]);
  });

  it('exits 3 and says why when nothing matched: unknown namespace, room without members, closed connection', async () => {
    // Prepare
    const { client } = await openNotification();
    const id = await idOf(client);
    client.ws.close();
    await client.closedWith();
    const env = cleanEnv({ APIGW_CHAT_LOCAL_FILE: discoveryFile });

    // Act
    const namespace = await npxApigwChat(['emit', '--ns', '/notifications', 'x'], env);
    const room = await npxApigwChat(
      ['emit', '--ns', '/notification', '--room', 'nobody', 'x'],
      env,
    );
    const closed = await npxApigwChat(['emit', '--ns', '/notification', '--to', id, 'x'], env);

    // Assess
    expect(namespace).toEqual({
      status: 3,
      stdout: '',
      stderr:
        'apigw-chat: nothing matched: unknown namespace /notifications: the chat has /, /chat, /notification\n',
    });
    expect(room.status).toBe(3);
    expect(room.stdout).toMatch(/recipients 0, delivered 0/);
    expect(room.stderr).toBe(
      'apigw-chat: nothing matched: nobody received "x"\n  room nobody of /notification has no members\n',
    );
    expect(closed.status).toBe(3);
    expect(closed.stderr).toContain(`no connection ${id}: it closed, or never existed`);
    for (const result of [namespace, room, closed]) {
      expect(result.stderr).not.toMatch(SDK_NODE_WARNING);
    }
  });

  it('exits 2 and says why on invalid arguments', async () => {
    // Act
    const result = await npxApigwChat(
      ['emit', '--ns', 'notification', 'hello'],
      cleanEnv({ APIGW_CHAT_LOCAL_FILE: discoveryFile }),
    );

    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/apigw-chat: Invalid --ns "notification"/);
  });

  it('npm start announces itself: the CLI needs no settings, and Ctrl-C takes the file away', async () => {
    // Prepare
    const startFile = join(dir, 'npm-start.json');
    const env = cleanEnv({ APIGW_CHAT_LOCAL_FILE: startFile });
    const start = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--anonymous', '--in-memory', '--port', '0'],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((done) => start.once('exit', (code) => done(code)));
    let output = '';
    const url = await new Promise<string>((done, fail) => {
      start.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /WebSocket URL: +(ws:\/\/\S+)[\s\S]*\nready\n/.exec(output);
        if (found) done(found[1] as string);
      });
      start.once('exit', (code) => fail(new Error(`npm start exited ${code}:\n${output}`)));
    });
    const client = await ProtocolClient.open(`${url}?ns=/notification`);
    clients.push(client);
    await client.take((frame) => frame.event === 'hello' && frame.data === 'notification');
    const announced = JSON.parse(await readFile(startFile, 'utf8'));

    // Act
    const result = await npxApigwChat(
      ['emit', '--ns', '/notification', '--room', 'room2', 'hi'],
      env,
    );
    const frame = await client.take((f) => f.event === 'hi');
    start.kill('SIGINT');
    const code = await exited;

    // Assess
    expect(output).toMatch(
      /Emit: +npx apigw-chat emit --ns \/notification --room room1 hello "text"/,
    );
    expect(announced).toMatchObject({ callbackUrl: url.replace('ws://', 'http://') });
    expect(result.stdout).toMatch(/recipients 1, delivered 1, gone 0, failed 0/);
    expect(result.status).toBe(0);
    expect(frame).toEqual({ event: 'hi', data: null, ns: '/notification', room: 'room2' });
    expect(code).toBe(0);
    await expect(readFile(startFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
