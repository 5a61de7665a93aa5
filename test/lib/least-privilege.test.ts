import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { whyNobody } from '../../cli/nothing-matched';
import { type FunctionName, LAMBDA_FUNCTIONS } from '../../definitions/api';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import { createChatApp } from '../../lambdas/app/chat-app';
import { createEmitter } from '../../lambdas/emitter';
import { createChatRuntime } from '../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../lambdas/handlers/connect';
import { createDisconnectHandler } from '../../lambdas/handlers/disconnect';
import { createHeartbeatHandler } from '../../lambdas/handlers/heartbeat';
import { createMessageHandler } from '../../lambdas/handlers/message';
import { createWorkerHandler } from '../../lambdas/handlers/worker';
import { ChatStack } from '../../lib/chat-stack';
import {
  EMITTER_TABLE_ACCESS,
  FUNCTION_CONNECTION_METHODS,
  FUNCTION_TABLE_ACTIONS,
} from '../../lib/least-privilege';
import {
  connectEvent,
  disconnectEvent,
  frameEvent,
  messageEvent,
  newConnectionId,
} from '../support/api-gateway-events';
import { CALLBACK_URL, mockChatAws, TABLE_NAME } from '../support/chat-aws-mocks';
import { accessSummary, tableAccessesOf } from '../support/table-access-recorder';
import {
  functionIds,
  onlyIdOf,
  render,
  resourceOf,
  type Statement,
  statementsOf,
} from './template-helpers';

const aws = mockChatAws();
const runtime = () => createChatRuntime(aws.runtimeOptions);
const connect = createConnectHandler(runtime);
const message = createMessageHandler(runtime);
const disconnect = createDisconnectHandler(runtime);
const worker = createWorkerHandler(runtime);
const heartbeat = createHeartbeatHandler(runtime);

/** Older than the 30 s grace of gone clean-up. */
const CONNECTED_AT = Date.now() - 60 * 60 * 1000;
const CHAT_FUNCTIONS = ['connect', 'disconnect', 'message', 'worker', 'heartbeat'] as const;
type ChatFunction = (typeof CHAT_FUNCTIONS)[number];

const gone = () => new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
const user = (id: string) => ({ userId: id, name: id.toUpperCase(), principalId: id });

/**
 * Drives every function through each path of its code that reaches the table (accepted and
 * refused connections, every event of every namespace, last connections and last presence,
 * posts found gone and their clean-up) and records the table calls of each function.
 */
