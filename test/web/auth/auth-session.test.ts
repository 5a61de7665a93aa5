import { createHash } from 'node:crypto';
import type { PageSignInConfig } from '../../../definitions/page-config';
import {
  AuthSession,
  type AuthSessionEnvironment,
  PENDING_KEY,
  REFRESH_MARGIN_MS,
  TOKENS_KEY,
} from '../../../web/auth/auth-session';
import type { FetchJson } from '../../../web/auth/oidc-endpoints';

const ISSUER = 'http://localhost:3001/oidc';
const PAGE = 'http://localhost:3001/';
const CONFIG: PageSignInConfig = { issuer: ISSUER, clientId: 'chat-page', scope: 'openid chat' };
const DISCOVERY = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  end_session_endpoint: `${ISSUER}/session/end`,
  revocation_endpoint: `${ISSUER}/token/revocation`,
};

/** A JWT-shaped token (unsigned: the page only reads it). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.sig`;
}

interface Call {
  readonly url: string;
  readonly form: URLSearchParams | undefined;
}

/** A browser: memory storage, an address bar, a clock, timers run by hand, a scripted issuer. */
function browser(href = PAGE) {
  const store = new Map<string, string>();
  const calls: Call[] = [];
  const timers: { callback: () => void; at: number }[] = [];
  const tokenAnswers: { status: number; body: unknown }[] = [];
  const assigned: string[] = [];
  let now = 1_000_000;
  const location = {
    href,
    origin: 'http://localhost:3001',
    pathname: '/',
    assign: (url: string) => {
      assigned.push(url);
    },
  };
  const fetchJson: FetchJson = async (url, init) => {
    calls.push({ url, form: init ? new URLSearchParams(init.body) : undefined });
    const answer = url.endsWith('/openid-configuration')
      ? { status: 200, body: DISCOVERY }
      : url.endsWith('/revocation')
        ? { status: 200, body: {} }
        : (tokenAnswers.shift() ?? { status: 500, body: {} });
    return { ok: answer.status < 300, status: answer.status, json: async () => answer.body };
  };
  const env: AuthSessionEnvironment = {
    location,
    history: {
      replaceState: (_data, _unused, url) => {
        location.href = String(url);
      },
    },
    storage: {
      getItem: (key) => store.get(key) ?? null,
      setItem: (key, value) => store.set(key, value),
      removeItem: (key) => store.delete(key),
    },
    fetch: fetchJson,
    now: () => now,
    setTimeout: (callback, ms) => timers.push({ callback, at: now + ms }),
    clearTimeout: (handle) => {
      if (typeof handle === 'number')
        timers.splice(handle - 1, 1, { callback: () => {}, at: Infinity });
    },
  };
  return {
    env,
    store,
    calls,
    assigned,
    location,
    tokenAnswers,
    /** Moves the clock and runs the timers now due. */
    async advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timer.at = Infinity;
        timer.callback();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    tokenResponse(sub: string, extra: Record<string, unknown> = {}) {
      return {
        status: 200,
        body: {
          access_token: jwt({ sub, jti: Math.random() }),
          id_token: jwt({ sub, name: `${sub} (name)` }),
          refresh_token: `refresh-${Math.random()}`,
          expires_in: 3600,
          token_type: 'Bearer',
          ...extra,
        },
      };
    },
  };
}

/** Signs in: Sign in, then the issuer sends the browser back with a code. */
async function signedIn(b: ReturnType<typeof browser>): Promise<AuthSession> {
  const first = await AuthSession.start(CONFIG, b.env);
  await first.signIn();
  const state = new URL(b.assigned.at(-1) ?? '').searchParams.get('state');
  b.location.href = `${PAGE}?code=the-code&state=${state}&iss=${encodeURIComponent(ISSUER)}`;
  b.tokenAnswers.push(b.tokenResponse('ann'));
  return AuthSession.start(CONFIG, b.env);
}

