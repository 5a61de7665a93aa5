import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDynamoDbDocumentClient } from '../../../lambdas/adapters/dynamodb-document-client';
import { DynamoDbMembershipStore } from '../../../lambdas/adapters/dynamodb-membership-store';

/** A stand-in DynamoDB endpoint answering requests in turn with `answers` (the last one repeats). */
async function startFakeDynamoDb(answers: readonly { status: number; body: unknown }[]) {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(req.headers);
      const answer = answers[Math.min(requests.length, answers.length) - 1];
      const text = JSON.stringify(answer?.body ?? {});
      res.writeHead(answer?.status ?? 500, {
        'Content-Type': 'application/x-amz-json-1.0',
        'Content-Length': Buffer.byteLength(text),
        'x-amzn-RequestId': `request-${requests.length}`,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const dynamoDbError = (type: string) => ({
  status: 400,
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'Throughput exceeded' },
});

describe('Function: createDynamoDbDocumentClient', () => {
  // aws-sdk-client-mock replaces `send`, so the SDK's retry middleware never runs under it:
  // the configuration is checked on the built client, and the retries against a real endpoint.
  const clientConfig = (endpoint: string) => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let fake: Awaited<ReturnType<typeof startFakeDynamoDb>> | undefined;

  beforeEach(() => {
    // The SDK's full-jitter draw: pinned small, its throttling backoffs take 1 and 2 ms, not seconds.
    jest.spyOn(Math, 'random').mockReturnValue(0.001);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await fake?.close();
    fake = undefined;
  });

  it('configures the standard retry mode with at most 3 attempts', async () => {
    // Act
    const client = createDynamoDbDocumentClient();

    // Assess
    expect(await client.config.maxAttempts()).toBe(3);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'standard' });
  });

  it('leaves out the SDK logger middleware when no logger is given', () => {
    // Act
    const client = createDynamoDbDocumentClient();

    // Assess
    const middleware = client.middlewareStack.identify();
    expect(middleware.some((name) => name.startsWith('loggerMiddleware'))).toBe(false);
    expect(middleware.some((name) => name.startsWith('retryMiddleware'))).toBe(true);
  });

  it('reads and writes without the logger middleware, and logs every call given a logger', async () => {
    // Prepare
    fake = await startFakeDynamoDb([{ status: 200, body: {} }]);
    const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const quiet = new DynamoDbMembershipStore({
      tableName: 'chat',
      client: createDynamoDbDocumentClient(clientConfig(fake.endpoint)),
    });
    const logged = new DynamoDbMembershipStore({
      tableName: 'chat',
      client: createDynamoDbDocumentClient({ ...clientConfig(fake.endpoint), logger }),
    });

    // Act
    const unknown = await quiet.getConnection('K00000000000001=');
    await logged.getConnection('K00000000000002=');

    // Assess
    expect(unknown).toBeUndefined();
    expect(fake.requests).toHaveLength(2);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({
        commandName: 'GetItemCommand',
        input: expect.objectContaining({ Key: expect.objectContaining({ sk: 'conn' }) }),
      }),
    );
  });

  it('retries a call throttled twice and returns what the third attempt read', async () => {
    // Prepare
    fake = await startFakeDynamoDb([
      dynamoDbError('ThrottlingException'),
      dynamoDbError('ProvisionedThroughputExceededException'),
      {
        status: 200,
        body: {
          Item: {
            pk: { S: 'conn#K00000000000001=' },
            sk: { S: 'conn' },
            ns: { S: '/' },
            rooms: { SS: ['lobby'] },
            data: { M: {} },
            connectedAt: { N: '1700000000000' },
            ttl: { N: '1700008100' },
          },
        },
      },
    ]);
    const store = new DynamoDbMembershipStore({
      tableName: 'chat',
      client: createDynamoDbDocumentClient(clientConfig(fake.endpoint)),
    });

    // Act
    const record = await store.getConnection('K00000000000001=');

    // Assess
    expect(record).toMatchObject({ id: 'K00000000000001=', ns: '/', rooms: ['lobby'] });
    expect(fake.requests.map((headers) => headers['amz-sdk-request'])).toEqual([
      'attempt=1; max=3',
      'attempt=2; max=3',
      'attempt=3; max=3',
    ]);
  });

  it('gives up after 3 attempts when the throttling persists', async () => {
    // Prepare
    fake = await startFakeDynamoDb([dynamoDbError('ProvisionedThroughputExceededException')]);
    const store = new DynamoDbMembershipStore({
      tableName: 'chat',
      client: createDynamoDbDocumentClient(clientConfig(fake.endpoint)),
    });

    // Act
    const reading = store.getConnection('K00000000000001=');

    // Assess
    await expect(reading).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { attempts: 3 },
    });
    expect(fake.requests).toHaveLength(3);
  });
});
