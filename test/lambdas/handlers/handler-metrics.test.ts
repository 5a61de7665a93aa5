import { Metrics } from '@aws-lambda-powertools/metrics';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { signSecretToken } from '../../../lambdas/auth';
import { createAuthorizeHandler } from '../../../lambdas/handlers/authorize';
import { type ChatRuntime, createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../../lambdas/handlers/connect';
import { createDisconnectHandler } from '../../../lambdas/handlers/disconnect';
import { createMessageHandler } from '../../../lambdas/handlers/message';
import { createWorkerHandler } from '../../../lambdas/handlers/worker';
import {
  connectEvent,
  disconnectEvent,
  messageEvent,
  newConnectionId,
} from '../../support/api-gateway-events';
import { mockChatAws } from '../../support/chat-aws-mocks';
import { captureEmf, withEmfEnabled } from '../../support/emf-output';

const aws = mockChatAws();
const SECRET = 'test-secret-test-secret-test-secret-0123';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/$connect';

/** A runtime on the mocked clients whose Powertools Metrics is watched. */
function watchedRuntime(): { runtime: ChatRuntime; publishes: jest.SpyInstance } {
  const metrics = new Metrics({ namespace: 'ApigwChat', serviceName: 'apigw-chat' });
  const runtime = createChatRuntime({ ...aws.runtimeOptions, metrics });
  return { runtime, publishes: jest.spyOn(runtime.metrics, 'publish') };
}

describe('Handlers: metrics are published at the end of every invocation', () => {
  let emf: ReturnType<typeof withEmfEnabled>;
  let output: ReturnType<typeof captureEmf>;

  beforeEach(() => {
    aws.install();
    emf = withEmfEnabled();
    output = captureEmf();
  });

  afterEach(() => {
    output.restore();
    emf.restore();
    aws.reset();
  });

  it('connect, message, worker and disconnect each publish their own counts once', async () => {
    // Prepare
    const { runtime, publishes } = watchedRuntime();
    const id = newConnectionId();
    const other = newConnectionId();
    const handlers = {
      connect: createConnectHandler(() => runtime),
      message: createMessageHandler(() => runtime),
      worker: createWorkerHandler(() => runtime),
      disconnect: createDisconnectHandler(() => runtime),
    };

    // Act
    await handlers.connect(connectEvent({ connectionId: id, query: { ns: '/' } }));
    const afterConnect = output.total('Connections');
    await handlers.message(messageEvent({ connectionId: id, body: 'not json' }));
    const afterMessage = output.total('MessagesReceived');
    await handlers.worker({
      kind: 'shard',
      groups: [{ frame: '{"event":"x","ns":"/"}', connectionIds: [other, newConnectionId()] }],
    });
    const afterDeliver = output.total('Deliveries');
    await handlers.disconnect(disconnectEvent({ connectionId: id }));

    // Assess
    expect(publishes).toHaveBeenCalledTimes(4);
    expect(afterConnect).toBe(1);
    expect(afterMessage).toBe(1);
    expect(output.documents().find((doc) => doc.ErrorCode === 'BAD_REQUEST')).toMatchObject({
      Errors: 1,
    });
    expect(afterDeliver).toBe(2);
    expect(output.total('Disconnections')).toBe(1);
    for (const doc of output.documents()) {
      expect(doc._aws.CloudWatchMetrics[0]?.Namespace).toBe('ApigwChat');
      expect(doc.service).toBe('apigw-chat');
    }
  });

  it('message: a failure outside the core still publishes, counting Errors INTERNAL', async () => {
    // Prepare
    const { runtime, publishes } = watchedRuntime();
    const message = createMessageHandler(() => runtime);
    aws.ddb.on(GetCommand).rejects(new Error('DynamoDB is down'));

    // Act
    const result = await message(messageEvent({ connectionId: newConnectionId(), body: '{' }));

    // Assess
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      event: 'error',
      data: { code: 'INTERNAL' },
    });
    expect(publishes).toHaveBeenCalledTimes(1);
    expect(output.total('MessagesReceived')).toBe(1);
    expect(output.documents().find((doc) => doc.ErrorCode === 'INTERNAL')).toMatchObject({
      Errors: 1,
    });
  });

  it('connect: publishes when the handler throws', async () => {
    // Prepare
    const { runtime, publishes } = watchedRuntime();
    const connect = createConnectHandler(() => runtime);
    aws.ddb.on(BatchWriteCommand).rejects(new Error('DynamoDB is down'));

    // Act
    const running = connect(connectEvent({ connectionId: newConnectionId(), query: { ns: '/' } }));

    // Assess
    await expect(running).rejects.toThrow('DynamoDB is down');
    expect(publishes).toHaveBeenCalledTimes(1);
    expect(output.total('Connections')).toBe(0);
  });

  it('disconnect: publishes when the handler throws', async () => {
    // Prepare
    const { runtime, publishes } = watchedRuntime();
    const disconnect = createDisconnectHandler(() => runtime);
    aws.ddb.on(GetCommand).rejects(new Error('DynamoDB is down'));

    // Act
    const running = disconnect(disconnectEvent({ connectionId: newConnectionId() }));

    // Assess
    await expect(running).rejects.toThrow('DynamoDB is down');
    expect(publishes).toHaveBeenCalledTimes(1);
  });

  it('worker: publishes what it counted before the handler threw', async () => {
    // Prepare: the shard is posted, then the worker fails (post failures alone are swallowed).
    const { runtime, publishes } = watchedRuntime();
    const worker = createWorkerHandler(() => runtime);
    const postShard = runtime.server.postShard.bind(runtime.server);
    jest.spyOn(runtime.server, 'postShard').mockImplementation(async (shard) => {
      await postShard(shard);
      throw new Error('worker crashed');
    });

    // Act
    const running = worker({
      kind: 'shard',
      groups: [{ frame: '{"event":"x","ns":"/"}', connectionIds: [newConnectionId()] }],
    });

    // Assess
    await expect(running).rejects.toThrow('worker crashed');
    expect(publishes).toHaveBeenCalledTimes(1);
    expect(output.total('Deliveries')).toBe(1);
  });

  it('an invocation that recorded nothing writes nothing, not even a warning', async () => {
    // Prepare
    const { runtime, publishes } = watchedRuntime();
    const connect = createConnectHandler(() => runtime);

    // Act
    const result = await connect({ not: 'an event' });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(publishes).toHaveBeenCalledTimes(1);
    expect(output.documents()).toEqual([]);
    expect(output.stderr).toEqual([]);
  });
});