describe('Class: AuthSession', () => {
  it('signs in with the authorization code flow and S256 PKCE: nothing secret in the URL', async () => {
    // Prepare
    const b = browser();
    const session = await AuthSession.start(CONFIG, b.env);

    // Act
    await session.signIn();

    // Assess
    const url = new URL(b.assigned[0] ?? '');
    const pending = JSON.parse(b.store.get(PENDING_KEY) ?? '{}');
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'chat-page',
      redirect_uri: PAGE,
      scope: 'openid chat',
      state: pending.state,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    expect(url.href).not.toContain(pending.verifier);
    expect(session.user).toBeUndefined();
  });

  it('exchanges the code with the verifier, keeps the tokens in storage and cleans the address bar', async () => {
    // Prepare
    const b = browser();

    // Act
    const session = await signedIn(b);

    // Assess
    const exchange = b.calls.find((call) => call.form?.get('grant_type') === 'authorization_code');
    const pending = b.calls.length; // discovery ×2 + exchange
    expect(pending).toBe(3);
    expect(Object.fromEntries(exchange?.form ?? [])).toMatchObject({
      code: 'the-code',
      redirect_uri: PAGE,
      client_id: 'chat-page',
      code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(b.location.href).toBe(PAGE);
    expect(b.store.has(PENDING_KEY)).toBe(false);
    expect(JSON.parse(b.store.get(TOKENS_KEY) ?? '{}').accessToken).toBe(session.token());
    expect(session.user).toEqual({ id: 'ann', name: 'ann (name)' });
  });

  it('refuses a code whose state is not the one it sent, and an error answer', async () => {
    // Prepare
    const b = browser(`${PAGE}?code=stolen&state=other`);
    b.store.set(PENDING_KEY, JSON.stringify({ state: 'mine', verifier: 'v' }));
    const denied = browser(`${PAGE}?error=access_denied&state=x`);

    // Act / Assess
    await expect(AuthSession.start(CONFIG, b.env)).rejects.toThrow('unexpected state');
    await expect(AuthSession.start(CONFIG, denied.env)).rejects.toThrow('access_denied');
    expect(b.location.href).toBe(PAGE);
    expect(b.calls.some((call) => call.form?.get('code') === 'stolen')).toBe(false);
  });

  it('refreshes the access token a minute before it expires, keeping Cognito’s refresh token when none comes back', async () => {
    // Prepare
    const b = browser();
    const session = await signedIn(b);
    const before = session.token();
    const { refreshToken } = JSON.parse(b.store.get(TOKENS_KEY) ?? '{}');
    b.tokenAnswers.push(b.tokenResponse('ann', { refresh_token: undefined }));
    const changes = jest.fn();
    session.onChange(changes);

    // Act
    await b.advance(3600_000 - REFRESH_MARGIN_MS - 1);
    const early = b.calls.length;
    await b.advance(1);

    // Assess
    const refresh = b.calls.at(-1);
    expect(early).toBe(3);
    expect(Object.fromEntries(refresh?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'chat-page',
    });
    expect(session.token()).not.toBe(before);
    expect(JSON.parse(b.store.get(TOKENS_KEY) ?? '{}').refreshToken).toBe(refreshToken);
    expect(changes).toHaveBeenCalledTimes(1);
  });

  it('signs out when the issuer refuses the refresh, retries when the network fails', async () => {
    // Prepare
    const b = browser();
    const session = await signedIn(b);
    b.tokenAnswers.push(
      { status: 503, body: {} },
      { status: 400, body: { error: 'invalid_grant' } },
    );

    // Act
    await b.advance(3600_000 - REFRESH_MARGIN_MS);
    const afterOutage = session.token();
    await b.advance(30_000);

    // Assess
    expect(afterOutage).toEqual(expect.any(String));
    expect(session.token()).toBeUndefined();
    expect(session.user).toBeUndefined();
    expect(b.store.has(TOKENS_KEY)).toBe(false);
  });

  it('signs out at the issuer: revokes the refresh token, then its end_session_endpoint', async () => {
    // Prepare
    const b = browser();
    const session = await signedIn(b);
    const { refreshToken, idToken } = JSON.parse(b.store.get(TOKENS_KEY) ?? '{}');

    // Act
    await session.signOut();

    // Assess
    const revoke = b.calls.at(-1);
    const logout = new URL(b.assigned.at(-1) ?? '');
    expect(revoke?.url).toBe(`${ISSUER}/token/revocation`);
    expect(revoke?.form?.get('token')).toBe(refreshToken);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${ISSUER}/session/end`);
    expect(Object.fromEntries(logout.searchParams)).toEqual({
      client_id: 'chat-page',
      post_logout_redirect_uri: PAGE,
      id_token_hint: idToken,
    });
    expect(session.user).toBeUndefined();
    expect(b.store.has(TOKENS_KEY)).toBe(false);
  });

  it('signs out of Cognito through its /logout, which wants client_id and logout_uri', async () => {
    // Prepare
    const b = browser();
    const cognito = {
      ...CONFIG,
      logoutEndpoint: 'https://chat.auth.eu-west-1.amazoncognito.com/logout',
    };
    const first = await AuthSession.start(cognito, b.env);
    await first.signIn();
    const state = new URL(b.assigned.at(-1) ?? '').searchParams.get('state');
    b.location.href = `${PAGE}?code=c&state=${state}`;
    b.tokenAnswers.push(b.tokenResponse('ann'));
    const session = await AuthSession.start(cognito, b.env);

    // Act
    await session.signOut();

    // Assess
    expect(b.assigned.at(-1)).toBe(
      `https://chat.auth.eu-west-1.amazoncognito.com/logout?client_id=chat-page&logout_uri=${encodeURIComponent(PAGE)}`,
    );
  });

  it('fails to start when discovery names another issuer', async () => {
    // Prepare
    const b = browser();

    // Act / Assess
    await expect(
      AuthSession.start({ ...CONFIG, issuer: 'http://evil.test/oidc' }, b.env),
    ).rejects.toThrow('issuer mismatch');
  });
});
