import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MembershipAttacks } from '../../bench/attacks/membership-attacks';
import {
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';

jest.setTimeout(180_000);

let dynamoDb: DynamoDbLocal;
const clients: DynamoDBClient[] = [];
let tables = 0;

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynamoDb?.stop();
});

async function attacks(presenceEnterDelayMs = 0): Promise<MembershipAttacks> {
  const client = createDynamoDbLocalClient(dynamoDb.endpoint);
  clients.push(client);
  const tableName = `attacks-${++tables}`;
  await createChatTable({ client, tableName });
  return new MembershipAttacks({ client, tableName, presenceEnterDelayMs });
}

describe('Attacks on the membership store (issue 12), on DynamoDB Local', () => {
  it('a connection flooding rooms stops at 100 with TOO_MANY_ROOMS; once it vanishes, the next chat costs what a normal one does and the worker leaves nothing', async () => {
    // Act
    const figures = await (await attacks()).roomFlood({ rooms: 150, roomLength: 16 });

    // Assess
    expect(figures.accepted).toBe(100);
    expect(figures.refusedWith).toBe('TOO_MANY_ROOMS');
    expect(figures.nextChat.dynamoDbRequests).toBe(figures.normalChat.dynamoDbRequests);
    expect(figures.cleanup.invocations).toBe(1);
    expect(figures.itemsLeft).toBe(0);
  });

  it('100 rooms of 128 characters keep the connection item far below 400 KB', async () => {
    // Act
    const figures = await (await attacks()).roomFlood({ rooms: 101, roomLength: 128 });

    // Assess
    expect(figures.accepted).toBe(100);
    expect(figures.refusedWith).toBe('TOO_MANY_ROOMS');
    expect(figures.connectionItemBytes).toBeLessThan(16 * 1024);
    expect(figures.itemsLeft).toBe(0);
  });

  it('a join racing its connection’s $disconnect leaves no membership and no presence entry, in 40 races', async () => {
    // Act: the join's presence write is slowed by 30 ms, so the $disconnect (started 0 to
    // 19 ms after the join) also lands after the join's transaction, before its presence entry
    const figures = await (await attacks(30)).joinDisconnectRaces(40);

    // Assess
    expect(figures).toEqual({ races: 40, orphanMemberships: 0, orphanPresence: 0 });
  });
});
