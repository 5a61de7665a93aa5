import type { UserInfo } from '../client/index';

/**
 * The identity the server will read from a JWT, decoded without verifying it: `id` is its
 * `sub`, `name` its `name`, `preferred_username` or `cognito:username`, else the `sub` (as the
 * authorizer does, `docs/protocol.md`). Used only to name the page's own user and mark it in
 * the member list. Undefined when there is no token or it is not a JWT with a string `sub`.
 *
 * @example
 * tokenIdentity('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4iLCJuYW1lIjoiQW5uIn0.sig'); // { id: 'ann', name: 'Ann' }
 */
export function tokenIdentity(token: string | undefined): UserInfo | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (char) =>
        char.charCodeAt(0),
      ),
    );
    const claims = JSON.parse(json) as Record<string, unknown>;
    const { sub } = claims;
    if (typeof sub !== 'string' || sub === '') return undefined;
    const name = [claims.name, claims.preferred_username, claims['cognito:username']].find(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    );
    return { id: sub, name: name ?? sub };
  } catch {
    return undefined;
  }
}