async function tableCallsByFunction(): Promise<Record<ChatFunction, unknown[]>> {
  const calls: Record<ChatFunction, unknown[]> = {
    connect: [],
    disconnect: [],
    message: [],
    worker: [],
    heartbeat: [],
  };
  const record = (fn: ChatFunction) => {
    calls[fn].push(...aws.ddb.calls().map((call) => call.args[0]));
    aws.ddb.resetHistory();
  };
  const open = async (ns: string, userId: string) => {
    const id = newConnectionId();
    const event = connectEvent({
      connectionId: id,
      connectedAt: CONNECTED_AT,
      query: { ns },
      authorizer: user(userId),
    });
    const { statusCode } = await connect(event);
    record('connect');
    return { id, statusCode };
  };
  const send = async (id: string, action: string, data?: unknown) => {
    await message(frameEvent(id, action, data, 1, { connectedAt: CONNECTED_AT }));
    record('message');
  };
  const close = async (id: string) => {
    await disconnect(disconnectEvent({ connectionId: id, connectedAt: CONNECTED_AT }));
    record('disconnect');
  };
  const runCleanups = async () => {
    for (const cleanup of aws.cleanups()) await worker(cleanup);
    aws.lambda.resetHistory();
    record('worker');
  };

  const alice = (await open('/', 'alice')).id;
  for (let i = 1; i < 10; i += 1) await open('/', 'alice');
  expect((await open('/', 'alice')).statusCode).toBe(429);
  const bob = (await open('/', 'bob')).id;
  const carol = [(await open('/', 'carol')).id, (await open('/', 'carol')).id];
  const dave = (await open('/', 'dave')).id;
  const notified = (await open('/notification', 'erin')).id;
  await open('/notification', 'frank');
  const chatter = (await open('/chat', 'gina')).id;

  await send(alice, 'join', { room: 'lobby' });
  await send(bob, 'join', { room: 'lobby', since: 0 });
  await send(dave, 'join', { room: 'lobby' });
  await send(alice, 'chat', { room: 'lobby', message: 'hi' });
  await send(bob, 'history', { room: 'lobby' });
  await send(bob, 'members', { room: 'lobby' });
  await send(alice, 'broadcast', 'to everyone');
  await send(alice, 'direct', { to: bob, message: 'psst' });
  await send(alice, 'unicast', 'me');
  await send(alice, 'rooms');
  await send(alice, 'whoami');
  await send(bob, 'leave', { room: 'lobby' });
  await send(chatter, 'join-room', { type: 'room:dev' });
  await send(chatter, 'room-message', { room: 'room:dev', message: 'hi' });
  // Over the per-user message budget: 24 frames from two connections of one user.
  for (let i = 0; i < 12; i += 1) for (const id of carol) await send(id, 'whoami');

  // Posts find dave (in lobby, his only connection) and erin gone: their clean-up runs in the worker.
  aws.apigw.on(PostToConnectionCommand, { ConnectionId: dave }).rejects(gone());
  aws.apigw.on(PostToConnectionCommand, { ConnectionId: notified }).rejects(gone());
  await send(alice, 'chat', { room: 'lobby', message: 'anyone?' });
  await worker({
    kind: 'shard',
    groups: [{ frame: '{"event":"x","ns":"/notification"}', connectionIds: [notified] }],
  });
  await worker({ connectionId: bob, frames: ['{"event":"hello","ns":"/"}'] });
  record('worker');
  await runCleanups();

  // Socket.IO: a session, a namespace's CONNECT, an event, leaving the namespace, a heartbeat
  // tick that finds one connection gone, and the session closed at $disconnect.
  const openSocketIo = async (userId: string) => {
    const id = newConnectionId();
    await connect(
      connectEvent({
        connectionId: id,
        connectedAt: CONNECTED_AT,
        query: { EIO: '4', transport: 'websocket' },
        authorizer: user(userId),
      }),
    );
    record('connect');
    return id;
  };
  const sendRaw = async (id: string, body: string) => {
    await message(
      messageEvent({ connectionId: id, connectedAt: CONNECTED_AT, body, authorizer: user('hana') }),
    );
    record('message');
  };
  const [hana, ivan] = [await openSocketIo('hana'), await openSocketIo('ivan')];
  await sendRaw(hana, '40/chat,{}');
  await sendRaw(hana, '42/chat,1["join-room",{"type":"room:dev"}]');
  await sendRaw(hana, '41/chat,');
  await sendRaw(hana, '40');
  aws.apigw.on(PostToConnectionCommand, { ConnectionId: ivan }).rejects(gone());
  await heartbeat({
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    // A tick of their slot (4 of a minute each), late enough to tell a gone connection.
    time: new Date(CONNECTED_AT + 4 * 60_000).toISOString(),
  });
  record('heartbeat');
  await close(hana);

  await send(bob, 'join', { room: 'lobby' });
  await close(alice);
  await close(bob);
  await close(chatter);
  await runCleanups();
  return calls;
}

/** The actions each recorded call needs, as IAM names them, sorted. */
const actionsOf = (commands: readonly unknown[]) =>
  Object.keys(accessSummary(tableAccessesOf(commands)));

