import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type { EngineSession, SessionStore, SlotMember } from '../core/ports';
import type { SocketId } from '../core/types';
import { ChatTable, type ChatTableOptions } from './chat-table';

/** Connections handed to the heartbeat at a time. */
const PAGE = 100;

const sessionKey = (id: SocketId) => ({
  [TABLE.partitionKey]: `eio#${id}`,
  [TABLE.sortKey]: 'session',
});

const slotKey = (slot: number, id: SocketId) => ({
  [TABLE.partitionKey]: `ping#${slot}`,
  [TABLE.sortKey]: id,
});

/**
 * `SessionStore` in the chat table: the session, `pk=eio#<connection id>`, `sk=session`, with
 * `connectedAt`, its slot, the stored handshake (JSON), its namespaces (a string set) and `ttl`; and its listing in the slot,
 * `pk=ping#<slot>`, `sk=<connection id>`, with `connectedAt` and `ttl`, which the heartbeat
 * queries a page at a time. Both are written and deleted together; sessions are read with a
 * consistent read (the CONNECT packet may follow `$connect` at once).
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
    const ttl = { [TABLE.ttlAttribute]: session.expiresAt };
    await this.#write([
      {
        PutRequest: {
          Item: {
            ...sessionKey(session.id),
            connectedAt: session.connectedAt,
            slot: session.slot,
            handshake: JSON.stringify(session.handshake),
            ...(session.namespaces.length === 0 ? {} : { namespaces: new Set(session.namespaces) }),
            ...ttl,
          },
        },
      },
      {
        PutRequest: {
          Item: { ...slotKey(session.slot, session.id), connectedAt: session.connectedAt, ...ttl },
        },
      },
    ]);
  }

  async get(id: SocketId): Promise<EngineSession | undefined> {
    const { Item: item } = await this.#table.client.send(
      new GetCommand({ TableName: this.#table.name, Key: sessionKey(id), ConsistentRead: true }),
    );
    if (item === undefined) return undefined;
    return {
      id,
      connectedAt: Number(item.connectedAt),
      expiresAt: Number(item[TABLE.ttlAttribute]),
      handshake: JSON.parse(String(item.handshake)),
      slot: Number(item.slot),
      namespaces: item.namespaces instanceof Set ? [...item.namespaces].map(String).sort() : [],
    };
  }

  addNamespace(id: SocketId, ns: string): Promise<boolean> {
    return this.#updateNamespaces('ADD', id, ns);
  }

  async removeNamespace(id: SocketId, ns: string): Promise<void> {
    await this.#updateNamespaces('DELETE', id, ns);
  }

  async close(id: SocketId): Promise<void> {
    const session = await this.get(id);
    if (session === undefined) return;
    await this.#write([
      { DeleteRequest: { Key: sessionKey(id) } },
      { DeleteRequest: { Key: slotKey(session.slot, id) } },
    ]);
  }

  async *slotMembers(slot: number): AsyncIterable<readonly SlotMember[]> {
    const items = this.#table.query({
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#sk, connectedAt',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': `ping#${slot}` },
    });
    let page: SlotMember[] = [];
    for await (const item of items) {
      page.push({ id: String(item[TABLE.sortKey]), connectedAt: Number(item.connectedAt) });
      if (page.length === PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /** Adds `ns` to the session's namespaces, or deletes it; false when the session is gone. */
  async #updateNamespaces(action: 'ADD' | 'DELETE', id: SocketId, ns: string): Promise<boolean> {
    try {
      await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: sessionKey(id),
          UpdateExpression: `${action} #namespaces :ns`,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#namespaces': 'namespaces' },
          ExpressionAttributeValues: { ':ns': new Set([ns]) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Writes both items; what DynamoDB leaves unprocessed is written again. */
  async #write(
    requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string],
  ): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, 25 * 2 ** attempt));
      if (attempt === 6) throw new Error('DynamoDB left session writes unprocessed 6 times');
      const { UnprocessedItems } = await this.#table.client.send(
        new BatchWriteCommand({ RequestItems: { [this.#table.name]: pending } }),
      );
      pending = UnprocessedItems?.[this.#table.name] ?? [];
    }
  }
}
