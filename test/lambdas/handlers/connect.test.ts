import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../../lambdas/handlers/connect';
import { connectEvent, messageEvent, newConnectionId } from '../../support/api-gateway-events';
import { mockChatAws, TABLE_NAME, WORKER_FUNCTION_NAME } from '../../support/chat-aws-mocks';

const aws = mockChatAws();
const connect = createConnectHandler(() => createChatRuntime(aws.runtimeOptions));

/** 2 h 15 min after `connectedAt`, in epoch seconds. */
const ttlOf = (connectedAt: number) => Math.floor(connectedAt / 1000) + 8100;

describe('Handler: connect', () => {
  aws.installForEachTest();

  describe('Namespace: /', () => {
    it('answers 200 and writes the connection, its namespace membership and its own room in one batch', async () => {
      // Prepare
      const id = newConnectionId();
      const connectedAt = 1_767_225_600_123;

      // Act
      const result = await connect(
        connectEvent({ connectionId: id, connectedAt, query: { ns: '/' } }),
      );

      // Assess
      expect(result).toEqual({ statusCode: 200 });
      expect(aws.ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 1);
      expect(aws.ddb).toHaveReceivedCommandWith(BatchWriteCommand, {
        RequestItems: {
          [TABLE_NAME]: [
            {
              PutRequest: {
                Item: {
                  pk: `conn#${id}`,
                  sk: 'conn',
                  ns: '/',
                  data: {},
                  connectedAt,
                  handshake: expect.any(String),
                  ttl: ttlOf(connectedAt),
                },
              },
            },
            { PutRequest: { Item: { pk: 'ns#/', sk: id, conn: id, ttl: ttlOf(connectedAt) } } },
            {
              PutRequest: {
                Item: { pk: `room#/#${id}`, sk: id, conn: id, ttl: ttlOf(connectedAt) },
              },
            },
          ],
        },
      });
      expect(aws.table.keysOf(id)).toEqual([`conn#${id} conn`, `ns#/ ${id}`, `room#/#${id} ${id}`]);
      expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      expect(aws.lambda).not.toHaveReceivedCommand(InvokeCommand);
    });

    it.each([
      ['no query string', undefined],
      ['a query string without ns', { token: 'abc' }],
      ['an empty ns', { ns: '' }],
    ])('joins the default namespace / with %s', async (_case, query) => {
      // Prepare
      const id = newConnectionId();

      // Act
      const result = await connect(connectEvent({ connectionId: id, query }));

      // Assess
      expect(result).toEqual({ statusCode: 200 });
      expect(aws.table.get(`conn#${id}`, 'conn')).toMatchObject({ ns: '/' });
      expect(aws.table.partition('ns#/').map((item) => item.sk)).toEqual([id]);
    });
  });

  describe('Authentication', () => {
    it("stores the authorizer's user as data.user", async () => {
      // Prepare
      const id = newConnectionId();

      // Act
      const result = await connect(
        connectEvent({
          connectionId: id,
          query: { ns: '/', token: 'eyJ.x.y' },
          authorizer: { userId: 'alice', name: 'Alice', principalId: 'alice' },
        }),
      );

      // Assess
      expect(result).toEqual({ statusCode: 200 });
      expect(aws.table.get(`conn#${id}`, 'conn')).toMatchObject({
        data: { user: { id: 'alice', name: 'Alice' } },
      });
    });

    it("counts the user's connections in one set and refuses the 11th with 429 and its reason", async () => {
      // Prepare
      const alice = { userId: 'alice', name: 'Alice', principalId: 'alice' };
      const ids = Array.from({ length: 11 }, () => newConnectionId());
      for (const id of ids.slice(0, 10))
        await connect(connectEvent({ connectionId: id, query: { ns: '/' }, authorizer: alice }));
      const refusedId = ids[10] as string;

      // Act
      const refused = await connect(
        connectEvent({ connectionId: refusedId, query: { ns: '/' }, authorizer: alice }),
      );

      // Assess
      expect(refused).toEqual({
        statusCode: 429,
        body: 'Too many connections: at most 10 per user',
      });
      expect(aws.table.keysOf(refusedId)).toEqual([]);
      expect(aws.table.get('user#alice', 'connections')).toMatchObject({
        conns: new Set(ids.slice(0, 10)),
      });
    });

    it('echoes the apigw-chat subprotocol when offered, never the token one', async () => {
      // Act
      const result = await connect(
        connectEvent({
          connectionId: newConnectionId(),
          headers: { 'Sec-WebSocket-Protocol': 'apigw-chat, token.eyJ.x.y' },
        }),
      );

      // Assess
      expect(result).toEqual({
        statusCode: 200,
        headers: { 'Sec-WebSocket-Protocol': 'apigw-chat' },
      });
    });

    it('echoes no subprotocol when apigw-chat is not offered', async () => {
      const result = await connect(
        connectEvent({
          connectionId: newConnectionId(),
          headers: { 'Sec-WebSocket-Protocol': 'token.eyJ.x.y' },
        }),
      );

      expect(result).toEqual({ statusCode: 200 });
    });
  });

  it('answers 404 for an unknown namespace and writes nothing', async () => {
    // Prepare
    const id = newConnectionId();

    // Act
    const result = await connect(connectEvent({ connectionId: id, query: { ns: '/admin' } }));

    // Assess
    expect(result).toEqual({ statusCode: 404, body: 'Unknown namespace /admin' });
    expect(aws.writes()).toEqual([]);
    expect(aws.table.size).toBe(0);
    expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
  });

  it.each([
    ['no event at all', undefined],
    ['a MESSAGE event', messageEvent({ connectionId: 'R1kmxc2VNjMCFIA=', body: '{}' })],
    ['an empty connection id', connectEvent({ connectionId: '' })],
    [
      'a query string value that is not a string',
      { ...connectEvent({ connectionId: 'R1kmxc2VNjMCFIA=' }), queryStringParameters: { ns: 7 } },
    ],
  ])('answers 400 for %s and touches no AWS service', async (_case, event) => {
    // Prepare
    const logged = jest.spyOn(aws.logger, 'error');

    // Act
    const result = await connect(event);

    // Assess
    expect(result).toEqual({ statusCode: 400, body: 'Bad request' });
    expect(logged).toHaveBeenCalledWith('Invalid $connect event', expect.anything());
    expect(aws.ddb.calls()).toHaveLength(0);
    expect(aws.apigw.calls()).toHaveLength(0);
    expect(aws.lambda.calls()).toHaveLength(0);
    logged.mockRestore();
  });

  describe('Namespace: /notification', () => {
    const hello = '{"event":"hello","data":"notification","ns":"/notification"}';

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('joins room1 and room2, greets the other members by post and itself through the worker function', async () => {
      // Prepare
      const [first, second] = [newConnectionId(), newConnectionId()];
      aws.table.seedConnection({ id: first, ns: '/notification', rooms: ['room1', 'room2'] });
      aws.table.seedConnection({ id: newConnectionId(), ns: '/' });

      // Act
      const result = await connect(
        connectEvent({ connectionId: second, query: { ns: '/notification' } }),
      );

      // Assess
      expect(result).toEqual({ statusCode: 200 });
      expect(aws.table.get(`conn#${second}`, 'conn')).toMatchObject({
        ns: '/notification',
        rooms: new Set(['room1', 'room2']),
      });
      expect(aws.table.keysOf(second)).toEqual(
        [
          `conn#${second} conn`,
          `ns#/notification ${second}`,
          `room#/notification#${second} ${second}`,
          `room#/notification#room1 ${second}`,
          `room#/notification#room2 ${second}`,
        ].sort(),
      );
      expect(aws.posts()).toEqual([{ connectionId: first, data: hello }]);
      expect(aws.apigw).not.toHaveReceivedCommandWith(PostToConnectionCommand, {
        ConnectionId: second,
      });
      expect(aws.lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      expect(aws.lambda).toHaveReceivedCommandWith(InvokeCommand, {
        FunctionName: WORKER_FUNCTION_NAME,
        InvocationType: 'Event',
      });
      const payload = aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
      expect(JSON.parse(String(payload))).toEqual({
        kind: 'after-connect',
        connectionId: second,
        frames: [hello],
      });
    });

    it('greets the other members once per minute: a second connection posts only to itself', async () => {
      // Prepare
      // Both connections within one minute.
      jest.spyOn(Date, 'now').mockReturnValue(Math.floor(Date.now() / 60_000) * 60_000 + 1_000);
      const [first, second, third] = [newConnectionId(), newConnectionId(), newConnectionId()];
      aws.table.seedConnection({ id: first, ns: '/notification', rooms: ['room1', 'room2'] });
      await connect(connectEvent({ connectionId: second, query: { ns: '/notification' } }));
      aws.clearHistory();

      // Act
      const result = await connect(
        connectEvent({ connectionId: third, query: { ns: '/notification' } }),
      );

      // Assess
      expect(result).toEqual({ statusCode: 200 });
      expect(aws.posts()).toEqual([]);
      const payload = aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
      expect(JSON.parse(String(payload))).toMatchObject({ connectionId: third, frames: [hello] });
    });

    it('the first connection of the namespace posts nothing and hands its hello to the worker function', async () => {
      // Prepare
      const id = newConnectionId();

      // Act
      const result = await connect(
        connectEvent({ connectionId: id, query: { ns: '/notification' } }),
      );

      // Assess
      expect(result).toEqual({ statusCode: 200 });
      expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      const payload = aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
      expect(JSON.parse(String(payload))).toEqual({
        kind: 'after-connect',
        connectionId: id,
        frames: [hello],
      });
    });

    it('removes the new connection again when the worker function cannot be invoked', async () => {
      // Prepare
      const id = newConnectionId();
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      });
      aws.lambda.on(InvokeCommand).rejects(throttled);

      // Act
      const connecting = connect(
        connectEvent({ connectionId: id, query: { ns: '/notification' } }),
      );

      // Assess
      await expect(connecting).rejects.toBe(throttled);
      expect(aws.table.keysOf(id)).toEqual([]);
    });
  });
});
