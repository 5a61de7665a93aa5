import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import {
  generateIssuerKeys,
  ISSUER_ALGORITHM,
  type IssuerKeys,
} from '../../local/oidc/issuer-keys';
import {
  LOCAL_AUDIENCE,
  LOCAL_CLIENT_ID,
  LOCAL_PAGE_SCOPE,
} from '../../local/oidc/issuer-settings';
import {
  type Discovery,
  pkcePair,
  signInForCode,
  type TokenSet,
  tokenRequest,
} from '../support/oidc-code-flow';
import { ProtocolClient } from '../support/protocol-client';

jest.setTimeout(30_000);

describe('Local runtime: the local OIDC issuer (npm start) and the authorizer', () => {
  let runtime: LocalRuntime;
  let keys: IssuerKeys;
  let discovery: Discovery;
  let pageUrl: string;
  const clients: ProtocolClient[] = [];

  /** Signs `name` in through the sign-in page with PKCE and exchanges the code. */
  const signIn = async (name: string): Promise<TokenSet> => {
    const { verifier, challenge } = pkcePair();
    const back = await signInForCode(discovery, {
      clientId: LOCAL_CLIENT_ID,
      redirectUri: pageUrl,
      name,
      scope: LOCAL_PAGE_SCOPE,
      challenge,
    });
    const { status, body } = await tokenRequest(discovery, {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: pageUrl,
      client_id: LOCAL_CLIENT_ID,
      code_verifier: verifier,
    });
    expect(status).toBe(200);
    return body as unknown as TokenSet;
  };
  const connect = async (token: string): Promise<ProtocolClient> => {
    const client = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`, { token: token });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    keys = await generateIssuerKeys();
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc', keys },
      gateway: { logger: silentLogger },
    });
    pageUrl = `http://localhost:${runtime.gateway.port}/`;
    const response = await fetch(`${runtime.issuer?.issuer}/.well-known/openid-configuration`);
    discovery = (await response.json()) as Discovery;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  afterAll(async () => {
    await runtime.close();
  });

  it('publishes discovery under http://localhost:<port>/oidc, S256 PKCE only', () => {
    // Assess
    const issuer = `http://localhost:${runtime.gateway.port}/oidc`;
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/session/end`,
      revocation_endpoint: `${issuer}/token/revocation`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('publishes one RS256 public key in its JWKS, and no private part', async () => {
    // Act
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as {
      keys: Record<string, unknown>[];
    };

    // Assess
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]?.kid).toEqual(expect.any(String));
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('tells the page where to sign in through /config.json', async () => {
    // Act
    const config = await (await fetch(`${pageUrl}config.json`)).json();

    // Assess
    expect(config).toEqual({
      signIn: { issuer: discovery.issuer, clientId: LOCAL_CLIENT_ID, scope: LOCAL_PAGE_SCOPE },
    });
  });

  it('signs a name in with code + PKCE: an RS256 access token for the API that the authorizer accepts', async () => {
    // Act
    const tokens = await signIn('Ann Lee');
    const claims = decodeJwt(tokens.access_token);
    const jwks = createLocalJWKSet(await (await fetch(discovery.jwks_uri)).json());
    const verified = await jwtVerify(tokens.access_token, jwks, { issuer: discovery.issuer });
    const ann = await connect(tokens.access_token);
    const bob = await connect((await signIn('Bob')).access_token);
    await ann.request('join', { room: 'issuer-room' });
    await bob.request('join', { room: 'issuer-room' });
    await bob.request('chat', { room: 'issuer-room', message: 'hi Ann' });
    const received = await ann.event('chat');

    // Assess
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({
      alg: 'RS256',
      typ: 'at+jwt',
    });
    expect(claims).toMatchObject({
      iss: discovery.issuer,
      sub: 'AnnLee',
      name: 'Ann Lee',
      aud: LOCAL_AUDIENCE,
      client_id: LOCAL_CLIENT_ID,
      token_use: 'access',
    });
    expect(verified.payload.sub).toBe('AnnLee');
    expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: 'AnnLee', name: 'Ann Lee' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(received).toMatchObject({ data: 'hi Ann', user: { id: 'Bob', name: 'Bob' } });
  });

  it('refreshes: a new access token for the same user, and the old refresh token is spent', async () => {
    // Prepare
    const tokens = await signIn('Cat');
    const refresh = { grant_type: 'refresh_token', client_id: LOCAL_CLIENT_ID };

    // Act
    const first = await tokenRequest(discovery, {
      ...refresh,
      refresh_token: tokens.refresh_token ?? '',
    });
    const replay = await tokenRequest(discovery, {
      ...refresh,
      refresh_token: tokens.refresh_token ?? '',
    });
    const renewed = first.body as unknown as TokenSet;

    // Assess
    expect(first.status).toBe(200);
    expect(renewed.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(renewed.access_token)).toMatchObject({ sub: 'Cat', name: 'Cat' });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    await expect(connect(renewed.access_token)).resolves.toBeInstanceOf(ProtocolClient);
  });

  it('refuses a sign-in without PKCE, and a code exchanged with the wrong verifier', async () => {
    // Act
    const noPkce = await signInForCode(discovery, {
      clientId: LOCAL_CLIENT_ID,
      redirectUri: pageUrl,
      name: 'Dan',
      scope: LOCAL_PAGE_SCOPE,
    });
    const { challenge } = pkcePair();
    const back = await signInForCode(discovery, {
      clientId: LOCAL_CLIENT_ID,
      redirectUri: pageUrl,
      name: 'Dan',
      scope: LOCAL_PAGE_SCOPE,
      challenge,
    });
    const wrongVerifier = await tokenRequest(discovery, {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: pageUrl,
      client_id: LOCAL_CLIENT_ID,
      code_verifier: pkcePair().verifier,
    });

    // Assess
    expect(noPkce.searchParams.get('error')).toBe('invalid_request');
    expect(noPkce.searchParams.get('code')).toBeNull();
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');
  });

  it('refuses a redirect URI it does not know', async () => {
    // Act
    const response = await fetch(
      `${discovery.authorization_endpoint}?${new URLSearchParams({
        client_id: LOCAL_CLIENT_ID,
        redirect_uri: 'http://evil.test/',
        response_type: 'code',
        scope: LOCAL_PAGE_SCOPE,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );

    // Assess: an error page, never a redirect to the unknown URI.
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('accepts the tokens npm run token signs (same key) and refuses expired ones with 401', async () => {
    // Prepare
    const token = await runtime.issuer?.signToken({ user: 'eve', name: 'Eve' });
    const expired = await runtime.issuer?.signToken({ user: 'eve', expiresIn: -30 });

    // Act
    const status = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`, {
      token: expired,
    }).then(
      () => 'accepted',
      (error: { status?: number }) => error.status,
    );

    // Assess
    await expect(connect(token ?? '')).resolves.toBeInstanceOf(ProtocolClient);
    expect(status).toBe(401);
  });

  it('refuses, with 401, genuine tokens of the issuer that are ID tokens, from the future, too long-lived or with a 129-character sub', async () => {
    // Prepare: signed with the issuer's own key, like its access tokens but for one claim.
    const key = await importJWK(keys.signingKey, ISSUER_ALGORITHM);
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({
        iss: runtime.issuer?.issuer,
        aud: LOCAL_AUDIENCE,
        client_id: LOCAL_CLIENT_ID,
        sub: 'mallory',
        token_use: 'access',
        iat: now,
        exp: now + 600,
        ...claims,
      })
        .setProtectedHeader({ alg: ISSUER_ALGORITHM, kid: keys.signingKey.kid })
        .sign(key);
    const statusOf = (token: string) =>
      ProtocolClient.open(`${runtime.gateway.url}?ns=/`, { token: token }).then(
        (client) => {
          clients.push(client);
          return 'accepted';
        },
        (error: { status?: number }) => error.status,
      );

    // Act
    const statuses = {
      access: await statusOf(await sign({})),
      id: await statusOf(await sign({ token_use: 'id' })),
      noTokenUse: await statusOf(await sign({ token_use: undefined })),
      yearAhead: await statusOf(await sign({ iat: now + 365 * 86_400, exp: now + 366 * 86_400 })),
      century: await statusOf(await sign({ exp: now + 100 * 365 * 86_400 })),
      longSub: await statusOf(await sign({ sub: 'm'.repeat(129) })),
    };

    // Assess
    expect(statuses).toEqual({
      access: 'accepted',
      id: 401,
      noTokenUse: 401,
      yearAhead: 401,
      century: 401,
      longSub: 401,
    });
  });
  // Last: it changes the issuer's key for the tests after it.
  it('revokes every token signed with a rotated key at the next connection, without a restart', async () => {
    // Prepare
    const before = (await runtime.issuer?.signToken({ user: 'rita' })) ?? '';
    await expect(connect(before)).resolves.toBeInstanceOf(ProtocolClient);
    const rotated = await generateIssuerKeys();

    // Act
    runtime.issuer?.rotateKeys(rotated);
    const oldToken = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`, {
      token: before,
    }).then(
      () => 'accepted',
      (error: { status?: number }) => error.status,
    );
    const after = (await runtime.issuer?.signToken({ user: 'rita' })) ?? '';
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };

    // Assess
    expect(oldToken).toBe(401);
    await expect(connect(after)).resolves.toBeInstanceOf(ProtocolClient);
    expect(jwks.keys.map((key) => key.kid)).toEqual([rotated.signingKey.kid]);
  });
});
