import { DynamoDbMessageLog } from '../../lambdas/adapters/dynamodb-message-log';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';
import { describeMessageLogContract } from '../support/message-log-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-message-log-contract';
const dynamoDb = useDynamoDbLocal([TABLE_NAME]);

// Every test writes under its own namespace, so one table serves them all.
describeMessageLogContract('DynamoDbMessageLog on DynamoDB Local', ({ now }) => {
  return new DynamoDbMessageLog({
    tableName: TABLE_NAME,
    client: dynamoDb.documentClient(),
    pageSize: 3,
    now,
  });
});
