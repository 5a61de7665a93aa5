import type { IncomingMessage } from 'node:http';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import { type FrameHeader, FrameScanner } from '../../local/gateway/limits/frame-scanner';
import {
  type AnyEvent,
  gatewayPool,
  recordingFunctions,
  SDK_CONFIG,
  sleep,
  waitFor,
} from './emulator-support';

const pool = gatewayPool();
afterEach(() => pool.stopAll());

const KB = 1024;

async function setUp(options: Parameters<typeof pool.start>[0] = {}) {
  const fakes = recordingFunctions({
    message: async (event) => ({ statusCode: 200, body: `${event.body?.length}` }),
  });
  const gateway = await pool.start({ functions: fakes.functions, ...options });
  const client = await pool.open(gateway.url);
  const disconnectCodes = () =>
    fakes
      .calls('disconnect')
      .map(({ event }) => (event as AnyEvent).requestContext.disconnectStatusCode);
  return { ...fakes, gateway, client, disconnectCodes };
}

describe('Emulator: frame and message limits', () => {
  it('closes with 1009 on a single frame over 32 KB', async () => {
    const { client, calls, disconnectCodes } = await setUp();

    client.ws.send('x'.repeat(32 * KB + 1));

    expect((await client.closed).code).toBe(1009);
    await waitFor(() => disconnectCodes().length === 1);
    expect(disconnectCodes()).toEqual([1009]);
    expect(calls('message')).toHaveLength(0);
  });

  it('accepts a frame of exactly 32 KB and a fragmented message of up to 128 KB', async () => {
    // Prepare
    const { client } = await setUp();

    // Act
    client.ws.send('x'.repeat(32 * KB));
    for (let fragment = 0; fragment < 4; fragment += 1) {
      client.ws.send('y'.repeat(32 * KB), { fin: fragment === 3 });
    }

    // Assess
    expect(await client.next()).toBe(String(32 * KB));
    expect(await client.next()).toBe(String(128 * KB));
  });

  it('closes with 1009 when the fragments of one message exceed 128 KB', async () => {
    const { client, calls, disconnectCodes } = await setUp();

    for (let fragment = 0; fragment < 5; fragment += 1) {
      client.ws.send('y'.repeat(30 * KB), { fin: fragment === 4 });
    }

    expect((await client.closed).code).toBe(1009);
    await waitFor(() => disconnectCodes().length === 1);
    expect(calls('message')).toHaveLength(0);
  });

  it('closes with 1003 on a binary frame', async () => {
    const { client, calls, disconnectCodes } = await setUp();

    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });

    expect((await client.closed).code).toBe(1003);
    await waitFor(() => disconnectCodes().length === 1);
    expect(disconnectCodes()).toEqual([1003]);
    expect(calls('message')).toHaveLength(0);
  });

  it('splits outgoing messages over 32 KB into 32 KB frames', async () => {
    // Prepare
    const { gateway } = await setUp();
    const frames: FrameHeader[] = [];
    const ws = new WebSocket(gateway.url);
    ws.on('upgrade', (res: IncomingMessage) => {
      const scanner = new FrameScanner((header) => frames.push(header));
      res.socket.prependListener('data', (chunk: Buffer) => scanner.push(chunk));
    });
    const received = new Promise<string>((resolve) =>
      ws.once('message', (data) => resolve(data.toString())),
    );
    await new Promise((resolve) => ws.once('open', resolve));
    pool.track(ws);
    await waitFor(() => gateway.connectionIds().length === 2);
    const connectionId = gateway.connectionIds()[1] as string;
    const management = new ApiGatewayManagementApiClient({
      ...SDK_CONFIG,
      endpoint: gateway.managementUrl,
    });

    // Act
    await management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'z'.repeat(70 * KB) }),
    );
    management.destroy();

    // Assess
    expect((await received).length).toBe(70 * KB);
    expect(frames.map(({ opcode, fin, payloadLength }) => [opcode, fin, payloadLength])).toEqual([
      [1, false, 32 * KB],
      [0, false, 32 * KB],
      [0, true, 6 * KB],
    ]);
  });
});

describe('Emulator: idle timeout and maximum duration', () => {
  it('closes an idle connection with 1001 Going away', async () => {
    const { client, disconnectCodes, calls } = await setUp({ idleTimeoutMs: 200 });

    const closed = await client.closed;

    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    await waitFor(() => disconnectCodes().length === 1);
    expect(calls('disconnect')[0]?.event.requestContext).toMatchObject({
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
  });

  it('restarts the idle timeout on messages in either direction', async () => {
    // Prepare
    const { client, gateway } = await setUp({ idleTimeoutMs: 200 });
    const management = new ApiGatewayManagementApiClient({
      ...SDK_CONFIG,
      endpoint: gateway.managementUrl,
    });
    const [connectionId] = gateway.connectionIds();

    // Act: incoming traffic for a while, then outgoing only
    for (let round = 0; round < 4; round += 1) {
      client.ws.send('keep-alive');
      await sleep(100);
    }
    for (let round = 0; round < 4; round += 1) {
      await management.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'hi' }),
      );
      await sleep(100);
    }
    management.destroy();

    // Assess
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect((await client.closed).code).toBe(1001);
  });

  it('does not count ping frames as traffic unless configured to', async () => {
    const { client } = await setUp({ idleTimeoutMs: 200 });
    const timer = setInterval(() => client.ws.ping(), 50);

    const closed = await client.closed;
    clearInterval(timer);

    expect(closed.code).toBe(1001);
  });

  it('counts ping frames as traffic when controlFramesAreActivity is set', async () => {
    const { client } = await setUp({ idleTimeoutMs: 200, controlFramesAreActivity: true });
    const timer = setInterval(() => client.ws.ping(), 50);

    await sleep(500);
    clearInterval(timer);

    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect((await client.closed).code).toBe(1001);
  });

  it('closes after the maximum duration even with traffic', async () => {
    const { client, disconnectCodes } = await setUp({ idleTimeoutMs: 10_000, maxDurationMs: 300 });
    const started = Date.now();
    const timer = setInterval(() => client.ws.send('busy'), 50);

    const closed = await client.closed;
    clearInterval(timer);

    expect(closed.code).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await waitFor(() => disconnectCodes().length === 1);
  });
});
