import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbRecoveryStore } from '../../lambdas/adapters/dynamodb-recovery-store';
import { useDynamoDbLocal } from '../support/dynamodb-local-fixture';
import {
  describeRecoveryStoreContract,
  recoverableSocket,
} from '../support/recovery-store-contract';

jest.setTimeout(30_000);

const TABLE_NAME = 'chat-recovery-store-contract';
const dynamoDb = useDynamoDbLocal([TABLE_NAME]);

// Every test uses its own pids, so one table serves them all.
describeRecoveryStoreContract(
  'DynamoDbRecoveryStore on DynamoDB Local',
  () => new DynamoDbRecoveryStore({ tableName: TABLE_NAME, client: dynamoDb.documentClient() }),
);

describe('DynamoDbRecoveryStore on DynamoDB Local', () => {
  it('writes one item, pid#<pid> / socket, that expires with the recovery window', async () => {
    // Prepare
    const store = new DynamoDbRecoveryStore({
      tableName: TABLE_NAME,
      client: dynamoDb.documentClient(),
    });
    const socket = recoverableSocket();

    // Act
    await store.keep(socket);

    // Assess
    const { Item: item } = await dynamoDb
      .documentClient()
      .send(
        new GetCommand({ TableName: TABLE_NAME, Key: { pk: `pid#${socket.pid}`, sk: 'socket' } }),
      );
    expect(item).toEqual(
      expect.objectContaining({
        ns: '/chat',
        userId: 'alice',
        socketId: socket.socketId,
        ttl: socket.expiresAt,
      }),
    );
  });

  it('marks a socket that left with one item, left#<socket id> / socket, that expires', async () => {
    // Prepare
    const store = new DynamoDbRecoveryStore({
      tableName: TABLE_NAME,
      client: dynamoDb.documentClient(),
    });
    const { socketId, expiresAt } = recoverableSocket();

    // Act
    await store.markLeft(socketId as string, expiresAt);

    // Assess
    const { Item: item } = await dynamoDb
      .documentClient()
      .send(
        new GetCommand({ TableName: TABLE_NAME, Key: { pk: `left#${socketId}`, sk: 'socket' } }),
      );
    expect(item).toEqual({ pk: `left#${socketId}`, sk: 'socket', ttl: expiresAt });
  });
});
