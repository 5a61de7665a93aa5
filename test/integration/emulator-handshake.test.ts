import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import type { RouteDefinition } from '../../definitions/api';
import {
  type AnyEvent,
  gatewayPool,
  handshakeStatus,
  openClient,
  recordingFunctions,
  SDK_CONFIG,
  sleep,
  waitFor,
} from './emulator-support';

const pool = gatewayPool();
afterEach(() => pool.stopAll());

const allowPolicy = (effect: 'Allow' | 'Deny') => ({
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: '*' }],
});

describe('Emulator: the $connect handshake', () => {
  it('keeps the upgrade pending until $connect returns, and posts to the connection fail with 410 meanwhile', async () => {
    // Prepare
    const seen: string[] = [];
    let managementUrl = '';
    const { functions } = recordingFunctions({
      connect: async (event) => {
        const client = new ApiGatewayManagementApiClient({
          ...SDK_CONFIG,
          endpoint: managementUrl,
        });
        const ConnectionId = event.requestContext.connectionId;
        for (const command of [
          new PostToConnectionCommand({ ConnectionId, Data: 'too early' }),
          new GetConnectionCommand({ ConnectionId }),
        ]) {
          await client
            .send(command as PostToConnectionCommand)
            .catch((error: Error) => seen.push(error.name));
        }
        client.destroy();
        await sleep(100);
        return { statusCode: 200 };
      },
    });
    const gateway = await pool.start({ functions });
    managementUrl = gateway.managementUrl;
    const started = Date.now();

    // Act
    const client = await openClient(gateway.url);

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(seen).toEqual(['GoneException', 'GoneException']);
    expect(client.pending).toEqual([]);
    client.ws.close();
  });

  it.each([
    [401, 401],
    [403, 403],
    [500, 500],
  ])(
    'answers a $connect status %i with that HTTP status on the handshake',
    async (status, expected) => {
      // Prepare
      const { functions, calls } = recordingFunctions({
        connect: async () => ({ statusCode: status }),
      });
      const gateway = await pool.start({ functions });

      // Act
      const answered = await handshakeStatus(gateway.url);

      // Assess
      expect(answered).toBe(expected);
      await sleep(50);
      expect(calls('disconnect')).toHaveLength(0);
    },
  );

  it('answers 502 when $connect throws', async () => {
    const { functions } = recordingFunctions({
      connect: async () => {
        throw new Error('boom');
      },
    });
    const gateway = await pool.start({ functions });

    expect(await handshakeStatus(gateway.url)).toBe(502);
  });

  it.each([
    ['statusCode as a string', { statusCode: '403' }],
    ['statusCode as a string of 200', { statusCode: '200' }],
    ['a body that is not a string', { statusCode: 200, body: { welcome: true } }],
    ['array header values', { statusCode: 200, headers: { 'X-Ids': ['a', 'b'] } }],
    ['a bare string', 'ok'],
    ['an array', [200]],
  ])(
    'never opens the socket on a malformed $connect result (%s): 502, no $disconnect',
    async (_name, result) => {
      // Prepare
      const { functions, calls } = recordingFunctions({ connect: async () => result });
      const gateway = await pool.start({ functions });

      // Act
      const answered = await handshakeStatus(gateway.url);

      // Assess
      expect(answered).toBe(502);
      expect(gateway.connectionIds()).toEqual([]);
      await sleep(50);
      expect(calls('disconnect')).toHaveLength(0);
    },
  );

  it('opens the socket on a result without statusCode or with none at all', async () => {
    for (const result of [undefined, null, {}, { headers: { 'X-N': 1 } }]) {
      const { functions } = recordingFunctions({ connect: async () => result });
      const gateway = await pool.start({ functions });

      const client = (await pool.open(gateway.url)).ws;

      expect(client.readyState).toBe(client.OPEN);
    }
  });

  it('answers 504 when $connect exceeds the integration timeout', async () => {
    const { functions } = recordingFunctions({
      connect: () => sleep(300).then(() => ({ statusCode: 200 })),
    });
    const gateway = await pool.start({ functions, integrationTimeoutMs: 100 });

    expect(await handshakeStatus(gateway.url)).toBe(504);
  });

  it('accepts every connection when there is no $connect route', async () => {
    const routes: RouteDefinition[] = [
      {
        routeKey: '$default',
        integration: { type: 'lambda', function: 'message' },
        returnResponse: true,
      },
    ];
    const { functions, calls } = recordingFunctions();
    const gateway = await pool.start({ functions, routes });

    const client = (await pool.open(gateway.url)).ws;

    expect(client.readyState).toBe(client.OPEN);
    expect(calls('connect')).toHaveLength(0);
  });

  it('selects only the subprotocol that $connect echoes', async () => {
    // Prepare
    const { functions } = recordingFunctions({
      connect: async (event) => {
        const offered = (event.headers as Record<string, string>)['Sec-WebSocket-Protocol'] ?? '';
        const wanted = offered
          .split(',')
          .map((p) => p.trim())
          .find((p) => p === 'chat.v1');
        return wanted
          ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': wanted } }
          : { statusCode: 200 };
      },
    });
    const gateway = await pool.start({ functions });

    // Act
    const echoed = await openClient(gateway.url, { protocols: ['other', 'chat.v1'] });
    const notEchoed = openClient(gateway.url, { protocols: ['other'] });

    // Assess
    expect(echoed.ws.protocol).toBe('chat.v1');
    await expect(notEchoed).rejects.toThrow('Server sent no subprotocol');
    echoed.ws.close();
  });

  it('refuses upgrades outside /{stage} with 403', async () => {
    const { functions, calls } = recordingFunctions();
    const gateway = await pool.start({ functions });

    expect(await handshakeStatus(gateway.url.replace('/local', '/prod'))).toBe(403);
    expect(calls('connect')).toHaveLength(0);
  });

  it('fires $disconnect with 1006 when the client leaves while $connect runs', async () => {
    // Prepare
    const { functions, calls } = recordingFunctions({
      connect: () => sleep(150).then(() => ({ statusCode: 200 })),
    });
    const gateway = await pool.start({ functions });
    const ws = new WebSocket(gateway.url);
    ws.on('error', () => undefined);

    // Act
    await waitFor(() => calls('connect').length === 1);
    ws.terminate();

    // Assess
    await waitFor(() => calls('disconnect').length === 1);
    const requestContext = calls('disconnect')[0]?.event.requestContext;
    expect(requestContext?.disconnectStatusCode).toBe(1006);
    expect(requestContext?.connectionId).toBe(
      calls('connect')[0]?.event.requestContext.connectionId,
    );
  });
});

