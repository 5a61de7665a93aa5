import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';

/** DynamoDB Local as a test file sees it. */
export interface DynamoDbLocalFixture {
  /** A document client on it that drops undefined values, as the stores' default does. */
  documentClient(): DynamoDBDocumentClient;
  /** Creates a table with the chat table's keys and TTL. */
  createTable(tableName: string): Promise<void>;
}

/**
 * Starts DynamoDB Local before the tests of the calling file (with `tables` created) and
 * stops it after them. Call it once, at the top level of the file.
 *
 * @example
 * const dynamoDb = useDynamoDbLocal(['chat']);
 * const log = new DynamoDbMessageLog({ tableName: 'chat', client: dynamoDb.documentClient() });
 */
export function useDynamoDbLocal(tables: readonly string[] = []): DynamoDbLocalFixture {
  let dynamoDb: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal();
    client = createDynamoDbLocalClient(dynamoDb.endpoint);
    for (const tableName of tables) await createChatTable({ client, tableName });
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamoDb?.stop();
  });

  return {
    documentClient: () =>
      DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    createTable: (tableName) => createChatTable({ client, tableName }),
  };
}
