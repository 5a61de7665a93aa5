import http, { type RequestOptions } from 'node:http';
import https from 'node:https';
import type { Server } from '../../../lambdas/core/server';
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

/** An anonymous socket of namespace `/` connects as `id`. */
function connectAnonymous(server: Server, id: string) {
  return server.handleConnect({
    connectionId: id,
    connectedAt: Date.now(),
    headers: {},
    query: {},
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    authorizer: undefined,
  });
}

/** One set of SDK mocks for the file: a second `mockClient` of a class would replace the first's. */
const aws = mockChatAws();

describe('Function: createChatRuntime (history settings)', () => {
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
    await connectAnonymous(server, id);
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

describe('Function: createChatRuntime (lean posts)', () => {
  beforeEach(() => aws.install());
  afterEach(() => {
    aws.reset();
    jest.restoreAllMocks();
  });

  /** Connects one socket, has it ask for a `unicast` (a post to itself), and returns the post's `Authorization`. */
  async function authorizationOfAPost(callbackUrl: string, module: typeof http | typeof https) {
    const authorizations: string[] = [];
    jest.spyOn(module, 'request').mockImplementation(((options: RequestOptions) => {
      authorizations.push(String((options.headers as Record<string, unknown>).authorization));
      throw Object.assign(new Error('captured'), { name: 'ForbiddenException' });
    }) as unknown as typeof module.request);
    const { managementApi: _passedIn, ...options } = aws.runtimeOptions;
    const { server } = createChatRuntime({
      ...options,
      env: { ...options.env, CALLBACK_URL: callbackUrl },
      rateLimit: false,
    });
    const id = 'P00000000000001=';
    await connectAnonymous(server, id);
    await server.handleMessage({
      connectionId: id,
      body: JSON.stringify({ action: 'unicast', data: 'to myself' }),
    });
    return authorizations;
  }

  it("signs for the region of the callback URL's execute-api host, as the DynamoDB client's identity", async () => {
    // Act: the DynamoDB client is in us-east-1, the API in eu-west-1
    const authorizations = await authorizationOfAPost(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      https,
    );

    // Assess
    expect(authorizations).toHaveLength(1);
    expect(authorizations[0]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=x\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /,
    );
  });

  it("signs for the DynamoDB client's region when the callback URL names none (the emulator)", async () => {
    const authorizations = await authorizationOfAPost('http://127.0.0.1:1/local', http);

    expect(authorizations).toHaveLength(1);
    expect(authorizations[0]).toMatch(
      /Credential=x\/\d{8}\/us-east-1\/execute-api\/aws4_request, /,
    );
  });
});
