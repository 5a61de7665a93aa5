import { gatewayPool, openClient, recordingFunctions, sleep, waitFor } from './emulator-support';

const pool = gatewayPool();
afterAll(() => pool.stopAll());

const ID = expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/);
const CLF = expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);

describe('Emulator: the Lambda proxy events of one connection', () => {
  const fakes = recordingFunctions();
  let events: ReturnType<typeof fakes.calls>[number]['event'][];
  let port = 0;

  beforeAll(async () => {
    const gateway = await pool.start({ functions: fakes.functions });
    port = gateway.port;
    const client = await openClient(`${gateway.url}?ns=%2Fchat&tag=a&tag=b&empty=`, {
      headers: { 'User-Agent': 'jest-client/1.0', 'X-Custom': 'yes' },
    });
    await sleep(5);
    client.ws.send('{"event":"hello"}');
    await waitFor(() => fakes.calls('message').length === 1);
    client.ws.close(1000, 'done');
    await waitFor(() => fakes.calls('disconnect').length === 1);
    events = ['connect', 'message', 'disconnect'].map(
      (name) => fakes.calls(name)[0]?.event as (typeof events)[number],
    );
  });

  it('share connectionId, connectedAt, identity, domainName, stage and apiId', () => {
    const [connect, message, disconnect] = events.map((event) => event.requestContext);
    const shared = ['connectionId', 'connectedAt', 'identity', 'domainName', 'stage', 'apiId'];
    for (const key of shared) {
      expect(message?.[key]).toEqual(connect?.[key]);
      expect(disconnect?.[key]).toEqual(connect?.[key]);
    }
    expect(connect).toMatchObject({
      connectionId: ID,
      identity: { sourceIp: '127.0.0.1', userAgent: 'jest-client/1.0' },
      domainName: `127.0.0.1:${port}`,
      stage: 'local',
      apiId: expect.stringMatching(/^[a-z0-9]{10}$/),
    });
  });

  it('each have their own request ids and request time in Common Log Format', () => {
    for (const { requestContext } of events) {
      expect(requestContext).toMatchObject({
        requestId: ID,
        extendedRequestId: ID,
        requestTime: CLF,
        requestTimeEpoch: expect.any(Number),
        messageDirection: 'IN',
      });
    }
    const ids = new Set(events.map((event) => event.requestContext.requestId));
    expect(ids.size).toBe(3);
    const [, message, disconnect] = events;
    expect(message?.requestContext.requestTimeEpoch).toBeGreaterThan(
      events[0]?.requestContext.connectedAt as number,
    );
    expect(disconnect?.requestContext.requestTimeEpoch).toBeGreaterThanOrEqual(
      message?.requestContext.requestTimeEpoch as number,
    );
  });

  it('$connect has headers and the query string, no body and no messageId', () => {
    const [connect] = events;
    expect(connect).toMatchObject({
      isBase64Encoded: false,
      headers: {
        Host: `127.0.0.1:${port}`,
        'User-Agent': 'jest-client/1.0',
        'X-Custom': 'yes',
        'Sec-WebSocket-Version': '13',
        'X-Forwarded-For': '127.0.0.1',
        'X-Forwarded-Port': String(port),
        'X-Forwarded-Proto': 'http',
        'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
      },
      multiValueHeaders: { 'X-Custom': ['yes'] },
      queryStringParameters: { ns: '/chat', tag: 'b', empty: '' },
      multiValueQueryStringParameters: { ns: ['/chat'], tag: ['a', 'b'], empty: [''] },
      requestContext: { routeKey: '$connect', eventType: 'CONNECT' },
    });
    expect(connect).not.toHaveProperty('body');
    expect(connect?.requestContext).not.toHaveProperty('messageId');
    expect(connect?.headers).not.toHaveProperty('Connection');
  });

  it('MESSAGE has the body and a messageId, no headers and no query string', () => {
    const [, message] = events;
    expect(message).toEqual({
      requestContext: expect.objectContaining({
        routeKey: '$default',
        eventType: 'MESSAGE',
        messageId: ID,
      }),
      body: '{"event":"hello"}',
      isBase64Encoded: false,
    });
  });

  it('$disconnect has the status code and reason, no body', () => {
    const [, , disconnect] = events;
    expect(disconnect).toMatchObject({
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$disconnect',
        eventType: 'DISCONNECT',
        disconnectStatusCode: 1000,
        disconnectReason: 'done',
      },
    });
    expect(disconnect).not.toHaveProperty('body');
    expect(disconnect).not.toHaveProperty('queryStringParameters');
  });

  it('omits the query string maps when the URL has none', async () => {
    const gateway = await pool.start({ functions: fakes.functions });
    const client = await openClient(gateway.url);
    client.ws.close();

    const connect = fakes.calls('connect')[1]?.event;
    expect(connect).not.toHaveProperty('queryStringParameters');
    expect(connect).not.toHaveProperty('multiValueQueryStringParameters');
  });
});
