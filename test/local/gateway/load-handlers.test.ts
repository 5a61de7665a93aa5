import { resolve } from 'node:path';
import { handlerEnvironment, loadHandlers } from '../../../local/gateway/load-handlers';

const ROOT = resolve(__dirname, '..', '..', '..');
const options = {
  tableName: 'chat-local',
  dynamoDbEndpoint: 'http://127.0.0.1:8000',
  managementUrl: 'http://127.0.0.1:3001/local',
  lambdaUrl: 'http://127.0.0.1:3001',
};

describe('Function: handlerEnvironment', () => {
  it('points the SDK clients at DynamoDB Local and the emulator', () => {
    expect(handlerEnvironment(options)).toEqual({
      TABLE_NAME: 'chat-local',
      CALLBACK_URL: 'http://127.0.0.1:3001/local',
      DELIVER_FUNCTION_NAME: 'deliver',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3001',
      AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: 'http://127.0.0.1:3001/local',
    });
  });
});

describe('Function: loadHandlers', () => {
  const savedEnv = process.env;
  beforeEach(() => {
    process.env = { ...savedEnv };
  });
  afterEach(() => {
    process.env = savedEnv;
  });

  it('sets the environment before loading each module and returns its handler', async () => {
    process.env.AWS_SESSION_TOKEN = 'stale';

    const handlers = await loadHandlers({
      ...options,
      rootDir: ROOT,
      functions: { reader: { entry: 'test/local/gateway/fixtures/env-at-load.ts' } },
    });
    const loadedWith = (await handlers.reader(
      {},
      {} as never,
      () => undefined,
    )) as NodeJS.ProcessEnv;

    expect(loadedWith).toMatchObject(handlerEnvironment(options));
    expect(loadedWith.AWS_SESSION_TOKEN).toBeUndefined();
  });

  it('fails clearly when a module has no handler export', async () => {
    const loading = loadHandlers({
      ...options,
      rootDir: ROOT,
      functions: { broken: { entry: 'test/local/gateway/fixtures/no-handler.ts' } },
    });

    await expect(loading).rejects.toThrow('does not export a function named handler');
  });
});
