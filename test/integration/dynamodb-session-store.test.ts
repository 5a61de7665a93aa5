import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbSessionStore } from '../../lambdas/adapters/dynamodb-session-store';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';
import { describeSessionStoreContract, sessionFor } from '../support/session-store-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-session-store-contract';
const dynamoDb = useDynamoDbLocal([TABLE_NAME]);

// Every test uses its own connection ids, so one table serves them all.
describeSessionStoreContract(
  'DynamoDbSessionStore on DynamoDB Local',
  () => new DynamoDbSessionStore({ tableName: TABLE_NAME, client: dynamoDb.documentClient() }),
);

describe('DynamoDbSessionStore on DynamoDB Local', () => {
  it('writes one item, eio#<connection id> / session, that expires with the connection', async () => {
    // Prepare
    const store = new DynamoDbSessionStore({
      tableName: TABLE_NAME,
      client: dynamoDb.documentClient(),
    });
    const session = sessionFor();

    // Act
    await store.open(session);

    // Assess
    const { Items: items = [] } = await dynamoDb
      .documentClient()
      .send(new ScanCommand({ TableName: TABLE_NAME }));
    expect(items.filter((item) => item.pk === `eio#${session.id}`)).toEqual([
      expect.objectContaining({
        sk: 'session',
        ttl: session.expiresAt,
        connectedAt: session.connectedAt,
      }),
    ]);
  });
});
