import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AUTH_ENV } from '../definitions/api';
import { signSecretToken } from '../lambdas/auth';

/**
 * How the local runtime's `$connect` authorizer checks clients: `secret` (HS256 tokens from
 * `npm run token`), `jwt` (an OIDC issuer's tokens, as on AWS) or `anonymous` (everyone is a
 * guest). The same `lambdas/handlers/authorize.ts` runs in every mode.
 */
export type LocalAuth =
  | { readonly mode: 'secret'; readonly secret: string }
  | {
      readonly mode: 'jwt';
      readonly issuer: string;
      readonly audience: string;
      readonly jwksUri?: string;
    }
  | { readonly mode: 'anonymous' };

/** Where `npm start` and `npm run token` keep the local signing secret. */
export const DEV_SECRET_FILE = '.data/dev-secret';

/**
 * The authorizer's environment for `auth`: every `AUTH_ENV` variable, unset ones empty, so a
 * previous runtime's settings in this process cannot leak into this one.
 *
 * @example
 * authEnvironment({ mode: 'anonymous' }); // { AUTH_MODE: 'anonymous', AUTH_SECRET: '', ... }
 */
export function authEnvironment(auth: LocalAuth): Record<string, string> {
  return {
    [AUTH_ENV.authMode]: auth.mode,
    [AUTH_ENV.authSecret]: auth.mode === 'secret' ? auth.secret : '',
    [AUTH_ENV.jwtIssuer]: auth.mode === 'jwt' ? auth.issuer : '',
    [AUTH_ENV.jwtAudience]: auth.mode === 'jwt' ? auth.audience : '',
    [AUTH_ENV.jwtJwksUri]: auth.mode === 'jwt' ? (auth.jwksUri ?? '') : '',
  };
}

/**
 * The local signing secret: `AUTH_SECRET` when set, else the content of `file`, created with
 * 32 random bytes (hex, mode 0600) on first use. `npm start` and `npm run token` share it, so
 * tokens survive restarts; delete the file to invalidate every token.
 *
 * @example
 * const secret = await devSecret(); // '9f2c…' (64 hex characters)
 */
export async function devSecret(
  file: string = DEV_SECRET_FILE,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const fromEnv = env[AUTH_ENV.authSecret];
  if (fromEnv) return fromEnv;
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}

/**
 * A token for `user` that the local runtime accepts in secret mode.
 *
 * @example
 * const token = await devToken(secret, 'alice', 'Alice');
 */
export function devToken(secret: string, user: string, name?: string): Promise<string> {
  return signSecretToken(secret, { user, ...(name === undefined ? {} : { name }) });
}