describe('Handler: authorize publishes its decision', () => {
  let emf: ReturnType<typeof withEmfEnabled>;
  let output: ReturnType<typeof captureEmf>;
  const quietLogger = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), addContext: jest.fn() };
  /** An authorizer event offering `token` (if any) as the subprotocol `token.<jwt>`. */
  const event = ({ token }: { token?: string }) => ({
    methodArn: METHOD_ARN,
    headers: token === undefined ? {} : { 'Sec-WebSocket-Protocol': `apigw-chat, token.${token}` },
  });

  beforeEach(() => {
    emf = withEmfEnabled();
    output = captureEmf();
  });

  afterEach(() => {
    output.restore();
    emf.restore();
  });

  function watchedAuthorizer(env: NodeJS.ProcessEnv) {
    const metrics = new Metrics({ namespace: 'ApigwChat', serviceName: 'apigw-chat' });
    const publishes = jest.spyOn(metrics, 'publishStoredMetrics');
    const authorize = createAuthorizeHandler({ env: () => env, logger: quietLogger, metrics });
    return { authorize, publishes };
  }

  it('counts AuthorizerAllowed for a valid token', async () => {
    // Prepare
    const { authorize, publishes } = watchedAuthorizer({
      AUTH_MODE: 'secret',
      AUTH_SECRET: SECRET,
    });
    const token = await signSecretToken(SECRET, { user: 'alice' });

    // Act
    await authorize(event({ token }));

    // Assess
    expect(publishes).toHaveBeenCalledTimes(1);
    expect(output.documents()).toEqual([
      expect.objectContaining({ AuthorizerAllowed: 1, service: 'apigw-chat' }),
    ]);
  });

  it('counts AuthorizerDenied when it refuses with 401, publishing before it throws', async () => {
    // Prepare
    const { authorize, publishes } = watchedAuthorizer({
      AUTH_MODE: 'secret',
      AUTH_SECRET: SECRET,
    });

    // Act
    const running = authorize(event({ token: 'garbage' }));

    // Assess
    await expect(running).rejects.toThrow('Unauthorized');
    expect(publishes).toHaveBeenCalledTimes(1);
    expect(output.documents()).toEqual([expect.objectContaining({ AuthorizerDenied: 1 })]);
  });

  it('publishes nothing when it is misconfigured (the Lambda Errors metric counts that)', async () => {
    // Prepare
    const { authorize, publishes } = watchedAuthorizer({ AUTH_MODE: 'secret' });

    // Act
    const running = authorize(event({ token: 'any' }));

    // Assess
    await expect(running).rejects.toThrow();
    expect(publishes).not.toHaveBeenCalled();
    expect(output.documents()).toEqual([]);
    expect(output.stderr).toEqual([]);
  });
});
