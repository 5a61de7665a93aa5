import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { ProtocolClient } from '../support/protocol-client';
import { sleep, waitFor } from './emulator-support';

/** The app keeps a connection younger than this when a post finds it gone (its $connect may still run). */
const CONNECT_GRACE_MS = 30_000;

jest.setTimeout(90_000);

describe('Local runtime: $disconnect events dropped by fault injection (dropDisconnects)', () => {
  let runtime: LocalRuntime;
  let table: DynamoDBDocumentClient;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger, dropDisconnects: 1 },
    });
    table = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: runtime.dynamoDbEndpoint, ...LOCAL_AWS }),
    );
  });

  afterAll(async () => {
    table.destroy();
    await runtime.close();
  });

  /** Every item that names the connection: its own, its memberships, presence entries holding it (a test-only Scan). */
  const itemsOf = async (connectionId: string): Promise<Record<string, unknown>[]> => {
    const found: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: table }, { TableName: runtime.tableName })) {
      for (const item of page.Items ?? []) {
        const conns = item.conns instanceof Set ? [...item.conns] : [];
        if (
          String(item.pk).includes(connectionId) ||
          item.sk === connectionId ||
          conns.includes(connectionId)
        ) {
          found.push(item);
        }
      }
    }
    return found;
  };

  it('leaves a closed connection in the table, then a post that finds it gone (410) cleans it up', async () => {
    // Prepare: Ann and a ghost in one room; the ghost leaves and its $disconnect is dropped
    const ann = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`);
    const ghost = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`);
    const connectedAt = Date.now();
    const ghostId = ((await ghost.request('whoami')) as { id: string }).id;
    await ann.request('join', { room: 'haunted' });
    await ghost.request('join', { room: 'haunted' });
    ghost.close();
    await waitFor(() => !runtime.gateway.connectionIds().includes(ghostId), 5_000);
    await sleep(200);
    const left = await itemsOf(ghostId);

    // Act: past the app's grace for young connections, Ann's message is posted to the ghost
    await sleep(Math.max(0, connectedAt + CONNECT_GRACE_MS + 500 - Date.now()));
    const reply = await ann.request('chat', { room: 'haunted', message: 'anyone?' });
    let remaining = await itemsOf(ghostId);
    for (let attempt = 0; remaining.length > 0 && attempt < 50; attempt += 1) {
      await sleep(100);
      remaining = await itemsOf(ghostId);
    }
    ann.close();

    // Assess
    const connection = left.find((item) => item.pk === `conn#${ghostId}`);
    expect(connection).toBeDefined();
    expect(connection?.ttl).toBeGreaterThan(Date.now() / 1000);
    expect(left.map((item) => item.pk)).toEqual(
      expect.arrayContaining(['ns#/', 'room#/#haunted', 'presence#/#haunted']),
    );
    expect(reply).toMatchObject({ room: 'haunted' });
    expect(remaining).toEqual([]);
  });
});
