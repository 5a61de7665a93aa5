import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  LambdaCleanupDispatcher,
  splitCleanup,
} from '../../../lambdas/adapters/lambda-cleanup-dispatcher';
import type { RemovedConnection } from '../../../lambdas/core/types';
import { WorkerPayload } from '../../../lambdas/core/worker-payload';

const lambdaMock = mockClient(LambdaClient);

const ids = (count: number) =>
  Array.from({ length: count }, (_, i) => `K${String(i).padStart(14, '0')}=`);

/** A connection at the room cap: 100 rooms of 128 characters. */
const atTheCap = (id: string): RemovedConnection => ({
  id,
  ns: '/',
  rooms: Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}${'r'.repeat(125)}`),
  user: { id: 'ann', name: 'Ann' },
});

describe('Class: LambdaCleanupDispatcher', () => {
  afterEach(() => {
    lambdaMock.reset();
  });

  it('invokes the worker asynchronously with a cleanup payload', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const dispatcher = new LambdaCleanupDispatcher({
      functionName: 'chat-worker',
      client: new LambdaClient({ region: 'local' }),
    });

    // Act
    await dispatcher.dispatch({ connectionIds: ids(2), connectedBefore: 1_000 });

    // Assess
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: 'chat-worker',
      InvocationType: 'Event',
      Payload: JSON.stringify({ kind: 'cleanup', connectionIds: ids(2), connectedBefore: 1_000 }),
    });
  });

  it('invokes nothing for an empty clean-up, and rejects when an invocation fails', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).rejects(new Error('TooManyRequestsException'));
    const dispatcher = new LambdaCleanupDispatcher({
      functionName: 'chat-worker',
      client: new LambdaClient({ region: 'local' }),
    });

    // Act
    await dispatcher.dispatch({ connectionIds: [] });
    const failing = dispatcher.dispatch({ connectionIds: ids(1) });

    // Assess
    await expect(failing).rejects.toThrow('TooManyRequestsException');
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });
});

describe('Function: splitCleanup', () => {
  it('halves a checkpoint until every part fits, keeping every connection once, each part valid', () => {
    // Prepare
    const detached = ids(30).map(atTheCap);

    // Act
    const parts = splitCleanup({ detached }, 64 * 1024);

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(64 * 1024);
      expect(WorkerPayload.safeParse(JSON.parse(part)).success).toBe(true);
    }
    const sent = parts.flatMap((part) =>
      (JSON.parse(part) as { detached: RemovedConnection[] }).detached.map((c) => c.id),
    );
    expect(sent).toEqual(ids(30));
  });

  it('keeps connectedBefore with every part of the connection ids', () => {
    // Act
    const parts = splitCleanup({ connectionIds: ids(4), connectedBefore: 7 }, 80);

    // Assess
    expect(parts.map((part) => JSON.parse(part))).toEqual(
      ids(4).map((id) => ({ kind: 'cleanup', connectionIds: [id], connectedBefore: 7 })),
    );
  });
});
