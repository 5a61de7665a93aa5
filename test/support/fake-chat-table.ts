import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  type NativeAttributeValue,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, NativeAttributeValue>;
type Names = Record<string, string> | undefined;
type Values = Record<string, NativeAttributeValue> | undefined;

/** A connection to put straight into the table, as `DynamoDbMembershipStore.addConnection` + `join` would. */
export interface SeededConnection {
  readonly id: string;
  readonly ns: string;
  readonly rooms?: readonly string[];
  readonly data?: Record<string, unknown>;
  /** Epoch ms. Default: an hour ago (older than the 30 s connect grace). */
  readonly connectedAt?: number;
}

/**
 * A small in-memory stand-in for the chat table behind `mockClient(DynamoDBDocumentClient)`:
 * Get, Query (one `#pk = :pk` key condition, sorted by `sk`, `Limit`/`ExclusiveStartKey`
 * honoured, pages of `pageSize` items when no `Limit` is given, like DynamoDB's 1 MB pages),
 * BatchGet, BatchWrite (at most 25 requests, no duplicate keys), Put, Update and Delete
 * (`SET` updates; `attribute_exists(...)` and `x = :y` conditions joined by `AND`, with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). Scan always fails.
 *
 * @example
 * const table = new FakeChatTable('chat');
 * table.attach(mockClient(DynamoDBDocumentClient));
 */
export class FakeChatTable {
  private readonly items = new Map<string, Item>();

  constructor(
    readonly tableName: string,
    readonly pageSize = 100,
  ) {}

