import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteWriteRequest,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import { ConnectionGoneError } from '../core/errors';
import type { MembershipStore, RemoveOptions } from '../core/ports';
import { userOf } from '../core/socket';
import type {
  ConnectionRecord,
  RemovedConnection,
  Room,
  SocketData,
  SocketId,
} from '../core/types';
import { ChatTable, type ChatTableOptions, type ChatTableItem as Item } from './chat-table';

type Key = Record<string, string>;
/** What `removeConnections` reads of a connection item. */
type StoredConnection = RemovedConnection & Pick<ConnectionRecord, 'connectedAt'>;

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const CONNECTION_SORT_KEY = 'conn';
const CONNECTION_PREFIX = 'conn#';
/** How often `join`/`leave` re-read the rooms list when other writers keep changing it. */
const MAX_ROOMS_UPDATE_ATTEMPTS = 10;

export interface DynamoDbMembershipStoreOptions extends ChatTableOptions {
  /** Attempts for a batch whose items DynamoDB leaves unprocessed. Default 8. */
  readonly maxBatchAttempts?: number;
  /** Backoff before the first retry of unprocessed items, doubled per retry (full jitter). Default 50 ms. */
  readonly baseBackoffMs?: number;
}

/**
 * `MembershipStore` on one DynamoDB table (single-table design, keys from `TABLE`):
 * - connection: `pk=conn#<id>`, `sk=conn`, with `ns`, `rooms`, `data`, `connectedAt`, `ttl`;
 * - namespace membership: `pk=ns#<ns>`, `sk=<id>`;
 * - room membership: `pk=room#<ns>#<room>`, `sk=<id>` (the connection's own room included).
 * Every item carries the connection's `expiresAt` as TTL. Never scans; every Query paginates.
 *
 * @example
 * const store = new DynamoDbMembershipStore({ tableName: process.env.TABLE_NAME ?? 'chat' });
 * await store.join(record, ['lobby']);
 * const ids = await store.members('/', 'lobby');
 */
export class DynamoDbMembershipStore implements MembershipStore {
  readonly #table: ChatTable;
  readonly #maxBatchAttempts: number;
  readonly #baseBackoffMs: number;

  constructor(options: DynamoDbMembershipStoreOptions) {
    this.#table = new ChatTable(options);
    this.#maxBatchAttempts = options.maxBatchAttempts ?? 8;
    this.#baseBackoffMs = options.baseBackoffMs ?? 50;
  }

