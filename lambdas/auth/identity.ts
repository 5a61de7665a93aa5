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

/** The longest user id or display name kept; longer claims are cut. */
export const MAX_IDENTITY_LENGTH = 128;

const NAME_CLAIMS = ['name', 'preferred_username', 'cognito:username', 'username'] as const;

/** The identity of a verified token's claims; `undefined` when it has no usable `sub`. */
export function identityFromClaims(
  claims: Readonly<Record<string, unknown>>,
): UserIdentity | undefined {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.trim() === '') return undefined;
  const named = NAME_CLAIMS.map((claim) => claims[claim]).find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  return {
    userId: sub.slice(0, MAX_IDENTITY_LENGTH),
    name: (named ?? sub).trim().slice(0, MAX_IDENTITY_LENGTH),
  };
}
