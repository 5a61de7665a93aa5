import { jwtVerify, SignJWT } from 'jose';
import { identityFromClaims, type UserIdentity } from './identity';
import { toInvalidTokenError } from './jose-errors';
import { checkTokenClaims, joseClaimOptions, type TokenClaimsPolicy } from './token-claims-policy';
import { InvalidTokenError, type TokenVerifier } from './token-verifier';

/** The `iss` of tokens signed with a shared secret (local use: `npm run token`). */
export const SECRET_TOKEN_ISSUER = 'apigw-chat-local';
/** Shortest secret accepted: HS256 wants at least 256 bits. */
export const MIN_SECRET_LENGTH = 32;

const ALGORITHM = 'HS256';

function keyOf(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The token secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return new TextEncoder().encode(secret);
}

/**
 * Verifies HS256 tokens signed with a shared secret and issued by `apigw-chat-local`.
 * Meant for the local runtime; a deployed stack verifies an identity provider's JWTs.
 *
 * @example
 * const identity = await new SecretTokenVerifier(secret).verify(token);
 */
export class SecretTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array;

  /** `policy.tokenUse` does not apply: these tokens have no `token_use`. */
  constructor(
    secret: string,
    private readonly policy: Pick<TokenClaimsPolicy, 'maxTokenAgeSeconds'> = {},
  ) {
    this.key = keyOf(secret);
  }

  async verify(token: string): Promise<UserIdentity> {
    const { payload } = await jwtVerify(token, this.key, {
      algorithms: [ALGORITHM],
      issuer: SECRET_TOKEN_ISSUER,
      ...joseClaimOptions(),
    }).catch((error: unknown) => {
      throw toInvalidTokenError(error);
    });
    checkTokenClaims(payload, this.policy);
    const identity = identityFromClaims(payload);
    if (!identity) throw new InvalidTokenError('unauthorized', 'Token has no subject');
    return identity;
  }
}

export interface SecretTokenOptions {
  /** The user id (`sub`). */
  readonly user: string;
  /** Display name (`name`). Default: the user id. */
  readonly name?: string;
  /** Lifetime, as jose accepts it (`'12h'`, `'30m'`) or seconds. Default `'12h'`. */
  readonly expiresIn?: string | number;
}

/**
 * Signs a token that `SecretTokenVerifier` accepts.
 *
 * @example
 * const token = await signSecretToken(secret, { user: 'alice', name: 'Alice' });
 */
export async function signSecretToken(
  secret: string,
  options: SecretTokenOptions,
): Promise<string> {
  const expiresIn = options.expiresIn ?? '12h';
  return new SignJWT({ name: options.name ?? options.user })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(options.user)
    .setIssuer(SECRET_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? `${expiresIn}s` : expiresIn)
    .sign(keyOf(secret));
}
