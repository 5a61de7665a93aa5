import { errors } from 'jose';
import { InvalidTokenError } from './token-verifier';

/** Claims whose failure means "a real token, but not for us": 403 rather than 401. */
const FOREIGN_CLAIMS = new Set(['iss', 'aud']);

/**
 * Maps jose's verification errors to `InvalidTokenError`: wrong issuer or audience is
 * `forbidden`, anything else (bad signature, expired, malformed, unknown key) `unauthorized`.
 * Errors that are not about the token (e.g. the JWKS endpoint is down) are rethrown as they are.
 */
export function toInvalidTokenError(error: unknown): Error {
  if (error instanceof errors.JWTClaimValidationFailed && !(error instanceof errors.JWTExpired)) {
    return new InvalidTokenError(
      FOREIGN_CLAIMS.has(error.claim) ? 'forbidden' : 'unauthorized',
      `Claim "${error.claim}" rejected: ${error.message}`,
    );
  }
  if (
    error instanceof errors.JWTExpired ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new InvalidTokenError('unauthorized', `${error.code}: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
