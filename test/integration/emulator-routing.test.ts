import type { RouteDefinition } from '../../definitions/api';
import { ROUTES } from '../../definitions/api';
import { gatewayPool, recordingFunctions, sleep, waitFor } from './emulator-support';

const pool = gatewayPool();
afterEach(() => pool.stopAll());

const ID = /^[A-Za-z0-9_-]{15}=$/;

describe('Emulator: routing messages', () => {
  it('sends a two-way route result body back as one message, from the ROUTES table', async () => {
    // Prepare
    const { functions, calls } = recordingFunctions({
      message: async (event) => ({ statusCode: 200, body: `ack:${event.body}` }),
    });
    const gateway = await pool.start({ functions });
    const client = await pool.open(gateway.url);

    // Act
    client.ws.send('not json');
    client.ws.send('{"action":"unknown","x":1}');

    // Assess
    expect(await client.next()).toBe('ack:not json');
    expect(await client.next()).toBe('ack:{"action":"unknown","x":1}');
    expect(calls('message').map((call) => call.event.requestContext.routeKey)).toEqual([
      '$default',
      '$default',
    ]);
  });

  it('answers the MOCK ping route without invoking any Lambda', async () => {
    const { functions, calls } = recordingFunctions();
    const gateway = await pool.start({ functions });
    const client = await pool.open(gateway.url);

    client.ws.send('{"action":"ping"}');

    const ping = ROUTES.find((route) => route.routeKey === 'ping');
    expect(ping?.integration.type).toBe('mock');
    expect(await client.next()).toBe('{"event":"pong"}');
    expect(calls('message')).toHaveLength(0);
  });

  it('selects custom routes by the stringified value and never $connect/$disconnect', async () => {
    // Prepare
    const routes: RouteDefinition[] = [
      {
        routeKey: '$default',
        integration: { type: 'mock', responseBody: 'default' },
        returnResponse: true,
      },
      {
        routeKey: '42',
        integration: { type: 'mock', responseBody: 'number' },
        returnResponse: true,
      },
      {
        routeKey: 'true',
        integration: { type: 'mock', responseBody: 'boolean' },
        returnResponse: true,
      },
      {
        routeKey: '$connect',
        integration: { type: 'lambda', function: 'connect' },
        returnResponse: false,
      },
    ];
    const { functions, calls } = recordingFunctions();
    const gateway = await pool.start({ functions, routes });
    const client = await pool.open(gateway.url);

    // Act
    const bodies = [
      '{"action":42}',
      '{"action":true}',
      '{"action":"$connect"}',
      '{"action":{"a":1}}',
    ];
    for (const [index, body] of bodies.entries()) {
      client.ws.send(body);
      await waitFor(() => client.pending.length > index);
    }

    // Assess

    expect(client.pending).toEqual(['number', 'boolean', 'default', 'default']);
    expect(calls('connect')).toHaveLength(1);
  });

  it('answers Forbidden without a $default route and keeps the socket open', async () => {
    // Prepare
    const routes: RouteDefinition[] = [
      {
        routeKey: 'ping',
        integration: { type: 'mock', responseBody: 'pong' },
        returnResponse: true,
      },
    ];
    const gateway = await pool.start({ functions: {}, routes });
    const client = await pool.open(gateway.url);

    // Act
    client.ws.send('{"action":"nope"}');
    const answer = JSON.parse(await client.next());
    client.ws.send('{"action":"ping"}');

    // Assess
    expect(answer).toEqual({
      message: 'Forbidden',
      connectionId: expect.stringMatching(ID),
      requestId: expect.stringMatching(ID),
    });
    expect(await client.next()).toBe('pong');
  });

  it('answers Internal server error when the Lambda throws, with the ids of that request, and stays open', async () => {
    // Prepare
    const { functions, calls } = recordingFunctions({
      message: async (event) => {
        if (event.body === 'fail') throw new Error('boom');
        return { statusCode: 200, body: 'fine' };
      },
    });
    const gateway = await pool.start({ functions });
    const client = await pool.open(gateway.url);

    // Act
    client.ws.send('fail');
    const answer = JSON.parse(await client.next());
    client.ws.send('again');

    // Assess
    const requestContext = calls('message')[0]?.event.requestContext;
    expect(answer).toEqual({
      message: 'Internal server error',
      connectionId: requestContext?.connectionId,
      requestId: requestContext?.requestId,
    });
    expect(await client.next()).toBe('fine');
  });

  it('answers Internal server error to a malformed result (a body that is not a string) and stays open', async () => {
    // Prepare
    const { functions } = recordingFunctions({
      message: async (event) =>
        event.body === 'object'
          ? { statusCode: 200, body: { x: 1 } }
          : { statusCode: 200, body: 'fine' },
    });
    const gateway = await pool.start({ functions });
    const client = await pool.open(gateway.url);

    // Act
    client.ws.send('object');
    const answer = JSON.parse(await client.next());
    client.ws.send('again');

    // Assess
    expect(answer).toMatchObject({ message: 'Internal server error' });
    expect(await client.next()).toBe('fine');
  });

  it('answers Endpoint request timed out past the integration timeout', async () => {
    const { functions } = recordingFunctions({
      message: () => sleep(300).then(() => ({ statusCode: 200, body: 'late' })),
    });
    const gateway = await pool.start({ functions, integrationTimeoutMs: 100 });
    const client = await pool.open(gateway.url);

    client.ws.send('slow');

    expect(JSON.parse(await client.next())).toMatchObject({
      message: 'Endpoint request timed out',
    });
    await sleep(300);
    expect(client.pending).toEqual([]);
  });

  it('sends nothing back for one-way routes, nor for an empty body', async () => {
    // Prepare
    const routes: RouteDefinition[] = [
      {
        routeKey: '$default',
        integration: { type: 'lambda', function: 'message' },
        returnResponse: false,
      },
      {
        routeKey: 'two-way',
        integration: { type: 'lambda', function: 'worker' },
        returnResponse: true,
      },
    ];
    const { functions, calls } = recordingFunctions({
      message: async () => ({ statusCode: 200, body: 'ignored' }),
      worker: async () => ({ statusCode: 200, body: '' }),
    });
    const gateway = await pool.start({ functions, routes });
    const client = await pool.open(gateway.url);

    // Act
    client.ws.send('one-way');
    client.ws.send('{"action":"two-way"}');
    await waitFor(() => calls('message').length === 1 && calls('worker').length === 1);
    await sleep(50);

    // Assess
    expect(client.pending).toEqual([]);
  });
});
