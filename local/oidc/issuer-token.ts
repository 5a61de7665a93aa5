import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import { ISSUER_ALGORITHM, type IssuerKeys } from './issuer-keys';
import { LOCAL_API_SCOPE, LOCAL_AUDIENCE, LOCAL_CLIENT_ID } from './issuer-settings';

export interface LocalTokenOptions {
  /** The issuer URL (`iss`), e.g. `localIssuerUrl(3001)`. */
  readonly issuer: string;
  /** The user id (`sub`). */
  readonly user: string;
  /** Display name (`name`). Default: the user id. */
  readonly name?: string;
  /** Lifetime, as jose accepts it (`'12h'`, `'30m'`) or seconds (negative: already expired). Default `'12h'`. */
  readonly expiresIn?: string | number;
}

/**
 * An access token of the local issuer, signed with its RS256 key, with the claims its own
 * access tokens carry (`aud` the API, `client_id` the page, `scope`, `name`, `token_use`):
 * what `npm run token` prints for wscat and tests connect with.
 *
 * @example
 * const token = await signLocalAccessToken(keys, { issuer: localIssuerUrl(3001), user: 'alice' });
 */
export async function signLocalAccessToken(
  keys: IssuerKeys,
  options: LocalTokenOptions,
): Promise<string> {
  const expiresIn = options.expiresIn ?? '12h';
  const key = await importJWK(keys.signingKey, ISSUER_ALGORITHM);
  return new SignJWT({
    client_id: LOCAL_CLIENT_ID,
    scope: LOCAL_API_SCOPE,
    name: options.name ?? options.user,
    token_use: 'access',
  })
    .setProtectedHeader({ alg: ISSUER_ALGORITHM, typ: 'at+jwt', kid: keys.signingKey.kid })
    .setIssuer(options.issuer)
    .setSubject(options.user)
    .setAudience(LOCAL_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? `${expiresIn}s` : expiresIn)
    .sign(key);
}
