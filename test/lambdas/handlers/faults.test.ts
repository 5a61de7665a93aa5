import {
  ApiGatewayManagementApiServiceException,
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import 'aws-sdk-client-mock-jest';
import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../../lambdas/handlers/connect';
import { createMessageHandler } from '../../../lambdas/handlers/message';
import { createWorkerHandler } from '../../../lambdas/handlers/worker';
import { connectEvent, frameEvent, newConnectionId } from '../../support/api-gateway-events';
import { mockChatAws } from '../../support/chat-aws-mocks';

const aws = mockChatAws();
const runtime = () => createChatRuntime(aws.runtimeOptions);
const connect = createConnectHandler(runtime);
const message = createMessageHandler(runtime);
const worker = createWorkerHandler(runtime);

const CONNECTED_AT = Date.now() - 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const throttled = () =>
  new LimitExceededException({ message: 'slow down', $metadata: { httpStatusCode: 429 } });
const internalError = () =>
  new ApiGatewayManagementApiServiceException({
    name: 'InternalServerErrorException',
    $fault: 'server',
    message: 'Internal server error',
    $metadata: { httpStatusCode: 500 },
  });
const forbidden = () =>
  new ForbiddenException({ message: 'Forbidden', $metadata: { httpStatusCode: 403 } });
const gone = () => new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });

describe('Faults: one failing recipient never blocks the others', () => {
  let sender: string;
  /** Recipients by behaviour, all members of `lobby`. */
  let healthy: string[];
  let slow: string;
  let throttledTwice: string;
  let broken: string;
  let refused: string;
  let stale: string;
  /** Ids posted to (call order) at the moment the slow recipient's post returned. */
  let postedWhenSlowReturned: string[];

  beforeEach(async () => {
    aws.install();
    sender = newConnectionId();
    const result = await connect(
      connectEvent({ connectionId: sender, connectedAt: CONNECTED_AT, query: { ns: '/' } }),
    );
    expect(result.statusCode).toBe(200);
    await message(frameEvent(sender, 'join', { room: 'lobby' }, 1, { connectedAt: CONNECTED_AT }));
    healthy = [newConnectionId(), newConnectionId(), newConnectionId(), newConnectionId()];
    [slow, throttledTwice, broken, refused, stale] = Array.from({ length: 5 }, newConnectionId) as [
      string,
      string,
      string,
      string,
      string,
    ];
    for (const id of [...healthy, slow, throttledTwice, broken, refused, stale]) {
      aws.table.seedConnection({ id, ns: '/', rooms: ['lobby'] });
    }
    postedWhenSlowReturned = [];
    aws.apigw.on(PostToConnectionCommand, { ConnectionId: slow }).callsFake(async () => {
      await sleep(150);
      postedWhenSlowReturned = aws.posts().map((post) => post.connectionId);
      return {};
    });
    aws.apigw
      .on(PostToConnectionCommand, { ConnectionId: throttledTwice })
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({});
    aws.apigw.on(PostToConnectionCommand, { ConnectionId: broken }).rejects(internalError());
    aws.apigw.on(PostToConnectionCommand, { ConnectionId: refused }).rejects(forbidden());
    aws.apigw.on(PostToConnectionCommand, { ConnectionId: stale }).rejects(gone());
    aws.clearHistory();
    // Retry waits draw from Math.random: pinned to 0, the retries do not wait.
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    aws.reset();
  });

  const chat = async () => {
    const result = await message(
      frameEvent(sender, 'chat', { room: 'lobby', message: 'hi all' }, 7, {
        connectedAt: CONNECTED_AT,
      }),
    );
    expect(result.statusCode).toBe(200);
    return JSON.parse(result.body ?? 'null') as unknown;
  };

  it('delivers to the others once each, counts only delivered ones in the ack, cleans up only the gone one', async () => {
    // Act
    const reply = await chat();

    // Assess
    expect(reply).toEqual({
      ack: 7,
      data: { recipients: healthy.length + 2, room: 'lobby', seq: 1 },
    });
    const frame = { event: 'chat', data: 'hi all', ns: '/', room: 'lobby', seq: 1, from: sender };
    for (const id of [...healthy, slow]) expect(aws.framesFor(id)).toEqual([frame]);
    // Two throttled posts, then the one that got through: the client sees it once.
    expect(aws.framesFor(throttledTwice)).toEqual([frame, frame, frame]);
    expect(aws.framesFor(broken)).toHaveLength(4);
    expect(aws.framesFor(refused)).toHaveLength(1);
    expect(aws.framesFor(stale)).toHaveLength(1);
    expect(aws.framesFor(sender)).toEqual([]);
    // The sender's request only hands the clean-up to the worker.
    expect(aws.table.keysOf(stale)).toHaveLength(4);
    expect(aws.cleanups()).toMatchObject([{ kind: 'cleanup', connectionIds: [stale] }]);
    for (const cleanup of aws.cleanups()) await worker(cleanup);
    expect(aws.table.keysOf(stale)).toEqual([]);
    for (const id of [broken, refused, throttledTwice, slow]) {
      expect(aws.table.keysOf(id)).toHaveLength(4);
    }
  });

  it('posts to every other recipient while the slow one is still in flight', async () => {
    // Act
    await chat();

    // Assess
    expect(new Set(postedWhenSlowReturned)).toEqual(
      new Set([...healthy, slow, throttledTwice, broken, refused, stale]),
    );
  });

  it('logs each failed post and one partial-delivery summary with counts', async () => {
    // Prepare
    const warn = jest.spyOn(aws.logger, 'warn');

    // Act
    await chat();

    // Assess
    expect(warn).toHaveBeenCalledWith('Post failed', {
      connectionId: broken,
      error: 'InternalServerErrorException',
    });
    expect(warn).toHaveBeenCalledWith('Post failed', {
      connectionId: refused,
      error: 'ForbiddenException',
    });
    expect(warn).toHaveBeenCalledWith('Partial delivery', {
      event: 'chat',
      ns: '/',
      delivered: healthy.length + 2,
      gone: 1,
      failed: 2,
    });
    expect(warn).toHaveBeenCalledTimes(3);
  });
});
