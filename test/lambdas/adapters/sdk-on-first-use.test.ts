import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaShardDispatcher } from '../../../lambdas/adapters/lambda-shard-dispatcher';
import {
  createLambdaClient,
  lambdaSdk,
  managementApiSdk,
  onFirstUse,
} from '../../../lambdas/adapters/sdk-on-first-use';

describe('Function: onFirstUse', () => {
  it('creates the client at the first call only, and returns it from then on', () => {
    // Prepare
    const create = jest.fn(() => new LambdaClient({ region: 'local' }));

    // Act
    const client = onFirstUse(create);

    // Assess
    expect(create).not.toHaveBeenCalled();
    const first = client();
    expect(client()).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('returns a client passed in as it is', () => {
    const passed = new LambdaClient({ region: 'local' });
    expect(onFirstUse(passed)()).toBe(passed);
  });
});

describe('Functions: lambdaSdk and managementApiSdk', () => {
  it('are the packages the rest of the code imports', () => {
    expect(lambdaSdk().InvokeCommand).toBe(InvokeCommand);
    expect(managementApiSdk().DeleteConnectionCommand).toBe(DeleteConnectionCommand);
  });
});

describe('Function: createLambdaClient', () => {
  const lambdaMock = mockClient(LambdaClient);
  afterEach(() => lambdaMock.reset());

  it('gives a dispatcher its client at the first dispatch', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const create = jest.fn(createLambdaClient);
    const dispatcher = new LambdaShardDispatcher({ functionName: 'worker', client: create });
    expect(create).not.toHaveBeenCalled();

    // Act
    await dispatcher.dispatch({ groups: [{ frame: '{}', connectionIds: ['a='] }] });
    await dispatcher.dispatch({ groups: [{ frame: '{}', connectionIds: ['b='] }] });

    // Assess
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.results[0]?.value).toBeInstanceOf(LambdaClient);
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 2);
  });
});
