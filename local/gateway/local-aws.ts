/**
 * The region and static credentials the functions run with locally. DynamoDB Local keeps one
 * database per access key and region, so whoever creates the table must use these too.
 *
 * @example
 * new DynamoDBClient({ endpoint, ...LOCAL_AWS });
 */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;
