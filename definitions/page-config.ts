import * as z from 'zod/mini';

/**
 * The file served next to the chat page, which the page reads (`web/page-config.ts`): written
 * by the CDK stack (`lib/web-hosting.ts`) when deployed, served by `npm start` (where to sign
 * in locally).
 *
 * @example
 * Source.jsonData(PAGE_CONFIG_FILE, { webSocketUrl, signIn } satisfies PageConfig);
 */
export const PAGE_CONFIG_FILE = 'config.json';

const HttpUrl = z.string().check(z.regex(/^https?:\/\/\S+$/));

/** Where the page signs in: an OIDC issuer and the page's public client (code flow + PKCE). */
export const PageSignInConfig = z.object({
  /** The issuer URL; its `/.well-known/openid-configuration` names the endpoints. */
  issuer: HttpUrl,
  /** The page's client id (a public client: no secret). */
  clientId: z.string().check(z.minLength(1), z.maxLength(256)),
  /** The scopes the page asks for. */
  scope: z.string().check(z.minLength(1)),
  /**
   * Cognito's `/logout` endpoint, which wants `client_id` and `logout_uri` instead of the
   * OIDC `post_logout_redirect_uri`. Without it the page uses the issuer's `end_session_endpoint`.
   */
  logoutEndpoint: z.optional(HttpUrl),
});
export type PageSignInConfig = z.infer<typeof PageSignInConfig>;

/** The content of `PAGE_CONFIG_FILE`. */
export const PageConfig = z.object({
  /** The wss:// URL of the deployed stage; locally the page connects to the gateway that served it. */
  webSocketUrl: z.optional(z.string().check(z.regex(/^wss?:\/\/\S+$/))),
  /** Absent: the chat takes no tokens (anonymous mode). */
  signIn: z.optional(PageSignInConfig),
});
export type PageConfig = z.infer<typeof PageConfig>;
