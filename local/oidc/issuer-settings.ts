/**
 * The local issuer's fixed names, shared by `npm start` (the issuer), `npm run token` (tokens
 * without a browser) and the authorizer's environment.
 */

/** Where the gateway serves the issuer: `http://localhost:<port>/oidc`. */
export const ISSUER_PATH = '/oidc';

/** The chat page's client: public (no secret), authorization code + PKCE, refresh tokens. */
export const LOCAL_CLIENT_ID = 'chat-page';

/** The API the access tokens are for (`aud`): the authorizer's `JWT_AUDIENCE` locally. */
export const LOCAL_AUDIENCE = 'urn:apigw-chat:api';

/** The scope of the API's access tokens. */
export const LOCAL_API_SCOPE = 'chat';

/** What the page asks for: an ID token with the name, a refresh token, and the API's scope. */
export const LOCAL_PAGE_SCOPE = `openid profile offline_access ${LOCAL_API_SCOPE}`;

/**
 * The issuer of a gateway on `port`: `localhost`, as the page URL `npm start` prints.
 *
 * @example
 * localIssuerUrl(3001); // 'http://localhost:3001/oidc'
 */
export function localIssuerUrl(port: number): string {
  return `http://localhost:${port}${ISSUER_PATH}`;
}

/**
 * Whether a request path is the issuer's (`/oidc` or below).
 *
 * @example
 * isIssuerPath('/oidc/token'); // true
 */
export function isIssuerPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0] as string;
  return path === ISSUER_PATH || path.startsWith(`${ISSUER_PATH}/`);
}
