import {
  type AttributeValue,
  type CancellationReason,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
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
  TransactWriteCommand,
  type TransactWriteCommandInput,
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
 * A small in-memory stand-in for the chat table behind `mockClient(DynamoDBDocumentClient)`,
 * strict where DynamoDB is (undefined or unused expression names and values, reserved words
 * as bare names, BETWEEN bounds, 25-item batches) and loud about anything it does not know:
 * - Get (`ProjectionExpression` of top-level names), Put, Delete, BatchGet, BatchWrite;
 * - TransactWrite of Put, Update, Delete and ConditionCheck (at most 100, one per item): every
 *   condition is checked first, then all are applied, or none with a
 *   `TransactionCanceledException` whose `CancellationReasons` say which failed (with the old
 *   item under `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`);
 * - Query: `#pk = :pk`, optionally `AND` one sort key condition (`=`, `<`, `<=`, `>`, `>=`,
 *   `BETWEEN`, `begins_with`); `ScanIndexForward`; `Limit`/`ExclusiveStartKey`, pages of
 *   `pageSize` items when no `Limit` is given (like DynamoDB's 1 MB pages); a
 *   `FilterExpression` applied after `Limit`; `ProjectionExpression`;
 * - Update: `SET a = :v` (comma-separated), `ADD a :n` (numbers and sets), `DELETE a :set`
 *   (an emptied set disappears), `REMOVE a`; `ReturnValues` of every kind;
 * - conditions and filters: `attribute_exists`, `attribute_not_exists`, `contains`, `size`,
 *   `begins_with`, comparisons and `BETWEEN`, combined with `AND`, `OR`, `NOT` and
 *   parentheses; a failed condition throws `ConditionalCheckFailedException` (with the old
 *   item under `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`).
 * Sets are `Set<string>`/`Set<number>`, as the document client returns them. Scan always fails.
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

  /**
   * Routes every table command of the mocked document client here; answers are promises, as
   * the SDK's. With `gate`, each request first waits for it, then runs atomically, as on
   * DynamoDB: a test can order concurrent requests (e.g. `() => scheduler.schedule(...)`).
   */
  attach(ddb: AwsClientStub<DynamoDBDocumentClient>, gate?: () => Promise<unknown>): void {
    const run =
      <Input, Output>(handle: (input: Input) => Output) =>
      async (input: Input): Promise<Output> => {
        await gate?.();
        return handle(input);
      };
    ddb.on(GetCommand).callsFake(run((input: GetCommandInput) => this.getItem(input)));
    ddb.on(QueryCommand).callsFake(run((input: QueryCommandInput) => this.query(input)));
    ddb.on(BatchGetCommand).callsFake(run((input: BatchGetCommandInput) => this.batchGet(input)));
    ddb
      .on(BatchWriteCommand)
      .callsFake(run((input: BatchWriteCommandInput) => this.batchWrite(input)));
    ddb.on(PutCommand).callsFake(run((input: PutCommandInput) => this.putItem(input)));
    ddb.on(UpdateCommand).callsFake(run((input: UpdateCommandInput) => this.updateItem(input)));
    ddb.on(DeleteCommand).callsFake(run((input: DeleteCommandInput) => this.deleteItem(input)));
    ddb
      .on(TransactWriteCommand)
      .callsFake(run((input: TransactWriteCommandInput) => this.transactWrite(input)));
    ddb.on(ScanCommand).rejects(new Error('FakeChatTable: the chat must never Scan'));
  }

  /** A copy of every item: to check invariants across partitions. */
  allItems(): Item[] {
    return [...this.items.values()].map((item) => clone(item));
  }

  clear(): void {
    this.items.clear();
  }

  get(pk: string, sk: string): Item | undefined {
    const item = this.items.get(keyOf({ pk, sk }));
    return item && clone(item);
  }

  /** Every item of a partition, sorted by sort key. */
  partition(pk: string): Item[] {
    return [...this.items.values()]
      .filter((item) => item.pk === pk)
      .sort((a, b) => compare(String(a.sk), String(b.sk)))
      .map((item) => clone(item));
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
      ...(rooms.length === 0 ? {} : { rooms: new Set(rooms) }),
      data: connection.data ?? {},
      connectedAt,
      ttl,
    });
    for (const pk of [`ns#${ns}`, `room#${ns}#${id}`, ...rooms.map((room) => `room#${ns}#${room}`)])
      this.store({ pk, sk: id, conn: id, ttl });
  }

  /** Puts any item as it is, e.g. one whose TTL has passed but that DynamoDB has not deleted yet. */
  seed(item: Item): void {
    this.store(item);
  }

  private getItem(input: GetCommandInput) {
    this.checkTable(input.TableName);
    const expressions = new Expressions(input);
    const projection = expressions.projection(input.ProjectionExpression);
    expressions.checkAllUsed();
    const item = this.items.get(keyOf(input.Key));
    return item ? { Item: project(clone(item), projection) } : {};
  }

  private query(input: QueryCommandInput) {
    this.checkTable(input.TableName);
    if (input.IndexName !== undefined)
      throw validation(`The table has no index ${input.IndexName}`);
    if (input.Select !== undefined && input.Select !== 'ALL_ATTRIBUTES')
      throw new Error(`FakeChatTable: unsupported Select ${input.Select}`);
    const expressions = new Expressions(input);
    const { pk, sortKey } = expressions.keyCondition(input.KeyConditionExpression);
    const filter = input.FilterExpression
      ? expressions.condition(input.FilterExpression)
      : undefined;
    const projection = expressions.projection(input.ProjectionExpression);
    expressions.checkAllUsed();

    const forward = input.ScanIndexForward ?? true;
    const inRange = this.partition(pk).filter((item) => sortKey === undefined || sortKey(item));
    const ordered = forward ? inRange : inRange.reverse();
    const after = input.ExclusiveStartKey?.sk;
    const start =
      after === undefined
        ? 0
        : countWhile(ordered, (item) => {
            const order = compare(String(item.sk), String(after));
            return forward ? order <= 0 : order >= 0;
          });
    const limit = input.Limit ?? this.pageSize;
    const evaluated = ordered.slice(start, start + limit);
    const last = evaluated.at(-1);
    // DynamoDB returns a LastEvaluatedKey whenever `Limit` stopped the page, even at the end.
    const more =
      start + limit < ordered.length || (input.Limit !== undefined && evaluated.length === limit);
    const items = evaluated
      .filter((item) => filter === undefined || filter(item))
      .map((item) => project(item, projection));
    return {
      Items: items,
      Count: items.length,
      ScannedCount: evaluated.length,
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
      return item ? [clone(item)] : [];
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
    const current = this.items.get(key);
    this.checkCondition(input, current);
    this.store(input.Item ?? {});
    return input.ReturnValues === 'ALL_OLD' && current ? { Attributes: clone(current) } : {};
  }

  private updateItem(input: UpdateCommandInput) {
    this.checkTable(input.TableName);
    const key = keyOf(input.Key);
    const current = this.items.get(key);
    const expressions = new Expressions(input);
    const actions = expressions.update(input.UpdateExpression);
    const condition = input.ConditionExpression
      ? expressions.condition(input.ConditionExpression)
      : undefined;
    expressions.checkAllUsed();
    this.failUnless(condition, current, input.ReturnValuesOnConditionCheckFailure);

    const next: Item = clone(current ?? { ...input.Key });
    for (const action of actions) action.apply(next);
    this.items.set(key, next);
    return returnedValues(
      input.ReturnValues,
      current,
      next,
      actions.map((action) => action.attribute),
    );
  }

  private deleteItem(input: DeleteCommandInput) {
    this.checkTable(input.TableName);
    const key = keyOf(input.Key);
    const current = this.items.get(key);
    this.checkCondition(input, current);
    this.items.delete(key);
    return input.ReturnValues === 'ALL_OLD' && current ? { Attributes: clone(current) } : {};
  }

  private transactWrite(input: TransactWriteCommandInput) {
    const actions = input.TransactItems ?? [];
    if (actions.length === 0 || actions.length > 100)
      throw validation(`TransactWriteItems takes 1 to 100 actions, got ${actions.length}`);
    const keys = actions.map((action) =>
      keyOf(
        action.Put?.Item ?? action.Update?.Key ?? action.Delete?.Key ?? action.ConditionCheck?.Key,
      ),
    );
    if (new Set(keys).size !== keys.length)
      throw validation('Transaction request cannot include multiple operations on one item');
    const reasons = actions.map((action) => this.transactionCheck(action));
    if (reasons.some((reason) => reason.Code !== 'None'))
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: reasons,
      });
    for (const action of actions) {
      if (action.Put) this.putItem(action.Put);
      else if (action.Update) this.updateItem(action.Update);
      else if (action.Delete) this.deleteItem(action.Delete);
    }
    return {};
  }

  /** Whether one action of a transaction may apply: its reason, `None` when it may. */
  private transactionCheck(
    action: NonNullable<TransactWriteCommandInput['TransactItems']>[number],
  ): CancellationReason {
    const request = action.Put ?? action.Update ?? action.Delete ?? action.ConditionCheck;
    if (request === undefined) throw validation('A transaction action needs one operation');
    this.checkTable(request.TableName);
    const key = action.Put ? action.Put.Item : (request as { Key?: Item }).Key;
    const current = this.items.get(keyOf(key));
    try {
      if (action.Update) {
        const expressions = new Expressions(action.Update);
        const updates = expressions.update(action.Update.UpdateExpression);
        const condition = action.Update.ConditionExpression
          ? expressions.condition(action.Update.ConditionExpression)
          : undefined;
        expressions.checkAllUsed();
        this.failUnless(condition, current, action.Update.ReturnValuesOnConditionCheckFailure);
        // A type error (ADD to a list) fails the whole transaction, as DynamoDB does.
        const trial = clone(current ?? { ...action.Update.Key });
        for (const update of updates) update.apply(trial);
      } else this.checkCondition(request, current);
      return { Code: 'None' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(error.Item ? { Item: error.Item } : {}),
      };
    }
  }

  private store(item: Item): void {
    this.items.set(keyOf(item), clone(item));
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
    const expressions = new Expressions(input);
    const condition = input.ConditionExpression
      ? expressions.condition(input.ConditionExpression)
      : undefined;
    expressions.checkAllUsed();
    this.failUnless(condition, current, input.ReturnValuesOnConditionCheckFailure);
  }

  private failUnless(
    condition: Predicate | undefined,
    current: Item | undefined,
    returnValues: string | undefined,
  ): void {
    if (condition === undefined || condition(current)) return;
    const old =
      returnValues === 'ALL_OLD' && current
        ? (toAttributeValue(current).M as Record<string, AttributeValue>)
        : undefined;
    throw new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      ...(old ? { Item: old } : {}),
    });
  }
}

