import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  assertJavaAvailable,
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { DYNAMODB_LOCAL_JVM_OPTIONS } from '../../local/dynamodb-local-command';

jest.setTimeout(60_000);

const run = promisify(execFile);

/** A client that tries once, so a stopped server fails fast. */
function probe(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('Function: startDynamoDbLocal', () => {
  let running: DynamoDbLocal | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it('answers on the port it was given, and no longer once stopped', async () => {
    // Prepare
    const port = await freePort();

    // Act
    running = await startDynamoDbLocal({ port });
    const client = probe(running.endpoint);
    const before = await client.send(new ListTablesCommand({}));
    await running.stop();
    const after = client.send(new ListTablesCommand({}));

    // Assess
    expect(running.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(before.TableNames).toEqual([]);
    await expect(after).rejects.toThrow();
    client.destroy();
  });

  it('runs the jar with the JVM options and telemetry off', async () => {
    // Prepare
    const port = await freePort();

    // Act
    running = await startDynamoDbLocal({ port });

    // Assess
    const { stdout } = await run('pgrep', ['-f', `DynamoDBLocal.jar .*-port ${port}`]);
    const pid = stdout.trim().split('\n')[0];
    const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(commandLine.slice(0, 3)).toEqual(['java', ...DYNAMODB_LOCAL_JVM_OPTIONS]);
    expect(commandLine).toEqual(
      expect.arrayContaining(['-inMemory', '-sharedDb', '-disableTelemetry']),
    );
  });

  it('keeps tables in dataDir across restarts', async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), 'dynamodb-local-'));
    running = await startDynamoDbLocal({ dataDir });
    const first = createDynamoDbLocalClient(running.endpoint);
    await createChatTable({ client: first, tableName: 'chat' });
    first.destroy();
    await running.stop();

    // Act
    running = await startDynamoDbLocal({ dataDir });
    const second = createDynamoDbLocalClient(running.endpoint);
    const tables = await second.send(new ListTablesCommand({}));
    second.destroy();

    // Assess
    expect(tables.TableNames).toEqual(['chat']);
  });

  it('stops Java when the Node process that started it is killed', async () => {
    // Prepare
    const script = [
      "const { startDynamoDbLocal } = require('./local/dynamodb-local');",
      'startDynamoDbLocal().then((db) => console.log(db.endpoint));',
      'setInterval(() => undefined, 1000);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--require', 'tsx/cjs', '--eval', script], {
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const endpoint = await new Promise<string>((done) =>
      parent.stdout?.on('data', (chunk: Buffer) => done(chunk.toString().trim())),
    );
    const client = probe(endpoint);
    await client.send(new ListTablesCommand({}));

    // Act
    parent.kill('SIGKILL');
    await sleep(3_000);

    // Assess
    await expect(client.send(new ListTablesCommand({}))).rejects.toThrow();
    client.destroy();
  });
});

describe('Function: assertJavaAvailable', () => {
  it('explains how to install Java when there is none', async () => {
    // Act
    const checking = assertJavaAvailable('/nonexistent/java');

    // Assess
    await expect(checking).rejects.toThrow(/apt-get install openjdk-17-jre-headless/);
  });

  it('refuses a Java older than 17', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'old-java-'));
    const fakeJava = join(dir, 'java');
    await writeFile(fakeJava, '#!/bin/sh\necho \'java version "1.8.0_392"\' >&2\n', {
      mode: 0o755,
    });

    // Act
    const checking = assertJavaAvailable(fakeJava);

    // Assess
    await expect(checking).rejects.toThrow(/needs Java >= 17, found Java 8/);
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the installed Java', async () => {
    // Act
    const checking = assertJavaAvailable();

    // Assess
    await expect(checking).resolves.toBeUndefined();
  });
});

describe('Function: createChatTable', () => {
  let running: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    running = await startDynamoDbLocal();
    client = createDynamoDbLocalClient(running.endpoint);
  });

  afterAll(async () => {
    client?.destroy();
    await running?.stop();
  });

  it('creates the table with pk/sk keys, on demand, with TTL on ttl, and may be called again', async () => {
    // Act
    await createChatTable({ client, tableName: 'chat' });
    await createChatTable({ client, tableName: 'chat' });

    // Assess
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: 'chat' }));
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'chat' }));
    expect(ttl.TimeToLiveDescription).toEqual({
      AttributeName: 'ttl',
      TimeToLiveStatus: 'ENABLED',
    });
  });
});
