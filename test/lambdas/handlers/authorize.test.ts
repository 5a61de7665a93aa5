import { InvalidTokenError, signSecretToken } from '../../../lambdas/auth';
import { createAuthorizeHandler, tokenOf } from '../../../lambdas/handlers/authorize';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/$connect';

const quietLogger = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), addContext: jest.fn() };

const authorizerEvent = (
  options: { query?: Record<string, string>; headers?: Record<string, string> } = {},
) => ({
  type: 'REQUEST',
  methodArn: METHOD_ARN,
  headers: { Host: 'abc123defg.execute-api.us-east-1.amazonaws.com', ...options.headers },
  queryStringParameters: options.query,
  requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: 'K00000000000001=' },
});

/** The `Sec-WebSocket-Protocol` header of a client offering `token`. */
const offering = (token: string) => ({ 'Sec-WebSocket-Protocol': `apigw-chat, token.${token}` });

const allowWith = (userId: string, name: string) => ({
  principalId: userId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }],
  },
  context: { userId, name },
});

describe('Handler: authorize', () => {
  afterEach(() => jest.clearAllMocks());

  describe('AUTH_MODE=secret', () => {
    const authorize = createAuthorizeHandler({
      env: () => ({ AUTH_MODE: 'secret', AUTH_SECRET: SECRET }),
      logger: quietLogger,
    });

    it('allows a valid token offered as the subprotocol token.<jwt>, with the user in the context', async () => {
      // Prepare
      const token = await signSecretToken(SECRET, { user: 'alice', name: 'Alice' });

      // Act
      const result = await authorize(authorizerEvent({ headers: offering(token) }));

      // Assess
      expect(result).toEqual(allowWith('alice', 'Alice'));
    });

    it('never reads a token from the query string (it would land in access logs)', async () => {
      const token = await signSecretToken(SECRET, { user: 'bob' });

      await expect(authorize(authorizerEvent({ query: { ns: '/', token } }))).rejects.toThrow(
        /^Unauthorized$/,
      );
    });

    it('refuses with Unauthorized (401) without a token, with garbage, and with an expired token', async () => {
      const expired = await signSecretToken(SECRET, { user: 'alice', expiresIn: -5 });

      await expect(authorize(authorizerEvent())).rejects.toThrow(/^Unauthorized$/);
      await expect(authorize(authorizerEvent({ headers: offering('garbage') }))).rejects.toThrow(
        /^Unauthorized$/,
      );
      await expect(authorize(authorizerEvent({ headers: offering(expired) }))).rejects.toThrow(
        /^Unauthorized$/,
      );
      await expect(
        authorize(authorizerEvent({ headers: { 'Sec-WebSocket-Protocol': 'apigw-chat' } })),
      ).rejects.toThrow(/^Unauthorized$/);
    });
  });

  describe('AUTH_MODE=jwt', () => {
    it('returns Deny (403) for a genuine token of another audience', async () => {
      // Prepare
      const authorize = createAuthorizeHandler({
        env: () => ({ JWT_ISSUER: 'https://issuer', JWT_AUDIENCE: 'chat' }),
        logger: quietLogger,
        verifierFor: () => ({
          verify: () => Promise.reject(new InvalidTokenError('forbidden', 'aud')),
        }),
      });

      // Act
      const result = await authorize(authorizerEvent({ headers: offering('a.b.c') }));

      // Assess
      expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
      expect(result.context).toBeUndefined();
    });

    it('fails (500) when issuer or audience is not configured', async () => {
      const authorize = createAuthorizeHandler({ env: () => ({}), logger: quietLogger });

      await expect(authorize(authorizerEvent({ headers: offering('a.b.c') }))).rejects.toThrow(
        /JWT_ISSUER/,
      );
      expect(quietLogger.error).toHaveBeenCalled();
    });
  });

  describe('AUTH_MODE=anonymous', () => {
    it('allows without a token with a guest identity, and logs a warning', async () => {
      const authorize = createAuthorizeHandler({
        env: () => ({ AUTH_MODE: 'anonymous' }),
        logger: quietLogger,
      });

      const result = await authorize(authorizerEvent());

      expect(result.context?.userId).toMatch(/^guest-[0-9a-f]{8}$/);
      expect(result.context?.name).toMatch(/^Guest [0-9a-f]{4}$/);
      expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
      expect(quietLogger.warn).toHaveBeenCalledWith(
        expect.stringContaining('anonymous'),
        expect.anything(),
      );
    });
  });
});

describe('Function: tokenOf', () => {
  it('reads a token.<jwt> subprotocol, in any header case, and never the URL', () => {
    expect(tokenOf({ 'sec-websocket-protocol': 'token.q' })).toBe('q');
    expect(tokenOf({ 'Sec-WebSocket-Protocol': 'apigw-chat,token.abc' })).toBe('abc');
    expect(tokenOf({ 'sec-websocket-protocol': 'apigw-chat, token.' })).toBeUndefined();
    expect(tokenOf({})).toBeUndefined();
  });
});
