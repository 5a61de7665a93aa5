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
      environment: BENCH_USER_LIMITS,
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
});
