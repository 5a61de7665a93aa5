import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import {
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { describeMembershipStoreContract } from '../support/membership-store-contract';

jest.setTimeout(30_000);

let dynamoDb: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
  client = createDynamoDbLocalClient(dynamoDb.endpoint);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamoDb?.stop();
});

describeMembershipStoreContract('DynamoDbMembershipStore on DynamoDB Local', async () => {
  const tableName = `chat-contract-${++tables}`;
  await createChatTable({ client, tableName });
  return new DynamoDbMembershipStore({
    tableName,
    client: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    pageSize: 7,
  });
});
