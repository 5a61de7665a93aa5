import { resolve } from 'node:path';
import { type Gateway, LOCAL_AWS, silentLogger, startGateway } from '../../local/gateway';
import { FunctionPool } from '../../local/lambda/function-pool';
import type { FunctionSpec } from '../../local/lambda/function-spec';
import { openClient } from './emulator-support';

const FIXTURES = resolve(__dirname, '..', 'local', 'gateway', 'fixtures');

describe('Emulator: functions in their own containers use the real SDK clients unchanged', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway({
      logger: silentLogger,
      functions: { connect: async () => ({ statusCode: 200 }) },
    });
    const spec = (
      name: string,
      file: string,
      environment: Record<string, string>,
    ): FunctionSpec => ({
      name,
      module: `${FIXTURES}/${file}`,
      exportName: 'handler',
      timeoutMs: 10_000,
      memoryMb: 256,
      maxContainers: 2,
      environment: {
        AWS_REGION: LOCAL_AWS.region,
        AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_LAMBDA: gateway.lambdaUrl,
        AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: gateway.managementUrl,
        ...environment,
      },
    });
    gateway.register({
      message: new FunctionPool(
        spec('message', 'sdk-message.ts', {
          CALLBACK_URL: gateway.managementUrl,
          WORKER_FUNCTION_NAME: 'worker',
        }),
        silentLogger,
      ),
      worker: new FunctionPool(spec('worker', 'sdk-worker.ts', {}), silentLogger),
    });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('posts through CALLBACK_URL and invokes the worker function through AWS_ENDPOINT_URL_LAMBDA', async () => {
    const client = await openClient(gateway.url);

    client.ws.send('hi');

    expect(new Set([await client.next(10_000), await client.next(10_000)])).toEqual(
      new Set(['echo:hi', 'delivered:hi']),
    );
    client.ws.close();
    await client.closed;
  });
});
