import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteWriteRequest,
  DeleteCommand,
  GetCommand,
  type NativeAttributeValue,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import { ConnectionGoneError, RoomLimitError } from '../core/errors';
import { mapWithConcurrency } from '../core/map-with-concurrency';
import type { JoinOptions, MembershipStore, RemoveOptions } from '../core/ports';
import { userOf } from '../core/socket';
import type {
  ConnectionRecord,
  Recipient,
  RemovedConnection,
  Room,
  SocketData,
  SocketId,
} from '../core/types';
import { ChatTable, type ChatTableOptions, type ChatTableItem as Item } from './chat-table';

type Key = Record<string, string>;

const BATCH_WRITE_LIMIT = 25;
/** DynamoDB's limit of actions in one TransactWriteItems; one is the socket item's update. */
const TRANSACTION_LIMIT = 100;
const ROOMS_PER_TRANSACTION = TRANSACTION_LIMIT - 1;
const CONNECTION_SORT_KEY = 'conn';
const CONNECTION_PREFIX = 'conn#';
/** Connection items deleted at once by `detachConnections`. */
const DETACH_CONCURRENCY = 16;
/** How often a join or leave is tried again when the socket's rooms changed under it or another transaction held it. */
const MAX_TRANSACTION_ATTEMPTS = 10;

export interface DynamoDbMembershipStoreOptions extends ChatTableOptions {
  /** Attempts for a batch whose items DynamoDB leaves unprocessed. Default 8. */
  readonly maxBatchAttempts?: number;
  /** Backoff before the first retry of unprocessed items, doubled per retry (full jitter). Default 50 ms. */
  readonly baseBackoffMs?: number;
}

