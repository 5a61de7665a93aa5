import { AUTH_ENV as ENV } from '../../definitions/api';
import { JwtVerifier } from './jwt-verifier';
import { SecretTokenVerifier } from './secret-token-verifier';
import type { TokenVerifier } from './token-verifier';

/** `AUTH_MODE`: how `$connect` proves who connects. */
export const AUTH_MODES = ['jwt', 'secret', 'anonymous'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The authorizer's settings, read from its environment. */
export type AuthConfig =
  | { readonly mode: 'anonymous' }
  | { readonly mode: 'secret'; readonly secret: string }
  | {
      readonly mode: 'jwt';
      readonly issuer: string;
      readonly audience: string;
      readonly jwksUri: string | undefined;
    };

/** The environment lacks what its `AUTH_MODE` needs: the authorizer refuses every connection. */
export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

/**
 * Reads `AUTH_MODE` (default `jwt`) and what that mode needs: `AUTH_SECRET` (secret),
 * `JWT_ISSUER` and `JWT_AUDIENCE`, optionally `JWT_JWKS_URI` (jwt).
 *
 * @throws AuthConfigError when a value the mode needs is missing or unknown.
 * @example
 * readAuthConfig({ AUTH_MODE: 'secret', AUTH_SECRET: secret }); // { mode: 'secret', secret }
 */
export function readAuthConfig(env: NodeJS.ProcessEnv): AuthConfig {
  const mode = env[ENV.authMode] || 'jwt';
  if (mode === 'anonymous') return { mode };
  if (mode === 'secret') {
    const secret = env[ENV.authSecret];
    if (!secret) throw new AuthConfigError(`AUTH_MODE=secret needs ${ENV.authSecret}`);
    return { mode, secret };
  }
  if (mode === 'jwt') {
    const issuer = env[ENV.jwtIssuer];
    const audience = env[ENV.jwtAudience];
    if (!issuer || !audience) {
      throw new AuthConfigError(`AUTH_MODE=jwt needs ${ENV.jwtIssuer} and ${ENV.jwtAudience}`);
    }
    return { mode, issuer, audience, jwksUri: env[ENV.jwtJwksUri] || undefined };
  }
  throw new AuthConfigError(`Unknown AUTH_MODE "${mode}": expected ${AUTH_MODES.join(' | ')}`);
}

/** The verifier of a token-checking mode. */
export function createTokenVerifier(
  config: Exclude<AuthConfig, { mode: 'anonymous' }>,
): TokenVerifier {
  return config.mode === 'secret'
    ? new SecretTokenVerifier(config.secret)
    : new JwtVerifier({
        issuer: config.issuer,
        audience: config.audience,
        ...(config.jwksUri === undefined ? {} : { jwksUri: config.jwksUri }),
      });
}
