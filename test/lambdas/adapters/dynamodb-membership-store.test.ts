import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbMembershipStore } from '../../../lambdas/adapters/dynamodb-membership-store';
import { ConnectionGoneError } from '../../../lambdas/core/errors';
import type { ConnectionRecord } from '../../../lambdas/core/types';

const TABLE_NAME = 'chat';
const ddbMock = mockClient(DynamoDBDocumentClient);

const record: ConnectionRecord = {
  id: 'R1kmxc2VNjMCFIA=',
  ns: '/chat',
  rooms: [],
  data: { user: 'ada' },
  connectedAt: 1_700_000_000_000,
  expiresAt: 1_700_007_200,
};

/** A store whose document client is intercepted by `ddbMock`; retries without delay. */
function storeWith(options: { pageSize?: number; maxBatchAttempts?: number } = {}) {
  return new DynamoDbMembershipStore({
    tableName: TABLE_NAME,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
    baseBackoffMs: 0,
    ...options,
  });
}

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

/** Every write request of every BatchWrite sent, in order. */
function sentWrites(): WriteRequests {
  return ddbMock
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => call.args[0].input.RequestItems?.[TABLE_NAME] ?? []);
}

function sentBatchSizes(): number[] {
  return ddbMock
    .commandCalls(BatchWriteCommand)
    .map((call) => call.args[0].input.RequestItems?.[TABLE_NAME]?.length ?? 0);
}

function deletedKeys(): string[] {
  return sentWrites().flatMap((request) =>
    request.DeleteRequest
      ? [`${request.DeleteRequest.Key?.pk} ${request.DeleteRequest.Key?.sk}`]
      : [],
  );
}

function conditionFailed(
  item?: ConditionalCheckFailedException['Item'],
): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item,
  });
}