/**
 * `MembershipStore` on one DynamoDB table (single-table design, keys from `TABLE`):
 * - socket: `pk=conn#<connection id>`, `sk=conn`, with `ns`, `rooms` (a string set, absent
 *   when empty), `data`, `connectedAt`, `ttl`. Today a socket is its API Gateway connection
 *   (socket id = connection id). Several namespace sockets multiplexed on one connection
 *   (Socket.IO clients) go in the same partition as `sk=sock#<socket id>`, so `$disconnect`
 *   finds all of them with one Query of `conn#<connection id>`;
 * - namespace membership: `pk=ns#<ns>`, `sk=<socket id>`, with `conn` (the connection to post to);
 * - room membership: `pk=room#<ns>#<room>`, `sk=<socket id>`, with `conn` (the socket's own
 *   room included).
 * Every item carries the connection's `expiresAt` as TTL. Never scans; every Query paginates.
 *
 * Joins and leaves never rewrite a list: each is one transaction that `ADD`s (or `DELETE`s)
 * the rooms in the socket's set and puts (or deletes) their membership items, conditioned on
 * the socket item existing (and, for joins, on its room count), so it happens entirely or not
 * at all. Removal deletes the socket item first (`ReturnValues: ALL_OLD`), then the
 * memberships it listed. Every interleaving of a join with a removal of the same socket ends
 * with no membership left:
 * - the join's transaction commits first: the removal reads its rooms from the deleted item
 *   and deletes their memberships;
 * - the removal deletes the socket item first: the join's condition fails and the
 *   transaction writes nothing (`ConnectionGoneError`).
 * DynamoDB serializes a transaction with the single-item delete, so there is no third case.
 *
 * @example
 * const store = new DynamoDbMembershipStore({ tableName: process.env.TABLE_NAME ?? 'chat' });
 * await store.join(record, ['lobby'], { maxRooms: 100 });
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
      ...(rooms.length === 0 ? {} : { rooms: new Set(rooms) }),
      data: record.data,
      connectedAt: record.connectedAt,
      ...(record.handshake === undefined ? {} : { handshake: JSON.stringify(record.handshake) }),
      ...(record.protocol === undefined ? {} : { protocol: record.protocol }),
      ...(record.connection === undefined ? {} : { connection: record.connection }),
      ...(record.pid === undefined ? {} : { pid: record.pid }),
      [TABLE.ttlAttribute]: record.expiresAt,
    };
    const memberships = [
      namespaceKey(record.ns, record.id),
      roomKey(record.ns, record.id, record.id),
      ...rooms.map((room) => roomKey(record.ns, room, record.id)),
    ].map((key) => membershipItem(key, record));
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
      rooms: roomsOf(item.rooms),
      data: isSocketData(item.data) ? item.data : {},
      connectedAt: Number(item.connectedAt),
      expiresAt: Number(item[TABLE.ttlAttribute]),
      ...(typeof item.handshake === 'string' ? { handshake: JSON.parse(item.handshake) } : {}),
      ...(item.turn === undefined ? {} : { turn: Number(item.turn) }),
      ...(item.protocol === 'socket.io' ? { protocol: 'socket.io' as const } : {}),
      ...(typeof item.connection === 'string' ? { connection: item.connection } : {}),
      ...(typeof item.pid === 'string' ? { pid: item.pid } : {}),
    };
  }

  async detachConnections(
    ids: readonly SocketId[],
    options: RemoveOptions = {},
  ): Promise<RemovedConnection[]> {
    const results = await mapWithConcurrency(unique(ids), DETACH_CONCURRENCY, (id) =>
      this.#detach(id, options.connectedBefore),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return results.flatMap((result) =>
      result.status === 'fulfilled' && result.value ? [result.value] : [],
    );
  }

  async removeMemberships(connections: readonly RemovedConnection[]): Promise<void> {
    const memberships = connections.flatMap(({ id, ns, rooms }) => [
      namespaceKey(ns, id),
      roomKey(ns, id, id),
      ...rooms.map((room) => roomKey(ns, room, id)),
    ]);
    await this.#batchWrite(uniqueKeys(memberships).map((key) => ({ DeleteRequest: { Key: key } })));
  }

  async join(
    record: ConnectionRecord,
    rooms: readonly Room[],
    options: JoinOptions = {},
  ): Promise<void> {
    const joining = explicitRooms(record.id, rooms);
    const { maxRooms } = options;
    if (maxRooms !== undefined && joining.length > maxRooms) {
      throw new RoomLimitError(record.id, maxRooms);
    }
    const joined: Room[] = [];
    let known = new Set(record.rooms);
    try {
      for (let start = 0; start < joining.length; start += ROOMS_PER_TRANSACTION) {
        const chunk = joining.slice(start, start + ROOMS_PER_TRANSACTION);
        known = await this.#joinChunk(record, chunk, known, maxRooms);
        joined.push(...chunk);
      }
    } catch (error) {
      // A join of more rooms than one transaction holds is undone as a whole.
      if (joined.length > 0) await this.leave(record, joined).catch(() => undefined);
      throw error;
    }
  }

  async leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void> {
    const leaving = explicitRooms(record.id, rooms);
    for (let start = 0; start < leaving.length; start += ROOMS_PER_TRANSACTION) {
      const chunk = leaving.slice(start, start + ROOMS_PER_TRANSACTION);
      const memberships = chunk.map((room) => roomKey(record.ns, room, record.id));
      const outcome = await this.#transact(() => [
        {
          Update: {
            TableName: this.#table.name,
            Key: connectionKey(record.id),
            UpdateExpression: 'DELETE #rooms :rooms',
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#rooms': 'rooms', '#pk': TABLE.partitionKey },
            ExpressionAttributeValues: { ':rooms': new Set(chunk) },
          },
        },
        ...memberships.map((key) => ({ Delete: { TableName: this.#table.name, Key: key } })),
      ]);
      if (outcome.kind === 'gone') {
        // Detached meanwhile: its remover deletes what the item listed; these go too.
        await this.#batchWrite(memberships.map((key) => ({ DeleteRequest: { Key: key } })));
      }
    }
  }

  async members(ns: string, room?: Room): Promise<SocketId[]> {
    return (await this.recipients(ns, room)).map((recipient) => recipient.id);
  }

  async recipients(ns: string, room?: Room): Promise<Recipient[]> {
    const partition = room === undefined ? `ns#${ns}` : `room#${ns}#${room}`;
    const recipients: Recipient[] = [];
    const items = this.#table.query({
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#sk, #protocol, #conn',
      ExpressionAttributeNames: {
        '#pk': TABLE.partitionKey,
        '#sk': TABLE.sortKey,
        '#protocol': 'protocol',
        '#conn': 'conn',
      },
      ExpressionAttributeValues: { ':pk': partition },
      ConsistentRead: true,
    });
    for await (const item of items) {
      const id = String(item[TABLE.sortKey]);
      if (item.protocol !== 'socket.io') {
        recipients.push({ id });
        continue;
      }
      const connection = typeof item.conn === 'string' && item.conn !== id ? item.conn : undefined;
      recipients.push({ id, protocol: 'socket.io', ...(connection ? { connection } : {}) });
    }
    return recipients;
  }

  async endTurn(id: SocketId, n: number): Promise<void> {
    try {
      await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: connectionKey(id),
          UpdateExpression: 'SET #turn = :n',
          ConditionExpression:
            'attribute_exists(#pk) AND (attribute_not_exists(#turn) OR #turn < :n)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#turn': 'turn' },
          ExpressionAttributeValues: { ':n': n },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
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
   * One transaction of a join: adds `chunk` to the socket's set and puts their memberships,
   * conditioned on the socket existing and, with `maxRooms`, on its set having room for the
   * rooms it does not hold yet (`known` is the guess of what it holds: rooms counted as held
   * are checked with `contains`). A failed condition on a socket that exists tells what it
   * holds: the guess is corrected and the transaction tried again. Resolves with the rooms
   * the socket now holds, as far as this call knows.
   */
  async #joinChunk(
    record: ConnectionRecord,
    chunk: readonly Room[],
    known: ReadonlySet<Room>,
    maxRooms: number | undefined,
  ): Promise<Set<Room>> {
    let current = new Set(known);
    for (let attempt = 1; attempt <= MAX_TRANSACTION_ATTEMPTS; attempt++) {
      const fresh = chunk.filter((room) => !current.has(room));
      if (maxRooms !== undefined && attempt > 1 && current.size + fresh.length > maxRooms) {
        throw new RoomLimitError(record.id, maxRooms);
      }
      const outcome = await this.#transact(() => [
        { Update: this.#addRoomsUpdate(record, chunk, current, maxRooms) },
        ...chunk.map((room) => ({
          Put: {
            TableName: this.#table.name,
            Item: membershipItem(roomKey(record.ns, room, record.id), record),
          },
        })),
      ]);
      if (outcome.kind === 'done') return new Set([...current, ...chunk]);
      if (outcome.kind === 'gone') throw new ConnectionGoneError(record.id);
      current = new Set(outcome.rooms);
    }
    throw new Error(
      `The rooms of connection ${record.id} kept changing; gave up after ${MAX_TRANSACTION_ATTEMPTS} attempts`,
    );
  }

  /** The socket item's part of a join: `ADD` the rooms, under the conditions of `#joinChunk`. */
  #addRoomsUpdate(
    record: ConnectionRecord,
    chunk: readonly Room[],
    current: ReadonlySet<Room>,
    maxRooms: number | undefined,
  ) {
    const conditions = ['attribute_exists(#pk)'];
    const values: Item = { ':rooms': new Set(chunk) };
    if (maxRooms !== undefined) {
      const held = chunk.filter((room) => current.has(room));
      const fresh = chunk.length - held.length;
      conditions.push('(attribute_not_exists(#rooms) OR size(#rooms) <= :budget)');
      values[':budget'] = maxRooms - fresh;
      held.forEach((room, index) => {
        conditions.push(`contains(#rooms, :held${index})`);
        values[`:held${index}`] = room;
      });
    }
    return {
      TableName: this.#table.name,
      Key: connectionKey(record.id),
      UpdateExpression: 'ADD #rooms :rooms',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#rooms': 'rooms', '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /**
   * Runs a transaction whose first action is conditioned on the socket item, retrying (with
   * backoff) while another transaction holds one of its items. Resolves `done`, `gone` (no
   * socket item) or, when the condition failed on an existing socket, the rooms it holds.
   */
  async #transact(
    actions: () => NonNullable<TransactWriteCommandInput['TransactItems']>,
  ): Promise<TransactOutcome> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.#backoff(attempt, 'a transaction in conflict');
      try {
        await this.#table.client.send(new TransactWriteCommand({ TransactItems: actions() }));
        return { kind: 'done' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons === undefined) throw error;
        if (reasons.some((reason) => reason.Code === 'TransactionConflict')) continue;
        const socket = reasons[0];
        if (socket?.Code !== 'ConditionalCheckFailed') throw error;
        if (socket.Item === undefined) return { kind: 'gone' };
        return { kind: 'changed', rooms: socket.Item.rooms?.SS ?? [] };
      }
    }
  }

  /** Deletes one socket item (if older than `connectedBefore`) and answers what it held. */
  async #detach(
    id: SocketId,
    connectedBefore: number | undefined,
  ): Promise<RemovedConnection | undefined> {
    try {
      const { Attributes: item } = await this.#table.client.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: connectionKey(id),
          ...(connectedBefore === undefined
            ? {
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              }
            : {
                ConditionExpression: '#connectedAt < :before',
                ExpressionAttributeNames: { '#connectedAt': 'connectedAt' },
                ExpressionAttributeValues: { ':before': connectedBefore },
              }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (item === undefined) return undefined;
      return {
        id,
        ns: String(item.ns),
        rooms: roomsOf(item.rooms),
        user: isSocketData(item.data) ? userOf(item.data) : undefined,
      };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
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

/** The rooms of a socket item: a string set (absent when empty). */
function roomsOf(value: NativeAttributeValue): Room[] {
  return value instanceof Set ? [...value].map(String).sort() : [];
}

/**
 * A namespace or room membership of the record's socket, naming the connection to post to and
 * (for Socket.IO) the protocol to encode in.
 */
function membershipItem(key: Key, record: ConnectionRecord): Item {
  return {
    ...key,
    conn: record.connection ?? record.id,
    ...(record.protocol === undefined ? {} : { protocol: record.protocol }),
    [TABLE.ttlAttribute]: record.expiresAt,
  };
}

/** What a transaction on a socket came to. */
type TransactOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'changed'; readonly rooms: readonly Room[] };

interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, AttributeValue>;
}

/** The reasons of a cancelled transaction, one per action, or `undefined` for another error. */
function cancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  return reasons ?? [];
}

function isSocketData(value: unknown): value is SocketData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
