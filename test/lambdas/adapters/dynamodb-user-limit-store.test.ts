import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbUserLimitStore } from '../../../lambdas/adapters/dynamodb-user-limit-store';

const TABLE_NAME = 'chat';
const CONNECTION = 'R1kmxc2VNjMCFIA=';
const EXPIRES_AT = 1_700_003_600;
const WINDOW = 1_700_000_040;
const ddbMock = mockClient(DynamoDBDocumentClient);

const store = () =>
  new DynamoDbUserLimitStore({
    tableName: TABLE_NAME,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
  });

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
  });
}

/** The size DynamoDB bills an item by: names and values in UTF-8 (numbers up to 21 bytes). */
function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      (typeof value === 'number' ? 21 : Buffer.byteLength(String(value))),
    0,
  );
}

describe('Class: DynamoDbUserLimitStore', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  afterEach(() => {
    const commandNames = ddbMock.calls().map((call) => call.args[0].constructor.name);
    expect(commandNames).not.toContain('ScanCommand');
  });

  describe('Method: acquireConnection', () => {
    it("adds the id to the user's set with one update, conditioned on the set's size", async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      const slot = await store().acquireConnection('alice', CONNECTION, 10, EXPIRES_AT);

      // Assess
      expect(slot).toEqual({ acquired: true });
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE_NAME,
        Key: { pk: 'user#alice', sk: 'connections' },
        UpdateExpression: 'ADD #conns :ids SET #ttl = :ttl',
        ConditionExpression:
          'attribute_not_exists(#conns) OR size(#conns) < :max OR contains(#conns, :id)',
        ExpressionAttributeValues: {
          ':ids': new Set([CONNECTION]),
          ':id': CONNECTION,
          ':max': 10,
          ':ttl': EXPIRES_AT,
        },
      });
      expect(ddbMock).toHaveReceivedCommandTimes(GetCommand, 0);
    });

    it('when refused, reads the holders with a consistent read', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());
      ddbMock.on(GetCommand).resolves({ Item: { conns: new Set(['A', 'B']) } });

      // Act
      const slot = await store().acquireConnection('alice', CONNECTION, 2, EXPIRES_AT);

      // Assess
      expect(slot).toEqual({ acquired: false, holders: ['A', 'B'] });
      expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
        Key: { pk: 'user#alice', sk: 'connections' },
        ConsistentRead: true,
      });
    });

    it('passes other failures on', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(new Error('throttled'));

      // Act
      const acquiring = store().acquireConnection('alice', CONNECTION, 2, EXPIRES_AT);

      // Assess
      await expect(acquiring).rejects.toThrow('throttled');
    });
  });

  describe('Method: releaseConnections', () => {
    it('deletes the ids from the set, never creating an item, and ignores a missing one', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());

      // Act
      await store().releaseConnections('alice', [CONNECTION]);
      await store().releaseConnections('alice', []);

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: 'user#alice', sk: 'connections' },
        UpdateExpression: 'DELETE #conns :ids',
        ConditionExpression: 'attribute_exists(#conns)',
      });
    });
    it('deletes the item when the last connection is released, unless one was added meanwhile', async () => {
      // Prepare
      ddbMock
        .on(UpdateCommand)
        .resolvesOnce({ Attributes: { pk: 'user#alice', sk: 'connections', ttl: EXPIRES_AT } })
        .resolves({ Attributes: { conns: new Set(['B']) } });
      ddbMock.on(DeleteCommand).rejects(conditionFailed());

      // Act
      await store().releaseConnections('alice', [CONNECTION]);
      await store().releaseConnections('alice', ['A']);

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(DeleteCommand, 1);
      expect(ddbMock).toHaveReceivedCommandWith(DeleteCommand, {
        Key: { pk: 'user#alice', sk: 'connections' },
        ConditionExpression: 'attribute_not_exists(#conns)',
      });
    });
  });

  describe('Method: chargeFrame', () => {
    const charge = {
      key: `user:${'u'.repeat(128)}`,
      window: WINDOW,
      slice: 3,
      messageLimit: 20,
      reserve: 50,
      deliveryLimit: 6_000,
      expiresAt: WINDOW + 120,
    };

    it('is one conditional update of an item under 1 KB (one write unit), and no read', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      const refused = await store().chargeFrame(charge);

      // Assess
      expect(refused).toBeUndefined();
      expect(ddbMock.calls()).toHaveLength(1);
      const input = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        Key: { pk: `budget#${charge.key}`, sk: String(WINDOW) },
        UpdateExpression: 'ADD #m :one, #d :reserve SET #ttl = :ttl',
        ConditionExpression:
          '(attribute_not_exists(#m) OR #m < :maxM) AND (attribute_not_exists(#d) OR #d <= :room)',
        ExpressionAttributeNames: { '#m': 'm3', '#d': 'd', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':reserve': 50,
          ':maxM': 20,
          ':room': 5_950,
          ':ttl': WINDOW + 120,
        },
      });
      // The largest item: its key, every slice of a minute of 2 s windows, `d` and `ttl`.
      const largest = {
        pk: `budget#${charge.key}`,
        sk: String(WINDOW),
        ...Object.fromEntries(Array.from({ length: 30 }, (_, slice) => [`m${slice}`, 20])),
        d: 30_000,
        ttl: WINDOW + 120,
      };
      expect(itemBytes(largest)).toBeLessThan(1024);
    });

    it.each([
      [{ m3: 20, d: 100 }, 'messages'],
      [{ m3: 2, d: 5_990 }, 'deliveries'],
    ])('when refused, reads the window to tell which budget (%o → %s)', async (item, budget) => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());
      ddbMock.on(GetCommand).resolves({ Item: item });

      // Act
      const refused = await store().chargeFrame(charge);

      // Assess
      expect(refused).toBe(budget);
      expect(ddbMock).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
    });

    it('refuses a reserve over the delivery limit without writing', async () => {
      // Act
      const refused = await store().chargeFrame({ ...charge, reserve: 6_001 });

      // Assess
      expect(refused).toBe('deliveries');
      expect(ddbMock.calls()).toHaveLength(0);
    });

    it('with no limits, adds without a condition', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      await store().chargeFrame({
        ...charge,
        messageLimit: undefined,
        deliveryLimit: undefined,
        reserve: 0,
      });

      // Assess
      const input = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.UpdateExpression).toBe('ADD #m :one SET #ttl = :ttl');
      expect(input?.ConditionExpression).toBeUndefined();
      expect(input?.ExpressionAttributeNames).toEqual({ '#m': 'm3', '#ttl': 'ttl' });
    });
  });

  describe('Method: chargeDeliveries', () => {
    const charge = {
      key: 'user:alice',
      window: WINDOW,
      recipients: 400,
      deliveryLimit: 6_000,
      expiresAt: WINDOW + 120,
    };

    it('adds the recipients with one update conditioned on the room left', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      const charged = await store().chargeDeliveries(charge);

      // Assess
      expect(charged).toBe(true);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: 'budget#user:alice', sk: String(WINDOW) },
        UpdateExpression: 'ADD #d :n SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#d) OR #d <= :room',
        ExpressionAttributeValues: { ':n': 400, ':room': 5_600, ':ttl': WINDOW + 120 },
      });
    });

    it('answers false when the condition fails, and when the recipients alone are over the limit', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionFailed());

      // Act
      const refused = await store().chargeDeliveries(charge);
      const tooMany = await store().chargeDeliveries({ ...charge, recipients: 6_001 });

      // Assess
      expect([refused, tooMany]).toEqual([false, false]);
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });
  });

  describe('Method: claim', () => {
    it('puts the claim only if absent: true when put, false when it was there', async () => {
      // Prepare
      ddbMock.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());

      // Act
      const first = await store().claim('/notification#hello', WINDOW, WINDOW + 120);
      const second = await store().claim('/notification#hello', WINDOW, WINDOW + 120);

      // Assess
      expect([first, second]).toEqual([true, false]);
      expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
        Item: { pk: 'claim#/notification#hello', sk: String(WINDOW), ttl: WINDOW + 120 },
        ConditionExpression: 'attribute_not_exists(#pk)',
      });
    });
  });
});
