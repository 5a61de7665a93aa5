import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { LOCAL_DISCOVERY_ENV, readLocalDiscovery } from '../../cli/local-discovery';
import { createDynamoDbDocumentClient } from '../../lambdas/adapters/dynamodb-document-client';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { LOCAL_AWS } from '../../local/gateway';
import { LOCAL_TABLE_NAME } from '../../local/local-runtime';
import { ProtocolClient } from '../support/protocol-client';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
/** Items a connection leaves: its own, namespace and room memberships, presence. */
const CONNECTION_STATE = /^(conn|ns|room|presence)#/;

/** Resolves with the first match of `pattern` in the output, or rejects when the process exits first. */
function waitForOutput(
  child: ChildProcess,
  output: string[],
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  return new Promise((done, fail) => {
    const check = (): void => {
      const match = output.join('').match(pattern);
      if (match) {
        child.stdout?.off('data', check);
        done(match);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) =>
      fail(new Error(`exited ${code} before ${pattern}:\n${output.join('')}`)),
    );
    check();
  });
}

/** `pk sk` of every item of the chat table (a test-only Scan). */
async function tableKeys(endpoint: string): Promise<string[]> {
  const client = createDynamoDbDocumentClient({ endpoint, ...LOCAL_AWS });
  const keys: string[] = [];
  try {
    for await (const page of paginateScan({ client }, { TableName: LOCAL_TABLE_NAME })) {
      for (const item of page.Items ?? []) keys.push(`${item.pk} ${item.sk}`);
    }
  } finally {
    client.destroy();
  }
  return keys;
}

/** Lets a stopped process run again: false when it no longer exists (killed while stopped). */
function resumed(pid: number): boolean {
  try {
    process.kill(pid, 'SIGCONT');
    return true;
  } catch {
    return false;
  }
}

describe('npm start: Ctrl-C', () => {
  let dataDir: string;
  let group: number | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'apigw-chat-shutdown-'));
  });

  afterAll(async () => {
    // A failed run must not leave the process group behind.
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs every $disconnect against a live DynamoDB Local before stopping it, even when Ctrl-C finds it busy: the persisted table keeps no connection, membership or presence', async () => {
    // Prepare: a real `npm start` in its own process group, as a terminal runs it
    const output: string[] = [];
    const discoveryFile = join(dataDir, 'local.json');
    const child = spawn(
      'npm',
      ['start', '--', '--port', '0', '--anonymous', '--data-dir', dataDir],
      {
        cwd: ROOT,
        detached: true,
        env: { ...process.env, [LOCAL_DISCOVERY_ENV]: discoveryFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    group = child.pid;
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    await waitForOutput(child, output, /^ready$/m);
    const wsUrl = output.join('').match(/WebSocket URL: +(ws:\/\/\S+)/)?.[1] as string;
    const liveDb = output.join('').match(/DynamoDB Local: +(http:\/\/\S+)/)?.[1] as string;
    const clients = await Promise.all(
      ['a', 'b', 'c'].map(() => ProtocolClient.open(`${wsUrl}?ns=/`)),
    );
    for (const [index, client] of clients.entries()) {
      await client.request('join', { room: 'lobby' });
      await client.request('join', { room: `room-${index}` });
    }
    const before = await tableKeys(liveDb);
    const runtimePid = (await readLocalDiscovery(discoveryFile))?.pid as number;

    // Act: Ctrl-C, as a terminal sends it: SIGINT to the whole process group, while the
    // runtime's process cannot run for 300 ms (as under load): no launcher may kill it meanwhile.
    process.kill(runtimePid, 'SIGSTOP');
    process.kill(-(child.pid as number), 'SIGINT');
    await new Promise((done) => setTimeout(done, 300));
    const survived = resumed(runtimePid);
    const exit = await exited;
    const closes = await Promise.all(clients.map((client) => client.closedWith()));
    const db = await startDynamoDbLocal({ dataDir });
    const left = await tableKeys(db.endpoint).finally(() => db.stop());

    // Assess
    expect(survived).toBe(true);
    // npm, once its script has exited, re-raises the signal on itself: how a terminal's npm ends.
    expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    expect(output.join('')).toMatch(/SIGINT: closing connections and stopping DynamoDB Local/);
    expect(closes.map((close) => close.code)).toEqual([1001, 1001, 1001]);
    expect(output.join('')).not.toMatch(/ECONNREFUSED/);
    expect(before.filter((key) => CONNECTION_STATE.test(key)).length).toBeGreaterThanOrEqual(3 * 5);
    expect(left.filter((key) => CONNECTION_STATE.test(key))).toEqual([]);
  });
});
