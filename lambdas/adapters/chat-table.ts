import type {
  DynamoDBDocumentClient,
  NativeAttributeValue,
  QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from './dynamodb-document-client';

/** An item of the chat table, as the document client reads and writes it. */
export type ChatTableItem = Record<string, NativeAttributeValue>;

/** What every DynamoDB store of the chat is given. */
export interface ChatTableOptions {
  /** The chat table (the stack's `TableName` output). */
  readonly tableName: string;
  /** Default `createDynamoDbDocumentClient()`. */
  readonly client?: DynamoDBDocumentClient;
  /** `Limit` of each Query page. Default: DynamoDB's own 1 MB pages. */
  readonly pageSize?: number;
}

/**
 * The chat table as a DynamoDB store reaches it: its name, its document client and the Query
 * page size, from the store's options; `query` reads every page of a Query.
 *
 * @example
 * const table = new ChatTable({ tableName: 'chat' });
 * for await (const item of table.query({ KeyConditionExpression: '#pk = :pk', ... })) ids.push(item.sk);
 */
export class ChatTable {
  readonly name: string;
  readonly client: DynamoDBDocumentClient;
  readonly pageSize: number | undefined;

  constructor(options: ChatTableOptions) {
    this.name = options.tableName;
    this.client = options.client ?? createDynamoDbDocumentClient();
    this.pageSize = options.pageSize;
  }

  /** Every item a Query matches, one page (of `pageSize` items) read at a time. */
  async *query(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<ChatTableItem> {
    let startKey: ChatTableItem | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.name,
          Limit: this.pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
}
