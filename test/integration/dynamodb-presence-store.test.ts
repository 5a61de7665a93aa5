import { DynamoDbPresenceStore } from '../../lambdas/adapters/dynamodb-presence-store';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';
import { describePresenceStoreContract } from '../support/presence-store-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-presence-contract';
const dynamoDb = useDynamoDbLocal([TABLE_NAME]);

// Every test writes under its own namespace, so one table serves them all.
describePresenceStoreContract('DynamoDbPresenceStore on DynamoDB Local', ({ now }) => {
  return new DynamoDbPresenceStore({
    tableName: TABLE_NAME,
    client: dynamoDb.documentClient(),
    pageSize: 7,
    now,
  });
});