describe('Emulator: the REQUEST authorizer', () => {
  const authorizerOptions = (result: () => unknown) => ({
    identitySource: ['route.request.querystring.token'],
    handler: async (event: unknown) => {
      authorizerEvents.push(event as AnyEvent);
      return result();
    },
  });
  let authorizerEvents: AnyEvent[] = [];
  beforeEach(() => {
    authorizerEvents = [];
  });

  it('passes its context plus principalId to $connect and to every later event', async () => {
    // Prepare
    const { functions, calls } = recordingFunctions({
      message: async () => ({ statusCode: 200 }),
    });
    const authorizer = authorizerOptions(() => ({
      principalId: 'user-1',
      policyDocument: allowPolicy('Allow'),
      context: { name: 'Ada', admin: true, level: 3 },
    }));
    const gateway = await pool.start({ functions, authorizer });

    // Act
    const client = await openClient(`${gateway.url}?token=secret`);
    client.ws.send('hello');
    await waitFor(() => calls('message').length === 1);
    client.ws.close(1000);
    await waitFor(() => calls('disconnect').length === 1);

    // Assess
    const expected = { principalId: 'user-1', name: 'Ada', admin: true, level: 3 };
    for (const name of ['connect', 'message', 'disconnect']) {
      expect(calls(name)[0]?.event.requestContext.authorizer).toEqual(expected);
    }
    expect(authorizerEvents[0]).toMatchObject({
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:us-east-1:123456789012:${gateway.apiId}/local/$connect`,
      queryStringParameters: { token: 'secret' },
      requestContext: { routeKey: '$connect', eventType: 'CONNECT' },
    });
  });

  it('answers 403 when the policy denies, without running $connect', async () => {
    const { functions, calls } = recordingFunctions();
    const authorizer = authorizerOptions(() => ({
      principalId: 'u',
      policyDocument: allowPolicy('Deny'),
    }));
    const gateway = await pool.start({ functions, authorizer });

    expect(await handshakeStatus(`${gateway.url}?token=secret`)).toBe(403);
    expect(calls('connect')).toHaveLength(0);
  });

  it('answers 401 when an identity source is missing, without invoking the authorizer, and logs one line saying so', async () => {
    const { functions } = recordingFunctions();
    const authorizer = authorizerOptions(() => ({
      principalId: 'u',
      policyDocument: allowPolicy('Allow'),
    }));
    const logger = { info: jest.fn(), error: jest.fn() };
    const gateway = await pool.start({ functions, authorizer, logger });

    expect(await handshakeStatus(`${gateway.url}?other=1`)).toBe(401);
    expect(authorizerEvents).toHaveLength(0);
    expect(logger.info.mock.calls).toEqual([
      [
        'connection refused (401): no token: route.request.querystring.token is missing or empty, so the authorizer was not invoked',
      ],
    ]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it("answers 401 when the authorizer throws Error('Unauthorized'), logging nothing (the authorizer says why), 500 on other errors, logged", async () => {
    const { functions } = recordingFunctions();
    let message = 'Unauthorized';
    const authorizer = authorizerOptions(() => {
      throw new Error(message);
    });
    const logger = { info: jest.fn(), error: jest.fn() };
    const gateway = await pool.start({ functions, authorizer, logger });

    expect(await handshakeStatus(`${gateway.url}?token=x`)).toBe(401);
    expect(logger.error).not.toHaveBeenCalled();
    message = 'database down';
    expect(await handshakeStatus(`${gateway.url}?token=x`)).toBe(500);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/^function authorizer \(request [\w-]+\) failed$/),
      new Error('database down'),
    );
  });

  it('answers 500 and logs why when the authorizer returns no valid policy', async () => {
    const { functions } = recordingFunctions();
    const authorizer = authorizerOptions(() => ({ principalId: 'u' }));
    const logger = { info: jest.fn(), error: jest.fn() };
    const gateway = await pool.start({ functions, authorizer, logger });

    expect(await handshakeStatus(`${gateway.url}?token=x`)).toBe(500);
    expect(logger.error).toHaveBeenCalledWith(
      'connection refused (500): the authorizer returned no valid policy',
    );
  });
});
