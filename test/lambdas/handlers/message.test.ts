import {
  GoneException,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../../lambdas/handlers/connect';
import { createMessageHandler } from '../../../lambdas/handlers/message';
import type { WebSocketResult } from '../../../lambdas/handlers/websocket-event';
import { createWorkerHandler } from '../../../lambdas/handlers/worker';
import {
  connectEvent,
  frameEvent,
  messageEvent,
  newConnectionId,
} from '../../support/api-gateway-events';
import { mockChatAws } from '../../support/chat-aws-mocks';

const aws = mockChatAws();
const runtime = () => createChatRuntime(aws.runtimeOptions);
const connect = createConnectHandler(runtime);
const message = createMessageHandler(runtime);
const worker = createWorkerHandler(runtime);

/** Connections of these tests opened an hour ago: older than the 30 s grace of gone clean-up. */
const CONNECTED_AT = Date.now() - 60 * 60 * 1000;

/** A user as the authorizer verified it. */
type User = { id: string; name: string };

/**
 * Opens a connection through the `$connect` handler and returns its id; with `user`, as the
 * authorizer's context (`userId`, `name`, `principalId`) passes it on.
 */
async function connectClient(ns = '/', user?: User): Promise<string> {
  const id = newConnectionId();
  const result = await connect(
    connectEvent({
      connectionId: id,
      connectedAt: CONNECTED_AT,
      query: { ns },
      ...(user === undefined
        ? {}
        : { authorizer: { userId: user.id, name: user.name, principalId: user.id } }),
    }),
  );
  if (result.statusCode !== 200) throw new Error(`connect refused: ${result.statusCode}`);
  return id;
}

/** Sends a protocol frame through the `$default` handler; resolves the parsed route-response body. */
async function send(id: string, action: string, data?: unknown, ack?: number): Promise<unknown> {
  return reply(await message(frameEvent(id, action, data, ack, { connectedAt: CONNECTED_AT })));
}

/** Sends a raw text frame (or none) through the `$default` handler. */
async function sendRaw(id: string, body: string | undefined): Promise<unknown> {
  return reply(await message(messageEvent({ connectionId: id, connectedAt: CONNECTED_AT, body })));
}

/** The parsed body of a route response, which always has status 200. */
function reply(result: WebSocketResult): unknown {
  expect(result.statusCode).toBe(200);
  return result.body === undefined ? undefined : JSON.parse(result.body);
}

/** The raw frames posted to one connection, in call order (JSON key order included). */
function postsTo(connectionId: string): string[] {
  return aws
    .posts()
    .filter((post) => post.connectionId === connectionId)
    .map((post) => post.data);
}

/** The `presence` frame a room's other members get, as posted (JSON key order included). */
function presenceFrame(ns: string, room: string, data: Record<string, unknown>): string {
  return JSON.stringify({ event: 'presence', data, ns, room });
}

/** Who an unauthenticated connection is in presence: the connection itself. */
const anonymous = (id: string): User => ({ id, name: id });

const alice: User = { id: 'alice', name: 'Alice' };
const bob: User = { id: 'bob', name: 'Bob' };
const ANN: User = { id: 'ann', name: 'Ann' };

const gone = () => new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });

