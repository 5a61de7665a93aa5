/** The longest name the sign-in page takes. */
export const MAX_NAME_LENGTH = 64;

/**
 * The local issuer's users: whoever signs in with a name. The user id (`sub`) is the name's
 * letters, digits and `_ . @ -` (so `Ann Lee` is `AnnLee`); the name itself is the `name`
 * claim. Kept in memory: after a restart a user's tokens carry the id as their name until
 * they sign in again.
 *
 * @example
 * const accounts = new LocalAccounts();
 * accounts.signIn('Ann Lee'); // 'AnnLee'
 * accounts.nameOf('AnnLee'); // 'Ann Lee'
 */
export class LocalAccounts {
  private readonly names = new Map<string, string>();

  /** The user id of `name`, remembered with it; `undefined` when the name has no usable character. */
  signIn(name: string): string | undefined {
    const display = name.trim().slice(0, MAX_NAME_LENGTH);
    const id = userIdOf(display);
    if (id === undefined) return undefined;
    this.names.set(id, display);
    return id;
  }

  /** The name `id` signed in with, or the id itself. */
  nameOf(id: string): string {
    return this.names.get(id) ?? id;
  }
}

/**
 * The user id of a display name: its letters, digits and `_ . @ -`.
 *
 * @example
 * userIdOf('Ann Lee!'); // 'AnnLee'
 */
export function userIdOf(name: string): string | undefined {
  const id = name.replace(/[^A-Za-z0-9_.@-]/g, '').slice(0, MAX_NAME_LENGTH);
  return id === '' ? undefined : id;
}
