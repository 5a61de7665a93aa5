export {
  AUTH_MODES,
  type AuthConfig,
  AuthConfigError,
  type AuthMode,
  createTokenVerifier,
  readAuthConfig,
} from './auth-config';
export { identityFromClaims, MAX_IDENTITY_LENGTH, type UserIdentity } from './identity';
export { JwtVerifier, type JwtVerifierOptions } from './jwt-verifier';
export {
  MIN_SECRET_LENGTH,
  SECRET_TOKEN_ISSUER,
  type SecretTokenOptions,
  SecretTokenVerifier,
  signSecretToken,
} from './secret-token-verifier';
export {
  CLOCK_SKEW_SECONDS,
  checkTokenClaims,
  joseClaimOptions,
  TOKEN_USES,
  type TokenClaimsPolicy,
  type TokenUse,
} from './token-claims-policy';
export { InvalidTokenError, type TokenRejection, type TokenVerifier } from './token-verifier';