  /** Routes every table command of the mocked document client to this table. */
  attach(ddb: AwsClientStub<DynamoDBDocumentClient>): void {
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => this.getItem(input));
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => this.query(input));
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => this.batchGet(input));
    ddb.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => this.batchWrite(input));
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => this.putItem(input));
    ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => this.updateItem(input));
    ddb.on(DeleteCommand).callsFake((input: DeleteCommandInput) => this.deleteItem(input));
    ddb.on(ScanCommand).rejects(new Error('FakeChatTable: the chat must never Scan'));
  }

  clear(): void {
    this.items.clear();
  }

  get(pk: string, sk: string): Item | undefined {
    const item = this.items.get(keyOf({ pk, sk }));
    return item && structuredClone(item);
  }

  /** Every item of a partition, sorted by sort key. */
  partition(pk: string): Item[] {
    return [...this.items.values()]
      .filter((item) => item.pk === pk)
      .sort((a, b) => compare(String(a.sk), String(b.sk)))
      .map((item) => structuredClone(item));
  }

  /** `"<pk> <sk>"` of every item that belongs to a connection (its own item and its memberships), sorted. */
  keysOf(connectionId: string): string[] {
    return [...this.items.values()]
      .filter((item) => item.pk === `conn#${connectionId}` || item.sk === connectionId)
      .map((item) => `${item.pk} ${item.sk}`)
      .sort();
  }

  get size(): number {
    return this.items.size;
  }

  /** Puts a connection, its namespace membership, its own room and its rooms, key scheme of the store. */
  seedConnection(connection: SeededConnection): void {
    const connectedAt = connection.connectedAt ?? Date.now() - 60 * 60 * 1000;
    const ttl = Math.floor(connectedAt / 1000) + 2 * 60 * 60 + 15 * 60;
    const { id, ns } = connection;
    const rooms = [...(connection.rooms ?? [])];
    this.store({
      pk: `conn#${id}`,
      sk: 'conn',
      ns,
      rooms,
      data: connection.data ?? {},
      connectedAt,
      ttl,
    });
    for (const pk of [`ns#${ns}`, `room#${ns}#${id}`, ...rooms.map((room) => `room#${ns}#${room}`)])
      this.store({ pk, sk: id, ttl });
  }

  private getItem(input: GetCommandInput) {
    this.checkTable(input.TableName);
    const item = this.items.get(keyOf(input.Key));
    return item ? { Item: structuredClone(item) } : {};
  }

  private query(input: QueryCommandInput) {
    this.checkTable(input.TableName);
    const match = /^\s*(\S+)\s*=\s*(:\w+)\s*$/.exec(input.KeyConditionExpression ?? '');
    if (
      !match?.[1] ||
      !match[2] ||
      attributeName(match[1], input.ExpressionAttributeNames) !== 'pk'
    )
      throw new Error(`FakeChatTable: unsupported key condition ${input.KeyConditionExpression}`);
    const pk = input.ExpressionAttributeValues?.[match[2]];
    const all = this.partition(String(pk));
    const after = input.ExclusiveStartKey?.sk;
    const start =
      after === undefined ? 0 : countWhile(all, (item) => compare(String(item.sk), after) <= 0);
    const limit = input.Limit ?? this.pageSize;
    const page = all.slice(start, start + limit);
    const last = page.at(-1);
    // DynamoDB returns a LastEvaluatedKey whenever `Limit` stopped the page, even at the end.
    const more = start + limit < all.length || (input.Limit !== undefined && page.length === limit);
    return {
      Items: page,
      Count: page.length,
      ScannedCount: page.length,
      ...(more && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
    };
  }

  private batchGet(input: BatchGetCommandInput) {
    const entries = Object.entries(input.RequestItems ?? {});
    const keys = entries.flatMap(([table, request]) => {
      this.checkTable(table);
      return request.Keys ?? [];
    });
    if (keys.length > 100) throw validation('Too many items requested for the BatchGetItem call');
    checkNoDuplicates(keys);
    const found = keys.flatMap((key) => {
      const item = this.items.get(keyOf(key));
      return item ? [structuredClone(item)] : [];
    });
    return { Responses: { [this.tableName]: found }, UnprocessedKeys: {} };
  }

  private batchWrite(input: BatchWriteCommandInput) {
    const requests = Object.entries(input.RequestItems ?? {}).flatMap(([table, list]) => {
      this.checkTable(table);
      return list;
    });
    if (requests.length === 0 || requests.length > 25)
      throw validation(`BatchWriteItem takes 1 to 25 requests, got ${requests.length}`);
    checkNoDuplicates(
      requests.map((request) => request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}),
    );
    for (const request of requests) {
      if (request.PutRequest?.Item) this.store(request.PutRequest.Item);
      else if (request.DeleteRequest?.Key) this.items.delete(keyOf(request.DeleteRequest.Key));
      else throw validation('A write request needs a PutRequest or a DeleteRequest');
    }
    return { UnprocessedItems: {} };
  }

  private putItem(input: PutCommandInput) {
    this.checkTable(input.TableName);
    const key = keyOf(input.Item);
    this.checkCondition(input, this.items.get(key));
    this.store(input.Item ?? {});
    return {};
  }

  private updateItem(input: UpdateCommandInput) {
    this.checkTable(input.TableName);
    const key = keyOf(input.Key);
    const current = this.items.get(key);
    this.checkCondition(input, current);
    const match = /^\s*SET\s+(.+)$/i.exec(input.UpdateExpression ?? '');
    if (!match?.[1])
      throw new Error(`FakeChatTable: unsupported update ${input.UpdateExpression ?? ''}`);
    const next: Item = structuredClone(current ?? { ...input.Key });
    for (const assignment of match[1].split(',')) {
      const [name, value] = assignment.split('=').map((part) => part.trim());
      if (!name || !value?.startsWith(':'))
        throw new Error(`FakeChatTable: unsupported assignment ${assignment}`);
      next[attributeName(name, input.ExpressionAttributeNames)] = structuredClone(
        input.ExpressionAttributeValues?.[value],
      );
    }
    this.items.set(key, next);
    return {};
  }

  private deleteItem(input: DeleteCommandInput) {
    this.checkTable(input.TableName);
    const key = keyOf(input.Key);
    this.checkCondition(input, this.items.get(key));
    this.items.delete(key);
    return {};
  }

  private store(item: Item): void {
    this.items.set(keyOf(item), structuredClone(item));
  }

  private checkTable(tableName: string | undefined): void {
    if (tableName !== this.tableName)
      throw Object.assign(new Error(`Requested resource not found: Table: ${tableName}`), {
        name: 'ResourceNotFoundException',
      });
  }

  private checkCondition(
    input: {
      ConditionExpression?: string | undefined;
      ExpressionAttributeNames?: Names;
      ExpressionAttributeValues?: Values;
      ReturnValuesOnConditionCheckFailure?: string | undefined;
    },
    current: Item | undefined,
  ): void {
    if (!input.ConditionExpression) return;
    const holds = input.ConditionExpression.split(/\s+AND\s+/i).every((clause) => {
      const names = input.ExpressionAttributeNames;
      const exists = /^\s*attribute_exists\((\S+)\)\s*$/.exec(clause);
      if (exists?.[1]) return current?.[attributeName(exists[1], names)] !== undefined;
      const equals = /^\s*(\S+)\s*=\s*(:\w+)\s*$/.exec(clause);
      if (equals?.[1] && equals[2]) {
        const actual = current?.[attributeName(equals[1], names)];
        const expected = input.ExpressionAttributeValues?.[equals[2]];
        return actual !== undefined && JSON.stringify(actual) === JSON.stringify(expected);
      }
      throw new Error(`FakeChatTable: unsupported condition ${clause}`);
    });
    if (holds) return;
    const old =
      input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && current
        ? (toAttributeValue(current).M as Record<string, AttributeValue>)
        : undefined;
    throw new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      ...(old ? { Item: old } : {}),
    });
  }
}

function keyOf(key: Record<string, NativeAttributeValue> | undefined): string {
  const pk = key?.pk;
  const sk = key?.sk;
  if (typeof pk !== 'string' || typeof sk !== 'string' || pk === '' || sk === '')
    throw validation('The provided key element does not match the schema');
  return `${pk}\u0000${sk}`;
}

function attributeName(token: string, names: Names): string {
  if (!token.startsWith('#')) return token;
  const name = names?.[token];
  if (name === undefined) throw validation(`Unresolved attribute name ${token}`);
  return name;
}

function checkNoDuplicates(keys: readonly Record<string, NativeAttributeValue>[]): void {
  const seen = keys.map(keyOf);
  if (new Set(seen).size !== seen.length)
    throw validation('Provided list of item keys contains duplicates');
}

/** DynamoDB orders string sort keys by their UTF-8 bytes. */
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function countWhile<T>(values: readonly T[], test: (value: T) => boolean): number {
  let count = 0;
  while (count < values.length && test(values[count] as T)) count++;
  return count;
}

function validation(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

/** The low-level form of a native value, as DynamoDB returns it in `ALL_OLD` error items. */
function toAttributeValue(value: NativeAttributeValue): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  return {
    M: Object.fromEntries(
      Object.entries(value as Record<string, NativeAttributeValue>).map(([key, entry]) => [
        key,
        toAttributeValue(entry),
      ]),
    ),
  };
}
