import { CapacityRecorder } from '../../../bench/cost/capacity-recorder';

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;

/** A middleware stack that keeps what is added, so a test can run it like the SDK would. */
function fakeClient() {
  const added: Middleware[] = [];
  return {
    middlewareStack: {
      add: (middleware: unknown) => {
        added.push(middleware as Middleware);
      },
    },
    send: (commandName: string, input: Record<string, unknown>, next: Handler) => {
      const [middleware] = added;
      if (!middleware) throw new Error('no middleware added');
      return middleware(next, { commandName })({ input });
    },
  };
}

/** A recorder attached to a fake client. */
function attachedRecorder() {
  const recorder = new CapacityRecorder();
  const client = fakeClient();
  recorder.attach(client);
  return { recorder, client };
}

describe('Class: CapacityRecorder', () => {
  describe('Method: record', () => {
    it('counts reads and writes by command and sums their capacity', () => {
      // Prepare
      const recorder = new CapacityRecorder();

      // Act
      recorder.record('GetItemCommand', { TableName: 't', CapacityUnits: 1 });
      recorder.record('QueryCommand', { TableName: 't', CapacityUnits: 0.5 });
      recorder.record('BatchWriteItemCommand', [
        { TableName: 't', CapacityUnits: 3 },
        { TableName: 'u', CapacityUnits: 1 },
      ]);
      recorder.record('UpdateItemCommand', undefined);

      // Assess
      expect(recorder.take()).toEqual({
        requests: 4,
        readRequests: 2,
        writeRequests: 2,
        rcu: 1.5,
        wcu: 4,
        byCommand: {
          GetItemCommand: 1,
          QueryCommand: 1,
          BatchWriteItemCommand: 1,
          UpdateItemCommand: 1,
        },
      });
    });

    it('uses the read and write units DynamoDB splits out when it does', () => {
      // Prepare
      const recorder = new CapacityRecorder();

      // Act
      recorder.record('UpdateItemCommand', {
        CapacityUnits: 3,
        ReadCapacityUnits: 1,
        WriteCapacityUnits: 2,
      });

      // Assess
      expect(recorder.take()).toMatchObject({ rcu: 1, wcu: 2, writeRequests: 1 });
    });
  });

  describe('Method: take', () => {
    it('resets the tally', () => {
      // Prepare
      const recorder = new CapacityRecorder();
      recorder.record('ScanCommand', { CapacityUnits: 0.1 });
      recorder.record('ScanCommand', { CapacityUnits: 0.2 });

      // Act
      const first = recorder.take();
      const second = recorder.take();

      // Assess
      expect(first.rcu).toBe(0.3);
      expect(second).toEqual({
        requests: 0,
        readRequests: 0,
        writeRequests: 0,
        rcu: 0,
        wcu: 0,
        byCommand: {},
      });
    });
  });

  describe('Method: attach', () => {
    it('asks for the total consumed capacity and records it', async () => {
      // Prepare
      const { recorder, client } = attachedRecorder();
      const seen: Record<string, unknown>[] = [];

      // Act
      await client.send('QueryCommand', { TableName: 't' }, async ({ input }) => {
        seen.push(input);
        return { output: { ConsumedCapacity: { TableName: 't', CapacityUnits: 2 } } };
      });

      // Assess
      expect(seen).toEqual([{ TableName: 't', ReturnConsumedCapacity: 'TOTAL' }]);
      expect(recorder.take()).toMatchObject({ requests: 1, rcu: 2 });
    });

    it('counts a failed request without capacity and rethrows', async () => {
      // Prepare
      const { recorder, client } = attachedRecorder();
      const failure = new Error('ConditionalCheckFailedException');

      // Act
      const sent = client.send('UpdateItemCommand', {}, async () => {
        throw failure;
      });

      // Assess
      await expect(sent).rejects.toBe(failure);
      expect(recorder.take()).toMatchObject({ requests: 1, writeRequests: 1, wcu: 0 });
    });

    it('leaves control-plane commands alone', async () => {
      // Prepare
      const { recorder, client } = attachedRecorder();
      const seen: Record<string, unknown>[] = [];

      // Act
      await client.send('DescribeTableCommand', { TableName: 't' }, async ({ input }) => {
        seen.push(input);
        return { output: {} };
      });

      // Assess
      expect(seen).toEqual([{ TableName: 't' }]);
      expect(recorder.take().requests).toBe(0);
    });
  });
});