describe('Least privilege', () => {
  let template: Template;
  let fnIds: Record<FunctionName, string>;
  let tableArn: string;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(new ChatStack(app, 'LeastPrivilege'));
    fnIds = functionIds(template);
    tableArn = `{${onlyIdOf(template, 'AWS::DynamoDB::Table')}.Arn}`;
  });

  describe('what the code sends', () => {
    aws.installForEachTest();

    it('each chat function sends exactly the table actions it is granted', async () => {
      // Act
      const calls = await tableCallsByFunction();

      // Assess
      const sent = Object.fromEntries(CHAT_FUNCTIONS.map((fn) => [fn, actionsOf(calls[fn])]));
      const granted = Object.fromEntries(
        CHAT_FUNCTIONS.map((fn) => [fn, [...FUNCTION_TABLE_ACTIONS[fn]].sort()]),
      );
      expect(sent).toEqual(granted);
    });

    it('the emitter and its CLI touch exactly the partitions they are granted, action by action', async () => {
      // Prepare: ann and cid in / lobby (durable, presence), bob in /notification; cid and bob are gone.
      const ann = newConnectionId();
      const bob = newConnectionId();
      const cid = newConnectionId();
      aws.table.seedConnection({ id: ann, ns: '/', rooms: ['lobby'] });
      aws.table.seedConnection({ id: bob, ns: '/notification', rooms: ['room1'] });
      await connect(
        connectEvent({ connectionId: cid, connectedAt: CONNECTED_AT, authorizer: user('cid') }),
      );
      await message(frameEvent(cid, 'join', { room: 'lobby' }, 1, { connectedAt: CONNECTED_AT }));
      aws.clearHistory();
      aws.apigw.on(PostToConnectionCommand, { ConnectionId: bob }).rejects(gone());
      aws.apigw.on(PostToConnectionCommand, { ConnectionId: cid }).rejects(gone());
      const emitter = createEmitter({
        tableName: TABLE_NAME,
        endpoint: CALLBACK_URL,
        dynamoDb: aws.runtimeOptions.dynamoDb,
        managementApi: aws.runtimeOptions.managementApi,
        createServer: createChatApp,
      });

      // Act
      await emitter.to('lobby').emit('news', 'durable');
      await emitter.to(ann).emit('news', 'direct');
      await emitter.of('/notification').emit('news', 'everyone');
      await emitter.of('/notification').to('room1').emit('news', 'room');
      // An acked emit nobody answers: the pending-ack item is written, read and deleted.
      await expect(emitter.to(ann).timeout(30).emitWithAck('question')).rejects.toThrow(
        'operation has timed out',
      );
      // `apigw-chat emit` explaining why nobody was reached, on the same policy.
      const nobody = { recipients: 0, delivered: 0, gone: 0, failed: 0, dispatched: 0 };
      const command = {
        ...{ namespace: '/', rooms: ['empty'], connections: [bob], except: [] },
        ...{ event: 'news', data: undefined, json: false },
      };
      const store = new DynamoDbMembershipStore({
        tableName: TABLE_NAME,
        client: aws.runtimeOptions.dynamoDb,
      });
      await whyNobody(command, nobody, store);
      await whyNobody({ ...command, rooms: [], connections: [] }, nobody, store);

      // Assess
      const summary = accessSummary(tableAccessesOf(aws.ddb.calls().map((call) => call.args[0])));
      expect(summary).toEqual(
        Object.fromEntries(
          Object.entries(EMITTER_TABLE_ACCESS).map(([action, prefixes]) => [
            action,
            [...prefixes].sort(),
          ]),
        ),
      );
    });
  });

  describe('what the template grants', () => {
    const tableStatements = (statements: Statement[]) =>
      statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));

    it.each(Object.keys(LAMBDA_FUNCTIONS) as FunctionName[])(
      '%s: exactly its table actions, on the table only, and no Scan',
      (name) => {
        const statements = tableStatements(statementsOf(template, fnIds[name]));
        const granted = statements.flatMap((s) => [s.Action].flat()).sort();

        expect(granted).toEqual(FUNCTION_TABLE_ACTIONS[name].map((a) => `dynamodb:${a}`).sort());
        expect(granted).not.toContain('dynamodb:Scan');
        for (const s of statements) expect([s.Resource].flat().map(render)).toEqual([tableArn]);
      },
    );

    it.each(Object.keys(LAMBDA_FUNCTIONS) as FunctionName[])(
      '%s: execute-api:ManageConnections for the methods it calls only',
      (name) => {
        const manage = statementsOf(template, fnIds[name]).filter((s) =>
          [s.Action].flat().some((a) => a.startsWith('execute-api:')),
        );
        const methods = FUNCTION_CONNECTION_METHODS[name];
        const resources = manage.flatMap((s) => [s.Resource].flat().map(render));

        expect(manage.flatMap((s) => [s.Action].flat())).toEqual(
          methods.length === 0 ? [] : ['execute-api:ManageConnections'],
        );
        expect(resources.map((r) => /\/(\w+)\/@connections\/\*$/.exec(r)?.[1]).sort()).toEqual(
          [...methods].sort(),
        );
      },
    );

    it('the emitter policy: each table action only on the partitions it needs, and POST only', () => {
      const policyId = onlyIdOf(template, 'AWS::IAM::ManagedPolicy');
      const document = resourceOf(template, 'AWS::IAM::ManagedPolicy', policyId).Properties
        .PolicyDocument as { Statement: Statement[] };
      const table = tableStatements(document.Statement);

      const granted = Object.fromEntries(
        table.flatMap((s) => {
          const condition = s.Condition as Record<string, Record<string, string[]>> | undefined;
          const keys = condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? [];
          return [s.Action].flat().map((action) => [action.replace('dynamodb:', ''), keys]);
        }),
      );
      expect(granted).toEqual(
        Object.fromEntries(
          Object.entries(EMITTER_TABLE_ACCESS).map(([action, prefixes]) => [
            action,
            prefixes.map((prefix) => `${prefix}*`),
          ]),
        ),
      );
      for (const s of table) {
        expect(Object.keys(s.Condition as object)).toEqual(['ForAllValues:StringLike']);
        expect([s.Resource].flat().map(render)).toEqual([tableArn]);
      }
      const manage = document.Statement.filter((s) =>
        [s.Action].flat().includes('execute-api:ManageConnections'),
      );
      expect(manage.flatMap((s) => [s.Resource].flat().map(render))).toEqual([
        expect.stringMatching(/\/POST\/@connections\/\*$/),
      ]);
    });
  });
});
