import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll } from '../../bench/e2e/connection-probe';
import { type E2eClient, openE2eClient, request } from '../../bench/e2e/e2e-client';
import { silentLogger } from '../../local/gateway';
import type { XRayDocument } from '../../local/lambda/xray-daemon';
import { BENCH_USER_LIMITS, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';

jest.setTimeout(120_000);

/** The DynamoDB operation an SDK subsegment records (`aws.operation`). */
function operationOf(document: XRayDocument): string {
  return String((document.aws as { operation?: unknown } | undefined)?.operation);
}

describe('Local runtime with tracing (X-Ray SDK in its Lambda mode, local daemon)', () => {
  let runtime: LocalRuntime;
  const clients: E2eClient[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger },
      // Rooms over 10 recipients fan out through the worker.
      environment: { ...BENCH_USER_LIMITS, FANOUT_SHARD_SIZE: '10' },
      tracing: true,
    });
  }, 60_000);

  afterAll(async () => {
    await closeAll(clients);
    await runtime?.close();
  });

  /** A member of `room`: connected, joined. */
  async function member(room: string): Promise<E2eClient> {
    const client = await openE2eClient(runtime.gateway.url);
    clients.push(client);
    await request(client.socket, 'join', { room });
    return client;
  }

  /**
   * Every document of the one message-function trace `send` starts: among the traces whose
   * SDK subsegments arrive while it runs (a heartbeat tick may add its own), the one with a
   * `## message` subsegment, which the container sends once it next runs (it freezes at the
   * handler's return, as Lambda does, before the UDP send is out).
   */
  async function traceOf(send: () => Promise<unknown>, flush: E2eClient): Promise<XRayDocument[]> {
    const xray = runtime.xray as NonNullable<LocalRuntime['xray']>;
    const before = new Set(xray.documents().map((document) => document.trace_id));
    const from = xray.documents().length;
    await send();
    const started = new Set(
      xray
        .documents()
        .slice(from)
        .filter((document) => document.namespace === 'aws' && !before.has(document.trace_id))
        .map((document) => document.trace_id),
    );
    const messageTraces = () =>
      [...started].filter((traceId) =>
        xray
          .documents()
          .some((document) => document.trace_id === traceId && document.name === '## message'),
      );
    for (let tries = 0; messageTraces().length === 0; tries++) {
      if (tries === 50) throw new Error('the message never got its ## message subsegment');
      await request(flush.socket, 'whoami', undefined);
    }
    expect(messageTraces()).toHaveLength(1);
    const [traceId] = messageTraces();
    return xray.documents().filter((document) => document.trace_id === traceId);
  }

  it('traces a room message as one subsegment and its DynamoDB calls, whatever the number of recipients', async () => {
    // Prepare: a room of 2 and a room of 6, the sender in both.
    const sender = await member('pair');
    await member('pair');
    await request(sender.socket, 'join', { room: 'six' });
    for (let i = 0; i < 5; i++) await member('six');
    await traceOf(() => request(sender.socket, 'chat', { room: 'six', message: 'warm' }), sender);

    // Act
    const toOne = await traceOf(
      () => request(sender.socket, 'chat', { room: 'pair', message: 'to one' }),
      sender,
    );
    const toFive = await traceOf(
      () => request(sender.socket, 'chat', { room: 'six', message: 'to five' }),
      sender,
    );

    // Assess: one `## message` subsegment, the rest the SDK's DynamoDB calls; no subsegment
    // per post (they would be `remote` HTTP subsegments), so five recipients trace as one.
    for (const trace of [toOne, toFive]) {
      expect(trace.filter((document) => document.name === '## message')).toHaveLength(1);
      const calls = trace.filter((document) => document.name !== '## message');
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(call).toMatchObject({ name: 'DynamoDB', namespace: 'aws' });
      expect(calls.map(operationOf)).toEqual(expect.arrayContaining(['Query', 'PutItem']));
    }
    expect(toFive.map(operationOf).sort()).toEqual(toOne.map(operationOf).sort());
    expect(runtime.xray?.malformed).toBe(0);
  });

  it("puts the worker's shards in the message's trace, under the message's Invoke calls, as AWS does", async () => {
    // Prepare: a room of 12: 11 recipients, over a shard's 10, so the worker takes shards.
    const sender = await member('dozen');
    const others = [];
    for (let i = 0; i < 11; i++) others.push(await member('dozen'));
    const xray = runtime.xray as NonNullable<LocalRuntime['xray']>;
    const arrived = others.map(
      (other) =>
        new Promise<void>((resolve) => {
          other.onEvent = (frame) => {
            if (frame.event === 'chat') resolve();
          };
        }),
    );

    // Act
    const trace = await traceOf(
      () => request(sender.socket, 'chat', { room: 'dozen', message: 'to eleven' }),
      sender,
    );
    await Promise.all(arrived);
    // A worker container sends a shard's subsegment once it next runs: more shards flush them.
    const traceId = trace[0]?.trace_id;
    const named = (name: string) =>
      xray
        .documents()
        .filter((document) => document.name === name && document.trace_id === traceId);
    for (let tries = 0; tries < 20; tries++) {
      const invokes = named('Lambda').length;
      if (invokes > 0 && named('## worker').length === invokes) break;
      await sleep(200);
      await request(sender.socket, 'chat', { room: 'dozen', message: 'flush' });
    }

    // Assess: the message's Invoke calls are in its trace, and each shard's invocation
    // subsegment is in the same trace, its parent one of those calls.
    const invokes = named('Lambda');
    expect(invokes.length).toBeGreaterThan(0);
    expect(invokes.map(operationOf)).toEqual(invokes.map(() => 'Invoke'));
    const shards = named('## worker');
    expect(shards.map((document) => document.parent_id).sort()).toEqual(
      invokes.map((document) => document.id).sort(),
    );
  });
});
