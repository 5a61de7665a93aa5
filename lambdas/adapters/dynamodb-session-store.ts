import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type { EngineSession, SessionStore } from '../core/ports';
import type { SocketId } from '../core/types';
import { ChatTable, type ChatTableOptions } from './chat-table';

const keyOf = (id: SocketId) => ({
  [TABLE.partitionKey]: `eio#${id}`,
  [TABLE.sortKey]: 'session',
});

/**
 * `SessionStore` in the chat table: one item per Socket.IO connection, `pk=eio#<connection
 * id>`, `sk=session`, with `connectedAt`, the stored handshake (JSON) and `ttl`. Read with a
 * consistent read: the CONNECT packet may come right after `$connect` wrote it.
 *
 * @example
 * const sessions = new DynamoDbSessionStore({ tableName: process.env.TABLE_NAME ?? '', client });
 */
export class DynamoDbSessionStore implements SessionStore {
  readonly #table: ChatTable;

  constructor(options: ChatTableOptions) {
    this.#table = new ChatTable(options);
  }

  async open(session: EngineSession): Promise<void> {
    await this.#table.client.send(
      new PutCommand({
        TableName: this.#table.name,
        Item: {
          ...keyOf(session.id),
          connectedAt: session.connectedAt,
          handshake: JSON.stringify(session.handshake),
          [TABLE.ttlAttribute]: session.expiresAt,
        },
      }),
    );
  }

  async get(id: SocketId): Promise<EngineSession | undefined> {
    const { Item: item } = await this.#table.client.send(
      new GetCommand({ TableName: this.#table.name, Key: keyOf(id), ConsistentRead: true }),
    );
    if (item === undefined) return undefined;
    return {
      id,
      connectedAt: Number(item.connectedAt),
      expiresAt: Number(item[TABLE.ttlAttribute]),
      handshake: JSON.parse(String(item.handshake)),
    };
  }

  async close(id: SocketId): Promise<void> {
    await this.#table.client.send(
      new DeleteCommand({ TableName: this.#table.name, Key: keyOf(id) }),
    );
  }
}
