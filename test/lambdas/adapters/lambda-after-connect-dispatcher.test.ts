import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaAfterConnectDispatcher } from '../../../lambdas/adapters/lambda-after-connect-dispatcher';
import { AfterConnectPayload } from '../../../lambdas/core/worker-payload';

const lambdaMock = mockClient(LambdaClient);

function sentPayload(): unknown {
  const payload = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
  return JSON.parse(
    typeof payload === 'string' ? payload : new TextDecoder().decode(payload as Uint8Array),
  );
}

describe('Class: LambdaAfterConnectDispatcher', () => {
  afterEach(() => {
    lambdaMock.reset();
  });

  describe('Method: postAfterConnect', () => {
    it('invokes the worker asynchronously with the connection id and the frames', async () => {
      // Prepare
      lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
      const afterConnect = new LambdaAfterConnectDispatcher({
        functionName: 'chat-worker',
        client: new LambdaClient({ region: 'local' }),
      });

      // Act
      await afterConnect.dispatch('R1kmxc2VNjMCFIA=', ['{"event":"hello"}', '{"event":"news"}']);

      // Assess
      expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 1);
      expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {
        FunctionName: 'chat-worker',
        InvocationType: 'Event',
      });
      expect(sentPayload()).toEqual({
        kind: 'after-connect',
        connectionId: 'R1kmxc2VNjMCFIA=',
        frames: ['{"event":"hello"}', '{"event":"news"}'],
      });
      expect(AfterConnectPayload.safeParse(sentPayload()).success).toBe(true);
    });

    it('invokes nothing when there are no frames', async () => {
      // Prepare
      const afterConnect = new LambdaAfterConnectDispatcher({
        functionName: 'chat-worker',
        client: new LambdaClient({ region: 'local' }),
      });

      // Act
      await afterConnect.dispatch('R1kmxc2VNjMCFIA=', []);

      // Assess
      expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    });

    it('rejects when the invocation fails', async () => {
      // Prepare
      const failure = Object.assign(new Error('no such function'), {
        name: 'ResourceNotFoundException',
      });
      lambdaMock.on(InvokeCommand).rejects(failure);
      const afterConnect = new LambdaAfterConnectDispatcher({
        functionName: 'chat-worker',
        client: new LambdaClient({ region: 'local' }),
      });

      // Act
      const delivering = afterConnect.dispatch('R1kmxc2VNjMCFIA=', ['{}']);

      // Assess
      await expect(delivering).rejects.toBe(failure);
    });
  });
});

describe('Schema: AfterConnectPayload', () => {
  it('rejects a payload without frames or without a connection id', () => {
    // Act
    const noFrames = AfterConnectPayload.safeParse({
      connectionId: 'R1kmxc2VNjMCFIA=',
      frames: [],
    });
    const noId = AfterConnectPayload.safeParse({ frames: ['{}'] });
    const wrongType = AfterConnectPayload.safeParse({
      connectionId: 'R1kmxc2VNjMCFIA=',
      frames: [1],
    });

    // Assess
    expect(noFrames.success).toBe(false);
    expect(noId.success).toBe(false);
    expect(wrongType.success).toBe(false);
  });
});
