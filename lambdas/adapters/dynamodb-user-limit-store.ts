import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type {
  Budget,
  ConnectionSlot,
  DeliveryCharge,
  FrameCharge,
  UserLimitStore,
} from '../core/ports';
import type { SocketId } from '../core/types';
import { ChatTable, type ChatTableOptions, type ChatTableItem as Item } from './chat-table';

/**
 * `UserLimitStore` on the chat table (single-table design, keys from `TABLE`), each method one
 * conditional write of an item well under 1 KB (one write request unit):
 *
 * - a user's open connections: `pk=user#<userId>`, `sk=connections`, `conns` (a string set of
 *   connection ids, `ADD`ed only while `size(conns) < max`, `DELETE`d on release; the last
 *   release deletes the item) and `ttl`, the latest connection's expiry;
 * - a budget window: `pk=budget#<key>`, `sk=<window start>`, `m<slice>` (frames per message
 *   window), `d` (recipients) and `ttl`; a frame is one `ADD` conditioned on both counters;
 * - a claim: `pk=claim#<key>`, `sk=<window start>`, put only if absent.
 *
 * A refused write changes nothing; a refused frame reads its window once (consistently) to
 * tell which budget refused it. Never scans.
 *
 * @example
 * const limits = new DynamoDbUserLimitStore({ tableName: process.env.TABLE_NAME ?? 'chat' });
 * await limits.acquireConnection('alice', 'R1kmxc2VNjMCFIA=', 10, expiresAt); // { acquired: true }
 */
export class DynamoDbUserLimitStore implements UserLimitStore {
  readonly #table: ChatTable;

  constructor(options: ChatTableOptions) {
    this.#table = new ChatTable(options);
  }

  async acquireConnection(
    userId: string,
    connectionId: SocketId,
    max: number,
    expiresAt: number,
  ): Promise<ConnectionSlot> {
    const key = connectionsKey(userId);
    const added = await this.#update({
      Key: key,
      UpdateExpression: 'ADD #conns :ids SET #ttl = :ttl',
      ConditionExpression:
        'attribute_not_exists(#conns) OR size(#conns) < :max OR contains(#conns, :id)',
      ExpressionAttributeNames: { '#conns': 'conns', '#ttl': TABLE.ttlAttribute },
      ExpressionAttributeValues: {
        ':ids': new Set([connectionId]),
        ':id': connectionId,
        ':max': max,
        ':ttl': expiresAt,
      },
    });
    if (added !== undefined) return { acquired: true };
    const { Item: item } = await this.#table.client.send(
      new GetCommand({ TableName: this.#table.name, Key: key, ConsistentRead: true }),
    );
    const conns = item?.conns;
    return { acquired: false, holders: conns instanceof Set ? [...conns].map(String) : [] };
  }

  async releaseConnections(userId: string, connectionIds: readonly SocketId[]): Promise<void> {
    if (connectionIds.length === 0) return;
    const key = connectionsKey(userId);
    // Conditioned on the set, so that releasing never creates an item.
    const released = await this.#update({
      Key: key,
      UpdateExpression: 'DELETE #conns :ids',
      ConditionExpression: 'attribute_exists(#conns)',
      ExpressionAttributeNames: { '#conns': 'conns' },
      ExpressionAttributeValues: { ':ids': new Set(connectionIds) },
      ReturnValues: 'ALL_NEW',
    });
    // The last one out deletes the item, unless a connection was added meanwhile.
    if (released && released.conns === undefined) {
      await this.#delete(key, 'attribute_not_exists(#conns)', { '#conns': 'conns' });
    }
  }

  async chargeFrame(charge: FrameCharge): Promise<Budget | undefined> {
    const room =
      charge.deliveryLimit === undefined ? undefined : charge.deliveryLimit - charge.reserve;
    if (room !== undefined && room < 0) return 'deliveries';
    const messages = `m${charge.slice}`;
    const adds = ['#m :one', ...(charge.reserve > 0 ? ['#d :reserve'] : [])];
    const conditions = [
      ...(charge.messageLimit === undefined ? [] : ['(attribute_not_exists(#m) OR #m < :maxM)']),
      ...(room === undefined ? [] : ['(attribute_not_exists(#d) OR #d <= :room)']),
    ];
    const counted = await this.#update({
      Key: budgetKey(charge.key, charge.window),
      UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl`,
      ...(conditions.length === 0 ? {} : { ConditionExpression: conditions.join(' AND ') }),
      ExpressionAttributeNames: {
        '#m': messages,
        '#ttl': TABLE.ttlAttribute,
        ...(charge.reserve > 0 || room !== undefined ? { '#d': 'd' } : {}),
      },
      ExpressionAttributeValues: {
        ':one': 1,
        ':ttl': charge.expiresAt,
        ...(charge.reserve > 0 ? { ':reserve': charge.reserve } : {}),
        ...(charge.messageLimit === undefined ? {} : { ':maxM': charge.messageLimit }),
        ...(room === undefined ? {} : { ':room': room }),
      },
    });
    if (counted !== undefined) return undefined;
    const { Item: item } = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.name,
        Key: budgetKey(charge.key, charge.window),
        ConsistentRead: true,
      }),
    );
    const sent = Number(item?.[messages] ?? 0);
    return charge.messageLimit !== undefined && sent >= charge.messageLimit
      ? 'messages'
      : 'deliveries';
  }

  async chargeDeliveries(charge: DeliveryCharge): Promise<boolean> {
    const room = charge.deliveryLimit - charge.recipients;
    if (room < 0) return false;
    const charged = await this.#update({
      Key: budgetKey(charge.key, charge.window),
      UpdateExpression: 'ADD #d :n SET #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(#d) OR #d <= :room',
      ExpressionAttributeNames: { '#d': 'd', '#ttl': TABLE.ttlAttribute },
      ExpressionAttributeValues: {
        ':n': charge.recipients,
        ':room': room,
        ':ttl': charge.expiresAt,
      },
    });
    return charged !== undefined;
  }

  async claim(key: string, window: number, expiresAt: number): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            [TABLE.partitionKey]: `claim#${key}`,
            [TABLE.sortKey]: String(window),
            [TABLE.ttlAttribute]: expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Sends one conditional update. Resolves with the attributes it returned (`{}` when none),
   * or `undefined` when its condition failed.
   */
  async #update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | undefined> {
    try {
      const result = await this.#table.client.send(
        new UpdateCommand({ TableName: this.#table.name, ...input }),
      );
      return result.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** Deletes the item if `condition` holds; a failed condition is not an error. */
  async #delete(key: Item, condition: string, names: Record<string, string>): Promise<void> {
    try {
      await this.#table.client.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: key,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

function connectionsKey(userId: string): Item {
  return { [TABLE.partitionKey]: `user#${userId}`, [TABLE.sortKey]: 'connections' };
}

function budgetKey(key: string, window: number): Item {
  return { [TABLE.partitionKey]: `budget#${key}`, [TABLE.sortKey]: String(window) };
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
