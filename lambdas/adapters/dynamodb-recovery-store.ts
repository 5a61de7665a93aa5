import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type { RecoverableSocket, RecoveryStore } from '../core/ports';
import type { SocketId } from '../core/types';
import { ChatTable, type ChatTableOptions } from './chat-table';

const recoveryKey = (pid: string) => ({
  [TABLE.partitionKey]: `pid#${pid}`,
  [TABLE.sortKey]: 'socket',
});

const leftKey = (socketId: SocketId) => ({
  [TABLE.partitionKey]: `left#${socketId}`,
  [TABLE.sortKey]: 'socket',
});

/**
 * `RecoveryStore` in the chat table: one item per socket kept for its reconnection,
 * `pk=pid#<pid>`, `sk=socket`, with its namespace, rooms (a string set), data, user id, socket
 * id, `disconnectedAt` and `ttl`. A take is one conditional DeleteItem returning the item, so a
 * socket is recovered once, only by its namespace and user, and never after it expired (even
 * before TTL removes it). A socket that left its namespace has an item `pk=left#<socket id>`,
 * `sk=socket` with its `ttl`, read strongly consistent.
 *
 * @example
 * const recoveries = new DynamoDbRecoveryStore({ tableName: process.env.TABLE_NAME ?? '', client });
 */
export class DynamoDbRecoveryStore implements RecoveryStore {
  readonly #table: ChatTable;

  constructor(options: ChatTableOptions) {
    this.#table = new ChatTable(options);
  }

  async keep(socket: RecoverableSocket): Promise<void> {
    await this.#table.client.send(
      new PutCommand({
        TableName: this.#table.name,
        Item: {
          ...recoveryKey(socket.pid),
          ns: socket.ns,
          ...(socket.rooms.length === 0 ? {} : { rooms: new Set(socket.rooms) }),
          data: socket.data,
          ...(socket.userId === undefined ? {} : { userId: socket.userId }),
          ...(socket.socketId === undefined ? {} : { socketId: socket.socketId }),
          disconnectedAt: socket.disconnectedAt,
          [TABLE.ttlAttribute]: socket.expiresAt,
        },
      }),
    );
  }

  async take(
    pid: string,
    owner: { readonly ns: string; readonly userId: string | undefined },
    now = Date.now(),
  ): Promise<RecoverableSocket | undefined> {
    try {
      const { Attributes: item } = await this.#table.client.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: recoveryKey(pid),
          ConditionExpression: `#ns = :ns AND #ttl > :now AND ${
            owner.userId === undefined ? 'attribute_not_exists(#user)' : '#user = :user'
          }`,
          ExpressionAttributeNames: { '#ns': 'ns', '#ttl': TABLE.ttlAttribute, '#user': 'userId' },
          ExpressionAttributeValues: {
            ':ns': owner.ns,
            ':now': Math.floor(now / 1000),
            ...(owner.userId === undefined ? {} : { ':user': owner.userId }),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (item === undefined) return undefined;
      return {
        pid,
        ns: String(item.ns),
        rooms: item.rooms instanceof Set ? [...item.rooms].map(String).sort() : [],
        data: item.data !== null && typeof item.data === 'object' ? item.data : {},
        ...(typeof item.userId === 'string' ? { userId: item.userId } : {}),
        ...(typeof item.socketId === 'string' ? { socketId: item.socketId } : {}),
        disconnectedAt: Number(item.disconnectedAt),
        expiresAt: Number(item[TABLE.ttlAttribute]),
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
        return undefined;
      throw error;
    }
  }

  async markLeft(socketId: SocketId, expiresAt: number): Promise<void> {
    await this.#table.client.send(
      new PutCommand({
        TableName: this.#table.name,
        Item: { ...leftKey(socketId), [TABLE.ttlAttribute]: expiresAt },
      }),
    );
  }

  async hasLeft(socketId: SocketId, now = Date.now()): Promise<boolean> {
    const { Item: item } = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.name,
        Key: leftKey(socketId),
        ConsistentRead: true,
      }),
    );
    return item !== undefined && Number(item[TABLE.ttlAttribute]) * 1000 > now;
  }
}