describe('Class: DynamoDbMembershipStore', () => {
  beforeEach(() => {
    ddbMock.on(BatchWriteCommand).resolves({});
  });

  afterEach(() => {
    const commandNames = ddbMock.calls().map((call) => call.args[0].constructor.name);
    expect(commandNames).not.toContain('ScanCommand');
    ddbMock.reset();
  });

  describe('Method: addConnection', () => {
    it('writes the connection, its namespace membership and its own room in one batch', async () => {
      // Prepare
      const store = storeWith();

      // Act
      await store.addConnection(record);

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(BatchWriteCommand, 1);
      expect(sentWrites()).toEqual([
        {
          PutRequest: {
            Item: {
              pk: 'conn#R1kmxc2VNjMCFIA=',
              sk: 'conn',
              ns: '/chat',
              rooms: [],
              data: { user: 'ada' },
              connectedAt: 1_700_000_000_000,
              ttl: 1_700_007_200,
            },
          },
        },
        { PutRequest: { Item: { pk: 'ns#/chat', sk: 'R1kmxc2VNjMCFIA=', ttl: 1_700_007_200 } } },
        {
          PutRequest: {
            Item: { pk: 'room#/chat#R1kmxc2VNjMCFIA=', sk: 'R1kmxc2VNjMCFIA=', ttl: 1_700_007_200 },
          },
        },
      ]);
    });

    it('splits the writes into batches of at most 25', async () => {
      // Prepare
      const store = storeWith();
      const rooms = Array.from({ length: 30 }, (_, index) => `room-${index}`);

      // Act
      await store.addConnection({ ...record, rooms });

      // Assess
      expect(sentBatchSizes()).toEqual([25, 8]);
    });
  });

  describe('Method: getConnection', () => {
    it('reads the connection item with a consistent read and maps it to a record', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({
        Item: {
          pk: 'conn#R1kmxc2VNjMCFIA=',
          sk: 'conn',
          ns: '/chat',
          rooms: ['lobby'],
          data: { user: 'ada' },
          connectedAt: 1_700_000_000_000,
          ttl: 1_700_007_200,
        },
      });
      const store = storeWith();

      // Act
      const found = await store.getConnection(record.id);

      // Assess
      expect(found).toEqual({ ...record, rooms: ['lobby'] });
      expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
        TableName: TABLE_NAME,
        Key: { pk: 'conn#R1kmxc2VNjMCFIA=', sk: 'conn' },
        ConsistentRead: true,
      });
    });

    it('returns undefined when there is no item', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({});
      const store = storeWith();

      // Act
      const found = await store.getConnection(record.id);

      // Assess
      expect(found).toBeUndefined();
    });
  });

  describe('Method: members', () => {
    it('reads every page of the room partition', async () => {
      // Prepare
      ddbMock
        .on(QueryCommand)
        .resolvesOnce({ Items: [{ sk: 'a' }, { sk: 'b' }], LastEvaluatedKey: { pk: 'p', sk: 'b' } })
        .resolvesOnce({ Items: [{ sk: 'c' }, { sk: 'd' }], LastEvaluatedKey: { pk: 'p', sk: 'd' } })
        .resolvesOnce({ Items: [{ sk: 'e' }] });
      const store = storeWith({ pageSize: 2 });

      // Act
      const ids = await store.members('/chat', 'lobby');

      // Assess
      expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 3);
      const inputs = ddbMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
      expect(inputs[0]).toMatchObject({
        TableName: TABLE_NAME,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeValues: { ':pk': 'room#/chat#lobby' },
        ProjectionExpression: '#sk',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        Limit: 2,
      });
      expect(inputs[0]?.ExclusiveStartKey).toBeUndefined();
      expect(inputs[1]?.ExclusiveStartKey).toEqual({ pk: 'p', sk: 'b' });
      expect(inputs[2]?.ExclusiveStartKey).toEqual({ pk: 'p', sk: 'd' });
    });

    it('queries the namespace partition when no room is given', async () => {
      // Prepare
      ddbMock.on(QueryCommand).resolves({ Items: [{ sk: 'a' }] });
      const store = storeWith();

      // Act
      const ids = await store.members('/chat');

      // Assess
      expect(ids).toEqual(['a']);
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
        ExpressionAttributeValues: { ':pk': 'ns#/chat' },
      });
    });
  });

  describe('Method: join', () => {
    it('writes the room memberships, then appends the rooms under a condition that the connection exists', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});
      const store = storeWith();

      // Act
      await store.join({ ...record, rooms: ['lobby'] }, ['lobby', 'news']);

      // Assess
      expect(sentWrites()).toEqual([
        { PutRequest: { Item: { pk: 'room#/chat#lobby', sk: record.id, ttl: record.expiresAt } } },
        { PutRequest: { Item: { pk: 'room#/chat#news', sk: record.id, ttl: record.expiresAt } } },
      ]);
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
      const update = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(update?.Key).toEqual({ pk: `conn#${record.id}`, sk: 'conn' });
      expect(update?.ConditionExpression).toContain('attribute_exists(#pk)');
      expect(update?.ExpressionAttributeValues).toEqual({
        ':next': ['lobby', 'news'],
        ':current': ['lobby'],
      });
    });

    it('rejects with ConnectionGoneError and deletes the memberships it wrote when the connection is gone', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());
      const store = storeWith();

      // Act
      const joining = store.join(record, ['lobby', 'news']);

      // Assess
      await expect(joining).rejects.toBeInstanceOf(ConnectionGoneError);
      expect(deletedKeys()).toEqual([
        `room#/chat#lobby ${record.id}`,
        `room#/chat#news ${record.id}`,
      ]);
    });

    it('retries with the stored rooms when the record it was given is outdated', async () => {
      // Prepare
      ddbMock
        .on(UpdateCommand)
        .rejectsOnce(
          conditionFailed({ pk: { S: `conn#${record.id}` }, rooms: { L: [{ S: 'first' }] } }),
        )
        .resolves({});
      const store = storeWith();

      // Act
      await store.join(record, ['second']);

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 2);
      expect(
        ddbMock.commandCalls(UpdateCommand)[1]?.args[0].input.ExpressionAttributeValues,
      ).toEqual({
        ':next': ['first', 'second'],
        ':current': ['first'],
      });
      expect(deletedKeys()).toEqual([]);
    });

    it('rethrows other errors without deleting memberships', async () => {
      // Prepare
      const throttled = Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
      });
      ddbMock.on(UpdateCommand).rejects(throttled);
      const store = storeWith();

      // Act
      const joining = store.join(record, ['lobby']);

      // Assess
      await expect(joining).rejects.toBe(throttled);
      expect(deletedKeys()).toEqual([]);
    });
  });

  describe('Method: leave', () => {
    it('deletes the room memberships and removes the rooms from the list', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});
      const store = storeWith();

      // Act
      await store.leave({ ...record, rooms: ['lobby', 'news'] }, ['lobby']);

      // Assess
      expect(deletedKeys()).toEqual([`room#/chat#lobby ${record.id}`]);
      expect(
        ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues,
      ).toEqual({
        ':next': ['news'],
        ':current': ['lobby', 'news'],
      });
    });

    it('resolves when the connection is gone', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());
      const store = storeWith();

      // Act
      const leaving = store.leave({ ...record, rooms: ['lobby'] }, ['lobby']);

      // Assess
      await expect(leaving).resolves.toBeUndefined();
      expect(deletedKeys()).toEqual([`room#/chat#lobby ${record.id}`]);
    });
  });

  describe('Method: removeConnections', () => {
    it('deletes the connection, its namespace membership, its own room and every joined room', async () => {
      // Prepare
      ddbMock.on(BatchGetCommand).resolves({
        Responses: {
          [TABLE_NAME]: [{ pk: `conn#${record.id}`, ns: '/chat', rooms: ['lobby', 'news'] }],
        },
      });
      const store = storeWith();

      // Act
      await store.removeConnections([record.id, 'unknownId0000A=']);

      // Assess
      expect(deletedKeys()).toEqual([
        `ns#/chat ${record.id}`,
        `room#/chat#${record.id} ${record.id}`,
        `room#/chat#lobby ${record.id}`,
        `room#/chat#news ${record.id}`,
        `conn#${record.id} conn`,
      ]);
      expect(sentWrites().every((request) => request.PutRequest === undefined)).toBe(true);
    });

    it('reads the connections in chunks of 100 and deletes in batches of at most 25', async () => {
      // Prepare
      const ids = Array.from({ length: 150 }, (_, index) => `id-${index}`);
      ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
        Responses: {
          [TABLE_NAME]: (input.RequestItems?.[TABLE_NAME]?.Keys ?? []).map((key) => ({
            pk: key.pk,
            ns: '/',
            rooms: ['lobby'],
          })),
        },
      }));
      const store = storeWith();

      // Act
      await store.removeConnections(ids);

      // Assess
      const keysRead = ddbMock
        .commandCalls(BatchGetCommand)
        .map((call) => call.args[0].input.RequestItems?.[TABLE_NAME]?.Keys?.length);
      expect(keysRead).toEqual([100, 50]);
      expect(Math.max(...sentBatchSizes())).toBeLessThanOrEqual(25);
      expect(new Set(deletedKeys()).size).toBe(150 * 4);
      expect(deletedKeys()).toHaveLength(150 * 4);
    });

    it('retries unprocessed keys and unprocessed deletes until all are done', async () => {
      // Prepare
      const ids = ['a', 'b'];
      ddbMock
        .on(BatchGetCommand)
        .resolvesOnce({
          Responses: { [TABLE_NAME]: [{ pk: 'conn#a', ns: '/', rooms: [] }] },
          UnprocessedKeys: { [TABLE_NAME]: { Keys: [{ pk: 'conn#b', sk: 'conn' }] } },
        })
        .resolvesOnce({ Responses: { [TABLE_NAME]: [{ pk: 'conn#b', ns: '/', rooms: [] }] } });
      ddbMock
        .on(BatchWriteCommand)
        .callsFakeOnce((input: BatchWriteCommandInput) => ({
          UnprocessedItems: { [TABLE_NAME]: input.RequestItems?.[TABLE_NAME]?.slice(1) ?? [] },
        }))
        .resolves({});
      const store = storeWith();

      // Act
      await store.removeConnections(ids);

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(BatchGetCommand, 2);
      expect(
        ddbMock.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.[TABLE_NAME]?.Keys,
      ).toEqual([{ pk: 'conn#b', sk: 'conn' }]);
      expect(new Set(deletedKeys())).toEqual(
        new Set(['ns#/ a', 'room#/#a a', 'ns#/ b', 'room#/#b b', 'conn#a conn', 'conn#b conn']),
      );
      expect(sentBatchSizes()).toEqual([4, 3, 2]);
    });

    it('gives up after maxBatchAttempts when DynamoDB keeps items unprocessed', async () => {
      // Prepare
      ddbMock
        .on(BatchGetCommand)
        .resolves({ Responses: { [TABLE_NAME]: [{ pk: 'conn#a', ns: '/', rooms: [] }] } });
      ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({
        UnprocessedItems: input.RequestItems,
      }));
      const store = storeWith({ maxBatchAttempts: 3 });

      // Act
      const removing = store.removeConnections(['a']);

      // Assess
      await expect(removing).rejects.toThrow(/unprocessed after 3 attempts/);
      expect(ddbMock).toHaveReceivedCommandTimes(BatchWriteCommand, 3);
    });

    it('keeps the connections that connected at or after connectedBefore', async () => {
      // Prepare
      ddbMock.on(BatchGetCommand).resolves({
        Responses: {
          [TABLE_NAME]: [
            { pk: 'conn#old', ns: '/', rooms: [], connectedAt: 1_000 },
            { pk: 'conn#young', ns: '/', rooms: [], connectedAt: 2_000 },
          ],
        },
      });
      const store = storeWith();

      // Act
      await store.removeConnections(['old', 'young'], { connectedBefore: 2_000 });

      // Assess
      expect(deletedKeys()).toEqual(['ns#/ old', 'room#/#old old', 'conn#old conn']);
      expect(
        ddbMock.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE_NAME],
      ).toMatchObject({
        ProjectionExpression: expect.stringContaining('#connectedAt'),
        ConsistentRead: true,
      });
    });

    it('sends nothing when no connection is found', async () => {
      // Prepare
      ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE_NAME]: [] } });
      const store = storeWith();

      // Act
      await store.removeConnections(['unknownId0000A=']);

      // Assess
      expect(ddbMock).not.toHaveReceivedCommand(BatchWriteCommand);
    });
  });

  describe('Method: saveData', () => {
    it('replaces the data under a condition that the connection exists', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});
      const store = storeWith();

      // Act
      await store.saveData(record.id, { user: 'grace' });

      // Assess
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: `conn#${record.id}`, sk: 'conn' },
        UpdateExpression: 'SET #data = :data',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeValues: { ':data': { user: 'grace' } },
      });
    });

    it('ignores a gone connection', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());
      const store = storeWith();

      // Act
      const saving = store.saveData(record.id, { user: 'grace' });

      // Assess
      await expect(saving).resolves.toBeUndefined();
    });

    it('rethrows other errors', async () => {
      // Prepare
      const failure = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      ddbMock.on(UpdateCommand).rejects(failure);
      const store = storeWith();

      // Act
      const saving = store.saveData(record.id, { user: 'grace' });

      // Assess
      await expect(saving).rejects.toBe(failure);
    });
  });
});
