import * as z from 'zod/mini';

/** The parts of an issuer's discovery document the page uses. */
export const OidcEndpoints = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string().check(z.regex(/^https?:\/\//)),
  token_endpoint: z.string().check(z.regex(/^https?:\/\//)),
  end_session_endpoint: z.optional(z.string().check(z.regex(/^https?:\/\//))),
  revocation_endpoint: z.optional(z.string().check(z.regex(/^https?:\/\//))),
});
export type OidcEndpoints = z.infer<typeof OidcEndpoints>;

/** A narrow `fetch`. */
export type FetchJson = (
  url: string,
  init?: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<Pick<Response, 'ok' | 'status' | 'json'>>;

/**
 * The endpoints of `issuer`, from its `/.well-known/openid-configuration`.
 *
 * @throws Error when the document cannot be fetched, is not a discovery document, or names another issuer.
 * @example
 * const endpoints = await discoverEndpoints('http://localhost:3001/oidc', (url) => fetch(url));
 */
export async function discoverEndpoints(
  issuer: string,
  fetchJson: FetchJson,
): Promise<OidcEndpoints> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetchJson(url);
  if (!response.ok) throw new Error(`sign-in discovery failed (${response.status})`);
  const parsed = OidcEndpoints.safeParse(await response.json());
  if (!parsed.success) throw new Error('sign-in discovery: not an OpenID configuration');
  if (parsed.data.issuer !== issuer) throw new Error('sign-in discovery: issuer mismatch');
  return parsed.data;
}
