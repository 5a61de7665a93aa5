import {
  ForbiddenException,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createChatApp } from '../../../lambdas/app/chat-app';
import { Server } from '../../../lambdas/core/server';
import { createEmitter, type EmitterOptions } from '../../../lambdas/emitter';
import { CALLBACK_URL, mockChatAws, TABLE_NAME } from '../../support/chat-aws-mocks';

const ANN = 'A00000000000001=';
const BOB = 'B00000000000002=';
const CAT = 'C00000000000003=';
const DAN = 'D00000000000004=';

const aws = mockChatAws();

/** An emitter on the mocked clients. */
function emitterWith(options: Partial<EmitterOptions> = {}) {
  return createEmitter({
    tableName: TABLE_NAME,
    endpoint: CALLBACK_URL,
    dynamoDb: aws.runtimeOptions.dynamoDb,
    managementApi: aws.runtimeOptions.managementApi,
    ...options,
  });
}

/** ann and bob in /notification room1, cat in room2 only, dan in namespace / room1. */
function seedMembers(): void {
  aws.table.seedConnection({ id: ANN, ns: '/notification', rooms: ['room1', 'room2'] });
  aws.table.seedConnection({ id: BOB, ns: '/notification', rooms: ['room1'] });
  aws.table.seedConnection({ id: CAT, ns: '/notification', rooms: ['room2'] });
  aws.table.seedConnection({ id: DAN, ns: '/', rooms: ['room1'] });
}

const recipients = () =>
  aws
    .posts()
    .map((post) => post.connectionId)
    .sort();

