import { InvalidTokenError } from './token-verifier';

/**
 * Who a verified token says the user is: `userId` from `sub`, `name` from the first of
 * `name`, `preferred_username`, `cognito:username` (Cognito ID tokens), `username` (Cognito
 * access tokens) or `sub`.
 *
 * @example
 * identityFromClaims({ sub: 'u-1', name: 'Alice' }); // { userId: 'u-1', name: 'Alice' }
 */
export interface UserIdentity {
  readonly userId: string;
  readonly name: string;
}

/** The longest user id accepted (a longer `sub` is refused) and display name kept (longer names are cut). */
export const MAX_IDENTITY_LENGTH = 128;

const NAME_CLAIMS = ['name', 'preferred_username', 'cognito:username', 'username'] as const;

/**
 * The identity of a verified token's claims; `undefined` when it has no usable `sub`.
 *
 * @throws InvalidTokenError when `sub` is longer than `MAX_IDENTITY_LENGTH`: cutting it would
 * let two users who share its first 128 characters be one.
 */
export function identityFromClaims(
  claims: Readonly<Record<string, unknown>>,
): UserIdentity | undefined {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.trim() === '') return undefined;
  if (sub.length > MAX_IDENTITY_LENGTH) {
    throw new InvalidTokenError(
      'unauthorized',
      `Claim "sub" rejected: ${sub.length} characters, over ${MAX_IDENTITY_LENGTH}`,
    );
  }
  const named = NAME_CLAIMS.map((claim) => claims[claim]).find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  return {
    userId: sub,
    name: (named ?? sub).trim().slice(0, MAX_IDENTITY_LENGTH),
  };
}
