import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbPresenceStore } from '../../lambdas/adapters/dynamodb-presence-store';
import {
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { describePresenceStoreContract } from '../support/presence-store-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-presence-contract';

let dynamoDb: DynamoDbLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
  client = createDynamoDbLocalClient(dynamoDb.endpoint);
  await createChatTable({ client, tableName: TABLE_NAME });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamoDb?.stop();
});

// Every test writes under its own namespace, so one table serves them all.
describePresenceStoreContract('DynamoDbPresenceStore on DynamoDB Local', ({ now }) => {
  return new DynamoDbPresenceStore({
    tableName: TABLE_NAME,
    client: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    pageSize: 7,
    now,
  });
});
