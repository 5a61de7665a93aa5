import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Gateway } from '../../local/gateway';
import { gatewayPool, recordingFunctions, SDK_CONFIG, sleep, waitFor } from './emulator-support';

const pool = gatewayPool();
let lambda: LambdaClient;

afterEach(async () => {
  lambda.destroy();
  await pool.stopAll();
});

async function setUp(behave: Parameters<typeof recordingFunctions>[0], options = {}) {
  const fakes = recordingFunctions(behave);
  const gateway: Gateway = await pool.start({
    functions: fakes.functions,
    asyncRetryDelaysMs: [50, 50],
    ...options,
  });
  lambda = new LambdaClient({ ...SDK_CONFIG, endpoint: gateway.lambdaUrl, maxAttempts: 1 });
  return { ...fakes, gateway };
}

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decoded = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

describe('Emulator: the Lambda Invoke API with the real SDK client', () => {
  it('Event: answers 202 at once and runs the function with the payload as event', async () => {
    // Prepare
    let release = (): void => undefined;
    const { calls } = await setUp({
      worker: () => new Promise((resolve) => (release = () => resolve(null))),
    });

    // Act
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: 'worker',
        InvocationType: 'Event',
        Payload: payload({ frames: ['a'] }),
      }),
    );

    // Assess
    expect(result.StatusCode).toBe(202);
    await waitFor(() => calls('worker').length === 1);
    expect(calls('worker')[0]?.event).toEqual({ frames: ['a'] });
    expect(calls('worker')[0]?.context.functionName).toBe('worker');
    release();
  });

  it('Event: retries a failed invocation twice, as Lambda does', async () => {
    const { calls } = await setUp({
      worker: async () => {
        throw new Error('not yet');
      },
    });

    await lambda.send(
      new InvokeCommand({ FunctionName: 'worker', InvocationType: 'Event', Payload: payload({}) }),
    );

    await waitFor(() => calls('worker').length === 3);
    await sleep(150);
    expect(calls('worker')).toHaveLength(3);
  });

  it('RequestResponse: answers 200 with the JSON result; the name may be an ARN', async () => {
    await setUp({ worker: async (event) => ({ echoed: event }) });

    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
        Payload: payload({ n: 1 }),
      }),
    );

    expect(result.StatusCode).toBe(200);
    expect(result.FunctionError).toBeUndefined();
    expect(decoded(result.Payload)).toEqual({ echoed: { n: 1 } });
  });

  it('RequestResponse: reports a thrown error as FunctionError Unhandled', async () => {
    await setUp({
      worker: async () => {
        throw new TypeError('bad frame');
      },
    });

    const result = await lambda.send(
      new InvokeCommand({ FunctionName: 'worker', Payload: payload({}) }),
    );

    expect(result.FunctionError).toBe('Unhandled');
    expect(decoded(result.Payload)).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'bad frame',
    });
  });

  it('fails with ResourceNotFoundException (404) for an unknown function', async () => {
    await setUp({});

    const error = await lambda
      .send(
        new InvokeCommand({ FunctionName: 'nope', InvocationType: 'Event', Payload: payload({}) }),
      )
      .catch((caught: Error & { $metadata: { httpStatusCode?: number } }) => caught);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('gives handlers a realistic context', async () => {
    const { calls } = await setUp({ worker: async () => null }, { functionTimeoutMs: 5_000 });

    await lambda.send(new InvokeCommand({ FunctionName: 'worker', Payload: payload({}) }));

    const context = calls('worker')[0]?.context;
    expect(context).toMatchObject({
      functionName: 'worker',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/worker',
      awsRequestId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ),
      logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
    });
    expect(context?.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context?.getRemainingTimeInMillis()).toBeLessThanOrEqual(5_000);
  });
});
