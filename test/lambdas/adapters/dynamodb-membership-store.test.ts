import {
  type CancellationReason,
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbMembershipStore } from '../../../lambdas/adapters/dynamodb-membership-store';
import { ConnectionGoneError, RoomLimitError } from '../../../lambdas/core/errors';
import type { ConnectionRecord } from '../../../lambdas/core/types';
import { FakeChatTable } from '../../support/fake-chat-table';
import { describeMembershipStoreContract } from '../../support/membership-store-contract';

const TABLE_NAME = 'chat';
const ID = 'R1kmxc2VNjMCFIA=';
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

const NONE: CancellationReason = { Code: 'None' };

function cancelled(reasons: CancellationReason[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: reasons,
  });
}

/** The actions of every TransactWrite sent, in order. */
function sentTransactions() {
  return ddbMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);
}

describeMembershipStoreContract('DynamoDbMembershipStore on FakeChatTable', () => {
  ddbMock.reset();
  const table = new FakeChatTable(TABLE_NAME, 7);
  table.attach(ddbMock);
  return storeWith({ pageSize: 7 });
});

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
              data: { user: 'ada' },
              connectedAt: 1_700_000_000_000,
              ttl: 1_700_007_200,
            },
          },
        },
        {
          PutRequest: {
            Item: { pk: 'ns#/chat', sk: ID, conn: ID, ttl: 1_700_007_200 },
          },
        },
        {
          PutRequest: {
            Item: { pk: `room#/chat#${ID}`, sk: ID, conn: ID, ttl: 1_700_007_200 },
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
          rooms: new Set(['news', 'lobby']),
          data: { user: 'ada' },
          connectedAt: 1_700_000_000_000,
          ttl: 1_700_007_200,
        },
      });
      const store = storeWith();

      // Act
      const found = await store.getConnection(record.id);

      // Assess
      expect(found).toEqual({ ...record, rooms: ['lobby', 'news'] });
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
        ProjectionExpression: '#sk, #protocol, #conn',
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
    it('adds the rooms to the set and puts their memberships in one transaction conditioned on the socket and the cap', async () => {
      // Prepare
      ddbMock.on(TransactWriteCommand).resolves({});
      const store = storeWith();

      // Act
      await store.join({ ...record, rooms: ['lobby'] }, ['lobby', 'news'], { maxRooms: 100 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
      expect(ddbMock).not.toHaveReceivedCommand(BatchWriteCommand);
      expect(sentTransactions()[0]).toEqual([
        {
          Update: {
            TableName: TABLE_NAME,
            Key: { pk: `conn#${ID}`, sk: 'conn' },
            UpdateExpression: 'ADD #rooms :rooms',
            ConditionExpression:
              'attribute_exists(#pk) AND (attribute_not_exists(#rooms) OR size(#rooms) <= :budget) AND contains(#rooms, :held0)',
            ExpressionAttributeNames: { '#rooms': 'rooms', '#pk': 'pk' },
            ExpressionAttributeValues: {
              ':rooms': new Set(['lobby', 'news']),
              ':budget': 99,
              ':held0': 'lobby',
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: TABLE_NAME,
            Item: { pk: 'room#/chat#lobby', sk: ID, conn: ID, ttl: 1_700_007_200 },
          },
        },
        {
          Put: {
            TableName: TABLE_NAME,
            Item: { pk: 'room#/chat#news', sk: ID, conn: ID, ttl: 1_700_007_200 },
          },
        },
      ]);
    });

    it('rejects with ConnectionGoneError when the socket item is gone, and writes nothing else', async () => {
      // Prepare
      ddbMock.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }]));
      const store = storeWith();

      // Act
      const joining = store.join(record, ['lobby']);

      // Assess
      await expect(joining).rejects.toBeInstanceOf(ConnectionGoneError);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
      expect(ddbMock).not.toHaveReceivedCommand(BatchWriteCommand);
    });

    it('refuses a join past the cap without a request when it names more rooms than the cap', async () => {
      // Prepare
      const store = storeWith();

      // Act
      const joining = store.join(record, ['a', 'b', 'c'], { maxRooms: 2 });

      // Assess
      await expect(joining).rejects.toBeInstanceOf(RoomLimitError);
      expect(ddbMock.calls()).toHaveLength(0);
    });

    it('retries with the rooms the socket holds when the record was outdated, then refuses past the cap', async () => {
      // Prepare
      const held = { SS: ['a', 'b'] };
      ddbMock
        .on(TransactWriteCommand)
        .rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: { rooms: held } }, NONE]));
      const store = storeWith();

      // Act
      const joining = store.join(record, ['c'], { maxRooms: 2 });

      // Assess
      await expect(joining).rejects.toBeInstanceOf(RoomLimitError);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    });

    it('retries a transaction another one held, then succeeds', async () => {
      // Prepare
      ddbMock
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled([NONE, { Code: 'TransactionConflict' }]))
        .resolves({});
      const store = storeWith();

      // Act
      await store.join(record, ['lobby']);

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    });

    it('splits a join of more rooms than one transaction holds, and undoes the done part when a later one fails', async () => {
      // Prepare
      const failure = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      ddbMock.on(TransactWriteCommand).resolvesOnce({}).rejectsOnce(failure).resolves({});
      const store = storeWith();
      const rooms = Array.from({ length: 120 }, (_, index) => `room-${index}`);

      // Act
      const joining = store.join(record, rooms);

      // Assess
      await expect(joining).rejects.toBe(failure);
      const [first, second, undo] = sentTransactions();
      expect(first).toHaveLength(100);
      expect(second).toHaveLength(22);
      expect(undo?.[0]?.Update?.UpdateExpression).toBe('DELETE #rooms :rooms');
      expect(undo?.[0]?.Update?.ExpressionAttributeValues?.[':rooms']).toEqual(
        new Set(rooms.slice(0, 99)),
      );
      expect(undo).toHaveLength(100);
    });

    it('rethrows other errors', async () => {
      // Prepare
      const failure = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      ddbMock.on(TransactWriteCommand).rejects(failure);
      const store = storeWith();

      // Act
      const joining = store.join(record, ['lobby']);

      // Assess
      await expect(joining).rejects.toBe(failure);
    });
  });

  describe('Method: leave', () => {
    it('deletes the rooms from the set and their memberships in one transaction', async () => {
      // Prepare
      ddbMock.on(TransactWriteCommand).resolves({});
      const store = storeWith();

      // Act
      await store.leave({ ...record, rooms: ['lobby'] }, ['lobby', ID]);

      // Assess
      expect(sentTransactions()).toEqual([
        [
          {
            Update: {
              TableName: TABLE_NAME,
              Key: { pk: `conn#${ID}`, sk: 'conn' },
              UpdateExpression: 'DELETE #rooms :rooms',
              ConditionExpression: 'attribute_exists(#pk)',
              ExpressionAttributeNames: { '#rooms': 'rooms', '#pk': 'pk' },
              ExpressionAttributeValues: { ':rooms': new Set(['lobby']) },
            },
          },
          { Delete: { TableName: TABLE_NAME, Key: { pk: 'room#/chat#lobby', sk: ID } } },
        ],
      ]);
    });

    it('deletes the memberships anyway when the socket is gone', async () => {
      // Prepare
      ddbMock.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }]));
      const store = storeWith();

      // Act
      await store.leave(record, ['lobby']);

      // Assess
      expect(deletedKeys()).toEqual([`room#/chat#lobby ${ID}`]);
    });
  });

  describe('Method: detachConnections', () => {
    it('deletes each socket item returning what it held, and nothing else', async () => {
      // Prepare
      ddbMock.on(DeleteCommand).resolves({
        Attributes: {
          ns: '/chat',
          rooms: new Set(['news', 'lobby']),
          data: { user: { id: 'ada', name: 'Ada' } },
        },
      });
      const store = storeWith();

      // Act
      const removed = await store.detachConnections([ID, ID]);

      // Assess
      expect(removed).toEqual([
        { id: ID, ns: '/chat', rooms: ['lobby', 'news'], user: { id: 'ada', name: 'Ada' } },
      ]);
      expect(ddbMock).toHaveReceivedCommandTimes(DeleteCommand, 1);
      expect(ddbMock).toHaveReceivedCommandWith(DeleteCommand, {
        Key: { pk: `conn#${ID}`, sk: 'conn' },
        ConditionExpression: 'attribute_exists(#pk)',
        ReturnValues: 'ALL_OLD',
      });
      expect(ddbMock).not.toHaveReceivedCommand(BatchWriteCommand);
    });

    it('deletes only sockets connected before connectedBefore, skipping the others', async () => {
      // Prepare
      ddbMock.on(DeleteCommand).rejects(conditionFailed());
      const store = storeWith();

      // Act
      const removed = await store.detachConnections([ID], { connectedBefore: 5 });

      // Assess
      expect(removed).toEqual([]);
      expect(ddbMock).toHaveReceivedCommandWith(DeleteCommand, {
        ConditionExpression: '#connectedAt < :before',
        ExpressionAttributeValues: { ':before': 5 },
      });
    });

    it('rethrows other errors', async () => {
      // Prepare
      const failure = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      ddbMock.on(DeleteCommand).rejects(failure);
      const store = storeWith();

      // Act
      const detaching = store.detachConnections([ID]);

      // Assess
      await expect(detaching).rejects.toBe(failure);
    });
  });

  describe('Method: removeMemberships', () => {
    it('deletes the namespace membership, the own room and every room, in batches of at most 25', async () => {
      // Prepare
      const store = storeWith();
      const rooms = Array.from({ length: 30 }, (_, index) => `room-${index}`);

      // Act
      await store.removeMemberships([{ id: ID, ns: '/chat', rooms }]);

      // Assess
      expect(sentBatchSizes()).toEqual([25, 7]);
      expect(deletedKeys().slice(0, 3)).toEqual([
        `ns#/chat ${ID}`,
        `room#/chat#${ID} ${ID}`,
        `room#/chat#room-0 ${ID}`,
      ]);
    });

    it('retries unprocessed deletes until all are done, and gives up after maxBatchAttempts', async () => {
      // Prepare
      const unprocessed = { DeleteRequest: { Key: { pk: 'ns#/chat', sk: ID } } };
      ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE_NAME]: [unprocessed] } });
      const store = storeWith({ maxBatchAttempts: 3 });

      // Act
      const removing = store.removeMemberships([{ id: ID, ns: '/chat', rooms: [] }]);

      // Assess
      await expect(removing).rejects.toThrow('unprocessed after 3 attempts');
      expect(ddbMock).toHaveReceivedCommandTimes(BatchWriteCommand, 3);
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
