import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import {
  InvalidTokenError,
  identityFromClaims,
  JwtVerifier,
  readAuthConfig,
  SecretTokenVerifier,
  signSecretToken,
} from '../../../lambdas/auth';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const ISSUER = 'https://issuer.example.test/pool';
const AUDIENCE = 'chat-client';

async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof InvalidTokenError))
    throw new Error(`Expected InvalidTokenError, got ${error}`);
  return error.rejection;
}

describe('Function: identityFromClaims', () => {
  it('takes the name from name, preferred_username, cognito:username, username, then sub', () => {
    expect(identityFromClaims({ sub: 'u1', name: 'Ann', preferred_username: 'x' })).toEqual({
      userId: 'u1',
      name: 'Ann',
    });
    expect(identityFromClaims({ sub: 'u1', preferred_username: 'ann' })?.name).toBe('ann');
    expect(identityFromClaims({ sub: 'u1', 'cognito:username': 'cog' })?.name).toBe('cog');
    // A Cognito access token names its user `username`.
    expect(identityFromClaims({ sub: 'u1', username: 'ann_lee', client_id: 'c' })?.name).toBe(
      'ann_lee',
    );
    expect(identityFromClaims({ sub: 'u1' })?.name).toBe('u1');
    expect(identityFromClaims({ name: 'no sub' })).toBeUndefined();
  });

  it('refuses a sub over 128 characters rather than cutting it (two users would merge)', () => {
    const longest = 'u'.repeat(128);
    expect(identityFromClaims({ sub: longest })?.userId).toBe(longest);
    expect(() => identityFromClaims({ sub: `${longest}1` })).toThrow(InvalidTokenError);
    expect(() => identityFromClaims({ sub: `${longest}2` })).toThrow(/"sub" rejected: 129/);
  });
});

describe('Class: SecretTokenVerifier', () => {
  const verifier = new SecretTokenVerifier(SECRET);

  it('accepts a token from signSecretToken', async () => {
    const token = await signSecretToken(SECRET, { user: 'alice', name: 'Alice' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'alice', name: 'Alice' });
  });

  it('refuses an expired token, another secret, another issuer and garbage as unauthorized', async () => {
    const expired = await signSecretToken(SECRET, { user: 'alice', expiresIn: -10 });
    const otherSecret = await signSecretToken(`${SECRET}-other`, { user: 'alice' });
    const key = new TextEncoder().encode(SECRET);
    const otherIssuer = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('someone-else')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);

    expect(await rejectionOf(verifier.verify(expired))).toBe('unauthorized');
    expect(await rejectionOf(verifier.verify(otherSecret))).toBe('unauthorized');
    expect(await rejectionOf(verifier.verify(otherIssuer))).toBe('forbidden');
    expect(await rejectionOf(verifier.verify('not.a.jwt'))).toBe('unauthorized');
    expect(await rejectionOf(verifier.verify('garbage'))).toBe('unauthorized');
  });

  it('refuses a token older than its maximum age, an iat in the future and an over-long sub', async () => {
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const token = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: 'apigw-chat-local', sub: 'alice', iat: now, exp: now + 600, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(key);
    const strict = new SecretTokenVerifier(SECRET, { maxTokenAgeSeconds: 600 });

    expect(await rejectionOf(strict.verify(await token({ iat: now - 1200 })))).toBe('unauthorized');
    expect(await rejectionOf(strict.verify(await token({ iat: now + 86_400 })))).toBe(
      'unauthorized',
    );
    expect(await rejectionOf(strict.verify(await token({ exp: now + 86_400 })))).toBe(
      'unauthorized',
    );
    expect(await rejectionOf(strict.verify(await token({ sub: 'a'.repeat(129) })))).toBe(
      'unauthorized',
    );
    await expect(strict.verify(await token({}))).resolves.toEqual({
      userId: 'alice',
      name: 'alice',
    });
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new SecretTokenVerifier('short')).toThrow(/at least 32/);
  });
});

