import {
  DeleteCommand,
  type NativeAttributeValue,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type { PresenceStore } from '../core/ports';
import type { PresenceMember, Room, SocketId, SocketUser } from '../core/types';
import { ChatTable, type ChatTableOptions, type ChatTableItem as Item } from './chat-table';

/** How often `enter` tries again when other writers keep changing the entry under it. */
const MAX_ENTER_ATTEMPTS = 5;

const NAMES = {
  '#conns': 'conns',
  '#name': 'name',
  '#ttl': TABLE.ttlAttribute,
} as const;

export interface DynamoDbPresenceStoreOptions extends ChatTableOptions {
  /** Clock in epoch milliseconds, compared with the items' TTL (epoch seconds). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * `PresenceStore` on the chat table (single-table design, keys from `TABLE`): one item per
 * user and room, `pk=presence#<ns>#<room>`, `sk=<userId>`, with `name`, `conns` (a string
 * set of connection ids) and `ttl`, the latest expiry its connections entered with (never
 * lowered). First and last are decided by single conditional updates, so concurrent calls
 * agree. An entry whose TTL has passed counts as absent, as DynamoDB deletes it only
 * eventually: `list` skips it, `enter` replaces it (first), `exit` answers false.
 * Never scans; every Query paginates.
 *
 * @example
 * const presence = new DynamoDbPresenceStore({ tableName: process.env.TABLE_NAME ?? 'chat' });
 * if (await presence.enter('/', 'lobby', user, socket.id, expiresAt)) await announceJoin(user);
 * const members = await presence.list('/', 'lobby');
 */
export class DynamoDbPresenceStore implements PresenceStore {
  readonly #table: ChatTable;
  readonly #now: () => number;

  constructor(options: DynamoDbPresenceStoreOptions) {
    this.#table = new ChatTable(options);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Tries, in order, the update whose condition matches the entry as it is: start it over
   * when it is absent, empty or expired (first); add to a live one, raising its TTL, or
   * keeping a later one. Each is atomic; a failed condition means another writer changed
   * the entry in between, so the next is tried.
   */
  async enter(
    ns: string,
    room: Room,
    user: SocketUser,
    connectionId: SocketId,
    expiresAt: number,
  ): Promise<boolean> {
    const key = presenceKey(ns, room, user.id);
    const ids = new Set([connectionId]);
    for (let attempt = 1; attempt <= MAX_ENTER_ATTEMPTS; attempt++) {
      const now = this.#nowSeconds();
      const started = await this.#update({
        Key: key,
        UpdateExpression: 'SET #conns = :ids, #name = :name, #ttl = :ttl',
        ConditionExpression:
          'attribute_not_exists(#conns) OR attribute_not_exists(#ttl) OR #ttl <= :now',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':ids': ids,
          ':name': user.name,
          ':ttl': expiresAt,
          ':now': now,
        },
      });
      if (started !== undefined) return true;
      const raised = await this.#update({
        Key: key,
        UpdateExpression: 'ADD #conns :ids SET #name = :name, #ttl = :ttl',
        ConditionExpression: '#ttl > :now AND #ttl <= :ttl',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':ids': ids,
          ':name': user.name,
          ':ttl': expiresAt,
          ':now': now,
        },
        ReturnValues: 'UPDATED_OLD',
      });
      if (raised !== undefined) return isEmptySet(raised.conns);
      const kept = await this.#update({
        Key: key,
        UpdateExpression: 'ADD #conns :ids SET #name = :name',
        ConditionExpression: '#ttl > :now AND #ttl > :ttl',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':ids': ids,
          ':name': user.name,
          ':ttl': expiresAt,
          ':now': now,
        },
        ReturnValues: 'UPDATED_OLD',
      });
      if (kept !== undefined) return isEmptySet(kept.conns);
    }
    throw new Error(
      `The presence of ${user.id} in ${ns} ${room} kept changing; gave up after ${MAX_ENTER_ATTEMPTS} attempts`,
    );
  }

  /**
   * Deletes the connection from the live entry's set (conditioned on it being there, which
   * also keeps the update from creating an item); the last one out then deletes the item,
   * unless someone entered meanwhile.
   */
  async exit(ns: string, room: Room, userId: string, connectionId: SocketId): Promise<boolean> {
    const key = presenceKey(ns, room, userId);
    const old = await this.#update({
      Key: key,
      UpdateExpression: 'DELETE #conns :ids',
      ConditionExpression: 'contains(#conns, :id) AND #ttl > :now',
      ExpressionAttributeNames: { '#conns': NAMES['#conns'], '#ttl': NAMES['#ttl'] },
      ExpressionAttributeValues: {
        ':ids': new Set([connectionId]),
        ':id': connectionId,
        ':now': this.#nowSeconds(),
      },
      ReturnValues: 'UPDATED_OLD',
    });
    const before = old?.conns;
    if (!(before instanceof Set) || before.size !== 1 || !before.has(connectionId)) return false;
    try {
      await this.#table.client.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: key,
          ConditionExpression: 'attribute_not_exists(#conns)',
          ExpressionAttributeNames: { '#conns': NAMES['#conns'] },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    return true;
  }

  async list(ns: string, room: Room): Promise<PresenceMember[]> {
    const members: PresenceMember[] = [];
    const items = this.#table.query({
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#ttl > :now AND attribute_exists(#conns)',
      ProjectionExpression: '#sk, #name, #conns',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, ...NAMES },
      ExpressionAttributeValues: { ':pk': partitionOf(ns, room), ':now': this.#nowSeconds() },
      ConsistentRead: true,
    });
    for await (const item of items) {
      const conns = item.conns;
      members.push({
        user: { id: String(item[TABLE.sortKey]), name: String(item.name ?? '') },
        connections: conns instanceof Set ? conns.size : 0,
      });
    }
    return members;
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

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }
}

function partitionOf(ns: string, room: Room): string {
  return `presence#${ns}#${room}`;
}

function presenceKey(ns: string, room: Room, userId: string): Item {
  return { [TABLE.partitionKey]: partitionOf(ns, room), [TABLE.sortKey]: userId };
}

/** Whether a set of connection ids, as the document client returns it, was absent or empty. */
function isEmptySet(value: NativeAttributeValue): boolean {
  return !(value instanceof Set) || value.size === 0;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
