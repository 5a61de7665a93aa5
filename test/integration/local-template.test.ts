import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../local/gateway';
import { synthesizeEchoApp } from '../fixtures/echo-app/synthesize';
import { waitForLine } from '../support/wait-for-line';
import { openClient } from './emulator-support';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '..', '..');

/**
 * Another CDK app (test/fixtures/echo-app: its own routes, selection expression, MOCK route,
 * timeouts, table) run by `npx apigw-chat local --template`, over real sockets.
 */
describe('apigw-chat local --template <file>: a second CDK app', () => {
  let outdir: string;
  let child: ChildProcess;
  const output: string[] = [];
  let url: string;
  let dynamoDbEndpoint: string;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'echo-app-'));
    const template = synthesizeEchoApp(outdir);
    child = spawn(
      process.execPath,
      ['bin/apigw-chat.cjs', 'local', '--template', template, '--port', '0'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    }
    await waitForLine(child, output, /^ready$/);
    const text = output.join('');
    url = text.match(/WebSocket URL: +(ws:\/\/\S+)/)?.[1] as string;
    dynamoDbEndpoint = text.match(/DynamoDB Local: +(http:\/\/\S+)/)?.[1] as string;
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    }
    await rm(outdir, { recursive: true, force: true });
  });

  const ask = async (frame: object): Promise<string> => {
    const client = await openClient(url);
    client.ws.send(JSON.stringify(frame));
    const reply = await client.next(10_000);
    client.ws.close();
    return reply;
  };

  it('routes on $request.body.type to the right function, with only its own variables', async () => {
    // Act
    const echo = JSON.parse(await ask({ type: 'echo', text: 'hi' }));
    const other = JSON.parse(await ask({ type: 'other' }));

    // Assess: GREETING is set on Echo only; Echo's TABLE_NAME reached the template's table.
    expect(echo).toEqual({ echo: 'hi', greeting: 'hello', stored: true });
    expect(other).toEqual({ greeting: null });
  });

  it('answers the MOCK route from its response template, and Forbidden without a matching route', async () => {
    expect(JSON.parse(await ask({ type: 'ping' }))).toEqual({ pong: true });
    expect(JSON.parse(await ask({ type: 'nothing-here' }))).toMatchObject({ message: 'Forbidden' });
  });

  it('times out the function the stack gives 1 s at 1 s', async () => {
    // Act
    const started = Date.now();
    const reply = JSON.parse(await ask({ type: 'slow' }));
    const elapsed = Date.now() - started;

    // Assess
    expect(reply).toMatchObject({ message: 'Internal server error' });
    expect(elapsed).toBeLessThan(3_000);
    await waitForLine(child, output, /function Slow\w+ .*Task timed out after 1\.00 seconds/);
  });

  it('does not deliver a post left running after the return, warns, and sends it when the container thaws', async () => {
    // Prepare
    const client = await openClient(url);

    // Act
    client.ws.send(JSON.stringify({ type: 'leak' }));
    const warning = await waitForLine(
      child,
      output,
      /WARNING function (Leak\w+) .*returned with work still running/,
    );
    await new Promise((done) => setTimeout(done, 500));
    const whileFrozen = [...client.pending];
    client.ws.send(JSON.stringify({ type: 'flush' }));
    const after = new Set([await client.next(10_000), await client.next(10_000)]);

    // Assess
    expect(warning[1]).toMatch(/^Leak/);
    expect(whileFrozen).toEqual([]);
    expect(after).toEqual(new Set(['flushed', 'leaked']));
    client.ws.close();
  });

  it('creates the template table with its keys and TTL in DynamoDB Local', async () => {
    // Prepare
    const client = new DynamoDBClient({ endpoint: dynamoDbEndpoint, ...LOCAL_AWS });
    const tableName = output.join('').match(/Table: +(\S+)/)?.[1] as string;

    // Act
    const table = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    client.destroy();

    // Assess
    expect(tableName).toMatch(/^EchoApp-Notes/);
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt' });
  });
});