describe('Class: JwtVerifier', () => {
  let privateKey: KeyLike;
  let jwks: { keys: object[] };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    jwks = {
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
    };
  });

  const sign = (claims: Record<string, unknown>, options: { iss?: string; exp?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer(options.iss ?? ISSUER)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '1h')
      .sign(privateKey);

  const localVerifier = () =>
    new JwtVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]),
    });

  it('accepts an ID token (aud) and a Cognito access token (client_id)', async () => {
    const verifier = localVerifier();
    const idToken = await sign({ aud: AUDIENCE, 'cognito:username': 'alice' });
    const accessToken = await sign({ client_id: AUDIENCE, username: 'alice' });

    await expect(verifier.verify(idToken)).resolves.toEqual({ userId: 'user-1', name: 'alice' });
    // The page sends the access token: its `username` is the name.
    await expect(verifier.verify(accessToken)).resolves.toEqual({
      userId: 'user-1',
      name: 'alice',
    });
  });

  it('refuses wrong issuer and wrong audience as forbidden, expired and garbage as unauthorized', async () => {
    const verifier = localVerifier();

    expect(
      await rejectionOf(verifier.verify(await sign({ aud: AUDIENCE }, { iss: 'https://evil' }))),
    ).toBe('forbidden');
    expect(await rejectionOf(verifier.verify(await sign({ aud: 'other-app' })))).toBe('forbidden');
    expect(await rejectionOf(verifier.verify(await sign({ aud: AUDIENCE }, { exp: '-1m' })))).toBe(
      'unauthorized',
    );
    expect(await rejectionOf(verifier.verify('garbage'))).toBe('unauthorized');
    const hs = await signSecretToken(SECRET, { user: 'x' });
    expect(await rejectionOf(verifier.verify(hs))).toBe('unauthorized');
  });

  describe('claims', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const HOUR = 3600;
    /** A token with exactly these claims (`iat`, `exp` as given; `undefined` leaves one out). */
    const signClaims = (claims: Record<string, unknown>) =>
      new SignJWT(
        Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)),
      )
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .sign(privateKey);
    const claims = (extra: Record<string, unknown> = {}) => ({
      sub: 'user-1',
      iss: ISSUER,
      client_id: AUDIENCE,
      iat: now(),
      exp: now() + HOUR,
      ...extra,
    });
    const verifierWith = (options: {
      tokenUse?: 'access' | 'id' | 'any';
      maxTokenAgeSeconds?: number;
    }) =>
      new JwtVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        keys: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]),
        ...options,
      });

    it('with tokenUse access, accepts access tokens only (not ID tokens, not tokens without token_use)', async () => {
      const verifier = verifierWith({ tokenUse: 'access' });

      await expect(
        verifier.verify(await signClaims(claims({ token_use: 'access' }))),
      ).resolves.toMatchObject({ userId: 'user-1' });
      const id = claims({ token_use: 'id', aud: AUDIENCE, client_id: undefined });
      expect(await rejectionOf(verifier.verify(await signClaims(id)))).toBe('unauthorized');
      expect(await rejectionOf(verifier.verify(await signClaims(claims())))).toBe('unauthorized');
      await expect(verifier.verify(await signClaims(claims({ token_use: 'id' })))).rejects.toThrow(
        /"token_use" rejected: expected access, got "id"/,
      );
    });

    it('with tokenUse id, accepts ID tokens only; by default (any), both', async () => {
      const access = await signClaims(claims({ token_use: 'access' }));
      const id = await signClaims(claims({ token_use: 'id' }));

      expect(await rejectionOf(verifierWith({ tokenUse: 'id' }).verify(access))).toBe(
        'unauthorized',
      );
      await expect(verifierWith({ tokenUse: 'id' }).verify(id)).resolves.toBeDefined();
      await expect(verifierWith({}).verify(access)).resolves.toBeDefined();
      await expect(verifierWith({}).verify(id)).resolves.toBeDefined();
    });

    it('refuses a token older than the maximum age, even when it has not expired', async () => {
      const verifier = verifierWith({ maxTokenAgeSeconds: HOUR });
      const old = claims({ iat: now() - 2 * HOUR, exp: now() + HOUR });
      const recent = claims({ iat: now() - HOUR + 120, exp: now() + HOUR });

      expect(await rejectionOf(verifier.verify(await signClaims(old)))).toBe('unauthorized');
      await expect(verifier.verify(await signClaims(recent))).resolves.toBeDefined();
      // Default maximum: a day.
      const twoDays = claims({ iat: now() - 2 * 86_400, exp: now() + HOUR });
      expect(await rejectionOf(verifierWith({}).verify(await signClaims(twoDays)))).toBe(
        'unauthorized',
      );
    });

    it('refuses an iat in the future beyond the clock skew (60 s), and a token without iat', async () => {
      const verifier = verifierWith({});
      const yearAhead = claims({ iat: now() + 365 * 86_400, exp: now() + 366 * 86_400 });
      const minutesAhead = claims({ iat: now() + 5 * 60 });
      const withinSkew = claims({ iat: now() + 30 });

      expect(await rejectionOf(verifier.verify(await signClaims(yearAhead)))).toBe('unauthorized');
      await expect(verifier.verify(await signClaims(minutesAhead))).rejects.toThrow(/iat/);
      await expect(verifier.verify(await signClaims(withinSkew))).resolves.toBeDefined();
      const noIat = claims({ iat: undefined });
      await expect(verifier.verify(await signClaims(noIat))).rejects.toThrow(/iat/);
    });

    it('refuses an exp further ahead than the maximum token age (100 years out)', async () => {
      const verifier = verifierWith({ maxTokenAgeSeconds: HOUR });
      const century = claims({ exp: now() + 100 * 365 * 86_400 });
      const twoHours = claims({ exp: now() + 2 * HOUR });
      const anHour = claims({ exp: now() + HOUR });

      expect(await rejectionOf(verifier.verify(await signClaims(century)))).toBe('unauthorized');
      await expect(verifier.verify(await signClaims(twoHours))).rejects.toThrow(/"exp" rejected/);
      await expect(verifier.verify(await signClaims(anHour))).resolves.toBeDefined();
    });

    it('refuses a sub of 129 characters as unauthorized, and keeps one of 128 whole', async () => {
      const verifier = verifierWith({});
      const longest = 's'.repeat(128);

      expect(
        await rejectionOf(verifier.verify(await signClaims(claims({ sub: `${longest}x` })))),
      ).toBe('unauthorized');
      await expect(verifier.verify(await signClaims(claims({ sub: longest })))).resolves.toEqual({
        userId: longest,
        name: longest,
      });
    });
  });

  describe('with OIDC discovery on 127.0.0.1', () => {
    let server: Server;
    let issuer: string;
    /** Per JWKS request: the local port of its connection, and its Connection header. */
    const jwksRequests: { port: number | undefined; connection: string | undefined }[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        response.setHeader('content-type', 'application/json');
        if (request.url === '/.well-known/openid-configuration') {
          response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
        } else if (request.url === '/jwks.json') {
          jwksRequests.push({
            port: request.socket.remotePort,
            connection: request.headers.connection,
          });
          response.end(JSON.stringify(jwks));
        } else {
          response.statusCode = 404;
          response.end('{}');
        }
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('finds the keys through the discovery document', async () => {
      const verifier = new JwtVerifier({ issuer, audience: AUDIENCE });
      const token = await sign({ aud: AUDIENCE, name: 'Alice' }, { iss: issuer });

      await expect(verifier.verify(token)).resolves.toEqual({ userId: 'user-1', name: 'Alice' });
    });

    it('fetches the JWKS on a connection of its own each time: no kept-alive socket to find dead after a freeze', async () => {
      // Prepare
      const verifier = new JwtVerifier({ issuer, audience: AUDIENCE, jwksCacheSeconds: 0 });
      const token = await sign({ aud: AUDIENCE }, { iss: issuer });
      jwksRequests.length = 0;

      // Act
      for (let n = 0; n < 3; n += 1) await verifier.verify(token);

      // Assess
      expect(jwksRequests).toHaveLength(3);
      expect(new Set(jwksRequests.map(({ port }) => port)).size).toBe(3);
      expect(jwksRequests.map(({ connection }) => connection)).toEqual(['close', 'close', 'close']);
    });
  });
});

