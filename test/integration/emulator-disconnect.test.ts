import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import { silentLogger, startGateway } from '../../local/gateway';
import {
  type AnyEvent,
  gatewayPool,
  openClient,
  recordingFunctions,
  SDK_CONFIG,
  sleep,
  waitFor,
} from './emulator-support';

const pool = gatewayPool();
afterEach(() => pool.stopAll());

/** Lets a second, wrong $disconnect arrive before asserting there is exactly one. */
const SETTLE_MS = 100;

async function setUp(options: Parameters<typeof pool.start>[0] = {}) {
  const fakes = recordingFunctions();
  const gateway = await pool.start({ functions: fakes.functions, ...options });
  const client = await pool.open(gateway.url);
  const connectionId = fakes.calls('connect')[0]?.event.requestContext.connectionId as string;
  const disconnects = async () => {
    await waitFor(() => fakes.calls('disconnect').length > 0);
    await sleep(SETTLE_MS);
    return fakes.calls('disconnect').map(({ event }) => (event as AnyEvent).requestContext);
  };
  return { ...fakes, gateway, client, connectionId, disconnects };
}

describe('Emulator: $disconnect fires exactly once', () => {
  it('when the client closes, with the code and reason it sent', async () => {
    const { client, connectionId, disconnects } = await setUp();

    client.ws.close(4000, 'bye');

    expect(await disconnects()).toEqual([
      expect.objectContaining({
        connectionId,
        disconnectStatusCode: 4000,
        disconnectReason: 'bye',
      }),
    ]);
  });

  it('when the client closes without a status code (1005)', async () => {
    const { client, disconnects } = await setUp();

    client.ws.close();

    expect(await disconnects()).toEqual([
      expect.objectContaining({ disconnectStatusCode: 1005, disconnectReason: '' }),
    ]);
  });

  it('when the TCP connection drops without a close frame (1006)', async () => {
    const { client, disconnects } = await setUp();

    client.ws.terminate();

    expect(await disconnects()).toEqual([expect.objectContaining({ disconnectStatusCode: 1006 })]);
  });

  it('when DeleteConnection closes it (1000, as AWS reports)', async () => {
    // Prepare
    const { client, gateway, connectionId, disconnects } = await setUp();
    const management = new ApiGatewayManagementApiClient({
      ...SDK_CONFIG,
      endpoint: gateway.managementUrl,
    });

    // Act
    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    management.destroy();

    // Assess
    expect((await client.closed).code).toBe(1000);
    expect(await disconnects()).toEqual([
      expect.objectContaining({
        disconnectStatusCode: 1000,
        disconnectReason: 'Connection Closed Normally',
      }),
    ]);
  });

  it('when the idle timeout closes it', async () => {
    const { disconnects } = await setUp({ idleTimeoutMs: 150 });

    expect(await disconnects()).toEqual([expect.objectContaining({ disconnectStatusCode: 1001 })]);
  });

  it('when a limit closes it', async () => {
    const { client, disconnects } = await setUp();

    client.ws.send('x'.repeat(200 * 1024));

    expect(await disconnects()).toEqual([expect.objectContaining({ disconnectStatusCode: 1009 })]);
  });

  it('when the client does not answer the close frame', async () => {
    // Prepare
    const { client, disconnects } = await setUp({ idleTimeoutMs: 100 });
    client.ws.pause();

    // Act & Assess
    expect(await disconnects()).toEqual([expect.objectContaining({ disconnectStatusCode: 1001 })]);
    client.ws.resume();
  });

  it('for every connection when the gateway closes, before close() resolves', async () => {
    // Prepare
    const fakes = recordingFunctions({
      disconnect: () => sleep(50).then(() => ({ statusCode: 200 })),
    });
    const gateway = await startGateway({ functions: fakes.functions, logger: silentLogger });
    const clients = await Promise.all([openClient(gateway.url), openClient(gateway.url)]);

    // Act
    await gateway.close();

    // Assess
    expect(
      fakes.calls('disconnect').map(({ event }) => event.requestContext.disconnectStatusCode),
    ).toEqual([1001, 1001]);
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    await expect(openClient(gateway.url)).rejects.toThrow();
  });

  it('even while clients keep sending and a $connect is pending', async () => {
    // Prepare
    const fakes = recordingFunctions({
      connect: (event) =>
        (event.queryStringParameters ? sleep(100) : Promise.resolve()).then(() => ({
          statusCode: 200,
        })),
    });
    const gateway = await pool.start({ functions: fakes.functions });
    const chatty = await openClient(gateway.url);
    const timer = setInterval(() => chatty.ws.send('still here'), 5).unref();
    const pending = pool.track(new WebSocket(`${gateway.url}?slow=1`));
    pending.on('error', () => undefined);
    const refused = new Promise<number>((resolve) =>
      pending.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    await waitFor(() => fakes.calls('connect').length === 2);

    // Act
    await gateway.close();
    clearInterval(timer);

    // Assess
    expect(await refused).toBe(503);
    const codes = fakes
      .calls('disconnect')
      .map(({ event }) => event.requestContext.disconnectStatusCode);
    expect(codes).toEqual([1001, 1001]);
  });
});

describe('Emulator: dropDisconnects, $disconnect delivered on a best-effort basis', () => {
  afterEach(() => jest.restoreAllMocks());

  it('drops the share of $disconnect events it is given, and delivers the others', async () => {
    // Prepare: the first draw falls under the share, the second above it
    const { functions, calls } = recordingFunctions();
    const gateway = await pool.start({ functions, dropDisconnects: 0.5 });
    const first = await openClient(gateway.url);
    const second = await openClient(gateway.url);
    const ids = calls('connect').map(({ event }) => event.requestContext.connectionId);
    jest.spyOn(Math, 'random').mockReturnValueOnce(0.49).mockReturnValueOnce(0.5);

    // Act
    first.ws.close();
    await waitFor(() => gateway.connectionIds().length === 1);
    second.ws.close();
    await waitFor(() => calls('disconnect').length === 1);
    await sleep(SETTLE_MS);

    // Assess
    expect(calls('disconnect').map(({ event }) => event.requestContext.connectionId)).toEqual([
      ids[1],
    ]);
    expect(gateway.connectionIds()).toEqual([]);
  });

  it.each([-0.1, 1.5, Number.NaN])('refuses a share of %d', async (share) => {
    await expect(pool.start({ dropDisconnects: share })).rejects.toThrow(
      'dropDisconnects must be a share between 0 and 1',
    );
  });
});

describe('Emulator: settled()', () => {
  it("resolves once the closed connections' $disconnect and what it invoked have returned", async () => {
    // Prepare: a slow $disconnect that invokes the worker asynchronously, a slower worker
    const finished: string[] = [];
    let gateway: Awaited<ReturnType<typeof pool.start>> | undefined;
    const { functions } = recordingFunctions({
      disconnect: async () => {
        await sleep(150);
        const response = await fetch(
          `${gateway?.lambdaUrl}/2015-03-31/functions/worker/invocations`,
          { method: 'POST', headers: { 'x-amz-invocation-type': 'Event' }, body: '{}' },
        );
        finished.push(`disconnect ${response.status}`);
        return { statusCode: 200 };
      },
      worker: async () => {
        await sleep(150);
        finished.push('worker');
      },
    });
    gateway = await pool.start({ functions });
    const client = await openClient(gateway.url);

    // Act
    client.ws.close();
    await waitFor(() => gateway?.connectionIds().length === 0);
    await gateway.settled();

    // Assess
    expect(finished).toEqual(['disconnect 202', 'worker']);
  });
});
