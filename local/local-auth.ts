import { AUTH_ENV } from '../definitions/api';
import type { IssuerKeys } from './oidc/issuer-keys';

/**
 * How the local runtime's `$connect` authorizer checks clients: `oidc` (the runtime's own
 * OIDC issuer, `local/oidc/`, the default of `npm start`), `jwt` (another OIDC issuer's
 * tokens, as on AWS) or `anonymous` (everyone is a guest). The same
 * `lambdas/handlers/authorize.ts` runs in every mode, and `oidc` and `jwt` verify RS256
 * tokens against the issuer's JWKS as the deployed authorizer does.
 */
export type LocalAuth =
  | {
      readonly mode: 'oidc';
      /** The issuer's keys (`loadIssuerKeys()` persists them). Default: new ones, forgotten on close. */
      readonly keys?: IssuerKeys;
      /** Lifetime of its access tokens, in seconds. Default 3600. */
      readonly accessTokenTtlSeconds?: number;
    }
  | {
      readonly mode: 'jwt';
      readonly issuer: string;
      readonly audience: string;
      readonly jwksUri?: string;
      /** How long the authorizer keeps the JWKS, in seconds (`JWKS_CACHE_SECONDS`). */
      readonly jwksCacheSeconds?: number;
    }
  | { readonly mode: 'anonymous' };

/** The token checks of the authorizer: an issuer's JWTs, or none. */
export type AuthorizerSettings = Exclude<LocalAuth, { mode: 'oidc' }>;

/**
 * The authorizer's environment for `settings`: every `AUTH_ENV` variable, unset ones empty, so
 * a previous runtime's settings in this process cannot leak into this one.
 *
 * @example
 * authEnvironment({ mode: 'anonymous' }); // { AUTH_MODE: 'anonymous', JWT_ISSUER: '', ... }
 */
export function authEnvironment(settings: AuthorizerSettings): Record<string, string> {
  return {
    [AUTH_ENV.authMode]: settings.mode,
    [AUTH_ENV.jwtIssuer]: settings.mode === 'jwt' ? settings.issuer : '',
    [AUTH_ENV.jwtAudience]: settings.mode === 'jwt' ? settings.audience : '',
    [AUTH_ENV.jwtJwksUri]: settings.mode === 'jwt' ? (settings.jwksUri ?? '') : '',
    [AUTH_ENV.jwksCacheSeconds]:
      settings.mode === 'jwt' && settings.jwksCacheSeconds !== undefined
        ? String(settings.jwksCacheSeconds)
        : '',
  };
}
