import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbPresenceStore } from '../../../lambdas/adapters/dynamodb-presence-store';
import { FakeChatTable } from '../../support/fake-chat-table';
import { describePresenceStoreContract } from '../../support/presence-store-contract';

const TABLE_NAME = 'chat';
const NOW = 1_700_000_000_500;
const NOW_SECONDS = 1_700_000_000;
const EXPIRES_AT = 1_700_003_600;
const CONNECTION = 'R1kmxc2VNjMCFIA=';
const ADA = { id: 'ada', name: 'Ada' };
const KEY = { pk: 'presence#/chat#lobby', sk: 'ada' };
const ddbMock = mockClient(DynamoDBDocumentClient);

/** A store whose document client is intercepted by `ddbMock`, on a fixed clock. */
function storeWith(options: { pageSize?: number; now?: () => number } = {}) {
  return new DynamoDbPresenceStore({
    tableName: TABLE_NAME,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
    now: () => NOW,
    ...options,
  });
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
  });
}

describe('Class: DynamoDbPresenceStore', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  afterEach(() => {
    const commandNames = ddbMock.calls().map((call) => call.args[0].constructor.name);
    expect(commandNames).not.toContain('ScanCommand');
  });

  describe('Method: enter', () => {
    it('starts an absent, empty or expired entry with one conditional SET, and answers true', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      const first = await storeWith().enter('/chat', 'lobby', ADA, CONNECTION, EXPIRES_AT);

      // Assess
      expect(first).toBe(true);
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE_NAME,
        Key: KEY,
        UpdateExpression: 'SET #conns = :ids, #name = :name, #ttl = :ttl',
        ConditionExpression:
          'attribute_not_exists(#conns) OR attribute_not_exists(#ttl) OR #ttl <= :now',
        ExpressionAttributeNames: { '#conns': 'conns', '#name': 'name', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':ids': new Set([CONNECTION]),
          ':name': 'Ada',
          ':ttl': EXPIRES_AT,
          ':now': NOW_SECONDS,
        },
      });
    });

    it('adds to a live entry with ADD, raising its TTL, and answers false when it had connections', async () => {
      // Prepare
      ddbMock
        .on(UpdateCommand)
        .rejectsOnce(conditionFailed())
        .resolvesOnce({
          Attributes: { conns: new Set(['other']), name: 'Ada', ttl: EXPIRES_AT - 5 },
        });

      // Act
      const first = await storeWith().enter('/chat', 'lobby', ADA, CONNECTION, EXPIRES_AT);

      // Assess
      expect(first).toBe(false);
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 2);
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, UpdateCommand, {
        Key: KEY,
        UpdateExpression: 'ADD #conns :ids SET #name = :name, #ttl = :ttl',
        ConditionExpression: '#ttl > :now AND #ttl <= :ttl',
        ReturnValues: 'UPDATED_OLD',
      });
    });

    it('keeps a later TTL with an ADD that does not set it', async () => {
      // Prepare
      ddbMock
        .on(UpdateCommand)
        .rejectsOnce(conditionFailed())
        .rejectsOnce(conditionFailed())
        .resolvesOnce({ Attributes: { conns: new Set(['other']), name: 'Ada' } });

      // Act
      const first = await storeWith().enter('/chat', 'lobby', ADA, CONNECTION, EXPIRES_AT);

      // Assess
      expect(first).toBe(false);
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(3, UpdateCommand, {
        Key: KEY,
        UpdateExpression: 'ADD #conns :ids SET #name = :name',
        ConditionExpression: '#ttl > :now AND #ttl > :ttl',
        ReturnValues: 'UPDATED_OLD',
      });
    });

    it('answers true when the live entry it added to had no connections left', async () => {
      // Prepare
      ddbMock
        .on(UpdateCommand)
        .rejectsOnce(conditionFailed())
        .resolvesOnce({ Attributes: { name: 'Ada', ttl: EXPIRES_AT } });

      // Act
      const first = await storeWith().enter('/chat', 'lobby', ADA, CONNECTION, EXPIRES_AT);

      // Assess
      expect(first).toBe(true);
    });

    it('starts over when the entry changes between its attempts, and gives up after 5 rounds', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());

      // Act
      const entering = storeWith().enter('/chat', 'lobby', ADA, CONNECTION, EXPIRES_AT);

      // Assess
      await expect(entering).rejects.toThrow('gave up after 5 attempts');
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 15);
    });

    it('rejects with any other error', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(new Error('throttled'));

      // Act
      const entering = storeWith().enter('/chat', 'lobby', ADA, CONNECTION, EXPIRES_AT);

      // Assess
      await expect(entering).rejects.toThrow('throttled');
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });
  });

  describe('Method: exit', () => {
    it('deletes the connection from the live set it is in, then the emptied item, and answers true', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: { conns: new Set([CONNECTION]) } });
      ddbMock.on(DeleteCommand).resolves({});

      // Act
      const last = await storeWith().exit('/chat', 'lobby', 'ada', CONNECTION);

      // Assess
      expect(last).toBe(true);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE_NAME,
        Key: KEY,
        UpdateExpression: 'DELETE #conns :ids',
        ConditionExpression: 'contains(#conns, :id) AND #ttl > :now',
        ExpressionAttributeNames: { '#conns': 'conns', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':ids': new Set([CONNECTION]),
          ':id': CONNECTION,
          ':now': NOW_SECONDS,
        },
        ReturnValues: 'UPDATED_OLD',
      });
      expect(ddbMock).toHaveReceivedCommandWith(DeleteCommand, {
        TableName: TABLE_NAME,
        Key: KEY,
        ConditionExpression: 'attribute_not_exists(#conns)',
        ExpressionAttributeNames: { '#conns': 'conns' },
      });
    });

    it('answers true when someone entered again before the item was deleted', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: { conns: new Set([CONNECTION]) } });
      ddbMock.on(DeleteCommand).rejects(conditionFailed());

      // Act
      const last = await storeWith().exit('/chat', 'lobby', 'ada', CONNECTION);

      // Assess
      expect(last).toBe(true);
    });

    it('answers false and deletes nothing when other connections stay', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: { conns: new Set([CONNECTION, 'other']) } });

      // Act
      const last = await storeWith().exit('/chat', 'lobby', 'ada', CONNECTION);

      // Assess
      expect(last).toBe(false);
      expect(ddbMock).toHaveReceivedCommandTimes(DeleteCommand, 0);
    });

    it('answers false and deletes nothing when the connection is not in a live entry', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());

      // Act
      const last = await storeWith().exit('/chat', 'lobby', 'ada', CONNECTION);

      // Assess
      expect(last).toBe(false);
      expect(ddbMock).toHaveReceivedCommandTimes(DeleteCommand, 0);
    });

    it('rejects when deleting the emptied item fails otherwise', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: { conns: new Set([CONNECTION]) } });
      ddbMock.on(DeleteCommand).rejects(new Error('throttled'));

      // Act
      const exiting = storeWith().exit('/chat', 'lobby', 'ada', CONNECTION);

      // Assess
      await expect(exiting).rejects.toThrow('throttled');
    });
  });

  describe('Method: list', () => {
    it('queries the room consistently, without expired or emptied entries, and follows LastEvaluatedKey', async () => {
      // Prepare
      const lastKey = { pk: 'presence#/chat#lobby', sk: 'ada' };
      ddbMock
        .on(QueryCommand)
        .resolvesOnce({
          Items: [{ sk: 'ada', name: 'Ada', conns: new Set(['a1', 'a2']) }],
          LastEvaluatedKey: lastKey,
        })
        .resolvesOnce({ Items: [], LastEvaluatedKey: { ...lastKey, sk: 'bea' } })
        .resolvesOnce({ Items: [{ sk: 'bob', name: 'Bob', conns: new Set(['b1']) }] });

      // Act
      const members = await storeWith({ pageSize: 2 }).list('/chat', 'lobby');

      // Assess
      expect(members).toEqual([
        { user: { id: 'ada', name: 'Ada' }, connections: 2 },
        { user: { id: 'bob', name: 'Bob' }, connections: 1 },
      ]);
      expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 3);
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(1, QueryCommand, {
        TableName: TABLE_NAME,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#ttl > :now AND attribute_exists(#conns)',
        ExpressionAttributeValues: { ':pk': 'presence#/chat#lobby', ':now': NOW_SECONDS },
        ConsistentRead: true,
        Limit: 2,
      });
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, QueryCommand, {
        ExclusiveStartKey: lastKey,
      });
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(3, QueryCommand, {
        ExclusiveStartKey: { ...lastKey, sk: 'bea' },
      });
    });
  });
});

describe('FakeChatTable behind DynamoDbPresenceStore', () => {
  const table = new FakeChatTable(TABLE_NAME);

  describePresenceStoreContract('DynamoDbPresenceStore on FakeChatTable', ({ now }) => {
    ddbMock.reset();
    table.clear();
    table.attach(ddbMock);
    return storeWith({ pageSize: 7, now });
  });

  it('leaves no item behind after the last exit, and none for an exit of an unknown connection', async () => {
    // Prepare
    ddbMock.reset();
    table.clear();
    table.attach(ddbMock);
    const store = storeWith({ now: Date.now });
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    await store.enter('/chat', 'lobby', ADA, CONNECTION, expiresAt);

    // Act
    await store.exit('/chat', 'lobby', 'ada', CONNECTION);
    await store.exit('/chat', 'lobby', 'bob', 'unknownId0000A=');

    // Assess
    expect(table.size).toBe(0);
  });
});