/** A condition or filter, evaluated on an item (`undefined`: no item). */
type Predicate = (item: Item | undefined) => boolean;
/** An operand: a path into the item, or a value. */
type Operand = (item: Item | undefined) => NativeAttributeValue;

/** One action of an update expression, on a top-level attribute. */
interface UpdateAction {
  readonly attribute: string;
  apply(item: Item): void;
}

const KEY_ATTRIBUTES = ['pk', 'sk'];
const COMPARATORS = ['=', '<>', '<=', '>=', '<', '>'] as const;
type Comparator = (typeof COMPARATORS)[number];

/**
 * The expressions of one request, parsed against its `ExpressionAttributeNames` and
 * `ExpressionAttributeValues`; remembers which placeholders were used, as DynamoDB rejects
 * unused ones.
 */
class Expressions {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();
  private readonly names: Names;
  private readonly values: Values;

  constructor(input: { ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) {
    this.names = input.ExpressionAttributeNames;
    this.values = input.ExpressionAttributeValues;
  }

  condition(expression: string): Predicate {
    const parser = new Parser(expression, this);
    const predicate = parser.orExpression();
    parser.end();
    return predicate;
  }

  /** `#pk = :pk`, optionally `AND` one condition on the sort key. */
  keyCondition(expression: string | undefined): { pk: string; sortKey?: Predicate } {
    const parser = new Parser(expression ?? '', this);
    const partition = parser.comparison();
    if (partition.attribute !== 'pk' || partition.comparator !== '=' || !partition.value)
      throw new Error(`FakeChatTable: unsupported key condition ${expression}`);
    const pk = partition.value(undefined);
    if (typeof pk !== 'string') throw validation('The partition key must be a string');
    if (parser.atEnd()) return { pk };
    parser.keyword('AND');
    const sortKey = parser.sortKeyCondition();
    parser.end();
    return { pk, sortKey };
  }

  /** Top-level attribute names to keep, or `undefined` for all of them. */
  projection(expression: string | undefined): string[] | undefined {
    if (expression === undefined) return undefined;
    const parser = new Parser(expression, this);
    const attributes = [parser.attribute()];
    while (parser.accept(',')) attributes.push(parser.attribute());
    parser.end();
    return attributes;
  }

  update(expression: string | undefined): UpdateAction[] {
    const parser = new Parser(expression ?? '', this);
    const actions: UpdateAction[] = [];
    const clauses = new Set<string>();
    do {
      const clause = parser.keyword('SET', 'ADD', 'DELETE', 'REMOVE');
      if (clauses.has(clause)) throw validation(`The ${clause} clause appears twice`);
      clauses.add(clause);
      do {
        actions.push(parser.updateAction(clause));
      } while (parser.accept(','));
    } while (!parser.atEnd());
    const attributes = actions.map((action) => action.attribute);
    if (new Set(attributes).size !== attributes.length)
      throw validation('Two document paths overlap with each other');
    for (const attribute of attributes)
      if (KEY_ATTRIBUTES.includes(attribute))
        throw validation(`Cannot update attribute ${attribute}: it is part of the key`);
    return actions;
  }

  name(token: string): string {
    if (!token.startsWith('#')) {
      if (RESERVED_WORDS.has(token.toUpperCase()))
        throw validation(`Attribute name is a reserved keyword; reserved keyword: ${token}`);
      return token;
    }
    const name = this.names?.[token];
    if (name === undefined) throw validation(`Unresolved attribute name ${token}`);
    this.usedNames.add(token);
    return name;
  }

  value(token: string): NativeAttributeValue {
    if (this.values === undefined || !(token in this.values))
      throw validation(`An expression attribute value used in expression is not defined: ${token}`);
    this.usedValues.add(token);
    return this.values[token];
  }

  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((name) => !this.usedNames.has(name));
    if (unusedNames.length > 0)
      throw validation(
        `Value provided in ExpressionAttributeNames unused in expressions: ${unusedNames}`,
      );
    const unusedValues = Object.keys(this.values ?? {}).filter(
      (value) => !this.usedValues.has(value),
    );
    if (unusedValues.length > 0)
      throw validation(
        `Value provided in ExpressionAttributeValues unused in expressions: ${unusedValues}`,
      );
  }
}

