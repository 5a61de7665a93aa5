import { DynamoDbAckStore } from '../../lambdas/adapters/dynamodb-ack-store';
import { describeAckStoreContract } from '../support/ack-store-contract';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-ack-store-contract';
const dynamoDb = useDynamoDbLocal([TABLE_NAME]);

// Every test uses its own ack ids, so one table serves them all.
describeAckStoreContract('DynamoDbAckStore on DynamoDB Local', ({ now }) => {
  return new DynamoDbAckStore({ tableName: TABLE_NAME, client: dynamoDb.documentClient(), now });
});
