import { DynamoDbUserLimitStore } from '../../lambdas/adapters/dynamodb-user-limit-store';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';
import { describeUserLimitStoreContract } from '../support/user-limit-store-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-user-limits-contract';
const dynamoDb = useDynamoDbLocal([TABLE_NAME]);

// Every test uses its own keys, so one table serves them all.
describeUserLimitStoreContract(
  'DynamoDbUserLimitStore on DynamoDB Local',
  () => new DynamoDbUserLimitStore({ tableName: TABLE_NAME, client: dynamoDb.documentClient() }),
);
