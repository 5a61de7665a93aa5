import { createHash, randomBytes } from 'node:crypto';

/** The endpoints of a discovery document the flow uses. */
export interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly end_session_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly code_challenge_methods_supported?: string[];
}

/** What the token endpoint answers. */
export interface TokenSet {
  readonly access_token: string;
  readonly id_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly token_type: string;
  readonly scope?: string;
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * A browser without a browser: follows the issuer's redirects by hand, keeping its cookies,
 * and fills the sign-in form with `name`. Resolves with the `code` and `state` the issuer
 * sends back to `redirectUri`.
 *
 * @example
 * const { code } = await signInForCode(discovery, { clientId, redirectUri, name: 'Ann', challenge });
 */
export async function signInForCode(
  discovery: Discovery,
  options: {
    readonly clientId: string;
    readonly redirectUri: string;
    readonly name: string;
    readonly scope: string;
    readonly challenge?: string;
    readonly state?: string;
  },
): Promise<URL> {
  const cookies = new Map<string, string>();
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: options.scope,
    state: options.state ?? 'state-1',
    ...(options.challenge === undefined
      ? {}
      : { code_challenge: options.challenge, code_challenge_method: 'S256' }),
  }).toString();
  let next: { url: string; method: string; body?: string } = { url: authorize.href, method: 'GET' };
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(next.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(next.body === undefined ? {} : { body: next.body }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) cookies.set(name.trim(), value.join('='));
    }
    const location = response.headers.get('location');
    if (location) {
      const url = new URL(location, next.url);
      if (`${url.origin}${url.pathname}` === options.redirectUri) return url;
      next = { url: url.href, method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action) {
      throw new Error(`Unexpected ${response.status} from ${next.url}: ${html.slice(0, 300)}`);
    }
    next = {
      url: new URL(action.replace(/&amp;/g, '&'), next.url).href,
      method: 'POST',
      body: new URLSearchParams({ name: options.name }).toString(),
    };
  }
  throw new Error('Too many redirects');
}

/** Posts a form to the token endpoint; resolves with the status and the JSON body. */
export async function tokenRequest(
  discovery: Discovery,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
