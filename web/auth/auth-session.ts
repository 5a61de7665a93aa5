import * as z from 'zod/mini';
import type { PageSignInConfig } from '../../definitions/page-config';
import { tokenIdentity } from '../token-identity';
import { discoverEndpoints, type FetchJson, type OidcEndpoints } from './oidc-endpoints';
import { createPkcePair, randomString } from './pkce';

/** sessionStorage key of the tokens (per tab, gone with it; never in a URL). */
export const TOKENS_KEY = 'apigw-chat.auth';
/** sessionStorage key of a sign-in in flight: its `state` and PKCE verifier. */
export const PENDING_KEY = 'apigw-chat.auth.pending';
/** A token this close to its expiry is refreshed. */
export const REFRESH_MARGIN_MS = 60_000;
/** After a refresh that failed on the network, the next try. */
const RETRY_MS = 30_000;

const StoredTokens = z.object({
  accessToken: z.string().check(z.minLength(1)),
  idToken: z.optional(z.string()),
  refreshToken: z.optional(z.string()),
  /** Epoch ms. */
  expiresAt: z.number(),
});
type StoredTokens = z.infer<typeof StoredTokens>;

const Pending = z.object({ state: z.string(), verifier: z.string() });

const TokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  id_token: z.optional(z.string()),
  refresh_token: z.optional(z.string()),
  expires_in: z.number().check(z.positive()),
});

/** The signed-in user, as the ID token names them (display only: the server verifies). */
export interface SignedInUser {
  readonly id: string;
  readonly name: string;
}

/** What the session needs of the browser (all injectable for tests). */
export interface AuthSessionEnvironment {
  readonly location: Pick<Location, 'href' | 'origin' | 'pathname' | 'assign'>;
  readonly history: Pick<History, 'replaceState'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  readonly fetch: FetchJson;
  readonly now?: () => number;
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

/**
 * The page's sign-in at an OIDC issuer: authorization code flow with PKCE (S256) for a public
 * client. Tokens live in sessionStorage, never in a URL or a log; the code and state the
 * issuer sends back are removed from the address bar at once. The access token is refreshed
 * `REFRESH_MARGIN_MS` before it expires; `token()` always returns the current one, so a
 * reconnecting socket presents a fresh token.
 *
 * @example
 * const session = await AuthSession.start(config.signIn, { location, history, storage: sessionStorage, fetch });
 * if (!session.user) await session.signIn();
 * connect(url, { auth: () => ({ token: session.token() ?? '' }) });
 */
export class AuthSession {
  private tokens: StoredTokens | undefined;
  private timer: unknown;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly config: PageSignInConfig,
    private readonly endpoints: OidcEndpoints,
    private readonly env: AuthSessionEnvironment,
  ) {
    this.tokens = readJson(env.storage, TOKENS_KEY, StoredTokens);
  }

  /**
   * Discovers the issuer, finishes a sign-in the issuer has just sent the page back from
   * (`?code=&state=`, or `?error=`), and schedules the next refresh.
   *
   * @throws Error when discovery fails, or the issuer's answer is an error or not for this page.
   */
  static async start(config: PageSignInConfig, env: AuthSessionEnvironment): Promise<AuthSession> {
    const endpoints = await discoverEndpoints(config.issuer, env.fetch);
    const session = new AuthSession(config, endpoints, env);
    await session.completeSignIn();
    session.schedule();
    return session;
  }

  /** The page's own address, its redirect and post-sign-out URI. */
  get redirectUri(): string {
    return `${this.env.location.origin}${this.env.location.pathname}`;
  }

  /** The signed-in user, or undefined when signed out. */
  get user(): SignedInUser | undefined {
    if (!this.tokens) return undefined;
    return tokenIdentity(this.tokens.idToken) ?? tokenIdentity(this.tokens.accessToken);
  }

  /** The access token for `$connect`, or undefined when signed out. */
  token(): string | undefined {
    if (this.tokens && this.now() >= this.tokens.expiresAt - REFRESH_MARGIN_MS) this.schedule(0);
    return this.tokens?.accessToken;
  }

