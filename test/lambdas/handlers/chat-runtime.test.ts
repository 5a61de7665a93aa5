import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { mockChatAws } from '../../support/chat-aws-mocks';

describe('Function: createChatRuntime', () => {
  const base = {
    TABLE_NAME: 'chat',
    CALLBACK_URL: 'http://127.0.0.1:1/local',
    AWS_REGION: 'us-east-1',
  };

  it('accepts PRIVATE_ROOMS as JSON allow-lists of private: rooms', () => {
    expect(() =>
      createChatRuntime({ env: { ...base, PRIVATE_ROOMS: '{"private:ops":["alice"]}' } }),
    ).not.toThrow();
  });

  it.each(['nope', '{"ops":["alice"]}', '{"private:ops":"alice"}'])(
    'refuses PRIVATE_ROOMS=%s at start-up instead of serving with a wrong policy',
    (value) => {
      expect(() => createChatRuntime({ env: { ...base, PRIVATE_ROOMS: value } })).toThrow(
        /PRIVATE_ROOMS/,
      );
    },
  );

  it.each([
    'https://abc123.execute-api.eu-west-1.amazonaws.com/dev',
    'http://127.0.0.1:3001/local',
  ])('accepts the callback URL %s (a stage, or the emulator)', (url) => {
    expect(() => createChatRuntime({ env: { ...base, CALLBACK_URL: url } })).not.toThrow();
  });

  it.each(['nope', 'abc123.execute-api.eu-west-1.amazonaws.com/dev', 'ftp://host/dev', ''])(
    'refuses CALLBACK_URL=%j at start-up',
    (url) => {
      expect(() => createChatRuntime({ env: { ...base, CALLBACK_URL: url } })).toThrow(
        /CALLBACK_URL/,
      );
    },
  );
});

describe('Function: createChatRuntime (history settings)', () => {
  const aws = mockChatAws();
  beforeEach(() => aws.install());
  afterEach(() => aws.reset());

  it('applies HISTORY_RETENTION_SECONDS and HISTORY_MAX_LENGTH to the durable rooms', async () => {
    // Prepare
    const { server } = createChatRuntime({
      ...aws.runtimeOptions,
      env: { ...aws.runtimeOptions.env, HISTORY_RETENTION_SECONDS: '60', HISTORY_MAX_LENGTH: '2' },
      rateLimit: false,
    });
    const id = 'H00000000000001=';
    await server.handleConnect({
      connectionId: id,
      connectedAt: Date.now(),
      headers: {},
      query: {},
      sourceIp: '127.0.0.1',
      userAgent: 'jest',
      authorizer: undefined,
    });
    const send = async (action: string, data: unknown) =>
      JSON.parse(
        (await server.handleMessage({
          connectionId: id,
          body: JSON.stringify({ action, data, ack: 1 }),
        })) ?? '{}',
      );
    await send('join', { room: 'lobby' });
    const before = Math.floor(Date.now() / 1000);

    // Act
    for (const text of ['one', 'two', 'three'])
      await send('chat', { room: 'lobby', message: text });
    const page = await send('history', { room: 'lobby', since: 0 });

    // Assess
    expect(page.data).toMatchObject({ head: 3, trimmed: true });
    expect(page.data.messages.map((m: { data: string }) => m.data)).toEqual(['two', 'three']);
    const ttl = Number(aws.table.get('hist#/#lobby', 'msg#000000000000003')?.ttl);
    expect(ttl).toBeGreaterThanOrEqual(before + 60);
    expect(ttl).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60);
  });

  it.each([
    ['HISTORY_MAX_LENGTH', '0'],
    ['HISTORY_RETENTION_SECONDS', 'a day'],
  ])('refuses %s=%s at start-up', (key, value) => {
    expect(() =>
      createChatRuntime({
        ...aws.runtimeOptions,
        env: { ...aws.runtimeOptions.env, [key]: value },
      }),
    ).toThrow(new RegExp(key));
  });
});
