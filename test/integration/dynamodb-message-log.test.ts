import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMessageLog } from '../../lambdas/adapters/dynamodb-message-log';
import {
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { describeMessageLogContract } from '../support/message-log-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-message-log-contract';

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
describeMessageLogContract('DynamoDbMessageLog on DynamoDB Local', ({ now }) => {
  return new DynamoDbMessageLog({
    tableName: TABLE_NAME,
    client: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    pageSize: 3,
    now,
  });
});
