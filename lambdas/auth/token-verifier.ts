import type { UserIdentity } from './identity';

/**
 * Why a token was refused. `unauthorized` (missing, malformed, badly signed or expired: the
 * client should get a new token) maps to 401; `forbidden` (a genuine token for another issuer
 * or audience) to 403.
 */
export type TokenRejection = 'unauthorized' | 'forbidden';

/** A token that does not prove an identity. The message is for logs, never for the client. */
export class InvalidTokenError extends Error {
  constructor(
    readonly rejection: TokenRejection,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Turns a bearer token into the identity it proves, or throws `InvalidTokenError`.
 *
 * @example
 * const identity = await verifier.verify(token); // { userId: 'alice', name: 'Alice' }
 */
export interface TokenVerifier {
  verify(token: string): Promise<UserIdentity>;
}