describe('Function: createEmitter', () => {
  beforeEach(() => {
    aws.install();
    seedMembers();
    aws.clearHistory();
  });

  afterEach(() => {
    aws.reset();
  });

  describe('Routing', () => {
    it('of(ns).to(room) posts to the members of that room of that namespace, with ns and room', async () => {
      // Act
      const report = await emitterWith().of('/notification').to('room1').emit('hello', 'text');

      // Assess
      expect(recipients()).toEqual([ANN, BOB]);
      expect(aws.framesFor(ANN)).toEqual([
        { event: 'hello', data: 'text', ns: '/notification', room: 'room1' },
      ]);
      expect(report).toEqual({ recipients: 2, delivered: 2, gone: 0, failed: 0, dispatched: 0 });
    });

    it('to(several rooms) and in() reach each member once', async () => {
      // Act
      const report = await emitterWith()
        .of('/notification')
        .to(['room1', 'room2'])
        .in('room2')
        .emit('news', { id: 7 });

      // Assess
      expect(recipients()).toEqual([ANN, BOB, CAT]);
      expect(report.recipients).toBe(3);
    });

    it('except(room) and except(connection id) leave their members out', async () => {
      // Prepare
      const nsp = emitterWith().of('/notification');

      // Act
      const withoutRoom2 = await nsp.to('room1').except('room2').emit('a');
      const toRoom1 = recipients();
      aws.clearHistory();
      const withoutBob = await nsp.except(BOB).emit('b');

      // Assess
      expect(toRoom1).toEqual([BOB]);
      expect(withoutRoom2.recipients).toBe(1);
      expect(recipients()).toEqual([ANN, CAT]);
      expect(withoutBob.recipients).toBe(2);
    });

    it('to(connection id) posts to that connection alone, without a room in the frame', async () => {
      // Act
      await emitterWith().of('/notification').to(CAT).emit('direct', 'psst');

      // Assess
      expect(aws.posts()).toEqual([
        { connectionId: CAT, data: '{"event":"direct","data":"psst","ns":"/notification"}' },
      ]);
    });

    it('emit, to, in and except of the emitter itself target namespace /', async () => {
      // Prepare
      const emitter = emitterWith();

      // Act
      const everyone = await emitter.emit('all');
      const room1 = await emitter.to('room1').emit('room');
      const inRoom1 = await emitter.in('room1').emit('room');
      const nobody = await emitter.except(DAN).emit('none');

      // Assess
      expect(new Set(recipients())).toEqual(new Set([DAN]));
      expect(aws.framesFor(DAN)).toEqual([
        { event: 'all', data: null, ns: '/' },
        { event: 'room', data: null, ns: '/', room: 'room1' },
        { event: 'room', data: null, ns: '/', room: 'room1' },
      ]);
      expect([everyone, room1, inRoom1, nobody].map((r) => r.recipients)).toEqual([1, 1, 1, 0]);
    });

    it('targets are immutable: to and except return new ones', async () => {
      // Prepare
      const nsp = emitterWith().of('/notification');
      const room2 = nsp.to('room2');

      // Act
      room2.except(ANN);
      await room2.emit('x');

      // Assess
      expect(recipients()).toEqual([ANN, CAT]);
    });

    it('reads audiences with Queries, never a Scan', async () => {
      // Act
      await emitterWith().of('/notification').emit('x');

      // Assess
      expect(aws.ddb.commandCalls(QueryCommand).length).toBeGreaterThan(0);
      expect(aws.ddb.commandCalls(ScanCommand)).toHaveLength(0);
    });
  });

  describe('Delivery outcomes', () => {
    it('removes a connection found gone with its memberships and counts it gone', async () => {
      // Prepare
      aws.apigw
        .on(PostToConnectionCommand, { ConnectionId: BOB })
        .rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));

      // Act
      const report = await emitterWith().of('/notification').to('room1').emit('hello', 'text');

      // Assess
      expect(report).toEqual({ recipients: 2, delivered: 1, gone: 1, failed: 0, dispatched: 0 });
      expect(aws.table.get(`conn#${BOB}`, 'conn')).toBeUndefined();
      expect(aws.table.keysOf(BOB)).toEqual([]);
      expect(aws.table.get(`conn#${ANN}`, 'conn')).toBeDefined();
    });

    it('counts a post that fails (403) as failed and still delivers to the others', async () => {
      // Prepare
      const warnings: unknown[] = [];
      aws.apigw
        .on(PostToConnectionCommand, { ConnectionId: ANN })
        .rejects(new ForbiddenException({ message: 'no', $metadata: { httpStatusCode: 403 } }));
      const logger = {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => warnings.push(message),
        error: () => undefined,
      };

      // Act
      const report = await emitterWith({ logger }).of('/notification').to('room1').emit('x');

      // Assess
      expect(report).toEqual({ recipients: 2, delivered: 1, gone: 0, failed: 1, dispatched: 0 });
      expect(aws.table.get(`conn#${ANN}`, 'conn')).toBeDefined();
      expect(warnings).toContain('Post failed');
    });
  });

  describe('Server', () => {
    it("runs on the server createServer builds, so the app's durable rooms number and store what it emits", async () => {
      // Prepare
      aws.table.seedConnection({ id: ANN, ns: '/news', rooms: ['breaking'] });
      const createServer = jest.fn((options: ConstructorParameters<typeof Server>[0]) => {
        const server = new Server(options);
        server.of('/news').keepHistory();
        return server;
      });

      // Act
      await emitterWith({ createServer }).of('/news').to('breaking').emit('flash', 'hi');

      // Assess
      expect(createServer).toHaveBeenCalledTimes(1);
      expect(aws.framesFor(ANN)).toEqual([
        { event: 'flash', data: 'hi', ns: '/news', room: 'breaking', seq: 1 },
      ]);
      expect(aws.table.partition('hist#/news#breaking').length).toBeGreaterThan(1);
    });

    it('with createChatApp, a connection found gone leaves presence and the room is told', async () => {
      // Prepare
      const ttl = Math.floor(Date.now() / 1000) + 3600;
      const ann = { id: 'ann', name: 'Ann' };
      aws.table.seedConnection({ id: ANN, ns: '/', rooms: ['lobby'], data: { user: ann } });
      aws.table.seedConnection({ id: BOB, ns: '/', rooms: ['lobby'] });
      aws.table.seed({
        pk: 'presence#/#lobby',
        sk: 'ann',
        name: 'Ann',
        conns: new Set([ANN]),
        ttl,
      });
      aws.apigw
        .on(PostToConnectionCommand, { ConnectionId: ANN })
        .rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));

      // Act
      const report = await emitterWith({ createServer: createChatApp }).to('lobby').emit('news', 1);

      // Assess
      expect(report).toMatchObject({ recipients: 2, delivered: 1, gone: 1 });
      expect(aws.table.get('presence#/#lobby', 'ann')).toBeUndefined();
      expect(aws.framesFor(BOB)).toEqual([
        expect.objectContaining({ event: 'news', data: 1, room: 'lobby' }),
        expect.objectContaining({
          event: 'presence',
          data: { action: 'leave', user: ann, reason: 'gone' },
        }),
      ]);
    });

    it('by default runs on a plain Server: no namespace keeps history', async () => {
      // Act
      await emitterWith().of('/notification').to('room1').emit('x');

      // Assess
      expect(aws.table.partition('hist#/notification#room1')).toEqual([]);
    });
  });

  describe('Clients', () => {
    it("builds its own clients in the region of the endpoint's host when none are injected", async () => {
      // Prepare
      const emitter = createEmitter({
        tableName: TABLE_NAME,
        endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      });

      // Act
      await emitter.of('/notification').to('room1').emit('x');
      const dynamoDb = aws.ddb.call(0).thisValue as { config: { region: () => Promise<string> } };
      const managementApi = aws.apigw.call(0).thisValue as {
        config: { region: () => Promise<string>; endpoint: () => Promise<{ hostname: string }> };
      };

      // Assess
      expect(await dynamoDb.config.region()).toBe('eu-west-1');
      expect(await managementApi.config.region()).toBe('eu-west-1');
      expect((await managementApi.config.endpoint()).hostname).toBe(
        'abc123.execute-api.eu-west-1.amazonaws.com',
      );
    });
  });

  describe('Validation', () => {
    it('accepts the local runtime endpoint, on an IP address and a port', () => {
      // Act / Assess
      expect(() => emitterWith({ endpoint: 'http://127.0.0.1:3001/local' })).not.toThrow();
    });

    it.each([
      ['a table name', { tableName: '' }, /Invalid table name/],
      ['an endpoint', { endpoint: 'not a url' }, /Invalid endpoint/],
      ['a non-http endpoint', { endpoint: 'ftp://example.com/prod' }, /Invalid endpoint/],
    ])('refuses %s that is not one', (_, options, message) => {
      // Act / Assess
      expect(() => emitterWith(options)).toThrow(message);
    });

    it.each(['notification', '', '/with space', `/${'x'.repeat(128)}`])(
      'refuses the namespace name %j',
      (name) => {
        // Act / Assess
        expect(() => emitterWith().of(name)).toThrow(/Invalid namespace/);
      },
    );

    it.each([[''], ['x'.repeat(129)], [['ok', '']]])('refuses the room %j', (rooms) => {
      // Prepare
      const nsp = emitterWith().of('/notification');

      // Act / Assess
      expect(() => nsp.to(rooms)).toThrow(/Invalid room/);
      expect(() => nsp.except(rooms)).toThrow(/Invalid room/);
    });

    it.each(['', 'has space', 'x'.repeat(65), 'connect', 'error', 'disconnect'])(
      'refuses the event name %j before reading anything',
      async (event) => {
        // Act / Assess
        await expect(emitterWith().of('/notification').emit(event)).rejects.toThrow(
          /Invalid event name/,
        );
        expect(aws.ddb.calls()).toHaveLength(0);
      },
    );
  });
});