  /** Calls `listener` when the user signs in, out, or the token is refreshed. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Sends the browser to the issuer's sign-in page. */
  async signIn(): Promise<void> {
    const { verifier, challenge } = await createPkcePair();
    const state = randomString();
    this.env.storage.setItem(PENDING_KEY, JSON.stringify({ state, verifier }));
    const url = new URL(this.endpoints.authorization_endpoint);
    for (const [key, value] of Object.entries({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri,
      scope: this.config.scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(key, value);
    }
    this.env.location.assign(url.href);
  }

  /**
   * Forgets the tokens, revokes the refresh token (best effort), and ends the issuer's session:
   * Cognito's `/logout` (`logoutEndpoint`), else the issuer's `end_session_endpoint`, else
   * only here.
   */
  async signOut(): Promise<void> {
    const tokens = this.tokens;
    this.setTokens(undefined);
    if (tokens?.refreshToken && this.endpoints.revocation_endpoint) {
      await this.post(this.endpoints.revocation_endpoint, {
        token: tokens.refreshToken,
        token_type_hint: 'refresh_token',
        client_id: this.config.clientId,
      }).catch(() => undefined);
    }
    const logout = this.logoutUrl(tokens?.idToken);
    if (logout) this.env.location.assign(logout);
  }

  private logoutUrl(idToken: string | undefined): string | undefined {
    const { logoutEndpoint } = this.config;
    const end = logoutEndpoint ?? this.endpoints.end_session_endpoint;
    if (!end) return undefined;
    const url = new URL(end);
    const params: Record<string, string> = logoutEndpoint
      ? { client_id: this.config.clientId, logout_uri: this.redirectUri }
      : {
          client_id: this.config.clientId,
          post_logout_redirect_uri: this.redirectUri,
          ...(idToken ? { id_token_hint: idToken } : {}),
        };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.href;
  }

  private async completeSignIn(): Promise<void> {
    const url = new URL(this.env.location.href);
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    if (code === null && error === null) return;
    const state = url.searchParams.get('state');
    for (const key of ['code', 'state', 'error', 'error_description', 'iss', 'session_state']) {
      url.searchParams.delete(key);
    }
    this.env.history.replaceState(null, '', url.href);
    const pending = readJson(this.env.storage, PENDING_KEY, Pending);
    this.env.storage.removeItem(PENDING_KEY);
    if (error !== null) throw new Error(`sign-in failed: ${error}`);
    if (!pending || pending.state !== state) throw new Error('sign-in failed: unexpected state');
    this.setTokens(
      await this.requestTokens({
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: this.redirectUri,
        client_id: this.config.clientId,
        code_verifier: pending.verifier,
      }),
    );
  }

  private async refresh(): Promise<void> {
    const current = this.tokens;
    if (!current?.refreshToken) {
      if (current && this.now() >= current.expiresAt) this.setTokens(undefined);
      return;
    }
    let renewed: StoredTokens;
    try {
      renewed = await this.requestTokens({
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
        client_id: this.config.clientId,
      });
    } catch (error) {
      if (error instanceof RefusedError) this.setTokens(undefined);
      else this.schedule(RETRY_MS);
      return;
    }
    // Issuers that do not rotate refresh tokens (Cognito) answer without one: keep ours.
    this.setTokens({
      ...renewed,
      refreshToken: renewed.refreshToken ?? current.refreshToken,
      idToken: renewed.idToken ?? current.idToken,
    });
  }

  private async requestTokens(form: Record<string, string>): Promise<StoredTokens> {
    const response = await this.post(this.endpoints.token_endpoint, form);
    if (response.status === 400 || response.status === 401) throw new RefusedError();
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    const parsed = TokenResponse.safeParse(await response.json());
    if (!parsed.success) throw new Error('token endpoint: not a token response');
    const body = parsed.data;
    return {
      accessToken: body.access_token,
      ...(body.id_token === undefined ? {} : { idToken: body.id_token }),
      ...(body.refresh_token === undefined ? {} : { refreshToken: body.refresh_token }),
      expiresAt: this.now() + body.expires_in * 1000,
    };
  }

  private post(url: string, form: Record<string, string>) {
    return this.env.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private setTokens(tokens: StoredTokens | undefined): void {
    this.tokens = tokens;
    if (tokens) this.env.storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else this.env.storage.removeItem(TOKENS_KEY);
    this.schedule();
    for (const listener of this.listeners) listener();
  }

  /** Refreshes after `delayMs`, by default `REFRESH_MARGIN_MS` before the token expires. */
  private schedule(delayMs?: number): void {
    const clear = this.env.clearTimeout ?? ((handle) => clearTimeout(handle as number));
    const set = this.env.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
    if (this.timer !== undefined) clear(this.timer);
    this.timer = undefined;
    if (!this.tokens) return;
    const delay = delayMs ?? Math.max(0, this.tokens.expiresAt - REFRESH_MARGIN_MS - this.now());
    this.timer = set(() => {
      this.timer = undefined;
      void this.refresh();
    }, delay);
  }

  private now(): number {
    return (this.env.now ?? Date.now)();
  }
}

/** The token endpoint refused the grant (400/401): the session is over. */
class RefusedError extends Error {}

function readJson<T>(
  storage: Pick<Storage, 'getItem'>,
  key: string,
  schema: z.ZodMiniType<T>,
): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(storage.getItem(key) ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
