import type { JWTPayload, JWTVerifyOptions } from 'jose';
import { DEFAULT_TOKEN_MAX_AGE_SECONDS, TOKEN_USES, type TokenUse } from '../../definitions/api';
import { InvalidTokenError } from './token-verifier';

export { TOKEN_USES, type TokenUse };
/** Clock difference tolerated between the issuer and the authorizer. */
export const CLOCK_SKEW_SECONDS = 60;

export interface TokenClaimsPolicy {
  /** Default `any`: no `token_use` check (issuers other than Cognito rarely set it). */
  readonly tokenUse?: TokenUse;
  /**
   * Oldest `iat` accepted, in seconds; `exp` may not lie further ahead than this either.
   * Default `DEFAULT_TOKEN_MAX_AGE_SECONDS`.
   */
  readonly maxTokenAgeSeconds?: number;
}

/**
 * jose's part of the policy: `sub`, `exp` and a numeric `iat` required, `exp` not past (no
 * tolerance: the skew applies to `iat` only, see `checkTokenClaims`).
 *
 * @example
 * await jwtVerify(token, keys, { issuer, ...joseClaimOptions() });
 */
export function joseClaimOptions(): JWTVerifyOptions {
  return { requiredClaims: ['sub', 'exp', 'iat'] };
}

/**
 * The rest of the policy, on claims jose has verified: `token_use` (when the policy names
 * one), `iat` neither older than the maximum token age nor later than now plus the clock
 * skew, and `exp` no further ahead than the maximum token age (not valid for a century).
 *
 * @throws InvalidTokenError (`unauthorized`) naming the claim.
 * @example
 * checkTokenClaims(payload, { tokenUse: 'access' });
 */
export function checkTokenClaims(
  payload: JWTPayload,
  policy: TokenClaimsPolicy,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): void {
  const tokenUse = policy.tokenUse ?? 'any';
  if (tokenUse !== 'any' && payload.token_use !== tokenUse) {
    throw new InvalidTokenError(
      'unauthorized',
      `Claim "token_use" rejected: expected ${tokenUse}, got ${JSON.stringify(payload.token_use)}`,
    );
  }
  const maxAge = policy.maxTokenAgeSeconds ?? DEFAULT_TOKEN_MAX_AGE_SECONDS;
  const iat = Number(payload.iat);
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new InvalidTokenError(
      'unauthorized',
      `Claim "iat" rejected: ${iat - nowSeconds} s in the future`,
    );
  }
  if (nowSeconds - iat > maxAge) {
    throw new InvalidTokenError(
      'unauthorized',
      `Claim "iat" rejected: issued ${nowSeconds - iat} s ago, over the maximum age of ${maxAge} s`,
    );
  }
  if (typeof payload.exp === 'number' && payload.exp > nowSeconds + maxAge + CLOCK_SKEW_SECONDS) {
    throw new InvalidTokenError(
      'unauthorized',
      `Claim "exp" rejected: more than ${maxAge} s ahead`,
    );
  }
}