describe('Handler: message', () => {
  aws.installForEachTest();

  describe('Namespace: /', () => {
    describe('Event: join', () => {
      it('answers TOO_MANY_ROOMS past MAX_ROOMS_PER_SOCKET and writes nothing', async () => {
        // Prepare
        const limited = createMessageHandler(() =>
          createChatRuntime({
            ...aws.runtimeOptions,
            env: { ...aws.runtimeOptions.env, MAX_ROOMS_PER_SOCKET: '2' },
          }),
        );
        const a = await connectClient();
        for (const room of ['one', 'two']) await send(a, 'join', { room });
        aws.clearHistory();

        // Act
        const result = await limited(
          frameEvent(a, 'join', { room: 'three' }, 4, { connectedAt: CONNECTED_AT }),
        );

        // Assess
        expect(reply(result)).toEqual({
          ack: 4,
          error: {
            code: 'TOO_MANY_ROOMS',
            message: 'A socket may be in at most 2 rooms: leave one first',
          },
        });
        expect(aws.writes()).toEqual([]);
        expect(aws.table.partition('room#/#three')).toEqual([]);
        expect(aws.table.get(`conn#${a}`, 'conn')?.rooms).toEqual(new Set(['one', 'two']));
      });

      it('acks the room and its member count and stores the membership', async () => {
        // Prepare
        const [a, b] = [await connectClient(), await connectClient()];
        aws.clearHistory();

        // Act
        const first = await send(a, 'join', { room: 'lobby' }, 1);
        const second = await send(b, 'join', { room: 'lobby' }, 7);

        // Assess
        expect(first).toEqual({ ack: 1, data: { room: 'lobby', members: 1, seq: 0 } });
        expect(second).toEqual({ ack: 7, data: { room: 'lobby', members: 2, seq: 0 } });
        expect(aws.table.partition('room#/#lobby').map((item) => item.sk)).toEqual([a, b].sort());
        expect(aws.table.get(`conn#${a}`, 'conn')?.rooms).toEqual(new Set(['lobby']));
        expect(aws.table.partition('presence#/#lobby').map((item) => item.sk)).toEqual(
          [a, b].sort(),
        );
        // The first member is told of the second; the joiners are told nothing of themselves.
        expect(aws.posts()).toEqual([
          {
            connectionId: a,
            data: presenceFrame('/', 'lobby', { action: 'join', user: anonymous(b) }),
          },
        ]);
      });

      it('answers no body when the client asked for no ack', async () => {
        // Prepare
        const a = await connectClient();

        // Act
        const reply = await send(a, 'join', { room: 'lobby' });

        // Assess
        expect(reply).toBeUndefined();
        expect(aws.table.get('room#/#lobby', a)).toBeDefined();
      });

      it.each([[{ room: 'has space' }], [{ room: '' }], ['lobby'], [{ room: 'K00000000000001=' }]])(
        'is BAD_REQUEST for data %j and writes nothing',
        async (data) => {
          // Prepare
          const a = await connectClient();
          aws.clearHistory();

          // Act
          const reply = await send(a, 'join', data, 3);

          // Assess
          expect(reply).toMatchObject({ ack: 3, error: { code: 'BAD_REQUEST' } });
          expect(aws.writes()).toEqual([]);
          expect(aws.table.get(`conn#${a}`, 'conn')?.rooms).toBeUndefined();
        },
      );
    });

    describe('Event: leave', () => {
      it('acks the room and deletes the membership', async () => {
        // Prepare
        const a = await connectClient();
        await send(a, 'join', { room: 'lobby' });
        await send(a, 'join', { room: 'games' });

        // Act
        const reply = await send(a, 'leave', { room: 'lobby' }, 2);

        // Assess
        expect(reply).toEqual({ ack: 2, data: { room: 'lobby' } });
        expect(aws.table.get('room#/#lobby', a)).toBeUndefined();
        expect(aws.table.get('room#/#games', a)).toBeDefined();
        expect(aws.table.get(`conn#${a}`, 'conn')?.rooms).toEqual(new Set(['games']));
      });

      it('acks a room the connection is not in without writing', async () => {
        // Prepare
        const a = await connectClient();
        aws.clearHistory();

        // Act
        const reply = await send(a, 'leave', { room: 'lobby' }, 2);

        // Assess
        expect(reply).toEqual({ ack: 2, data: { room: 'lobby' } });
        expect(aws.writes()).toEqual([]);
      });
    });

    describe('Event: chat', () => {
      it('posts the message to every other member of the room, stamped with room and sender', async () => {
        // Prepare
        const [a, b, c, outsider] = [
          await connectClient(),
          await connectClient(),
          await connectClient(),
          await connectClient(),
        ];
        const otherNamespace = await connectClient('/chat');
        for (const id of [a, b, c]) await send(id, 'join', { room: 'lobby' });
        await send(otherNamespace, 'join-room', { type: 'room:dev', user: 'eve' });
        aws.clearHistory();

        // Act
        const reply = await send(a, 'chat', { room: 'lobby', message: { text: 'hi' } }, 5);

        // Assess
        expect(reply).toEqual({ ack: 5, data: { recipients: 2, room: 'lobby', seq: 1 } });
        const frame = `{"event":"chat","data":{"text":"hi"},"ns":"/","room":"lobby","seq":1,"from":"${a}"}`;
        expect(aws.posts().sort((x, y) => x.connectionId.localeCompare(y.connectionId))).toEqual([
          { connectionId: b, data: frame },
          { connectionId: c, data: frame },
        ]);
        expect(aws.framesFor(outsider)).toEqual([]);
        // The room's counter, then the message: no membership is written.
        expect(aws.writes()).toEqual(['PutCommand', 'UpdateCommand']);
      });

      it("stamps the sender's verified user next to from, whatever the data claims", async () => {
        // Prepare
        const ids = [newConnectionId(), newConnectionId()] as const;
        for (const [index, id] of ids.entries()) {
          const name = index === 0 ? 'Alice' : 'Bob';
          await connect(
            connectEvent({
              connectionId: id,
              connectedAt: CONNECTED_AT,
              query: { ns: '/' },
              authorizer: { userId: name.toLowerCase(), name, principalId: name.toLowerCase() },
            }),
          );
          await send(id, 'join', { room: 'lobby' });
        }
        aws.clearHistory();

        // Act
        await send(ids[0], 'chat', { room: 'lobby', message: 'hi', user: { id: 'bob' } }, 1);

        // Assess
        expect(aws.posts()).toEqual([
          {
            connectionId: ids[1],
            data: `{"event":"chat","data":"hi","ns":"/","room":"lobby","seq":1,"from":"${ids[0]}","user":{"id":"alice","name":"Alice"}}`,
          },
        ]);
      });

      it('stamps the sender the server knows, whatever the data claims', async () => {
        // Prepare
        const [a, b] = [await connectClient(), await connectClient()];
        for (const id of [a, b]) await send(id, 'join', { room: 'lobby' });
        aws.clearHistory();

        // Act
        const reply = await send(a, 'chat', { room: 'lobby', message: 'hi', from: b }, 1);

        // Assess
        expect(reply).toEqual({ ack: 1, data: { recipients: 1, room: 'lobby', seq: 1 } });
        expect(aws.framesFor(b)).toEqual([
          { event: 'chat', data: 'hi', ns: '/', room: 'lobby', seq: 1, from: a },
        ]);
      });

      it('refuses a frame that carries its own from and posts nothing', async () => {
        // Prepare
        const [a, b] = [await connectClient(), await connectClient()];
        for (const id of [a, b]) await send(id, 'join', { room: 'lobby' });
        aws.clearHistory();

        // Act
        const reply = await sendRaw(
          a,
          JSON.stringify({
            action: 'chat',
            data: { room: 'lobby', message: 'hi' },
            from: b,
            ack: 1,
          }),
        );

        // Assess
        expect(reply).toMatchObject({ ack: 1, error: { code: 'BAD_REQUEST' } });
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      });

      it('is FORBIDDEN for a connection that is not in the room, and reaches no one', async () => {
        // Prepare
        const [a, b] = [await connectClient(), await connectClient()];
        await send(b, 'join', { room: 'lobby' });
        aws.clearHistory();

        // Act
        const reply = await send(a, 'chat', { room: 'lobby', message: 'x' }, 4);

        // Assess
        expect(reply).toEqual({
          ack: 4,
          error: { code: 'FORBIDDEN', message: 'Join "lobby" before posting to it' },
        });
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
        expect(aws.writes()).toEqual([]);
      });
    });

    describe('Event: broadcast', () => {
      it('posts to every other connection of the namespace only, the data as sent', async () => {
        // Prepare
        const [a, b, c] = [await connectClient(), await connectClient(), await connectClient()];
        const elsewhere = await connectClient('/chat');
        aws.clearHistory();

        // Act
        const reply = await send(a, 'broadcast', { text: 'all', from: b }, 1);

        // Assess
        expect(reply).toEqual({ ack: 1, data: { recipients: 2 } });
        const frame = { event: 'broadcast', data: { text: 'all', from: b }, ns: '/', from: a };
        expect(aws.framesFor(b)).toEqual([frame]);
        expect(aws.framesFor(c)).toEqual([frame]);
        expect(aws.framesFor(a)).toEqual([]);
        expect(aws.framesFor(elsewhere)).toEqual([]);
      });
    });

    describe('Event: unicast', () => {
      it('posts back to the sender only and answers no body', async () => {
        // Prepare
        const [a, b] = [await connectClient(), await connectClient()];
        aws.clearHistory();

        // Act
        const reply = await send(a, 'unicast', { n: 1 }, 9);

        // Assess
        expect(reply).toBeUndefined();
        expect(aws.posts()).toEqual([
          { connectionId: a, data: `{"event":"unicast","data":{"n":1},"ns":"/","from":"${a}"}` },
        ]);
        expect(aws.framesFor(b)).toEqual([]);
      });
    });

    describe('Event: direct', () => {
      it('posts to that connection only', async () => {
        // Prepare
        const [a, b, c] = [await connectClient(), await connectClient(), await connectClient()];
        aws.clearHistory();

        // Act
        const reply = await send(a, 'direct', { to: b, message: 'psst' }, 1);

        // Assess
        expect(reply).toEqual({ ack: 1, data: { recipients: 1 } });
        expect(aws.posts()).toEqual([
          { connectionId: b, data: `{"event":"direct","data":"psst","ns":"/","from":"${a}"}` },
        ]);
        expect(aws.framesFor(c)).toEqual([]);
      });

      it('is NOT_FOUND for an unknown connection or one of another namespace', async () => {
        // Prepare
        const a = await connectClient();
        const elsewhere = await connectClient('/chat');
        aws.clearHistory();

        // Act
        const unknown = await send(a, 'direct', { to: 'X00000000000000=', message: 1 }, 1);
        const otherNamespace = await send(a, 'direct', { to: elsewhere, message: 1 }, 2);

        // Assess
        expect(unknown).toMatchObject({ ack: 1, error: { code: 'NOT_FOUND' } });
        expect(otherNamespace).toMatchObject({ ack: 2, error: { code: 'NOT_FOUND' } });
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      });
    });

    describe('Event: whoami', () => {
      it('acks the own id and namespace with one read', async () => {
        // Prepare
        const a = await connectClient();
        aws.clearHistory();

        // Act
        const reply = await send(a, 'whoami', undefined, 1);

        // Assess
        expect(reply).toEqual({ ack: 1, data: { id: a, ns: '/' } });
        expect(aws.ddb).toHaveReceivedCommandTimes(GetCommand, 1);
        // The frame's one write: its user's message budget.
        expect(aws.budgetWrites()).toBe(1);
        expect(aws.ddb.calls()).toHaveLength(2);
      });
    });

    describe('Event: rooms', () => {
      it('acks the joined rooms without the own room', async () => {
        // Prepare
        const a = await connectClient();
        await send(a, 'join', { room: 'lobby' });
        await send(a, 'join', { room: 'games' });

        // Act
        const reply = await send(a, 'rooms', undefined, 3);

        // Assess
        // A string set: DynamoDB keeps no order, the store answers them sorted.
        expect(reply).toEqual({ ack: 3, data: { rooms: ['games', 'lobby'] } });
      });
    });

    describe('Event: members', () => {
      it('acks the ids of the room, to members only', async () => {
        // Prepare
        const [a, b, c] = [await connectClient(), await connectClient(), await connectClient()];
        for (const id of [a, b]) await send(id, 'join', { room: 'lobby' });

        // Act
        const reply = (await send(a, 'members', { room: 'lobby' }, 1)) as {
          data: { members: string[] };
        };
        const denied = await send(c, 'members', { room: 'lobby' }, 2);

        // Assess
        expect(reply.data.members.sort()).toEqual([a, b].sort());
        expect(denied).toEqual({
          ack: 2,
          error: { code: 'FORBIDDEN', message: 'Join "lobby" to see its members' },
        });
      });

      it('acks users de-duplicated: a user with two connections is listed once, with its count', async () => {
        // Prepare
        const [tab1, tab2, other] = [
          await connectClient('/', alice),
          await connectClient('/', alice),
          await connectClient('/', bob),
        ];
        for (const id of [tab1, tab2, other]) await send(id, 'join', { room: 'lobby' });
        aws.clearHistory();

        // Act
        const reply = await send(other, 'members', { room: 'lobby' }, 1);

        // Assess
        expect(reply).toEqual({
          ack: 1,
          data: {
            members: [tab1, tab2, other].sort(),
            users: [
              { id: 'alice', name: 'Alice', connections: 2 },
              { id: 'bob', name: 'Bob', connections: 1 },
            ],
          },
        });
        expect(aws.table.get('presence#/#lobby', 'alice')?.conns).toEqual(new Set([tab1, tab2]));
        expect(aws.writes()).toEqual([]);
      });
    });

    describe('Event: history', () => {
      it('answers the room messages in order, written to and read from DynamoDB', async () => {
        // Prepare
        const [a, b] = [await connectClient('/', alice), await connectClient('/', bob)];
        for (const id of [a, b]) await send(id, 'join', { room: 'lobby' });
        const acks = [
          await send(a, 'chat', { room: 'lobby', message: 'one' }, 1),
          await send(b, 'chat', { room: 'lobby', message: { text: 'two' } }, 2),
        ];
        aws.clearHistory();

        // Act
        const reply = await send(a, 'history', { room: 'lobby' }, 3);

        // Assess
        expect(acks).toEqual([
          { ack: 1, data: { recipients: 1, room: 'lobby', seq: 1 } },
          { ack: 2, data: { recipients: 1, room: 'lobby', seq: 2 } },
        ]);
        expect(reply).toEqual({
          ack: 3,
          data: {
            room: 'lobby',
            head: 2,
            trimmed: false,
            messages: [
              { seq: 1, event: 'chat', data: 'one', from: a, user: alice, at: expect.any(Number) },
              {
                seq: 2,
                event: 'chat',
                data: { text: 'two' },
                from: b,
                user: bob,
                at: expect.any(Number),
              },
            ],
          },
        });
        expect(aws.table.partition('hist#/#lobby').map((item) => item.sk)).toEqual([
          'head',
          'msg#000000000000001',
          'msg#000000000000002',
        ]);
        expect(aws.table.get('hist#/#lobby', 'head')?.seq).toBe(2);
        const reads = aws.ddb
          .commandCalls(QueryCommand)
          .filter(
            (call) => call.args[0].input.ExpressionAttributeValues?.[':pk'] === 'hist#/#lobby',
          );
        expect(reads).toHaveLength(1);
        expect(aws.writes()).toEqual([]);
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      });
    });
  });

  describe('Namespace: /chat', () => {
    describe('Event: join-room', () => {
      it.each([
        ['room:dev', 'Ann has joined chat room.'],
        ['room:music', 'Ann has joined music room.'],
      ])(
        '%s greets everyone in the room, joiner included, and acks success',
        async (type, greeting) => {
          // Prepare
          const early = await connectClient('/chat');
          await send(early, 'join-room', { type, user: 'bob' });
          const other = await connectClient('/chat');
          await send(other, 'join-room', {
            type: type === 'room:dev' ? 'room:music' : 'room:dev',
            user: 'eve',
          });
          const ann = await connectClient('/chat', ANN);
          aws.clearHistory();

          // Act
          const reply = await send(ann, 'join-room', { type, user: 'someone else' }, 1);

          // Assess
          expect(reply).toEqual({ ack: 1, data: 'success' });
          // bob's greeting was the room's 1st message, ann's is its 2nd; it names the verified user.
          const hello = JSON.stringify({
            event: 'hello',
            data: greeting,
            ns: '/chat',
            room: type,
            seq: 2,
            from: ann,
            user: ANN,
          });
          expect(postsTo(early)).toEqual([
            presenceFrame('/chat', type, { action: 'join', user: ANN }),
            hello,
          ]);
          expect(postsTo(ann)).toEqual([hello]);
          expect(postsTo(other)).toEqual([]);
          expect(aws.posts()).toHaveLength(3);
          expect(aws.table.get(`room#/chat#${type}`, ann)).toBeDefined();
        },
      );

      it('acks "The room doesn\'t exist" for any other type and writes and posts nothing', async () => {
        // Prepare
        const ann = await connectClient('/chat');
        aws.clearHistory();

        // Act
        const reply = await send(ann, 'join-room', { type: 'room:cats', user: 'ann' }, 1);

        // Assess
        expect(reply).toEqual({ ack: 1, data: "The room doesn't exist" });
        expect(aws.writes()).toEqual([]);
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      });
    });

    describe('Event: room-message', () => {
      it('posts to the other members of that room only', async () => {
        // Prepare
        const [a, b, c] = [
          await connectClient('/chat'),
          await connectClient('/chat'),
          await connectClient('/chat'),
        ];
        await send(a, 'join-room', { type: 'room:dev', user: 'a' });
        await send(b, 'join-room', { type: 'room:dev', user: 'b' });
        await send(c, 'join-room', { type: 'room:music', user: 'c' });
        aws.clearHistory();

        // Act
        const reply = await send(a, 'room-message', { room: 'room:dev', message: 'ship it' }, 2);

        // Assess
        // The two greetings were the room's 1st and 2nd messages.
        expect(reply).toEqual({ ack: 2, data: { recipients: 1, room: 'room:dev', seq: 3 } });
        expect(aws.posts()).toEqual([
          {
            connectionId: b,
            data: `{"event":"room-message","data":"ship it","ns":"/chat","room":"room:dev","seq":3,"from":"${a}"}`,
          },
        ]);
      });

      it('is FORBIDDEN for a connection that is not in the room', async () => {
        // Prepare
        const [a, b] = [await connectClient('/chat'), await connectClient('/chat')];
        await send(b, 'join-room', { type: 'room:dev', user: 'b' });
        aws.clearHistory();

        // Act
        const reply = await send(a, 'room-message', { room: 'room:dev', message: 'x' }, 1);

        // Assess
        expect(reply).toMatchObject({ ack: 1, error: { code: 'FORBIDDEN' } });
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      });
    });
  });

  describe('Bad frames', () => {
    it.each([
      ['not JSON', 'hello'],
      ['a JSON string', '"join"'],
      ['null', 'null'],
      ['no action', '{"data":{"room":"lobby"}}'],
      ['a numeric action', '{"action":1}'],
      ['an unknown key', '{"action":"join","data":{"room":"lobby"},"room":"lobby"}'],
      ['ack 0', '{"action":"join","data":{"room":"lobby"},"ack":0}'],
      ['a fractional ack', '{"action":"join","data":{"room":"lobby"},"ack":1.5}'],
      ['no body', undefined],
    ])(
      '%s is BAD_REQUEST, sent as an error event, with no post and no write',
      async (_case, body) => {
        // Prepare
        const [a, b] = [await connectClient(), await connectClient()];
        await send(b, 'join', { room: 'lobby' });
        aws.clearHistory();

        // Act
        const reply = await sendRaw(a, body);

        // Assess
        expect(reply).toMatchObject({ event: 'error', data: { code: 'BAD_REQUEST' }, ns: '/' });
        expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
        expect(aws.writes()).toEqual([]);
      },
    );

    it('answers a bad frame with a readable ack to that ack id', async () => {
      // Prepare
      const a = await connectClient();

      // Act
      const reply = await sendRaw(a, '{"action":"join","data":{"room":"lobby"},"ack":4,"x":1}');

      // Assess
      expect(reply).toMatchObject({ ack: 4, error: { code: 'BAD_REQUEST' } });
      expect(aws.table.get('room#/#lobby', a)).toBeUndefined();
    });

    it('answers UNKNOWN_EVENT to an unknown event with an ack, and nothing without one', async () => {
      // Prepare
      const a = await connectClient();
      aws.clearHistory();

      // Act
      const withAck = await send(a, 'dance', { steps: 3 }, 6);
      const withoutAck = await send(a, 'dance', { steps: 3 });
      const reserved = await send(a, 'connection', undefined, 7);

      // Assess
      expect(withAck).toEqual({
        ack: 6,
        error: { code: 'UNKNOWN_EVENT', message: 'No handler for "dance"' },
      });
      expect(withoutAck).toBeUndefined();
      expect(reserved).toMatchObject({ ack: 7, error: { code: 'UNKNOWN_EVENT' } });
      expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
      expect(aws.writes()).toEqual([]);
    });

    it('answers NOT_FOUND to a connection the table does not know', async () => {
      // Act
      const reply = await send('Z00000000000000=', 'whoami', undefined, 1);

      // Assess
      expect(reply).toEqual({
        ack: 1,
        error: { code: 'NOT_FOUND', message: 'Unknown connection: reconnect' },
      });
    });

    it.each([
      ['a CONNECT event', connectEvent({ connectionId: 'R1kmxc2VNjMCFIA=' })],
      [
        'a body that is not a string',
        {
          ...messageEvent({ connectionId: 'R1kmxc2VNjMCFIA=', body: '' }),
          body: { action: 'join' },
        },
      ],
      ['no requestContext', { body: '{"action":"whoami","ack":1}' }],
    ])('answers BAD_REQUEST to %s without touching AWS', async (_case, event) => {
      // Act
      const result = await message(event);

      // Assess
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? '')).toEqual({
        event: 'error',
        data: { code: 'BAD_REQUEST', message: 'Invalid message event' },
      });
      expect(aws.ddb.calls()).toHaveLength(0);
      expect(aws.apigw.calls()).toHaveLength(0);
    });

    it('answers INTERNAL to the ack when reading the connection fails, instead of failing the invocation', async () => {
      // Prepare
      const a = await connectClient();
      aws.ddb
        .on(GetCommand)
        .rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));

      // Act
      const reply = await send(a, 'whoami', undefined, 1);

      // Assess
      expect(reply).toEqual({ ack: 1, error: { code: 'INTERNAL', message: 'Internal error' } });
    });

    it('answers INTERNAL to the ack when a write of the event fails', async () => {
      // Prepare
      const a = await connectClient();
      aws.ddb
        .on(TransactWriteCommand)
        .rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));

      // Act
      const reply = await send(a, 'join', { room: 'lobby' }, 3);

      // Assess
      expect(reply).toEqual({ ack: 3, error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(aws.table.get(`conn#${a}`, 'conn')?.rooms).toBeUndefined();
    });
  });

  describe('Recipients that are gone', () => {
    it('deletes a gone recipient with all its memberships while the others still get the frame', async () => {
      // Prepare
      const [a, b, c] = [await connectClient(), await connectClient(), await connectClient()];
      for (const id of [a, b, c]) await send(id, 'join', { room: 'lobby' });
      await send(b, 'join', { room: 'games' });
      aws.apigw.on(PostToConnectionCommand, { ConnectionId: b }).rejects(gone());
      aws.clearHistory();

      // Act
      const reply = await send(a, 'chat', { room: 'lobby', message: 'hi' }, 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { recipients: 1, room: 'lobby', seq: 1 } });
      // The sender's request hands the clean-up to the worker and deletes nothing.
      expect(aws.deletedKeys()).toEqual([]);
      expect(aws.cleanups()).toMatchObject([{ kind: 'cleanup', connectionIds: [b] }]);
      for (const cleanup of aws.cleanups()) await worker(cleanup);
      const leave = presenceFrame('/', 'lobby', {
        action: 'leave',
        user: anonymous(b),
        reason: 'gone',
      });
      expect(postsTo(c)).toEqual([
        `{"event":"chat","data":"hi","ns":"/","room":"lobby","seq":1,"from":"${a}"}`,
        leave,
      ]);
      expect(postsTo(a)).toEqual([leave]);
      const deleted = aws.deletedKeys().filter((key) => !key.startsWith('presence#'));
      expect([...deleted].sort()).toEqual(
        [
          `conn#${b} conn`,
          `ns#/ ${b}`,
          `room#/#${b} ${b}`,
          `room#/#lobby ${b}`,
          `room#/#games ${b}`,
        ].sort(),
      );
      expect(deleted[0]).toBe(`conn#${b} conn`);
      expect(aws.table.keysOf(b)).toEqual([]);
      expect(aws.table.partition('presence#/#lobby').map((item) => item.sk)).toEqual([a, c].sort());
      expect(aws.table.partition('presence#/#games')).toEqual([]);
      expect(aws.table.keysOf(a)).toHaveLength(5);
      expect(aws.table.keysOf(c)).toHaveLength(5);
    });

    it('keeps a gone recipient that connected less than 30 s ago (its $connect may still run)', async () => {
      // Prepare
      const a = await connectClient();
      const young = newConnectionId();
      aws.table.seedConnection({ id: young, ns: '/', connectedAt: Date.now() - 1_000 });
      aws.apigw.on(PostToConnectionCommand, { ConnectionId: young }).rejects(gone());
      aws.clearHistory();

      // Act
      const reply = await send(a, 'broadcast', 'hi', 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { recipients: 0 } });
      expect(aws.deletedKeys()).toEqual([]);
      expect(aws.table.keysOf(young)).toHaveLength(3);
    });

    it.each([
      [
        'LimitExceededException',
        () =>
          new LimitExceededException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }),
      ],
      [
        'a 500',
        () =>
          Object.assign(new Error('Internal server error'), {
            name: 'InternalServerErrorException',
            $metadata: { httpStatusCode: 500 },
          }),
      ],
      [
        'a bare 410 without the error type',
        () =>
          Object.assign(new Error('Unknown'), {
            name: 'Unknown',
            $metadata: { httpStatusCode: 410 },
          }),
      ],
    ])('keeps a recipient whose post fails with %s, and still answers', async (_case, error) => {
      // Prepare
      const [a, b, c] = [await connectClient(), await connectClient(), await connectClient()];
      aws.apigw.on(PostToConnectionCommand, { ConnectionId: b }).rejects(error());
      aws.clearHistory();

      // Act
      const reply = await send(a, 'broadcast', 'hi', 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { recipients: 1 } });
      expect(aws.framesFor(c)).toEqual([{ event: 'broadcast', data: 'hi', ns: '/', from: a }]);
      expect(aws.writes()).toEqual([]);
      expect(aws.table.keysOf(b)).toHaveLength(3);
    });
  });

  describe('Rooms larger than one Query page', () => {
    it('follows LastEvaluatedKey and posts to each of 250 members exactly once', async () => {
      // Prepare
      const sender = await connectClient();
      await send(sender, 'join', { room: 'stadium' });
      const members = Array.from({ length: 250 }, () => newConnectionId());
      for (const id of members) aws.table.seedConnection({ id, ns: '/', rooms: ['stadium'] });
      aws.clearHistory();

      // Act
      const reply = await send(sender, 'chat', { room: 'stadium', message: 'goal' }, 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { recipients: 250, room: 'stadium', seq: 1 } });
      const queries = aws.ddb
        .commandCalls(QueryCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.ExpressionAttributeValues?.[':pk'] === 'room#/#stadium');
      expect(queries).toHaveLength(3);
      expect(queries[0]?.ExclusiveStartKey).toBeUndefined();
      expect(queries[1]?.ExclusiveStartKey).toEqual({
        pk: 'room#/#stadium',
        sk: expect.any(String),
      });
      expect(queries[2]?.ExclusiveStartKey).not.toEqual(queries[1]?.ExclusiveStartKey);
      const chats = aws.posts().filter((post) => JSON.parse(post.data).event === 'chat');
      const posted = chats.map((post) => post.connectionId);
      expect(posted).toHaveLength(250);
      expect(new Set(posted)).toEqual(new Set(members));
      expect(posted).not.toContain(sender);
      expect(new Set(chats.map((post) => post.data))).toEqual(
        new Set([
          `{"event":"chat","data":"goal","ns":"/","room":"stadium","seq":1,"from":"${sender}"}`,
        ]),
      );
    });

    it('broadcasts to a namespace of 250 other connections, each posted exactly once', async () => {
      // Prepare
      const sender = await connectClient();
      const others = Array.from({ length: 250 }, () => newConnectionId());
      for (const id of others) aws.table.seedConnection({ id, ns: '/' });
      const elsewhere = newConnectionId();
      aws.table.seedConnection({ id: elsewhere, ns: '/chat' });
      aws.clearHistory();

      // Act
      const reply = await send(sender, 'broadcast', 'all', 1);

      // Assess
      expect(reply).toEqual({ ack: 1, data: { recipients: 250 } });
      const pages = aws.ddb
        .commandCalls(QueryCommand)
        .filter((call) => call.args[0].input.ExpressionAttributeValues?.[':pk'] === 'ns#/');
      expect(pages).toHaveLength(3);
      const posted = aws.posts().map((post) => post.connectionId);
      expect(posted.sort()).toEqual([...others].sort());
    });
  });
});