  async addConnection(record: ConnectionRecord): Promise<void> {
    const rooms = explicitRooms(record.id, record.rooms);
    const connection: Item = {
      ...connectionKey(record.id),
      ns: record.ns,
      rooms,
      data: record.data,
      connectedAt: record.connectedAt,
      [TABLE.ttlAttribute]: record.expiresAt,
    };
    const memberships = [
      namespaceKey(record.ns, record.id),
      roomKey(record.ns, record.id, record.id),
      ...rooms.map((room) => roomKey(record.ns, room, record.id)),
    ].map((key) => ({ ...key, [TABLE.ttlAttribute]: record.expiresAt }));
    await this.#batchWrite(
      [connection, ...memberships].map((item) => ({ PutRequest: { Item: item } })),
    );
  }

  async getConnection(id: SocketId): Promise<ConnectionRecord | undefined> {
    const { Item: item } = await this.#table.client.send(
      new GetCommand({ TableName: this.#table.name, Key: connectionKey(id), ConsistentRead: true }),
    );
    if (item === undefined) return undefined;
    return {
      id,
      ns: String(item.ns),
      rooms: Array.isArray(item.rooms) ? item.rooms.map(String) : [],
      data: isSocketData(item.data) ? item.data : {},
      connectedAt: Number(item.connectedAt),
      expiresAt: Number(item[TABLE.ttlAttribute]),
    };
  }

  async removeConnections(
    ids: readonly SocketId[],
    options: RemoveOptions = {},
  ): Promise<RemovedConnection[]> {
    const { connectedBefore } = options;
    const connections = (await this.#batchGetConnections(unique(ids))).filter(
      (connection) => connectedBefore === undefined || connection.connectedAt < connectedBefore,
    );
    const memberships = connections.flatMap(({ id, ns, rooms }) => [
      namespaceKey(ns, id),
      roomKey(ns, id, id),
      ...rooms.map((room) => roomKey(ns, room, id)),
    ]);
    // Connection items go last, so a removal cut short can be repeated.
    await this.#batchWrite(uniqueKeys(memberships).map((key) => ({ DeleteRequest: { Key: key } })));
    await this.#batchWrite(
      connections.map(({ id }) => ({ DeleteRequest: { Key: connectionKey(id) } })),
    );
    return connections.map(({ id, ns, rooms, user }) => ({ id, ns, rooms, user }));
  }

  async join(record: ConnectionRecord, rooms: readonly Room[]): Promise<void> {
    const joining = explicitRooms(record.id, rooms);
    const memberships = joining.map((room) => roomKey(record.ns, room, record.id));
    await this.#batchWrite(
      memberships.map((key) => ({
        PutRequest: { Item: { ...key, [TABLE.ttlAttribute]: record.expiresAt } },
      })),
    );
    try {
      await this.#updateRooms(record, (current) => unique([...current, ...joining]));
    } catch (error) {
      if (error instanceof ConnectionGoneError) {
        await this.#batchWrite(memberships.map((key) => ({ DeleteRequest: { Key: key } })));
      }
      throw error;
    }
  }

  async leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void> {
    const leaving = explicitRooms(record.id, rooms);
    if (leaving.length === 0) return;
    // Memberships first: a rooms list that still names a room lets `removeConnections` clean it.
    await this.#batchWrite(
      leaving.map((room) => ({ DeleteRequest: { Key: roomKey(record.ns, room, record.id) } })),
    );
    try {
      await this.#updateRooms(record, (current) =>
        current.filter((room) => !leaving.includes(room)),
      );
    } catch (error) {
      if (!(error instanceof ConnectionGoneError)) throw error;
    }
  }

  async members(ns: string, room?: Room): Promise<SocketId[]> {
    const partition = room === undefined ? `ns#${ns}` : `room#${ns}#${room}`;
    const ids: SocketId[] = [];
    const items = this.#table.query({
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#sk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': partition },
      ConsistentRead: true,
    });
    for await (const item of items) ids.push(String(item[TABLE.sortKey]));
    return ids;
  }

  async saveData(id: SocketId, data: SocketData): Promise<void> {
    try {
      await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: connectionKey(id),
          UpdateExpression: 'SET #data = :data',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#data': 'data', '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':data': data },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /**
   * Replaces the connection's rooms list by `change(current)`, conditioned on the list being
   * `current` (compare-and-swap); `record.rooms` is the first guess of `current`.
   */
  async #updateRooms(record: ConnectionRecord, change: (current: Room[]) => Room[]): Promise<void> {
    let current = [...record.rooms];
    for (let attempt = 1; attempt <= MAX_ROOMS_UPDATE_ATTEMPTS; attempt++) {
      try {
        await this.#table.client.send(
          new UpdateCommand({
            TableName: this.#table.name,
            Key: connectionKey(record.id),
            UpdateExpression: 'SET #rooms = :next',
            ConditionExpression: 'attribute_exists(#pk) AND #rooms = :current',
            ExpressionAttributeNames: { '#rooms': 'rooms', '#pk': TABLE.partitionKey },
            ExpressionAttributeValues: { ':next': change(current), ':current': current },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        if (error.Item === undefined) throw new ConnectionGoneError(record.id);
        current = roomsOf(error.Item);
      }
    }
    throw new Error(
      `The rooms of connection ${record.id} kept changing; gave up after ${MAX_ROOMS_UPDATE_ATTEMPTS} attempts`,
    );
  }

  /** Writes in chunks of 25, retrying unprocessed items with exponential backoff. */
  async #batchWrite(requests: readonly BatchWriteWriteRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 1) await this.#backoff(attempt, `${pending.length} writes`);
        const result = await this.#table.client.send(
          new BatchWriteCommand({ RequestItems: { [this.#table.name]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.#table.name] ?? [];
      }
    }
  }

  /** Reads the connection items of `ids` (chunks of 100, unprocessed keys retried); unknown ids are skipped. */
  async #batchGetConnections(ids: readonly SocketId[]): Promise<StoredConnection[]> {
    const found: StoredConnection[] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let pending: Item[] = ids.slice(start, start + BATCH_GET_LIMIT).map(connectionKey);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 1) await this.#backoff(attempt, `${pending.length} reads`);
        const result = await this.#table.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.#table.name]: {
                Keys: pending,
                ProjectionExpression: '#pk, #ns, #rooms, #connectedAt, #data.#user',
                ExpressionAttributeNames: {
                  '#pk': TABLE.partitionKey,
                  '#ns': 'ns',
                  '#rooms': 'rooms',
                  '#connectedAt': 'connectedAt',
                  '#data': 'data',
                  '#user': 'user',
                },
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of result.Responses?.[this.#table.name] ?? []) {
          found.push({
            id: String(item[TABLE.partitionKey]).slice(CONNECTION_PREFIX.length),
            ns: String(item.ns),
            rooms: Array.isArray(item.rooms) ? item.rooms.map(String) : [],
            connectedAt: Number(item.connectedAt),
            user: isSocketData(item.data) ? userOf(item.data) : undefined,
          });
        }
        pending = result.UnprocessedKeys?.[this.#table.name]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Waits before retry number `attempt`, or throws once the attempts are used up. */
  async #backoff(attempt: number, what: string): Promise<void> {
    if (attempt > this.#maxBatchAttempts) {
      throw new Error(`DynamoDB left ${what} unprocessed after ${this.#maxBatchAttempts} attempts`);
    }
    const ceiling = Math.min(5_000, this.#baseBackoffMs * 2 ** (attempt - 2));
    await new Promise((done) => setTimeout(done, Math.random() * ceiling));
  }
}

function connectionKey(id: SocketId): Key {
  return {
    [TABLE.partitionKey]: `${CONNECTION_PREFIX}${id}`,
    [TABLE.sortKey]: CONNECTION_SORT_KEY,
  };
}

function namespaceKey(ns: string, id: SocketId): Key {
  return { [TABLE.partitionKey]: `ns#${ns}`, [TABLE.sortKey]: id };
}

function roomKey(ns: string, room: Room, id: SocketId): Key {
  return { [TABLE.partitionKey]: `room#${ns}#${room}`, [TABLE.sortKey]: id };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** The rooms a connection joins explicitly: deduplicated, without its own room. */
function explicitRooms(id: SocketId, rooms: readonly Room[]): Room[] {
  return unique(rooms).filter((room) => room !== id);
}

/** A batch must not name the same key twice. */
function uniqueKeys(keys: readonly Key[]): Key[] {
  const byKey = new Map(
    keys.map((key) => [`${key[TABLE.partitionKey]}\u0000${key[TABLE.sortKey]}`, key]),
  );
  return [...byKey.values()];
}

function roomsOf(item: Record<string, AttributeValue>): Room[] {
  return (item.rooms?.L ?? []).flatMap((value) => (value.S === undefined ? [] : [value.S]));
}

function isSocketData(value: unknown): value is SocketData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isConditionalCheckFailed(
  error: unknown,
): error is Error & { Item?: Record<string, AttributeValue> } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
