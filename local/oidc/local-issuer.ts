import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Configuration, errors } from 'oidc-provider';
import type { PageSignInConfig } from '../../definitions/page-config';
import type { HttpRoute } from '../gateway';
import { ISSUER_ALGORITHM, type IssuerKeys } from './issuer-keys';
import {
  ISSUER_PATH,
  LOCAL_API_SCOPE,
  LOCAL_AUDIENCE,
  LOCAL_CLIENT_ID,
  LOCAL_PAGE_SCOPE,
} from './issuer-settings';
import { type LocalTokenOptions, signLocalAccessToken } from './issuer-token';
import { LocalAccounts } from './local-accounts';
import { escapeHtml, issuerPage } from './sign-in-page';
import { createSignInRoute, interactionPath } from './sign-in-route';

/** Seconds: an access token lives an hour (as Cognito's default), a sign-in two weeks. */
const TTL = {
  AccessToken: 3600,
  AuthorizationCode: 60,
  IdToken: 3600,
  Interaction: 3600,
  RefreshToken: 14 * 24 * 3600,
  Session: 14 * 24 * 3600,
  Grant: 14 * 24 * 3600,
} as const;

export interface LocalIssuerOptions {
  /** The issuer URL, ending in `ISSUER_PATH` (e.g. `localIssuerUrl(port)`). */
  readonly issuer: string;
  /** Where the page may come back to after sign-in and sign-out (e.g. `http://localhost:3001/`). */
  readonly pageUrls: readonly string[];
  readonly keys: IssuerKeys;
  /** Lifetime of access tokens, in seconds. Default 3600. */
  readonly accessTokenTtlSeconds?: number;
}

/** The local OIDC issuer: what the page, the authorizer and tests need of it. */
export interface LocalIssuer {
  /** The `iss` of its tokens. */
  readonly issuer: string;
  /** Its signing keys (RS256), for the authorizer's `JWT_JWKS_URI`. */
  readonly jwksUri: string;
  /** The `aud` of its access tokens, the authorizer's `JWT_AUDIENCE`. */
  readonly audience: string;
  /** The page's sign-in settings, served as `config.json`. */
  readonly pageConfig: PageSignInConfig;
  /** Serves the issuer under `ISSUER_PATH` (discovery, JWKS, authorize, token, sign-in pages). */
  readonly route: HttpRoute;
  /** Signs an access token for `user` without a browser (`npm run token`, tests). */
  signToken(options: Omit<LocalTokenOptions, 'issuer'>): Promise<string>;
  /**
   * Signs with `keys` from now on and publishes only them in the JWKS, so every token signed
   * with the old key is refused as soon as the authorizer re-reads the JWKS (locally at every
   * connection). Sign-in sessions start over. `npm start` calls it when
   * `.data/oidc/keys.json` changes or is removed.
   */
  rotateKeys(keys: IssuerKeys): void;
}

/**
 * The local stand-in for the stack's Cognito user pool, built on `oidc-provider`: discovery,
 * JWKS (RS256), authorization code flow with PKCE (S256) required of its one public client,
 * the page; JWT access tokens for the API (`aud` `LOCAL_AUDIENCE`, with `name`), rotating
 * refresh tokens, revocation and RP-initiated logout. Its sign-in page asks for a name only.
 * Sessions and refresh tokens live in memory: a restart signs everyone out, but access tokens
 * stay valid until they expire (the key persists).
 *
 * @example
 * const issuer = createLocalIssuer({ issuer: localIssuerUrl(3001), pageUrls: ['http://localhost:3001/'], keys });
 */
export function createLocalIssuer(options: LocalIssuerOptions): LocalIssuer {
  const mountPath = new URL(options.issuer).pathname.replace(/\/$/, '');
  if (mountPath !== ISSUER_PATH) throw new Error(`The issuer must end in ${ISSUER_PATH}`);
  const accounts = new LocalAccounts();
  let keys = options.keys;
  const build = () => {
    const provider = new Provider(options.issuer, configuration({ ...options, keys }, accounts));
    return { callback: provider.callback(), signIn: createSignInRoute(provider, accounts) };
  };
  let current = build();
  const route: HttpRoute = async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path !== ISSUER_PATH && !path.startsWith(`${ISSUER_PATH}/`)) return false;
    const { callback, signIn } = current;
    if (await signIn(req, res)) return true;
    await serve(callback, req, res);
    return true;
  };
  return {
    issuer: options.issuer,
    jwksUri: `${options.issuer}/jwks`,
    audience: LOCAL_AUDIENCE,
    pageConfig: { issuer: options.issuer, clientId: LOCAL_CLIENT_ID, scope: LOCAL_PAGE_SCOPE },
    route,
    signToken: (token) => signLocalAccessToken(keys, { ...token, issuer: options.issuer }),
    rotateKeys: (next) => {
      keys = next;
      current = build();
    },
  };
}

function configuration(options: LocalIssuerOptions, accounts: LocalAccounts): Configuration {
  const pageOrigins = new Set(options.pageUrls.map((url) => new URL(url).origin));
  return {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_name: 'apigw-chat page',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...options.pageUrls],
        post_logout_redirect_uris: [...options.pageUrls],
      },
    ],
    jwks: { keys: [options.keys.signingKey] },
    cookies: { keys: options.keys.cookieKeys },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: accounts.nameOf(sub) }),
    }),
    extraTokenClaims: (_ctx, token) =>
      'accountId' in token && token.accountId
        ? { name: accounts.nameOf(token.accountId), token_use: 'access' }
        : undefined,
    // First-party page: sign-in grants what it asks for, no consent screen.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope('openid profile offline_access');
      grant.addResourceScope(LOCAL_AUDIENCE, LOCAL_API_SCOPE);
      await grant.save();
      return grant;
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: (_ctx, origin) => pageOrigins.has(origin),
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => LOCAL_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== LOCAL_AUDIENCE) throw new errors.InvalidTarget();
          return {
            scope: LOCAL_API_SCOPE,
            audience: LOCAL_AUDIENCE,
            accessTokenTTL: options.accessTokenTtlSeconds ?? TTL.AccessToken,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: ISSUER_ALGORITHM } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = issuerPage(
            'Sign out',
            `${form}<p>Sign out of the local issuer?</p>
            <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>`,
          );
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = issuerPage('Signed out', '<p>You can close this page.</p>');
        },
      },
    },
    ttl: {
      ...TTL,
      // The resource server's lifetime (accessTokenTtlSeconds) wins over the default.
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? TTL.AccessToken,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = issuerPage(
        'Sign-in failed',
        `<p class="error">${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`,
      );
    },
  };
}

/**
 * Runs the provider's handler with the mount path stripped and the full URL kept as
 * `originalUrl`, as Express's `app.use(path, ...)` does: the provider builds its URLs from both.
 */
function serve(
  callback: (req: IncomingMessage, res: ServerResponse) => unknown,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const originalUrl = req.url ?? '/';
  Object.assign(req, { originalUrl, url: originalUrl.slice(ISSUER_PATH.length) || '/' });
  return new Promise((resolve, reject) => {
    res.on('finish', resolve);
    res.on('close', resolve);
    res.on('error', reject);
    Promise.resolve(callback(req, res)).catch(reject);
  });
}