/** Recursive descent over the tokens of one expression. */
class Parser {
  private readonly tokens: string[];
  private position = 0;

  constructor(
    private readonly expression: string,
    private readonly expressions: Expressions,
  ) {
    this.tokens = tokenize(expression);
  }

  orExpression(): Predicate {
    const terms = [this.andExpression()];
    while (this.acceptKeyword('OR')) terms.push(this.andExpression());
    return terms.length === 1 ? (terms[0] as Predicate) : (item) => terms.some((t) => t(item));
  }

  comparison(): { attribute: string; comparator: Comparator; value?: Operand } {
    const attribute = this.attribute();
    const comparator = this.comparator();
    const token = this.next();
    if (!token.startsWith(':')) return { attribute, comparator };
    const value = this.expressions.value(token);
    return { attribute, comparator, value: () => value };
  }

  sortKeyCondition(): Predicate {
    if (this.peekKeyword('begins_with')) {
      const name = this.peek(2);
      if (name === undefined || this.expressions.name(name) !== 'sk')
        throw new Error(`FakeChatTable: unsupported key condition ${this.expression}`);
      return this.functionCall();
    }
    const attribute = this.attribute();
    if (attribute !== 'sk')
      throw new Error(`FakeChatTable: unsupported key condition on ${attribute}`);
    const subject: Operand = (item) => item?.sk;
    if (this.acceptKeyword('BETWEEN')) return this.between(subject, true);
    const comparator = this.comparator();
    if (comparator === '<>') throw validation('Unsupported operator on a key: <>');
    const value = this.operand();
    return (item) => compareValues(subject(item), comparator, value(item));
  }

