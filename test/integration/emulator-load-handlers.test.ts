import { resolve } from 'node:path';
import { type Gateway, loadHandlers, silentLogger, startGateway } from '../../local/gateway';
import { openClient } from './emulator-support';

const ROOT = resolve(__dirname, '..', '..');
const FIXTURES = 'test/local/gateway/fixtures';

describe('Emulator: handlers loaded by loadHandlers use the real SDK clients unchanged', () => {
  const savedEnv = process.env;
  let gateway: Gateway;

  beforeAll(async () => {
    process.env = { ...savedEnv };
    gateway = await startGateway({
      logger: silentLogger,
      functions: { connect: async () => ({ statusCode: 200 }) },
    });
    gateway.register(
      await loadHandlers({
        functions: {
          message: { entry: `${FIXTURES}/sdk-message.ts` },
          deliver: { entry: `${FIXTURES}/sdk-deliver.ts` },
        },
        rootDir: ROOT,
        tableName: 'chat-test',
        dynamoDbEndpoint: 'http://127.0.0.1:1',
        managementUrl: gateway.managementUrl,
        lambdaUrl: gateway.lambdaUrl,
      }),
    );
  });

  afterAll(async () => {
    await gateway.close();
    process.env = savedEnv;
  });

  it('posts through CALLBACK_URL and invokes the deliver function through AWS_ENDPOINT_URL_LAMBDA', async () => {
    const client = await openClient(gateway.url);

    client.ws.send('hi');

    expect(new Set([await client.next(), await client.next()])).toEqual(
      new Set(['echo:hi', 'delivered:hi']),
    );
    client.ws.close();
    await client.closed;
  });
});
