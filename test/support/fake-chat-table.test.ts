import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeChatTable } from './fake-chat-table';

const TABLE_NAME = 'chat';
const ddbMock = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' }));
const table = new FakeChatTable(TABLE_NAME, 2);

describe('Class: FakeChatTable', () => {
  beforeEach(() => {
    ddbMock.reset();
    table.clear();
    table.attach(ddbMock);
  });

  describe('UpdateItem', () => {
    it('ADDs numbers and set elements, DELETEs set elements, and drops an emptied set', async () => {
      // Prepare
      const update = (expression: string, values: Record<string, unknown>) =>
        client.send(
          new UpdateCommand({
            TableName: TABLE_NAME,
            Key: { pk: 'p', sk: 's' },
            UpdateExpression: expression,
            ExpressionAttributeNames: { '#n': 'n', '#ids': 'ids' },
            ExpressionAttributeValues: values,
            ReturnValues: 'UPDATED_NEW',
          }),
        );

      // Act
      const added = await update('ADD #n :one, #ids :ids', {
        ':one': 1,
        ':ids': new Set(['a', 'b']),
      });
      const again = await update('ADD #n :one, #ids :ids', { ':one': 1, ':ids': new Set(['c']) });
      const deleted = await update('ADD #n :one DELETE #ids :ids', {
        ':one': 1,
        ':ids': new Set(['a', 'b', 'c']),
      });

      // Assess
      expect(added.Attributes).toEqual({ n: 1, ids: new Set(['a', 'b']) });
      expect(again.Attributes).toEqual({ n: 2, ids: new Set(['a', 'b', 'c']) });
      expect(deleted.Attributes).toEqual({ n: 3 });
      expect(table.get('p', 's')).toEqual({ pk: 'p', sk: 's', n: 3 });
    });

    it('answers UPDATED_OLD with the old values of the updated attributes only', async () => {
      // Prepare
      table.seed({ pk: 'p', sk: 's', a: 1, b: 2 });

      // Act
      const result = await client.send(
        new UpdateCommand({
          TableName: TABLE_NAME,
          Key: { pk: 'p', sk: 's' },
          UpdateExpression: 'SET #a = :a',
          ExpressionAttributeNames: { '#a': 'a' },
          ExpressionAttributeValues: { ':a': 5 },
          ReturnValues: 'UPDATED_OLD',
        }),
      );

      // Assess
      expect(result.Attributes).toEqual({ a: 1 });
    });

    it.each([
      ['an unsupported function', 'SET #a = if_not_exists(#a, :v)', { '#a': 'a' }, { ':v': 1 }],
      ['arithmetic', 'SET #a = #a + :v', { '#a': 'a' }, { ':v': 1 }],
      ['an unused value', 'SET #a = :v', { '#a': 'a' }, { ':v': 1, ':w': 2 }],
      ['an unused name', 'SET #a = :v', { '#a': 'a', '#b': 'b' }, { ':v': 1 }],
      ['a reserved word', 'SET ttl = :v', undefined, { ':v': 1 }],
      ['a key attribute', 'SET #pk = :v', { '#pk': 'pk' }, { ':v': 'x' }],
    ])('fails loudly on %s', async (_, expression, names, values) => {
      // Act
      const updating = client.send(
        new UpdateCommand({
          TableName: TABLE_NAME,
          Key: { pk: 'p', sk: 's' },
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );

      // Assess
      await expect(updating).rejects.toThrow();
      expect(table.size).toBe(0);
    });

    it('checks OR, AND, NOT and comparisons in conditions', async () => {
      // Prepare
      table.seed({ pk: 'p', sk: 's', ttl: 10, conns: new Set(['a']) });
      const condition = (expression: string) =>
        client.send(
          new DeleteCommand({
            TableName: TABLE_NAME,
            Key: { pk: 'p', sk: 's' },
            ConditionExpression: expression,
            ExpressionAttributeNames: { '#ttl': 'ttl', '#conns': 'conns' },
            ExpressionAttributeValues: { ':n': 10, ':id': 'a' },
          }),
        );

      // Act
      const failing = condition(
        '(#ttl < :n OR NOT contains(#conns, :id)) AND attribute_exists(#ttl)',
      );
      const passing = condition(
        '#ttl <= :n AND contains(#conns, :id) OR attribute_not_exists(#conns)',
      );

      // Assess
      await expect(failing).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await expect(passing).resolves.toBeDefined();
      expect(table.size).toBe(0);
    });
  });

  describe('Query', () => {
    beforeEach(() => {
      for (const sk of ['a1', 'a2', 'b1', 'b2', 'b3', 'c1'])
        table.seed({ pk: 'p', sk, ttl: sk.length });
    });

    const skOf = (items: readonly Record<string, unknown>[] | undefined) =>
      (items ?? []).map((item) => item.sk);

    it('reads a BETWEEN range backwards in pages, and filters after the limit', async () => {
      // Prepare
      const query = (startKey?: Record<string, unknown>) =>
        client.send(
          new QueryCommand({
            TableName: TABLE_NAME,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            FilterExpression: '#sk <> :skip',
            ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
            ExpressionAttributeValues: { ':pk': 'p', ':from': 'a2', ':to': 'b3', ':skip': 'b2' },
            ScanIndexForward: false,
            Limit: 2,
            ExclusiveStartKey: startKey,
          }),
        );

      // Act
      const first = await query();
      const second = await query(first.LastEvaluatedKey);

      // Assess
      expect(skOf(first.Items)).toEqual(['b3']);
      expect(first).toMatchObject({ Count: 1, ScannedCount: 2 });
      expect(skOf(second.Items)).toEqual(['b1', 'a2']);
    });

    it('reads a begins_with range with the table page size when no Limit is given', async () => {
      // Act
      const page = await client.send(
        new QueryCommand({
          TableName: TABLE_NAME,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ProjectionExpression: '#sk',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': 'p', ':prefix': 'b' },
        }),
      );

      // Assess
      expect(page.Items).toEqual([{ sk: 'b1' }, { sk: 'b2' }]);
      expect(page.LastEvaluatedKey).toEqual({ pk: 'p', sk: 'b2' });
    });

    it('rejects BETWEEN bounds in the wrong order, as DynamoDB does', async () => {
      // Act
      const querying = client.send(
        new QueryCommand({
          TableName: TABLE_NAME,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': 'p', ':from': 'b', ':to': 'a' },
        }),
      );

      // Assess
      await expect(querying).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('fails loudly on a key condition it does not know', async () => {
      // Act
      const querying = client.send(
        new QueryCommand({
          TableName: TABLE_NAME,
          KeyConditionExpression: '#pk = :pk OR #sk = :sk',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': 'p', ':sk': 'a1' },
        }),
      );

      // Assess
      await expect(querying).rejects.toThrow('FakeChatTable');
    });
  });

  it('projects GetItem and never Scans', async () => {
    // Prepare
    table.seed({ pk: 'p', sk: 's', a: 1, b: 2 });

    // Act
    const got = await client.send(
      new GetCommand({
        TableName: TABLE_NAME,
        Key: { pk: 'p', sk: 's' },
        ProjectionExpression: '#a',
        ExpressionAttributeNames: { '#a': 'a' },
      }),
    );
    const scanning = client.send(new ScanCommand({ TableName: TABLE_NAME }));

    // Assess
    expect(got.Item).toEqual({ a: 1 });
    await expect(scanning).rejects.toThrow('never Scan');
  });
});
