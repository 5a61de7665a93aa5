/**
 * The one definition of the chat table's shape, used by the CDK stack and by the local
 * runtime when it creates the table in DynamoDB Local.
 *
 * @example
 * new Table(this, 'Table', { partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING } });
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  ttlAttribute: 'ttl',
} as const;
