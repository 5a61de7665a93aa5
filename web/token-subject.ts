/**
 * The `sub` claim of a JWT, read without verifying it: the user id the server will see, used
 * only to mark the page's own user in the member list. Undefined when there is no token or it
 * is not a JWT with a string `sub`.
 *
 * @example
 * tokenSubject('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.sig'); // 'ann'
 */
export function tokenSubject(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (char) =>
        char.charCodeAt(0),
      ),
    );
    const { sub } = JSON.parse(json) as { sub?: unknown };
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
