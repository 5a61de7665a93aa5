import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';
import { describeMembershipStoreContract } from '../support/membership-store-contract';

jest.setTimeout(30_000);

const dynamoDb = useDynamoDbLocal();
let tables = 0;

describeMembershipStoreContract('DynamoDbMembershipStore on DynamoDB Local', async () => {
  const tableName = `chat-contract-${++tables}`;
  await dynamoDb.createTable(tableName);
  return new DynamoDbMembershipStore({
    tableName,
    client: dynamoDb.documentClient(),
    pageSize: 7,
  });
});
