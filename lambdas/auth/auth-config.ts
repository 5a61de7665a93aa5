import { AUTH_ENV as ENV } from '../../definitions/api';
import { JwtVerifier } from './jwt-verifier';
import { SecretTokenVerifier } from './secret-token-verifier';
import { TOKEN_USES, type TokenClaimsPolicy, type TokenUse } from './token-claims-policy';
import type { TokenVerifier } from './token-verifier';

/** `AUTH_MODE`: how `$connect` proves who connects. */
export const AUTH_MODES = ['jwt', 'secret', 'anonymous'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The authorizer's settings, read from its environment. */
export type AuthConfig =
  | { readonly mode: 'anonymous' }
  | {
      readonly mode: 'secret';
      readonly secret: string;
      readonly maxTokenAgeSeconds: number | undefined;
    }
  | {
      readonly mode: 'jwt';
      readonly issuer: string;
      readonly audience: string;
      readonly jwksUri: string | undefined;
      /** See `AUTH_ENV.jwksCacheSeconds`; undefined: jose's default. */
      readonly jwksCacheSeconds?: number | undefined;
      readonly tokenUse: TokenUse;
      readonly maxTokenAgeSeconds: number | undefined;
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
 * `JWT_ISSUER` and `JWT_AUDIENCE`, optionally `JWT_JWKS_URI` and `JWT_TOKEN_USE` (jwt), and
 * `TOKEN_MAX_AGE_SECONDS` (both).
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
    return { mode, secret, maxTokenAgeSeconds: maxTokenAgeOf(env) };
  }
  if (mode === 'jwt') {
    const issuer = env[ENV.jwtIssuer];
    const audience = env[ENV.jwtAudience];
    if (!issuer || !audience) {
      throw new AuthConfigError(`AUTH_MODE=jwt needs ${ENV.jwtIssuer} and ${ENV.jwtAudience}`);
    }
    return {
      mode,
      issuer,
      audience,
      jwksUri: env[ENV.jwtJwksUri] || undefined,
      jwksCacheSeconds: jwksCacheSecondsOf(env),
      tokenUse: tokenUseOf(env),
      maxTokenAgeSeconds: maxTokenAgeOf(env),
    };
  }
  throw new AuthConfigError(`Unknown AUTH_MODE "${mode}": expected ${AUTH_MODES.join(' | ')}`);
}

function tokenUseOf(env: NodeJS.ProcessEnv): TokenUse {
  const value = env[ENV.jwtTokenUse] || 'any';
  if ((TOKEN_USES as readonly string[]).includes(value)) return value as TokenUse;
  throw new AuthConfigError(
    `Unknown ${ENV.jwtTokenUse} "${value}": expected ${TOKEN_USES.join(' | ')}`,
  );
}

function jwksCacheSecondsOf(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[ENV.jwksCacheSeconds];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isInteger(seconds) && seconds >= 0) return seconds;
  throw new AuthConfigError(`${ENV.jwksCacheSeconds} must be an integer ≥ 0, got "${value}"`);
}

function maxTokenAgeOf(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[ENV.tokenMaxAgeSeconds];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isInteger(seconds) && seconds > 0) return seconds;
  throw new AuthConfigError(`${ENV.tokenMaxAgeSeconds} must be a positive integer, got "${value}"`);
}

/** The verifier of a token-checking mode. */
export function createTokenVerifier(
  config: Exclude<AuthConfig, { mode: 'anonymous' }>,
): TokenVerifier {
  const policy: TokenClaimsPolicy =
    config.maxTokenAgeSeconds === undefined
      ? {}
      : { maxTokenAgeSeconds: config.maxTokenAgeSeconds };
  return config.mode === 'secret'
    ? new SecretTokenVerifier(config.secret, policy)
    : new JwtVerifier({
        issuer: config.issuer,
        audience: config.audience,
        tokenUse: config.tokenUse,
        ...policy,
        ...(config.jwksUri === undefined ? {} : { jwksUri: config.jwksUri }),
        ...(config.jwksCacheSeconds === undefined
          ? {}
          : { jwksCacheSeconds: config.jwksCacheSeconds }),
      });
}