describe('Function: readAuthConfig', () => {
  it('defaults to jwt and requires issuer and audience', () => {
    expect(() => readAuthConfig({})).toThrow(/JWT_ISSUER and JWT_AUDIENCE/);
    expect(readAuthConfig({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE })).toEqual({
      mode: 'jwt',
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: undefined,
      jwksCacheSeconds: undefined,
      tokenUse: 'any',
      maxTokenAgeSeconds: undefined,
    });
  });

  it('reads JWKS_CACHE_SECONDS (0: the JWKS at every token), and refuses what is not an integer ≥ 0', () => {
    const env = { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    expect(readAuthConfig({ ...env, JWKS_CACHE_SECONDS: '0' })).toMatchObject({
      jwksCacheSeconds: 0,
    });
    expect(readAuthConfig({ ...env, JWKS_CACHE_SECONDS: '60' })).toMatchObject({
      jwksCacheSeconds: 60,
    });
    for (const bad of ['-1', '1.5', 'soon']) {
      expect(() => readAuthConfig({ ...env, JWKS_CACHE_SECONDS: bad })).toThrow(
        /JWKS_CACHE_SECONDS must be an integer/,
      );
    }
  });

  it('reads JWT_TOKEN_USE and TOKEN_MAX_AGE_SECONDS, and refuses values it cannot use', () => {
    const env = { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    expect(
      readAuthConfig({ ...env, JWT_TOKEN_USE: 'access', TOKEN_MAX_AGE_SECONDS: '3600' }),
    ).toMatchObject({ tokenUse: 'access', maxTokenAgeSeconds: 3600 });
    expect(readAuthConfig({ ...env, JWT_TOKEN_USE: 'id' })).toMatchObject({ tokenUse: 'id' });
    expect(() => readAuthConfig({ ...env, JWT_TOKEN_USE: 'refresh' })).toThrow(
      /Unknown JWT_TOKEN_USE "refresh"/,
    );
    for (const bad of ['0', '-5', '1.5', 'a day']) {
      expect(() => readAuthConfig({ ...env, TOKEN_MAX_AGE_SECONDS: bad })).toThrow(
        /TOKEN_MAX_AGE_SECONDS must be a positive integer/,
      );
    }
  });

  it('reads secret and anonymous modes, and refuses unknown modes', () => {
    expect(readAuthConfig({ AUTH_MODE: 'secret', AUTH_SECRET: SECRET })).toEqual({
      mode: 'secret',
      secret: SECRET,
      maxTokenAgeSeconds: undefined,
    });
    expect(() => readAuthConfig({ AUTH_MODE: 'secret' })).toThrow(/AUTH_SECRET/);
    expect(readAuthConfig({ AUTH_MODE: 'anonymous' })).toEqual({ mode: 'anonymous' });
    expect(() => readAuthConfig({ AUTH_MODE: 'open' })).toThrow(/Unknown AUTH_MODE/);
  });
});
