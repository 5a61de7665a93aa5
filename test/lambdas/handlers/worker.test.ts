import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import 'aws-sdk-client-mock-jest';
import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createWorkerHandler } from '../../../lambdas/handlers/worker';
import { newConnectionId } from '../../support/api-gateway-events';
import { mockChatAws } from '../../support/chat-aws-mocks';

const aws = mockChatAws();
const worker = createWorkerHandler(() => createChatRuntime(aws.runtimeOptions));

const gone = () => new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
const hello = '{"event":"hello","data":"notification","ns":"/notification"}';
const welcome = '{"event":"welcome","data":{"rooms":2},"ns":"/notification"}';

describe('Handler: worker', () => {
  aws.installForEachTest();

  afterEach(() => {
    jest.useRealTimers();
  });

  it('posts the frames in order once the connection answers 200 after a few GoneExceptions', async () => {
    // Prepare
    const id = newConnectionId();
    aws.apigw
      .on(PostToConnectionCommand)
      .rejectsOnce(gone())
      .rejectsOnce(gone())
      .rejectsOnce(gone())
      .resolves({});

    // Act
    await worker({ connectionId: id, frames: [hello, welcome] });

    // Assess
    expect(aws.posts()).toEqual([
      { connectionId: id, data: hello },
      { connectionId: id, data: hello },
      { connectionId: id, data: hello },
      { connectionId: id, data: hello },
      { connectionId: id, data: welcome },
    ]);
    expect(aws.writes()).toEqual([]);
  });

  it('posts at once when the connection is already open', async () => {
    // Prepare
    const id = newConnectionId();

    // Act
    await worker({ connectionId: id, frames: [hello, welcome] });

    // Assess
    expect(aws.posts()).toEqual([
      { connectionId: id, data: hello },
      { connectionId: id, data: welcome },
    ]);
  });

  it.each([
    ['keeps a connection younger than 30 s', 1_000, 3],
    ['removes a connection older than 30 s', 60_000, 0],
  ])('gives up at the deadline, drops the frames and %s', async (_case, age, itemsLeft) => {
    // Prepare
    jest.useFakeTimers({ now: 1_767_225_600_000 });
    const id = newConnectionId();
    aws.table.seedConnection({ id, ns: '/notification', connectedAt: Date.now() - age });
    aws.apigw.on(PostToConnectionCommand).rejects(gone());

    // Act
    const delivering = worker({ connectionId: id, frames: [hello, welcome] });
    await jest.advanceTimersByTimeAsync(11_000);
    await delivering;

    // Assess
    const attempts = aws.posts();
    expect(attempts.length).toBeGreaterThan(3);
    expect(attempts.length).toBeLessThan(20);
    expect(attempts.every((post) => post.data === hello)).toBe(true);
    // The clean-up is handed to a new invocation of the worker.
    const cleanups = aws.cleanups();
    expect(cleanups).toEqual([
      { kind: 'cleanup', connectionIds: [id], connectedBefore: expect.any(Number) },
    ]);
    for (const cleanup of cleanups) await worker(cleanup);
    expect(aws.table.keysOf(id)).toHaveLength(itemsLeft);
  });

  it.each([
    ['no payload', undefined],
    ['no frames', { connectionId: 'R1kmxc2VNjMCFIA=', frames: [] }],
    ['an empty connection id', { connectionId: '', frames: [hello] }],
    [
      'frames that are not strings',
      { connectionId: 'R1kmxc2VNjMCFIA=', frames: [{ event: 'hello' }] },
    ],
    [
      'a JSON string payload',
      JSON.stringify({ connectionId: 'R1kmxc2VNjMCFIA=', frames: [hello] }),
    ],
  ])('ignores %s: logs it and posts nothing', async (_case, payload) => {
    // Prepare
    const logged = jest.spyOn(aws.logger, 'error');

    // Act
    const result = await worker(payload);

    // Assess
    expect(result).toBeUndefined();
    expect(logged).toHaveBeenCalledWith('Invalid worker payload', expect.anything());
    expect(aws.apigw).not.toHaveReceivedCommand(PostToConnectionCommand);
    expect(aws.ddb.calls()).toHaveLength(0);
    logged.mockRestore();
  });

  describe('kind: shard', () => {
    it("posts every recipient of the shard once, each its group's frame, and cleans up the gone", async () => {
      // Prepare
      const [a, b, c] = [newConnectionId(), newConnectionId(), newConnectionId()];
      aws.table.seedConnection({ id: b, ns: '/notification', connectedAt: Date.now() - 60_000 });
      aws.apigw.on(PostToConnectionCommand, { ConnectionId: b }).rejects(gone());

      // Act
      await worker({
        kind: 'shard',
        groups: [
          { frame: hello, connectionIds: [a, b] },
          { frame: welcome, connectionIds: [c] },
        ],
      });

      // Assess
      expect(
        aws.posts().sort((x, y) => String(x.connectionId).localeCompare(String(y.connectionId))),
      ).toEqual(
        [
          { connectionId: a, data: hello },
          { connectionId: b, data: hello },
          { connectionId: c, data: welcome },
        ].sort((x, y) => x.connectionId.localeCompare(y.connectionId)),
      );
      expect(aws.deletedKeys()).toEqual([]);
      expect(aws.cleanups()).toMatchObject([{ kind: 'cleanup', connectionIds: [b] }]);
      for (const cleanup of aws.cleanups()) await worker(cleanup);
      expect(aws.deletedKeys()).toContain(`conn#${b} conn`);
      expect(aws.table.keysOf(b)).toEqual([]);
    });

    it('posts nothing for an invalid shard', async () => {
      // Act
      await worker({ kind: 'shard', groups: [] });

      // Assess
      expect(aws.posts()).toEqual([]);
    });
  });
});
