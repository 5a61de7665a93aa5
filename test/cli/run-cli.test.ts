import {
  ForbiddenException,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CliIo, runCli } from '../../cli/run-cli';
import { EXIT, USAGE } from '../../cli/usage';
import { CALLBACK_URL, mockChatAws, TABLE_NAME } from '../support/chat-aws-mocks';

const ANN = 'A00000000000001=';
const BOB = 'B00000000000002=';

const aws = mockChatAws();

/** Runs the CLI against the mocked table and stage; resolves with its status and output. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    env: { TABLE_NAME, CALLBACK_URL, ...env },
    cwd: '/',
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  };
  const status = await runCli(argv, io);
  return { status, stdout, stderr };
}

describe('Function: runCli', () => {
  beforeEach(() => {
    aws.install();
    aws.table.seedConnection({ id: ANN, ns: '/notification', rooms: ['room1', 'room2'] });
    aws.table.seedConnection({ id: BOB, ns: '/notification', rooms: ['room1', 'room2'] });
    aws.clearHistory();
  });

  afterEach(() => {
    aws.reset();
  });

  it('emits to the room, prints the report and exits 0', async () => {
    // Act
    const result = await run(['emit', '--ns', '/notification', '--room', 'room1', 'hello', 'text']);

    // Assess
    expect(result).toEqual({
      status: 0,
      stdout: [
        'Emitted "hello" to /notification (room1): recipients 2, delivered 2, gone 0, failed 0',
      ],
      stderr: [],
    });
    expect(aws.framesFor(ANN)).toEqual([
      { event: 'hello', data: 'text', ns: '/notification', room: 'room1' },
    ]);
  });

  it('leaves out --except connections, targets --to connections, and prints JSON with --json', async () => {
    // Act
    const result = await run([
      'emit',
      '--ns',
      '/notification',
      '--room',
      'room1',
      '--to',
      BOB,
      '--except',
      BOB,
      '--json',
      'hello',
      '{"n":1}',
    ]);

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout.map((line) => JSON.parse(line))).toEqual([
      { recipients: 1, delivered: 1, gone: 0, failed: 0, dispatched: 0 },
    ]);
    expect(aws.posts().map((post) => post.connectionId)).toEqual([ANN]);
    expect(aws.framesFor(ANN)).toEqual([
      { event: 'hello', data: { n: 1 }, ns: '/notification', room: 'room1' },
    ]);
  });

  it('stores what it pushes to a durable room with the HISTORY_RETENTION_SECONDS of the stack', async () => {
    // Prepare
    aws.table.seedConnection({ id: ANN, ns: '/', rooms: ['lobby'] });
    const before = Math.floor(Date.now() / 1000);

    // Act
    const result = await run(['emit', '--room', 'lobby', 'news', 'hi'], {
      HISTORY_RETENTION_SECONDS: '600',
    });

    // Assess
    expect(result.status).toBe(0);
    expect(aws.framesFor(ANN)).toEqual([
      { event: 'news', data: 'hi', ns: '/', room: 'lobby', seq: 1 },
    ]);
    const ttl = Number(aws.table.get('hist#/#lobby', 'msg#000000000000001')?.ttl);
    expect(ttl).toBeGreaterThanOrEqual(before + 600);
    expect(ttl).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
  });

  it('exits 2 on a HISTORY_* value that is not a positive integer', async () => {
    // Act
    const result = await run(['emit', 'x'], { HISTORY_MAX_LENGTH: '-3' });

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr[0]).toMatch(/HISTORY_RETENTION_SECONDS and HISTORY_MAX_LENGTH/);
    expect(aws.posts()).toEqual([]);
  });

  it('exits 1 when a post fails, after printing the report and a warning', async () => {
    // Prepare
    aws.apigw
      .on(PostToConnectionCommand, { ConnectionId: BOB })
      .rejects(new ForbiddenException({ message: 'no', $metadata: { httpStatusCode: 403 } }));

    // Act
    const result = await run(['emit', '--ns', '/notification', 'x']);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toEqual([
      'Emitted "x" to /notification: recipients 2, delivered 1, gone 0, failed 1',
    ]);
    expect(result.stderr).toContain(
      `warning: Post failed {"connectionId":"${BOB}","error":"ForbiddenException"}`,
    );
  });

  it('exits 1 with the error and where the settings came from when AWS refuses', async () => {
    // Prepare
    aws.ddb.on(QueryCommand).rejects(
      Object.assign(new Error('Requested resource not found'), {
        name: 'ResourceNotFoundException',
      }),
    );

    // Act
    const result = await run(['emit', 'x']);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toEqual([
      `apigw-chat: ResourceNotFoundException: Requested resource not found (table ${TABLE_NAME}, settings from flags and environment)`,
    ]);
  });

  describe('when nothing matched', () => {
    it("refuses an unknown namespace, naming the chat's, and reads or sends nothing", async () => {
      // Act
      const result = await run(['emit', '--ns', '/notifications', 'x']);

      // Assess
      expect(result).toEqual({
        status: EXIT.nothingMatched,
        stdout: [],
        stderr: [
          'apigw-chat: nothing matched: unknown namespace /notifications: the chat has /, /chat, /notification',
        ],
      });
      expect(EXIT.nothingMatched).toBe(3);
      expect(aws.ddb.calls()).toHaveLength(0);
    });

    it('says which room has no members, after the report', async () => {
      // Act
      const result = await run(['emit', '--ns', '/notification', '--room', 'room9', 'x']);

      // Assess
      expect(result).toEqual({
        status: 3,
        stdout: [
          'Emitted "x" to /notification (room9): recipients 0, delivered 0, gone 0, failed 0',
        ],
        stderr: [
          'apigw-chat: nothing matched: nobody received "x"',
          '  room room9 of /notification has no members',
        ],
      });
    });

    it('says a connection is unknown, or in another namespace', async () => {
      // Prepare
      const ghost = 'G00000000000009=';

      // Act
      const result = await run(['emit', '--ns', '/chat', '--to', ghost, '--to', ANN, 'x']);

      // Assess
      expect(result.status).toBe(3);
      expect(result.stderr).toEqual([
        'apigw-chat: nothing matched: nobody received "x"',
        `  no connection ${ghost}: it closed, or never existed`,
        `  connection ${ANN} is in namespace /notification, not /chat`,
      ]);
      expect(aws.posts()).toEqual([]);
    });

    it('says the connection was gone, and keeps --json output parseable', async () => {
      // Prepare
      aws.apigw
        .on(PostToConnectionCommand, { ConnectionId: ANN })
        .rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));

      // Act
      const result = await run(['emit', '--ns', '/notification', '--to', ANN, '--json', 'x']);

      // Assess
      expect(result.status).toBe(3);
      expect(result.stdout.map((line) => JSON.parse(line))).toEqual([
        { recipients: 1, delivered: 0, gone: 1, failed: 0, dispatched: 0 },
      ]);
      expect(result.stderr).toEqual([
        'warning: Partial delivery {"event":"x","ns":"/notification","delivered":0,"gone":1,"failed":0}',
        'apigw-chat: nothing matched: nobody received "x"',
        '  1 recipient(s) had closed their connection, now removed',
        `  no connection ${ANN}: it closed, or never existed`,
      ]);
    });
  });

  it('exits 2 on invalid arguments, naming the problem, and sends nothing', async () => {
    // Act
    const result = await run(['emit', '--ns', 'nope', 'x']);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr[0]).toMatch(/^apigw-chat: Invalid --ns "nope"/);
    expect(result.stderr[1]).toBe('Run apigw-chat --help for usage.');
    expect(aws.ddb.calls()).toHaveLength(0);
  });

  it('exits 2 when no chat is configured', async () => {
    // Act
    const result = await run(['emit', 'x'], { TABLE_NAME: '', CALLBACK_URL: '' });

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr[0]).toMatch(/Nothing to emit to/);
  });

  it('prints the usage on --help and exits 0', async () => {
    // Act
    const result = await run(['--help']);

    // Assess
    expect(result).toEqual({ status: 0, stdout: [USAGE], stderr: [] });
    expect(USAGE).toMatch(/^Usage: apigw-chat emit \[options\] <event> \[data\]/);
  });
});
