import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { TemplateTable } from './read-api-template';

/**
 * Creates a template's table in DynamoDB Local as the template declares it: key schema,
 * attribute definitions, global and local secondary indexes, and TTL. Idempotent: an existing
 * table (persisted data) and an enabled TTL are left as they are.
 *
 * @example
 * for (const table of api.tables) await createTemplateTable(client, table);
 */
export async function createTemplateTable(
  client: DynamoDBClient,
  table: TemplateTable,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: table.KeySchema,
        AttributeDefinitions: table.AttributeDefinitions,
        ...(table.GlobalSecondaryIndexes === undefined
          ? {}
          : { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes }),
        ...(table.LocalSecondaryIndexes === undefined
          ? {}
          : { LocalSecondaryIndexes: table.LocalSecondaryIndexes }),
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table.name });
  const ttl = table.TimeToLiveSpecification;
  if (!ttl?.Enabled || ttl.AttributeName === undefined) return;
  const described = await client.send(new DescribeTimeToLiveCommand({ TableName: table.name }));
  const status = described.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: table.name,
      TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
    }),
  );
}
