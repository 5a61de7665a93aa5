import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  LambdaShardDispatcher,
  splitToFit,
} from '../../../lambdas/adapters/lambda-shard-dispatcher';
import { type ShardPayload, WorkerPayload } from '../../../lambdas/core/worker-payload';

const lambdaMock = mockClient(LambdaClient);

const payloads = (): ShardPayload[] =>
  lambdaMock.commandCalls(InvokeCommand).map((call) => {
    const payload = call.args[0].input.Payload;
    return JSON.parse(
      typeof payload === 'string' ? payload : new TextDecoder().decode(payload as Uint8Array),
    );
  });

const ids = (count: number) =>
  Array.from({ length: count }, (_, i) => `K${String(i).padStart(14, '0')}=`);

describe('Class: LambdaShardDispatcher', () => {
  afterEach(() => {
    lambdaMock.reset();
  });

  it('invokes the worker asynchronously with a shard payload', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const dispatcher = new LambdaShardDispatcher({
      functionName: 'chat-worker',
      client: new LambdaClient({ region: 'local' }),
    });

    // Act
    await dispatcher.dispatch({ groups: [{ frame: '{"event":"e"}', connectionIds: ids(3) }] });

    // Assess
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: 'chat-worker',
      InvocationType: 'Event',
    });
    expect(payloads()).toEqual([
      { kind: 'shard', groups: [{ frame: '{"event":"e"}', connectionIds: ids(3) }] },
    ]);
    expect(WorkerPayload.parse(payloads()[0])).toEqual(payloads()[0]);
  });

  it('splits a shard whose payload exceeds the limit, covering every recipient once', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const frame = `{"event":"e","data":"${'x'.repeat(120 * 1024)}"}`;
    const other = `{"event":"e","data":"${'y'.repeat(120 * 1024)}"}`;
    const dispatcher = new LambdaShardDispatcher({
      functionName: 'chat-worker',
      client: new LambdaClient({ region: 'local' }),
    });

    // Act
    await dispatcher.dispatch({
      groups: [
        { frame, connectionIds: ids(1_000).slice(0, 500) },
        { frame: other, connectionIds: ids(1_000).slice(500) },
      ],
    });

    // Assess
    const sent = payloads();
    expect(sent.length).toBeGreaterThan(1);
    for (const payload of sent)
      expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(255 * 1024);
    const recipients = sent.flatMap((p) => p.groups.flatMap((g) => g.connectionIds));
    expect(recipients.sort()).toEqual(ids(1_000).sort());
  });

  it("keeps each Socket.IO post's socket with its connection when it splits a shard", () => {
    // Prepare: two frames too large for one payload, the first for two sockets.
    const frames = ['x', 'y'].map((c) => `42["e","${c.repeat(150 * 1024)}"]`);
    const connectionIds = ['C00000000000001=', 'C00000000000002=', 'C00000000000003='];
    const socketIds = ['S00000000000001=', 'S00000000000002=', 'S00000000000003='];
    const groups = [
      {
        frame: frames[0] as string,
        connectionIds: connectionIds.slice(0, 2),
        socketIds: socketIds.slice(0, 2),
      },
      {
        frame: frames[1] as string,
        connectionIds: connectionIds.slice(2),
        socketIds: socketIds.slice(2),
      },
    ];

    // Act
    const sent = splitToFit({ groups }, 255 * 1024).map(
      (text) => WorkerPayload.parse(JSON.parse(text)) as ShardPayload,
    );

    // Assess
    expect(sent.length).toBeGreaterThan(1);
    const pairs = sent.flatMap((payload) =>
      payload.groups.flatMap((group) =>
        group.connectionIds.map((id, index) => [id, group.socketIds?.[index]]),
      ),
    );
    expect(pairs).toEqual(connectionIds.map((id, index) => [id, socketIds[index]]));
  });

  it('refuses a shard payload whose sockets do not match its connections one to one', () => {
    // Act
    const parsed = WorkerPayload.safeParse({
      kind: 'shard',
      groups: [{ frame: 'f', connectionIds: ['C00000000000001='], socketIds: [] }],
    });

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('rejects when an invocation fails', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).rejects(new Error('throttled'));
    const dispatcher = new LambdaShardDispatcher({
      functionName: 'chat-worker',
      client: new LambdaClient({ region: 'local' }),
    });

    // Act
    const dispatching = dispatcher.dispatch({ groups: [{ frame: '{}', connectionIds: ids(1) }] });

    // Assess
    await expect(dispatching).rejects.toThrow('throttled');
  });
});

describe('Function: splitToFit', () => {
  it('keeps 1,000 connection ids with a small frame in one payload', () => {
    expect(
      splitToFit({ groups: [{ frame: '{"event":"e"}', connectionIds: ids(1_000) }] }, 255 * 1024),
    ).toHaveLength(1);
  });

  it('sends nothing for an empty shard', () => {
    expect(splitToFit({ groups: [{ frame: '{}', connectionIds: [] }] }, 1024)).toEqual([]);
  });
});