  attribute(): string {
    const token = this.next();
    if (!/^#?[A-Za-z_][\w]*$/.test(token) && !/^#\w+$/.test(token))
      throw new Error(`FakeChatTable: unsupported attribute ${token} in ${this.expression}`);
    if (this.peek() === '.' || this.peek() === '[')
      throw new Error(`FakeChatTable: nested paths are not supported in ${this.expression}`);
    return this.expressions.name(token);
  }

  updateAction(clause: string): UpdateAction {
    const attribute = this.attribute();
    if (clause === 'REMOVE')
      return {
        attribute,
        apply: (item) => {
          delete item[attribute];
        },
      };
    if (clause === 'SET') {
      this.expect('=');
      const value = this.operand();
      if (this.peek() === '+' || this.peek() === '-')
        throw new Error(`FakeChatTable: unsupported arithmetic in ${this.expression}`);
      return {
        attribute,
        apply: (item) => {
          item[attribute] = clone(value(item));
        },
      };
    }
    const token = this.next();
    if (!token.startsWith(':'))
      throw new Error(`FakeChatTable: ${clause} needs a value, got ${token} in ${this.expression}`);
    const value = this.expressions.value(token);
    return {
      attribute,
      apply: (item) => {
        item[attribute] =
          clause === 'ADD' ? add(item[attribute], value) : remove(item[attribute], value);
        if (item[attribute] === undefined) delete item[attribute];
      },
    };
  }

  accept(token: string): boolean {
    if (this.peek() !== token) return false;
    this.position++;
    return true;
  }

  keyword(...keywords: string[]): string {
    const token = this.next().toUpperCase();
    if (!keywords.includes(token))
      throw new Error(`FakeChatTable: expected ${keywords.join(' or ')} in ${this.expression}`);
    return token;
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  end(): void {
    if (!this.atEnd())
      throw new Error(
        `FakeChatTable: unsupported ${this.tokens.slice(this.position).join(' ')} in ${this.expression}`,
      );
  }

  private andExpression(): Predicate {
    const terms = [this.notExpression()];
    while (this.acceptKeyword('AND')) terms.push(this.notExpression());
    return terms.length === 1 ? (terms[0] as Predicate) : (item) => terms.every((t) => t(item));
  }

  private notExpression(): Predicate {
    if (!this.acceptKeyword('NOT')) return this.primary();
    const negated = this.notExpression();
    return (item) => !negated(item);
  }

  private primary(): Predicate {
    if (this.accept('(')) {
      const inner = this.orExpression();
      this.expect(')');
      return inner;
    }
    if (this.peek(1) === '(' && this.peek() !== 'size') return this.functionCall();
    const subject = this.operand();
    if (this.acceptKeyword('BETWEEN')) return this.between(subject, false);
    const comparator = this.comparator();
    const other = this.operand();
    return (item) => compareValues(subject(item), comparator, other(item));
  }

  private between(subject: Operand, isKey: boolean): Predicate {
    const low = this.operand();
    this.keyword('AND');
    const high = this.operand();
    if (isKey && compareValues(low(undefined), '>', high(undefined)))
      throw validation(
        'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound',
      );
    return (item) =>
      compareValues(subject(item), '>=', low(item)) &&
      compareValues(subject(item), '<=', high(item));
  }

  private functionCall(): Predicate {
    const name = this.next();
    this.expect('(');
    const path = this.operand();
    let predicate: Predicate;
    switch (name) {
      case 'attribute_exists':
        predicate = (item) => path(item) !== undefined;
        break;
      case 'attribute_not_exists':
        predicate = (item) => path(item) === undefined;
        break;
      case 'contains':
      case 'begins_with': {
        this.expect(',');
        const operand = this.operand();
        predicate =
          name === 'contains'
            ? (item) => contains(path(item), operand(item))
            : (item) => {
                const value = path(item);
                const prefix = operand(item);
                return (
                  typeof value === 'string' &&
                  typeof prefix === 'string' &&
                  value.startsWith(prefix)
                );
              };
        break;
      }
      default:
        throw new Error(`FakeChatTable: unsupported function ${name} in ${this.expression}`);
    }
    this.expect(')');
    return predicate;
  }

  private operand(): Operand {
    const token = this.peek();
    if (token === 'size' && this.peek(1) === '(') {
      this.position++;
      this.expect('(');
      const path = this.operand();
      this.expect(')');
      return (item) => sizeOf(path(item));
    }
    if (token?.startsWith(':')) {
      this.position++;
      const value = this.expressions.value(token);
      return () => value;
    }
    const attribute = this.attribute();
    return (item) => item?.[attribute];
  }

  private comparator(): Comparator {
    const token = this.next();
    const comparator = COMPARATORS.find((candidate) => candidate === token);
    if (comparator === undefined)
      throw new Error(`FakeChatTable: expected a comparison, got ${token} in ${this.expression}`);
    return comparator;
  }

  private expect(token: string): void {
    if (!this.accept(token))
      throw new Error(
        `FakeChatTable: expected ${token} at ${this.peek() ?? 'the end'} in ${this.expression}`,
      );
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.peekKeyword(keyword)) return false;
    this.position++;
    return true;
  }

  private peekKeyword(keyword: string): boolean {
    return this.peek()?.toUpperCase() === keyword.toUpperCase();
  }

  private peek(offset = 0): string | undefined {
    return this.tokens[this.position + offset];
  }

  private next(): string {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new Error(`FakeChatTable: unexpected end of ${this.expression}`);
    return token;
  }
}

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(<>|<=|>=|[=<>(),.+\-[\]]|[#:]?[\w]+)\s*/y;
  let rest = expression.trim();
  while (rest.length > 0) {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (!match?.[1]) throw new Error(`FakeChatTable: cannot read ${rest} in ${expression}`);
    tokens.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  return tokens;
}

/** `size(path)`: elements of a set or list, characters of a string; undefined when absent. */
function sizeOf(value: NativeAttributeValue): number | undefined {
  if (value instanceof Set || Array.isArray(value))
    return value instanceof Set ? value.size : value.length;
  if (typeof value === 'string') return value.length;
  return undefined;
}

/** `ADD`: a number to a number, or the elements of a set to a set. */
function add(current: NativeAttributeValue, value: NativeAttributeValue): NativeAttributeValue {
  if (typeof value === 'number') {
    if (current !== undefined && typeof current !== 'number')
      throw validation('An operand in the update expression has an incorrect data type');
    return (current ?? 0) + value;
  }
  if (value instanceof Set) {
    if (value.size === 0) throw validation('An string set may not be empty');
    if (current !== undefined && !(current instanceof Set))
      throw validation('An operand in the update expression has an incorrect data type');
    return new Set([...(current ?? []), ...value]);
  }
  throw validation('ADD takes a number or a set');
}

/** `DELETE`: the elements of a set from a set; an emptied set is removed. */
function remove(current: NativeAttributeValue, value: NativeAttributeValue): NativeAttributeValue {
  if (!(value instanceof Set)) throw validation('DELETE takes a set');
  if (value.size === 0) throw validation('An string set may not be empty');
  if (current === undefined) return undefined;
  if (!(current instanceof Set))
    throw validation('An operand in the update expression has an incorrect data type');
  const left = [...current].filter((element) => !value.has(element));
  return left.length === 0 ? undefined : new Set(left);
}

function contains(container: NativeAttributeValue, element: NativeAttributeValue): boolean {
  if (typeof container === 'string')
    return typeof element === 'string' && container.includes(element);
  if (container instanceof Set) return container.has(element);
  if (Array.isArray(container)) return container.some((entry) => equal(entry, element));
  return false;
}

/** A comparison as DynamoDB evaluates it: false when either side is missing or types differ. */
function compareValues(
  left: NativeAttributeValue,
  comparator: Comparator,
  right: NativeAttributeValue,
): boolean {
  if (left === undefined || right === undefined) return false;
  if (comparator === '=') return equal(left, right);
  if (comparator === '<>') return !equal(left, right);
  let order: number;
  if (typeof left === 'number' && typeof right === 'number') order = left - right;
  else if (typeof left === 'string' && typeof right === 'string') order = compare(left, right);
  else return false;
  switch (comparator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function equal(left: NativeAttributeValue, right: NativeAttributeValue): boolean {
  return JSON.stringify(comparable(left)) === JSON.stringify(comparable(right));
}

/** Sets as sorted arrays, so that equality ignores their order. */
function comparable(value: NativeAttributeValue): unknown {
  if (value instanceof Set) return { set: [...value].sort() };
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value as Item)
        .sort(([a], [b]) => compare(a, b))
        .map(([key, entry]) => [key, comparable(entry)]),
    );
  return value;
}

function project(item: Item, attributes: readonly string[] | undefined): Item {
  if (attributes === undefined) return item;
  return Object.fromEntries(Object.entries(item).filter(([name]) => attributes.includes(name)));
}

function returnedValues(
  returnValues: string | undefined,
  before: Item | undefined,
  after: Item,
  updated: readonly string[],
): { Attributes?: Item } {
  const pick = (item: Item | undefined, names?: readonly string[]): { Attributes?: Item } => {
    if (item === undefined) return {};
    const attributes = Object.fromEntries(
      Object.entries(clone(item)).filter(([name]) => names === undefined || names.includes(name)),
    );
    return Object.keys(attributes).length === 0 ? {} : { Attributes: attributes };
  };
  switch (returnValues ?? 'NONE') {
    case 'NONE':
      return {};
    case 'ALL_OLD':
      return pick(before);
    case 'ALL_NEW':
      return pick(after);
    case 'UPDATED_OLD':
      return pick(before, updated);
    case 'UPDATED_NEW':
      return pick(after, updated);
    default:
      throw validation(`Unknown ReturnValues ${returnValues}`);
  }
}

/**
 * A deep copy made in this realm: `structuredClone` would build its sets and arrays in
 * Node's realm, not in Jest's sandbox, and `instanceof Set` would then fail in the code under test.
 */
function clone<T extends NativeAttributeValue>(value: T): T {
  if (value instanceof Set) return new Set([...value].map(clone)) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value as Item).map(([key, entry]) => [key, clone(entry)]),
    ) as T;
  return value;
}

function keyOf(key: Record<string, NativeAttributeValue> | undefined): string {
  const pk = key?.pk;
  const sk = key?.sk;
  if (typeof pk !== 'string' || typeof sk !== 'string' || pk === '' || sk === '')
    throw validation('The provided key element does not match the schema');
  return `${pk}\u0000${sk}`;
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
  if (value instanceof Set) {
    const elements = [...value];
    return elements.every((element) => typeof element === 'number')
      ? { NS: elements.map(String) }
      : { SS: elements.map(String) };
  }
  return {
    M: Object.fromEntries(
      Object.entries(value as Record<string, NativeAttributeValue>).map(([key, entry]) => [
        key,
        toAttributeValue(entry),
      ]),
    ),
  };
}

/** Words DynamoDB refuses as bare attribute names in expressions (the ones a chat might use). */
const RESERVED_WORDS = new Set([
  'AT',
  'CONNECTION',
  'COUNT',
  'DATA',
  'DELETE',
  'FROM',
  'NAME',
  'TTL',
  'USER',
  'VALUE',
]);
