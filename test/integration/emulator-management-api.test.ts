import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Gateway } from '../../local/gateway';
import { signedFetch } from '../support/signed-fetch';
import {
  gatewayPool,
  recordingFunctions,
  SDK_CONFIG,
  sleep,
  type TestClient,
} from './emulator-support';

const pool = gatewayPool();
let gateway: Gateway;
let client: TestClient;
let connectionId: string;
let management: ApiGatewayManagementApiClient;

beforeEach(async () => {
  const fakes = recordingFunctions();
  gateway = await pool.start({ functions: fakes.functions });
  client = await pool.open(gateway.url, { headers: { 'User-Agent': 'jest-client/1.0' } });
  connectionId = fakes.calls('connect')[0]?.event.requestContext.connectionId as string;
  management = new ApiGatewayManagementApiClient({
    ...SDK_CONFIG,
    endpoint: gateway.managementUrl,
  });
});

afterEach(async () => {
  management.destroy();
  await pool.stopAll();
});

const UNKNOWN_ID = 'AAAAAAAAAAAAAAA=';

function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );
}

describe('Emulator: the @connections API with the real SDK client', () => {
  it('PostToConnection delivers the data as one text message', async () => {
    const data = JSON.stringify({ event: 'hello', data: 'é' });

    const result = await management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }),
    );

    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(await client.next()).toBe(data);
  });

  it('GetConnection describes the connection with ISO-8601 timestamps', async () => {
    // Prepare
    const before = Date.now();
    await sleep(20);
    client.ws.send('{"action":"ping"}');
    await client.next();

    // Act
    const result = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));

    // Assess
    expect(result.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'jest-client/1.0' });
    expect(result.ConnectedAt).toBeInstanceOf(Date);
    expect(result.LastActiveAt?.getTime()).toBeGreaterThan(before);
    expect(result.LastActiveAt?.getTime()).toBeGreaterThan(
      result.ConnectedAt?.getTime() ?? Number.MAX_VALUE,
    );
  });

  it('DeleteConnection answers 204 and closes the socket', async () => {
    const result = await management.send(
      new DeleteConnectionCommand({ ConnectionId: connectionId }),
    );

    expect(result.$metadata.httpStatusCode).toBe(204);
    await client.closed;
  });

  it('fails with GoneException (410) for unknown and closed connections', async () => {
    // Prepare
    client.ws.close();
    await client.closed;

    // Act
    const errors = await Promise.all(
      [UNKNOWN_ID, connectionId].flatMap((ConnectionId) => [
        errorOf(management.send(new PostToConnectionCommand({ ConnectionId, Data: 'x' }))),
        errorOf(management.send(new GetConnectionCommand({ ConnectionId }))),
        errorOf(management.send(new DeleteConnectionCommand({ ConnectionId }))),
      ]),
    );

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(GoneException);
      expect(error.name).toBe('GoneException');
      expect(error.$metadata?.httpStatusCode).toBe(410);
    }
  });

  it('fails with BadRequestException (400) for a malformed id', async () => {
    const error = await errorOf(
      management.send(new PostToConnectionCommand({ ConnectionId: 'not-an-id', Data: 'x' })),
    );

    expect(error.name).toBe('BadRequestException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('fails with PayloadTooLargeException (413) over 128 KB, and accepts exactly 128 KB', async () => {
    const tooLarge = new PostToConnectionCommand({
      ConnectionId: connectionId,
      Data: 'x'.repeat(128 * 1024 + 1),
    });
    const largest = new PostToConnectionCommand({
      ConnectionId: connectionId,
      Data: 'y'.repeat(128 * 1024),
    });

    const error = await errorOf(management.send(tooLarge));
    await management.send(largest);

    expect(error.name).toBe('PayloadTooLargeException');
    expect((await client.next()).length).toBe(128 * 1024);
  });
});

describe('Emulator: the @connections API over plain HTTP', () => {
  const base = () => `http://127.0.0.1:${gateway.port}`;

  it.each([
    ['@', (id: string) => `/local/@connections/${encodeURIComponent(id)}`],
    ['%40', (id: string) => `/local/%40connections/${encodeURIComponent(id)}`],
  ])('accepts a signed call to /{stage}/%sconnections/{id}', async (_name, path) => {
    const response = await signedFetch(`${base()}${path(connectionId)}`, {
      method: 'POST',
      body: 'plain',
    });

    expect(response.status).toBe(200);
    expect(await client.next()).toBe('plain');
  });

  it('refuses an unsigned call with 403 MissingAuthenticationTokenException, sending nothing', async () => {
    const url = `${base()}/local/@connections/${encodeURIComponent(connectionId)}`;

    const posted = await fetch(url, { method: 'POST', body: 'unsigned' });
    const deleted = await fetch(url, { method: 'DELETE' });

    expect([posted.status, deleted.status]).toEqual([403, 403]);
    expect(posted.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await posted.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(gateway.connectionIds()).toEqual([connectionId]);
    await sleep(50);
    expect(client.pending).toEqual([]);
  });

  it.each([
    ['@', (id: string) => `/@connections/${encodeURIComponent(id)}`],
    ['%40, raw id', (id: string) => `/%40connections/${id}`],
  ])(
    'refuses the stage-less path (%s) with 403 ForbiddenException, signed or not',
    async (_name, path) => {
      const signed = await signedFetch(`${base()}${path(connectionId)}`, {
        method: 'POST',
        body: 'stageless',
      });
      const unsigned = await fetch(`${base()}${path(connectionId)}`, { method: 'POST', body: 'x' });

      expect([signed.status, unsigned.status]).toEqual([403, 403]);
      expect(signed.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      await sleep(50);
      expect(client.pending).toEqual([]);
    },
  );

  it('refuses SDK calls signed with other credentials with 403', async () => {
    const stranger = new ApiGatewayManagementApiClient({
      region: SDK_CONFIG.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'not-the-secret' },
      endpoint: gateway.managementUrl,
      maxAttempts: 1,
    });

    const error = await errorOf(
      stranger.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })),
    );
    stranger.destroy();

    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('sends x-amzn-ErrorType and a JSON message on errors', async () => {
    const response = await signedFetch(
      `${base()}/local/@connections/${encodeURIComponent(UNKNOWN_ID)}`,
    );

    expect(response.status).toBe(410);
    expect(response.headers.get('x-amzn-errortype')).toBe('GoneException');
    expect(await response.json()).toEqual({ message: expect.any(String) });
  });
});
