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
      .setExpirationTime('1h')
      .sign(key);

    expect(await rejectionOf(verifier.verify(expired))).toBe('unauthorized');
    expect(await rejectionOf(verifier.verify(otherSecret))).toBe('unauthorized');
    expect(await rejectionOf(verifier.verify(otherIssuer))).toBe('forbidden');
    expect(await rejectionOf(verifier.verify('not.a.jwt'))).toBe('unauthorized');
    expect(await rejectionOf(verifier.verify('garbage'))).toBe('unauthorized');
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

  describe('with OIDC discovery on 127.0.0.1', () => {
    let server: Server;
    let issuer: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        response.setHeader('content-type', 'application/json');
        if (request.url === '/.well-known/openid-configuration') {
          response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
        } else if (request.url === '/jwks.json') {
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
    });
  });

  it('reads secret and anonymous modes, and refuses unknown modes', () => {
    expect(readAuthConfig({ AUTH_MODE: 'secret', AUTH_SECRET: SECRET })).toEqual({
      mode: 'secret',
      secret: SECRET,
    });
    expect(() => readAuthConfig({ AUTH_MODE: 'secret' })).toThrow(/AUTH_SECRET/);
    expect(readAuthConfig({ AUTH_MODE: 'anonymous' })).toEqual({ mode: 'anonymous' });
    expect(() => readAuthConfig({ AUTH_MODE: 'open' })).toThrow(/Unknown AUTH_MODE/);
  });
});
