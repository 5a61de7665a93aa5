import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../../lambdas/handlers/connect';
import { createDisconnectHandler } from '../../../lambdas/handlers/disconnect';
import { createMessageHandler } from '../../../lambdas/handlers/message';
import {
  connectEvent,
  disconnectEvent,
  frameEvent,
  newConnectionId,
} from '../../support/api-gateway-events';
import { mockChatAws } from '../../support/chat-aws-mocks';

const aws = mockChatAws();
const runtime = () => createChatRuntime(aws.runtimeOptions);
const connect = createConnectHandler(runtime);
const message = createMessageHandler(runtime);
const disconnect = createDisconnectHandler(runtime);

describe('Handler: disconnect', () => {
  aws.installForEachTest();

  it('deletes the connection and every membership, and leaves the others alone', async () => {
    // Prepare
    const [id, other] = [newConnectionId(), newConnectionId()];
    const connectedAt = Date.now() - 5_000;
    for (const connectionId of [id, other])
      await connect(connectEvent({ connectionId, connectedAt, query: { ns: '/' } }));
    for (const room of ['lobby', 'games'])
      await message(frameEvent(id, 'join', { room }, undefined, { connectedAt }));
    await message(frameEvent(other, 'join', { room: 'lobby' }, undefined, { connectedAt }));
    aws.clearHistory();

    // Act
    const result = await disconnect(
      disconnectEvent({ connectionId: id, connectedAt, statusCode: 1000, reason: 'bye' }),
    );

    // Assess
    expect(result).toEqual({ statusCode: 200 });
    const deleted = aws.deletedKeys().filter((key) => !key.startsWith('presence#'));
    expect([...deleted].sort()).toEqual(
      [
        `conn#${id} conn`,
        `ns#/ ${id}`,
        `room#/#${id} ${id}`,
        `room#/#lobby ${id}`,
        `room#/#games ${id}`,
      ].sort(),
    );
    // The connection item goes first: from then on no join of it can succeed.
    expect(deleted[0]).toBe(`conn#${id} conn`);
    expect(aws.table.keysOf(id)).toEqual([]);
    expect(aws.table.keysOf(other)).toEqual(
      [
        `conn#${other} conn`,
        `ns#/ ${other}`,
        `presence#/#lobby ${other}`,
        `room#/#${other} ${other}`,
        `room#/#lobby ${other}`,
      ].sort(),
    );
    expect(aws.table.partition('presence#/#lobby').map((item) => item.sk)).toEqual([other]);
    expect(aws.table.partition('presence#/#games')).toEqual([]);
    // Its last connection gone, the user is announced to the room's others (no one in games).
    expect(aws.posts()).toEqual([
      {
        connectionId: other,
        data: JSON.stringify({
          event: 'presence',
          data: { action: 'leave', user: { id, name: id }, reason: 'disconnect' },
          ns: '/',
          room: 'lobby',
        }),
      },
    ]);
  });

  it('deletes the memberships of a /notification connection in room1 and room2', async () => {
    // Prepare
    const id = newConnectionId();
    await connect(connectEvent({ connectionId: id, query: { ns: '/notification' } }));
    expect(aws.table.keysOf(id)).toHaveLength(5);

    // Act
    const result = await disconnect(
      disconnectEvent({ connectionId: id, statusCode: 1006, reason: '' }),
    );

    // Assess
    expect(result).toEqual({ statusCode: 200 });
    // What is left is the namespace's greeting claim of this minute (it expires by TTL).
    expect(aws.table.keysOf(id)).toEqual([]);
    expect(aws.table.size).toBe(1);
  });

  it('is idempotent: a second disconnect, or one for an unknown connection, deletes nothing', async () => {
    // Prepare
    const id = newConnectionId();
    aws.table.seedConnection({ id, ns: '/', rooms: ['lobby'] });
    await disconnect(disconnectEvent({ connectionId: id }));
    aws.clearHistory();

    // Act
    const again = await disconnect(disconnectEvent({ connectionId: id }));
    const unknown = await disconnect(disconnectEvent({ connectionId: newConnectionId() }));

    // Assess
    expect(again).toEqual({ statusCode: 200 });
    expect(unknown).toEqual({ statusCode: 200 });
    expect(aws.ddb).not.toHaveReceivedCommand(BatchWriteCommand);
    expect(aws.table.size).toBe(0);
  });

  it.each([
    ['no event at all', undefined],
    ['a CONNECT event', connectEvent({ connectionId: 'R1kmxc2VNjMCFIA=' })],
    ['an empty connection id', disconnectEvent({ connectionId: '' })],
    [
      'a close code that is not a number',
      (() => {
        const event = disconnectEvent({ connectionId: 'R1kmxc2VNjMCFIA=' });
        return {
          ...event,
          requestContext: { ...event.requestContext, disconnectStatusCode: '1000' },
        };
      })(),
    ],
  ])('answers 400 to %s, logs it and touches no table', async (_case, event) => {
    // Prepare
    const logged = jest.spyOn(aws.logger, 'error');
    aws.table.seedConnection({ id: 'R1kmxc2VNjMCFIA=', ns: '/' });

    // Act
    const result = await disconnect(event);

    // Assess
    expect(result).toEqual({ statusCode: 400 });
    expect(logged).toHaveBeenCalledWith('Invalid $disconnect event', expect.anything());
    expect(aws.ddb.calls()).toHaveLength(0);
    expect(aws.table.keysOf('R1kmxc2VNjMCFIA=')).toHaveLength(3);
    logged.mockRestore();
  });

  it('accepts a disconnect event without close code or reason', async () => {
    // Prepare
    const id = newConnectionId();
    aws.table.seedConnection({ id, ns: '/' });
    const event = disconnectEvent({ connectionId: id });
    const {
      disconnectStatusCode: _code,
      disconnectReason: _reason,
      ...context
    } = event.requestContext;

    // Act
    const result = await disconnect({ ...event, requestContext: context });

    // Assess
    expect(result).toEqual({ statusCode: 200 });
    expect(aws.table.keysOf(id)).toEqual([]);
  });
});
